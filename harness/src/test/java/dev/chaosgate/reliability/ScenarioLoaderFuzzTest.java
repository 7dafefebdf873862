package dev.chaosgate.reliability;

import dev.chaosgate.fixtures.YamlFileException;
import dev.chaosgate.scenario.Phase;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.scenario.ScenarioCatalog;
import dev.chaosgate.scenario.ScenarioLoader;
import dev.chaosgate.testsupport.OwnJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.chaosgate.reliability.ToxiproxyApiFuzzTest.daemon;

/**
 * Fuzzes the scenario loader with the built-in scenario files, mutated: lines deleted, doubled,
 * swapped or re-indented, scalars replaced by other types, unicode, huge numbers and negative
 * durations, text cut at a random byte, tabs, anchors and aliases, billion-laughs bombs, deep
 * nesting, second documents, control characters.
 *
 * <p>The oracle: each mutant is a valid {@link Scenario} or a {@link YamlFileException} naming the
 * file and a line of it, whose message names no Java or library class and does not contradict
 * itself, with a hint where the loader promises one (syntax errors, unknown and duplicate keys).
 * Any other exception, or a case that takes longer than {@value #CASE_TIMEOUT_MILLIS} ms, fails.
 */
@OwnJvm
class ScenarioLoaderFuzzTest {
    private static final long CASE_TIMEOUT_MILLIS = 2_000;
    private static final Pattern INTEGER_SHOWN = Pattern.compile("must be a whole number, but it is a number \\(`-?\\d+`\\)");
    private static final Pattern AT_LEAST = Pattern.compile("must be at least (-?\\d+)[^,]*, got (-?\\d+)");
    /** An alias in a value's place ({@code key: *x}, {@code - *x}): the loader cannot resolve one, so it must refuse it. */
    private static final Pattern ALIAS = Pattern.compile("(?m)(:|^\\s*-)[ \\t]+\\*[A-Za-z0-9_]+[ \\t]*$");

    private static final List<String> LEAKS = List.of("Exception", "org.yaml", "com.fasterxml", "java.", "StreamReadConstraints",
            "Event(", "JsonToken", "VALUE_");
    /** Scalars that are other types, out of range, unicode, or YAML oddities. */
    private static final List<String> SCALARS = List.of("0", "-1", "1.5", "1e400", "-1e400", "99999999999999999999",
            "9".repeat(2000), "0x1F", "0o17", ".inf", "-.inf", ".nan", "~", "null", "true", "yes", "off", "''", "\"\"", "[]", "{}",
            "[1, 2]", "{a: 1}", "-5s", "-1ms", "0s", "0ms", "5 seconds", "1.5.5s", "99999999999999999999999h", "1e3s", "名前", "😀",
            "\"\\u0000\"", "'quoted'", "\"unterminated", "x".repeat(10_000), "!!str 5", "!!int x", "!!binary aGVsbG8=",
            "!custom x", "|\n  block", ">-\n  folded", "@reserved", "`tick", "%percent", "- item", "key: nested", "*undefined",
            "2147483648", "-9223372036854775809", "9223372036854775807", "0.0000001ms", "1h", "600", "0.5", "-0");

    @TempDir
    Path dir;

    @Test
    void mutatedScenarioFilesGiveAScenarioOrAClearError() throws Exception {
        FuzzConfig config = FuzzConfig.of("ScenarioLoaderFuzzTest", 3_000);
        Violations violations = new Violations(config);
        Random random = new Random(config.seed());
        Map<String, String> seeds = new TreeMap<>();
        for (String resource : ScenarioCatalog.builtInResources()) {
            seeds.put(resource.substring(resource.lastIndexOf('/') + 1), resource(resource));
        }
        List<String> files = new ArrayList<>(seeds.keySet());
        ScenarioLoader loader = ScenarioLoader.standard();
        Map<String, Integer> outcomes = new TreeMap<>();
        ExecutorService worker = Executors.newSingleThreadExecutor(daemon("fuzz-yaml"));
        long started = System.nanoTime();
        long slowest = 0;
        try {
            for (int i = 0; i < config.count(); i++) {
                String file = files.get(random.nextInt(files.size()));
                Mutant mutant = new Mutant(random, seeds.get(file));
                int mutations = 1 + random.nextInt(3);
                for (int m = 0; m < mutations; m++) {
                    mutant.mutate();
                }
                String text = mutant.text();
                // Now and then from a file of the seed's name, so the name check runs too.
                boolean fromFile = random.nextInt(10) == 0;
                String where = fromFile ? dir.resolve(file).toString() : file;
                String what = "case " + i + " (" + file + ", " + String.join(", ", mutant.applied) + "):\n" + text;
                long caseStarted = System.nanoTime();
                Future<Object> result = worker.submit(() -> {
                    try {
                        if (fromFile) {
                            Path path = dir.resolve(file);
                            Files.writeString(path, text, StandardCharsets.UTF_8);
                            return loader.load(path);
                        }
                        return loader.parse(text, file);
                    } catch (Throwable t) {
                        return t;
                    }
                });
                Object outcome;
                try {
                    outcome = result.get(CASE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    violations.add("no result within " + CASE_TIMEOUT_MILLIS + " ms", what);
                    worker.shutdownNow();
                    worker = Executors.newSingleThreadExecutor(daemon("fuzz-yaml"));
                    continue;
                }
                slowest = Math.max(slowest, System.nanoTime() - caseStarted);
                outcomes.merge(check(outcome, text, where, what, violations), 1, Integer::sum);
            }
        } finally {
            worker.shutdownNow();
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.println("ScenarioLoaderFuzzTest: " + config.count() + " mutants of " + seeds.size() + " files in " + millis
                + " ms (slowest " + slowest / 1_000_000 + " ms): " + outcomes);
        violations.assertNone();
    }

    /** Checks one outcome; returns what kind of outcome it was, for the figures. */
    private static String check(Object outcome, String text, String file, String what, Violations violations) {
        if (outcome instanceof Scenario scenario) {
            checkScenario(scenario, what, violations);
            // Jackson hands an alias over as the anchor's name: taking that for the value misreads the file.
            expect(!ALIAS.matcher(outsideBlockScalars(text)).find(), "YAML alias read as a plain string", what + "\n=> " + scenario,
                    violations);
            expect(!hasSecondDocument(text), "second YAML document ignored", what, violations);
            return "valid scenario";
        }
        if (!(outcome instanceof YamlFileException e)) {
            Throwable t = (Throwable) outcome;
            StringBuilder trace = new StringBuilder(t.toString());
            Arrays.stream(t.getStackTrace()).limit(6).forEach(f -> trace.append("\n  at ").append(f));
            violations.add("not a YamlFileException: " + t.getClass().getName(), what + "\n=> " + trace);
            return "other exception";
        }
        String where = what + "\n=> " + e.getMessage();
        expect(e.file().equals(file) && e.getMessage().startsWith(file + ":"), "error does not name the file and a line", where, violations);
        int lines = (int) text.lines().count();
        expect(e.line() >= 1 && e.line() <= lines + 1, "error line outside the text", where + " (line " + e.line() + " of " + lines + ")",
                violations);
        expect(!e.problem().isBlank(), "error without a problem", where, violations);
        for (String leak : LEAKS) {
            expect(!e.getMessage().contains(leak), "error names Java or library internals", where, violations);
        }
        expect(!INTEGER_SHOWN.matcher(e.problem()).find(), "error calls a whole number not one", where, violations);
        Matcher atLeast = AT_LEAST.matcher(e.problem());
        if (atLeast.find()) {
            expect(new java.math.BigInteger(atLeast.group(2)).compareTo(new java.math.BigInteger(atLeast.group(1))) < 0,
                    "error says at least N for a value above N", where, violations);
        }
        boolean promised = e.problem().startsWith("not valid YAML") || e.problem().startsWith("unknown key")
                || e.problem().startsWith("duplicate key");
        if (promised) {
            expect(e.hint().filter(h -> !h.isBlank()).isPresent(), "error without the hint the loader promises", where, violations);
        }
        return outcomeClass(e.problem());
    }

    /** A coarse class of error, for the figures the run prints. */
    private static String outcomeClass(String problem) {
        if (problem.startsWith("not valid YAML")) {
            return "YAML syntax";
        }
        if (problem.startsWith("YAML aliases")) {
            return "alias";
        }
        if (problem.startsWith("a second YAML document")) {
            return "second document";
        }
        if (problem.startsWith("unknown key") || problem.startsWith("duplicate key") || problem.contains("lacks the required key")) {
            return "unknown, duplicate or missing key";
        }
        return problem.contains("must be") || problem.contains("cannot be") || problem.contains("unknown") ? "wrong type or value"
                : "other rule";
    }

    /** The text without the lines of block scalars ({@code key: >-} and the lines indented under it), where {@code *x} is only text. */
    static String outsideBlockScalars(String text) {
        StringBuilder out = new StringBuilder();
        int blockIndent = -1;
        for (String line : text.split("\n")) {
            int indent = line.length() - line.stripLeading().length();
            if (blockIndent >= 0 && (line.isBlank() || indent > blockIndent)) {
                continue;
            }
            blockIndent = line.matches(".*:\\s*[|>][-+]?\\s*") ? indent : -1;
            out.append(line).append('\n');
        }
        return out.toString();
    }

    /** Whether a {@code ---} line after some content is followed by more content (not only comments, directives or {@code ...}). */
    static boolean hasSecondDocument(String text) {
        boolean content = false;
        boolean marker = false;
        for (String line : text.split("\n")) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#") || line.startsWith("%")) {
                continue; // directives (%YAML, %TAG) come before a document's ---
            }
            if (t.equals("---")) {
                marker = content;
            } else if (!t.equals("...")) {
                if (marker) {
                    return true;
                }
                content = true;
            }
        }
        return false;
    }

    private static void checkScenario(Scenario scenario, String what, Violations violations) {
        expect(scenario.name().matches("[a-z0-9]+(-[a-z0-9]+)*"), "scenario name not in the loader's own form", what, violations);
        expect(!scenario.phases().isEmpty(), "scenario without phases", what, violations);
        for (Phase phase : scenario.phases()) {
            Duration d = phase.duration();
            expect(d == null || (!d.isNegative() && !d.isZero()), "phase duration not positive", what, violations);
            // Long.MAX_VALUE nanoseconds is what an overflowing conversion gives: a value the file did not say.
            expect(d == null || d.toNanos() != Long.MAX_VALUE, "phase duration silently saturated", what + "\n=> " + d, violations);
            String fault = String.valueOf(phase.upstream());
            expect(!fault.contains("PT2562047H47M16.854775807S"), "fault duration silently saturated", what + "\n=> " + fault, violations);
        }
    }

    private static void expect(boolean condition, String kind, String what, Violations violations) {
        if (!condition) {
            violations.add(kind, what);
        }
    }

    private static String resource(String name) {
        try (InputStream in = ScenarioLoaderFuzzTest.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A scenario file being mutated, line by line; {@link #applied} names the mutations, for the report. */
    static final class Mutant {
        private final Random random;
        private List<String> lines;
        final List<String> applied = new ArrayList<>();

        Mutant(Random random, String text) {
            this.random = random;
            this.lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        }

        String text() {
            return String.join("\n", lines);
        }

        private int line() {
            return random.nextInt(lines.size());
        }

        private <T> T pick(List<T> items) {
            return items.get(random.nextInt(items.size()));
        }

        /** Lines of the form {@code key: value} or {@code - value}, where a value can be swapped. */
        private List<Integer> valueLines() {
            List<Integer> found = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).matches("\\s*(- )?[A-Za-z_]+: \\S.*") || lines.get(i).matches("\\s*- \\S.*")) {
                    found.add(i);
                }
            }
            return found;
        }

        void mutate() {
            if (lines.isEmpty()) {
                lines.add("");
            }
            int kind = random.nextInt(17);
            switch (kind) {
                case 0 -> {
                    applied.add("delete a line");
                    lines.remove(line());
                }
                case 1 -> {
                    applied.add("double a line");
                    int at = line();
                    lines.add(at, lines.get(at));
                }
                case 2 -> {
                    applied.add("swap two lines");
                    int a = line();
                    int b = line();
                    String first = lines.get(a);
                    lines.set(a, lines.get(b));
                    lines.set(b, first);
                }
                case 3 -> {
                    applied.add("re-indent a line");
                    int at = line();
                    String stripped = lines.get(at).stripLeading();
                    int indent = Math.max(0, lines.get(at).length() - stripped.length() + random.nextInt(9) - 4);
                    lines.set(at, " ".repeat(random.nextInt(5) == 0 ? 0 : indent) + stripped);
                }
                case 4, 5, 6 -> replaceScalar();
                case 7 -> {
                    applied.add("cut at a random byte");
                    byte[] bytes = text().getBytes(StandardCharsets.UTF_8);
                    String cut = new String(bytes, 0, random.nextInt(bytes.length + 1), StandardCharsets.UTF_8);
                    lines = new ArrayList<>(Arrays.asList(cut.split("\n", -1)));
                }
                case 8 -> {
                    applied.add("insert a tab");
                    int at = line();
                    String l = lines.get(at);
                    int pos = random.nextBoolean() ? 0 : random.nextInt(l.length() + 1);
                    lines.set(at, l.substring(0, pos) + "\t" + l.substring(pos));
                }
                case 9 -> anchorAndAlias();
                case 10 -> {
                    applied.add("billion laughs");
                    List<String> bomb = new ArrayList<>();
                    bomb.add("lol0: &lol0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]");
                    for (int i = 1; i < 10; i++) {
                        String ref = "*lol" + (i - 1);
                        bomb.add("lol" + i + ": &lol" + i + " [" + String.join(", ", java.util.Collections.nCopies(9, ref)) + "]");
                    }
                    if (random.nextBoolean()) {
                        lines.addAll(0, bomb);
                    } else {
                        // The bomb where a value is expected: a scenario's description made of it.
                        lines.addAll(0, bomb.subList(0, bomb.size() - 1));
                        lines.add("description: *lol8");
                    }
                }
                case 11 -> {
                    applied.add("deep nesting");
                    int depth = 10 + random.nextInt(random.nextBoolean() ? 100 : 3_000);
                    List<Integer> values = valueLines();
                    String nested = random.nextBoolean() ? "[".repeat(depth) + "]".repeat(depth) : "{a: ".repeat(depth) + "1" + "}".repeat(depth);
                    if (!values.isEmpty()) {
                        int at = pick(values);
                        lines.set(at, lines.get(at).replaceFirst(":\\s.*", ": " + nested));
                    } else {
                        lines.add("phases: " + nested);
                    }
                }
                case 12 -> {
                    applied.add("a key again or misspelt");
                    List<Integer> values = valueLines();
                    if (values.isEmpty()) {
                        return;
                    }
                    int at = pick(values);
                    String l = lines.get(at);
                    lines.add(at + 1, random.nextBoolean() ? l : l.replaceFirst("([A-Za-z_]+):", "$1x:"));
                }
                case 13 -> {
                    applied.add("YAML oddity");
                    lines.add(line(), pick(List.of("---", "...", "%YAML 1.2", "%TAG ! tag:x,2000:", "? complex key", "<<: *base",
                            "!!map", "? [a, b]\n: 1", "name: !!binary aGVsbG8=", "&anchor", "# only a comment", "---\nname: second")));
                }
                case 14 -> {
                    applied.add("control character");
                    int at = line();
                    String l = lines.get(at);
                    int pos = random.nextInt(l.length() + 1);
                    lines.set(at, l.substring(0, pos) + pick(List.of("\u0000", "\uFEFF", "\r", "\u2028", "\u001b", "\u0085", "\u007f",
                            "\ud83d\ude00", "\u202e")) + l.substring(pos));
                }
                case 15 -> {
                    applied.add("change a key's case");
                    int at = line();
                    String l = lines.get(at);
                    Matcher m = Pattern.compile("^(\\s*(?:- )?)([a-z][A-Za-z]*):").matcher(l);
                    if (m.find()) {
                        lines.set(at, m.group(1) + m.group(2).toUpperCase(java.util.Locale.ROOT) + l.substring(m.end() - 1));
                    }
                }
                default -> {
                    applied.add("grow");
                    int at = line();
                    int copies = 10 + random.nextInt(500);
                    for (int i = 0; i < copies; i++) {
                        lines.add(at, lines.get(at));
                    }
                }
            }
        }

        private void replaceScalar() {
            List<Integer> values = valueLines();
            if (values.isEmpty()) {
                applied.add("nothing to replace");
                return;
            }
            int at = pick(values);
            String scalar = pick(SCALARS);
            applied.add("replace a value by " + Violations.shorten(scalar.length() > 20 ? scalar.substring(0, 20) + "..." : scalar));
            String l = lines.get(at);
            if (l.matches("\\s*(- )?[A-Za-z_]+: \\S.*")) {
                int colon = l.indexOf(": ");
                lines.set(at, l.substring(0, colon + 2) + scalar.replace("\n", "\n" + " ".repeat(colon + 2)));
            } else {
                int dash = l.indexOf("- ");
                lines.set(at, l.substring(0, dash + 2) + scalar);
            }
        }

        private void anchorAndAlias() {
            List<Integer> values = valueLines();
            if (values.size() < 2) {
                applied.add("nothing to alias");
                return;
            }
            applied.add("anchor and alias");
            int anchor = pick(values);
            int alias = pick(values);
            String a = lines.get(anchor);
            int colon = a.indexOf(": ");
            if (colon > 0) {
                lines.set(anchor, a.substring(0, colon + 2) + "&x " + a.substring(colon + 2));
            }
            String b = lines.get(alias);
            int bc = b.indexOf(": ");
            if (bc > 0) {
                lines.set(alias, b.substring(0, bc + 2) + (random.nextInt(4) == 0 ? "*nope" : "*x"));
            }
        }
    }
}
