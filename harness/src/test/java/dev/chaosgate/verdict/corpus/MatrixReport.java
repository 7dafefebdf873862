package dev.chaosgate.verdict.corpus;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The printed matrix (rows scenarios, columns clients; a cell is PASS or its codes abbreviated, a
 * mismatch ends in {@code !}), the accuracy counts, and each mismatch with the client's output and
 * the verdict's explanation.
 */
public final class MatrixReport {
    private static final Map<String, String> ABBREVIATIONS = Map.ofEntries(
            Map.entry("NO_RETRY", "NR"), Map.entry("RETRIED_NON_RETRYABLE", "RNR"), Map.entry("RETRY_AFTER_IGNORED", "RAI"),
            Map.entry("NO_BACKOFF", "NB"), Map.entry("TOO_MANY_ATTEMPTS", "TMA"), Map.entry("PROMPT_CHANGED", "PC"),
            Map.entry("PROMPT_LOST", "PL"), Map.entry("NO_GUIDANCE", "NG"), Map.entry("WRONG_GUIDANCE", "WG"),
            Map.entry("RAW_ERROR_SHOWN", "RAW"), Map.entry("TRUNCATION_UNDETECTED", "TU"), Map.entry("FAULT_NOT_EXERCISED", "FNE"));

    private final Corpus corpus;
    private final List<MatrixCell> selected;
    private final List<CellResult> results;

    public MatrixReport(Corpus corpus, List<MatrixCell> selected, List<CellResult> results) {
        this.corpus = corpus;
        this.selected = selected;
        this.results = results;
    }

    public List<CellResult> mismatches() {
        return results.stream().filter(r -> !r.matches()).toList();
    }

    /** A code as the matrix writes it: the usual short forms, else the initials of its words. */
    static String abbreviate(String code) {
        return ABBREVIATIONS.getOrDefault(code, Arrays.stream(code.split("_")).filter(w -> !w.isEmpty())
                .map(w -> w.substring(0, 1)).collect(Collectors.joining()));
    }

    private static String cellText(CellResult result) {
        String text = result.error() ? "ERR" : result.codes().isEmpty() ? "PASS"
                : result.codes().stream().map(MatrixReport::abbreviate).collect(Collectors.joining("+"));
        return result.matches() ? text : text + "!";
    }

    public String matrix() {
        List<CorpusClient> clients = corpus.clients().stream()
                .filter(c -> selected.stream().anyMatch(cell -> cell.client().equals(c))).toList();
        // A scenario's stream-mode row right under its plain one.
        List<String> scenarios = corpus.scenarios().stream().flatMap(s -> java.util.stream.Stream.of(s, s + MatrixCell.STREAM_SUFFIX))
                .filter(s -> selected.stream().anyMatch(cell -> cell.scenarioId().equals(s))).toList();
        Map<String, String> text = new LinkedHashMap<>();
        for (MatrixCell cell : selected) {
            text.put(cell.id(), cell.expected().kind() == ExpectedVerdict.Kind.SKIP ? "skip" : "");
        }
        results.forEach(r -> text.put(r.cell().id(), cellText(r)));
        int first = Math.max(8, scenarios.stream().mapToInt(String::length).max().orElse(8));
        int[] widths = new int[clients.size()];
        for (int i = 0; i < clients.size(); i++) {
            String header = "c" + (i + 1);
            int width = header.length();
            for (String scenario : scenarios) {
                width = Math.max(width, text.getOrDefault(clients.get(i).name() + " x " + scenario, "").length());
            }
            widths[i] = width;
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-" + first + "s", "scenario"));
        for (int i = 0; i < clients.size(); i++) {
            out.append("  ").append(String.format("%-" + widths[i] + "s", "c" + (i + 1)));
        }
        out.append('\n');
        for (String scenario : scenarios) {
            out.append(String.format("%-" + first + "s", scenario));
            for (int i = 0; i < clients.size(); i++) {
                out.append("  ").append(String.format("%-" + widths[i] + "s", text.getOrDefault(clients.get(i).name() + " x " + scenario, "")));
            }
            out.append('\n');
        }
        out.append("\nclients:\n");
        for (int i = 0; i < clients.size(); i++) {
            CorpusClient client = clients.get(i);
            out.append(String.format("  c%-3d %-6s %s%s: %s%n", i + 1, client.kind(), client.name(),
                    client.prompt().isEmpty() ? "" : " (prompt \"" + client.prompt() + "\")", client.description()));
        }
        Set<String> codes = new TreeSet<>();
        results.forEach(r -> codes.addAll(r.codes()));
        selected.forEach(c -> codes.addAll(c.expected().codes()));
        out.append("codes: ").append(codes.stream().map(c -> abbreviate(c) + "=" + c).collect(Collectors.joining(", ")))
                .append("; ! = not the expected verdict, skip = not exercised, ERR = could not be judged\n");
        return out.toString();
    }

    /** Cells, matches, false positives (a finding the table does not expect) and false negatives (a flaw missed). */
    public String accuracy() {
        long good = results.stream().filter(r -> r.cell().client().good()).count();
        long goodFailed = results.stream().filter(r -> r.cell().client().good() && !r.error() && !r.codes().isEmpty()
                && r.cell().expected().kind() == ExpectedVerdict.Kind.PASS).count();
        long flawedExtra = results.stream().filter(r -> !r.cell().client().good() && !r.error()
                && !r.cell().expected().codes().containsAll(r.codes())).count();
        List<CellResult> flawedFailCells = results.stream()
                .filter(r -> !r.cell().client().good() && r.cell().expected().kind() == ExpectedVerdict.Kind.FAIL).toList();
        long missed = flawedFailCells.stream().filter(r -> r.error() || !r.codes().containsAll(r.cell().expected().codes())).count();
        long skipped = selected.stream().filter(c -> c.expected().kind() == ExpectedVerdict.Kind.SKIP).count();
        long errors = results.stream().filter(CellResult::error).count();
        return String.format(Locale.ROOT, "%s: %d cells run (%d good, %d flawed or sdk; %d skipped), %d as expected, %d not;"
                        + " false positives: %d of %d good cells failed, %d flawed or sdk cells got a code the table does not name;"
                        + " false negatives: %d of %d cells expected to fail were not caught with the right code(s); errors: %d",
                corpus.name(), results.size(), good, results.size() - good, skipped, results.size() - mismatches().size(),
                mismatches().size(), goodFailed, good, flawedExtra, missed, flawedFailCells.size(), errors);
    }

    /** Every mismatch: expected, got, the table's reason, what the client showed and what the verdict said. */
    public String mismatchDetails() {
        List<String> parts = new ArrayList<>();
        for (CellResult r : mismatches()) {
            MatrixCell cell = r.cell();
            parts.add(String.format("%s (%s:%d)%n  expected %s%s%n  got      %s in %.1f s%n  client output:%n%s%n  verdict:%n%s",
                    cell.id(), Corpus.EXPECTED, cell.line(), cell.expected(),
                    cell.why().isEmpty() ? "" : "  (" + cell.why() + ")", r.actual(), r.elapsed().toMillis() / 1000.0,
                    r.output().stream().map(l -> "    | " + l).collect(Collectors.joining("\n")),
                    r.explanation().lines().map(l -> "    " + l).collect(Collectors.joining("\n"))));
        }
        return String.join("\n\n", parts);
    }
}
