package dev.chaosgate.scenario;

import dev.chaosgate.fixtures.FailureClass;
import dev.chaosgate.fixtures.Fixture;
import dev.chaosgate.fixtures.Fixtures;
import dev.chaosgate.fixtures.GuidanceCatalog;
import dev.chaosgate.fixtures.HttpHeader;
import dev.chaosgate.fixtures.YamlFileException;
import dev.chaosgate.fixtures.yaml.Closest;
import dev.chaosgate.fixtures.yaml.YamlFields;
import dev.chaosgate.fixtures.yaml.YamlNode;
import dev.chaosgate.fixtures.yaml.YamlReader;
import dev.chaosgate.link.ToxicStream;
import dev.chaosgate.link.toxic.ToxicAttribute;
import dev.chaosgate.link.toxic.ToxicProvider;
import dev.chaosgate.link.toxic.ToxicRegistry;
import dev.chaosgate.upstream.Faults;
import dev.chaosgate.upstream.RetryAfter;
import dev.chaosgate.upstream.UpstreamFault;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads scenario YAML into the {@link Scenario} model, strictly: an unknown key, a wrong type, an
 * impossible value, an unknown fixture, toxic or guidance class is a {@link YamlFileException}
 * naming the file, line, column and key, with the closest valid name as a hint. No other exception
 * escapes for bad content. See {@code docs/scenarios.md} for the format and
 * {@code scenarios/scenario.schema.json} for editors; a test keeps the schema equal to the key sets below.
 */
public final class ScenarioLoader {
    static final Set<String> TOP_KEYS = Set.of("name", "description", "situation", "seed", "tags", "clock", "phases", "expect", "crowd");
    static final Set<String> PHASE_KEYS = Set.of("name", "requests", "duration", "upstream", "link", "step");
    static final Set<String> EXPECT_KEYS = Set.of("outcome", "retry", "maxAttempts", "minBackoff", "honourRetryAfter", "guidance",
            "promptSurvives", "userWaitsAtMost", "anyOf");
    /** The key of an expectation that lists alternatives; it stands alone in its {@code expect}. */
    static final String ANY_OF = "anyOf";
    static final Set<String> ERROR_KEYS = Set.of("status", "fixture", "retryAfter", "retryAfterMs", "shouldRetry", "headers", "delay");
    static final Set<String> WRAPPER_KEYS = Set.of("probability", "flapping", "fault");
    static final Set<String> TOXIC_KEYS = Set.of("name", "type", "stream", "toxicity", "attributes");
    /** The keys that say what kind of upstream fault a mapping is; exactly one of them starts each fault. */
    static final List<String> FAULT_KINDS = List.of("status", "connection", "stream", "slow", "rateLimit", "overload", "probability", "flapping");
    /** The keys allowed beside each fault kind. */
    static final Map<String, Set<String>> FAULT_KEYS = Map.of(
            "status", ERROR_KEYS,
            "connection", Set.of("connection"),
            "stream", Set.of("stream", "afterTextDeltas", "beforeText", "afterEvents", "stall"),
            "slow", Set.of("slow"),
            "rateLimit", Set.of("rateLimit"),
            "overload", Set.of("overload"),
            "probability", Set.of("probability", "fault"),
            "flapping", Set.of("flapping", "fault"));
    static final Set<String> RATE_LIMIT_KEYS = Set.of("requests", "tokens", "window");
    static final Set<String> OVERLOAD_KEYS = Set.of("maxInFlight", "retryAfter");
    static final Set<String> FLAPPING_KEYS = Set.of("down", "up");
    static final Set<String> RETRY_AFTER_DATE_KEYS = Set.of("date");
    static final List<String> CONNECTION_KINDS = List.of("reset", "empty-response", "malformed-chunk", "random-data");
    static final List<String> STREAM_KINDS = List.of("cut", "reset", "error", "error-nested", "response-failed", "stall");
    static final List<String> RETRY_AFTER_KEYWORDS = List.of("past", "negative", "huge", "garbage");
    static final List<String> OUTCOMES = List.of("succeeds", "gives-up");
    static final List<String> CLOCKS = java.util.Arrays.stream(Scenario.Clock.values()).map(Scenario.Clock::yamlName).toList();
    static final List<String> STREAMS = List.of("upstream", "downstream");
    /** What {@code upstream:} may say instead of a fault. */
    static final String NORMAL = "normal";
    /** The keys that say where a stream fault strikes; at most one per fault (none: {@link #DEFAULT_AFTER_TEXT_DELTAS}). */
    static final List<String> STREAM_POINT_KEYS = List.of("afterTextDeltas", "beforeText", "afterEvents");
    /** Pieces of answer text sent before a stream fault strikes when the fault does not say. */
    static final int DEFAULT_AFTER_TEXT_DELTAS = ((UpstreamFault.StreamFault.Point.AfterTextDeltas) UpstreamFault.StreamFault.DEFAULT_POINT).deltas();
    /** The largest count {@code afterTextDeltas} and {@code afterEvents} take. */
    static final int MAX_STREAM_COUNT = 100_000;
    static final int MAX_ATTEMPTS = 1000;

    private static final Pattern NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");
    /** A number and a unit written out, for "did you mean" hints: {@code 5 seconds}, {@code 2 sec}, {@code 100 MS}. */
    private static final Pattern LOOSE_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([A-Za-z]+)");
    private static final Pattern DECIMAL = Pattern.compile("\\d+(\\.\\d+)?");
    private static final String DURATION_HINT = "Write a duration like 250ms, 2s, 1.5s or 1m";

    private final ToxicRegistry toxics;
    private final GuidanceCatalog guidance;

    private ScenarioLoader(ToxicRegistry toxics, GuidanceCatalog guidance) {
        this.toxics = toxics;
        this.guidance = guidance;
    }

    /** A loader checking toxics against this JVM's registry and guidance against the built-in catalog. */
    public static ScenarioLoader standard() {
        return new ScenarioLoader(ToxicRegistry.load(), GuidanceCatalog.builtIn());
    }

    /** A loader that also accepts the guidance classes of the user's own catalog. */
    public static ScenarioLoader withGuidance(GuidanceCatalog catalog) {
        return new ScenarioLoader(ToxicRegistry.load(), catalog);
    }

    /**
     * Reads one scenario file. Its scenario must be named as the file is: {@code bad-gateway-burst.yaml}
     * holds {@code name: bad-gateway-burst}.
     */
    public Scenario load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new YamlFileException(file.toString(), 0, 0, null, "no such file", "Check the path; scenario files end in .yaml");
        } catch (IOException e) {
            throw new YamlFileException(file.toString(), 0, 0, null, "cannot read the file (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", "Check that it is a readable file");
        }
        Path fileName = file.getFileName();
        return read(text, file.toString(), fileName == null ? null : fileName.toString());
    }

    /**
     * Reads a scenario file from the class path, e.g. {@code dev/chaosgate/scenarios/bad-gateway-burst.yaml};
     * like {@link #load(Path)}, its scenario must be named as the file is. The name must be a plain
     * class-path name: relative, {@code /} between parts, none of them empty, {@code .} or
     * {@code ..}, no backslash; anything else is refused before the class path is asked.
     */
    public Scenario loadResource(String resource) {
        if (!isPlainResourceName(resource)) {
            throw new YamlFileException(resource, 0, 0, null, "not a plain class-path resource name",
                    "Write it relative to the class path, with `/` between the parts and no `.`, `..` or backslash,"
                            + " e.g. dev/chaosgate/scenarios/bad-gateway-burst.yaml");
        }
        String text;
        try (InputStream in = ScenarioLoader.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new YamlFileException(resource, 0, 0, null, "no such resource on the class path",
                        "Check the name; is the jar that holds it on the class path?");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
        return read(text, resource, resource.substring(resource.lastIndexOf('/') + 1));
    }

    private static boolean isPlainResourceName(String resource) {
        if (resource.isEmpty() || resource.indexOf('\\') >= 0) {
            return false;
        }
        for (String part : resource.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                return false;
            }
        }
        return true;
    }

    /** Reads scenario YAML; {@code file} names it in error messages (the scenario's name is not checked against it). */
    public Scenario parse(String yaml, String file) {
        return read(yaml, file, null);
    }

    /**
     * One fault written as a scenario file writes a phase's {@code upstream:} (YAML or JSON, which is YAML),
     * bound by the same rules and with the same errors, e.g. {@code {"status": 503, "retryAfter": 5}} or
     * {@code {slow: 3s}}: the way the console and other tools inject any fault a scenario can.
     * {@code where} names the text in error messages (a file name, {@code "fail-next body"}).
     *
     * @throws YamlFileException naming the line, column and key at fault, and the fix
     */
    public UpstreamFault parseFault(String text, String where) {
        YamlNode root = YamlReader.read(text, where);
        return fault(new YamlNode.Entry("upstream", root.location(), root), "the fault", where);
    }

    private Scenario read(String yaml, String file, String fileName) {
        YamlNode root = YamlReader.read(yaml, file);
        YamlFields top = YamlFields.of(root, "the scenario").allowOnly(TOP_KEYS);
        String name = name(top, fileName);
        String description = top.string("description").orElse("");
        if (description.indexOf('\n') >= 0 || description.indexOf('\r') >= 0) {
            throw YamlFields.problem(top.entry("description").orElseThrow().value().location(), "description",
                    "`description` must be one line", "Say in one line what the gateway does; put the story in `situation`");
        }
        String situation = top.string("situation").orElse("");
        long seed = top.entry("seed").map(e -> longValue(e, Long.MIN_VALUE, Long.MAX_VALUE, "Write a whole number, e.g. `seed: 42`")).orElse(1L);
        Set<String> tags = top.entry("tags").map(ScenarioLoader::tags).orElse(Set.of());
        Scenario.Clock clock = top.string("clock").map(c -> clock(top, c)).orElse(Scenario.Clock.CLIENT);
        List<Phase> phases = phases(top.require("phases"));
        Expectation expectation = top.mapping("expect", "`expect`").map(this::expectation).orElse(Expectation.recovers());
        Crowd crowd = top.mapping("crowd", "`crowd`").map(c -> CrowdReader.read(c, expectation)).orElse(null);
        try {
            return new Scenario(name, description, situation, seed, phases, expectation, tags, clock, crowd);
        } catch (IllegalArgumentException e) {
            // Every rule of the model is checked above with a precise location; this is a safety net.
            throw YamlFields.problem(top.entry("name").orElseThrow().value().location(), "name", e.getMessage(), null);
        }
    }

    /** {@code clock: client} (the default) or {@code clock: scenario}. */
    private static Scenario.Clock clock(YamlFields top, String value) {
        for (Scenario.Clock clock : Scenario.Clock.values()) {
            if (clock.yamlName().equals(value)) {
                return clock;
            }
        }
        YamlNode.Entry at = top.entry("clock").orElseThrow();
        throw YamlFields.problem(at.value().location(), "clock", "`clock` cannot be `" + value + "`",
                suggestion(value, CLOCKS).map(c -> "Did you mean `" + c + "`? ").orElse("")
                        + "Write `clock: client` (time starts at the client's first generation request, the default)"
                        + " or `clock: scenario` (time starts when the scenario starts playing)");
    }

    private static String name(YamlFields top, String fileName) {
        String name = top.requireString("name");
        YamlNode.Location at = top.entry("name").orElseThrow().value().location();
        if (!NAME.matcher(name).matches()) {
            String fixed = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
            throw YamlFields.problem(at, "name", "`name` must be lower-case words joined by dashes, got `" + name + "`",
                    (fixed.isEmpty() ? "" : "Did you mean `" + fixed + "`? ") + "Letters a-z, digits and single dashes, like bad-gateway-burst");
        }
        if (fileName != null) {
            String base = fileName.replaceFirst("\\.ya?ml$", "");
            if (!base.equals(name)) {
                throw YamlFields.problem(at, "name", "the scenario is named `" + name + "` but its file is " + fileName,
                        "Name the file " + name + ".yaml, or the scenario " + base);
            }
        }
        return name;
    }

    /** {@code tags: [5xx, 502, cloudflare]}: strings or whole numbers (as text); a single tag may stand alone. */
    private static Set<String> tags(YamlNode.Entry entry) {
        List<YamlNode> items = entry.value() instanceof YamlNode.Sequence sequence ? sequence.items() : List.of(entry.value());
        Set<String> tags = new LinkedHashSet<>();
        for (YamlNode item : items) {
            if (item instanceof YamlNode.Scalar scalar && (scalar.value() instanceof String || scalar.value() instanceof Integer
                    || scalar.value() instanceof Long)) {
                String tag = String.valueOf(scalar.value());
                if (!tag.isBlank()) {
                    tags.add(tag);
                    continue;
                }
            }
            throw YamlFields.problem(item.location(), "tags", "a tag must be a word or a number, but it is " + kind(item),
                    "Write tags as a list of words, e.g. `tags: [5xx, 502, cloudflare]`");
        }
        return tags;
    }

    // ---- phases ----

    private List<Phase> phases(YamlNode.Entry entry) {
        if (!(entry.value() instanceof YamlNode.Sequence sequence)) {
            throw YamlFields.problem(entry.value().location(), "phases",
                    "`phases` must be a list of phases, but it is " + kind(entry.value()),
                    "Write each phase as a list item starting with `- name: ...`");
        }
        if (sequence.items().isEmpty()) {
            throw YamlFields.problem(entry.value().location(), "phases", "`phases` is empty: a scenario needs at least one phase",
                    "Add a phase, e.g. `- name: down` with `requests: 1` and `upstream: {status: 502}`");
        }
        List<Phase> phases = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < sequence.items().size(); i++) {
            YamlNode item = sequence.items().get(i);
            YamlFields fields = YamlFields.of(item, "phase " + (i + 1)).allowOnly(PHASE_KEYS);
            String name = fields.string("name").orElse("phase-" + (i + 1));
            if (!names.add(name)) {
                throw YamlFields.problem(fields.entry("name").orElseThrow().value().location(), "name",
                        "two phases are named `" + name + "`", "Give each phase its own name");
            }
            String where = "phase `" + name + "`";
            Integer requests = fields.entry("requests").map(e -> (int) longValue(e, 1, Integer.MAX_VALUE,
                    "A phase lasts at least 1 request; leave `requests` out of the last phase to make it last for the rest of the run")).orElse(null);
            Duration duration = fields.entry("duration").map(e -> duration(e, where)).orElse(null);
            if (requests != null && duration != null) {
                throw YamlFields.problem(fields.entry("duration").orElseThrow().keyLocation(), "duration",
                        where + " sets both `requests` and `duration`", "A phase lasts a number of requests or a duration: keep one");
            }
            if (requests == null && duration == null && i < sequence.items().size() - 1) {
                throw YamlFields.problem(fields.location(), null,
                        where + " has no `requests` or `duration`, so the phases after it would never start",
                        "Only the last phase may be open-ended: add `requests: N` or `duration: 2s`");
            }
            UpstreamFault upstream = fields.entry("upstream").map(e -> upstream(e, where)).orElse(null);
            List<LinkToxic> link = fields.entry("link").map(e -> link(e, where)).orElse(List.of());
            Integer step = fields.entry("step").map(e -> (int) longValue(e, 1, Integer.MAX_VALUE,
                    "Steps of an action count from 1 (its first call); e.g. `step: 2` aims at the call after a tool call or a cut answer")).orElse(null);
            try {
                phases.add(new Phase(name, requests, duration, upstream, link, step));
            } catch (IllegalArgumentException e) {
                throw YamlFields.problem(fields.location(), null, e.getMessage(), null);
            }
        }
        return phases;
    }

    // ---- upstream faults ----

    /** {@code upstream:} of a phase: {@code normal} or a fault; null for normal answers. */
    private UpstreamFault upstream(YamlNode.Entry entry, String where) {
        YamlNode node = entry.value();
        if (node instanceof YamlNode.Scalar scalar && NORMAL.equals(scalar.value())) {
            return null;
        }
        return fault(entry, "`upstream` of " + where, where);
    }

    /** A fault mapping; {@code what} names it in messages ("`upstream` of phase `burst`"). */
    private UpstreamFault fault(YamlNode.Entry entry, String what, String where) {
        YamlNode node = entry.value();
        if (!(node instanceof YamlNode.Mapping)) {
            String hint = "Write a fault mapping, e.g. `{status: 502}`, `{connection: reset}` or `{stream: cut}`";
            if (entry.key().equals("upstream")) {
                hint = (node instanceof YamlNode.Scalar s && s.value() instanceof String text
                        ? Closest.likelyTypo(text, List.of(NORMAL)).map(c -> "Did you mean `" + c + "`? ").orElse("") : "")
                        + "Write `upstream: normal`, or a fault mapping such as `status: 502` on the next line, indented";
            }
            throw YamlFields.problem(node.location(), entry.key(), what + " must be a fault (a mapping), but it is " + kind(node), hint);
        }
        YamlFields fields = YamlFields.of(node, what);
        Set<String> anyKey = new LinkedHashSet<>();
        FAULT_KEYS.values().forEach(anyKey::addAll);
        fields.allowOnly(anyKey);
        List<String> kinds = FAULT_KINDS.stream().filter(fields::has).toList();
        if (kinds.isEmpty()) {
            Optional<String> errorKey = fields.entries().keySet().stream().filter(ERROR_KEYS::contains).findFirst();
            throw YamlFields.problem(fields.location(), null, what + " does not say which fault to serve",
                    errorKey.map(k -> "`" + k + "` belongs to an error answer: add its HTTP status, e.g. `status: 502`")
                            .orElse("Start it with one of: " + String.join(", ", FAULT_KINDS)
                                    + (entry.key().equals("upstream") ? " (or write `upstream: normal`)" : "")));
        }
        if (kinds.size() > 1) {
            YamlNode.Entry second = fields.entry(kinds.get(1)).orElseThrow();
            boolean wrapper = kinds.contains("probability") || kinds.contains("flapping");
            throw YamlFields.problem(second.keyLocation(), second.key(), what + " sets two fault kinds, `" + kinds.get(0)
                            + "` and `" + kinds.get(1) + "`",
                    wrapper ? "Put the fault under `fault:`, e.g. `probability: 0.3` and `fault: {status: 502}`"
                            : "A phase serves one fault: keep one of them, or split the phase in two");
        }
        String kind = kinds.get(0);
        fields.allowOnly(FAULT_KEYS.get(kind));
        switch (kind) {
            case "status":
                return error(fields, where);
            case "connection": {
                String value = choice(fields, "connection", fields.requireString("connection"), CONNECTION_KINDS);
                return switch (value) {
                    case "reset" -> Faults.connectionReset();
                    case "empty-response" -> Faults.emptyResponse();
                    case "malformed-chunk" -> Faults.malformedChunk();
                    default -> Faults.randomDataThenClose();
                };
            }
            case "stream": {
                String value = choice(fields, "stream", fields.requireString("stream"), STREAM_KINDS);
                UpstreamFault.StreamFault.Point at = streamPoint(fields);
                Duration stall = fields.entry("stall").map(e -> duration(e, where)).orElse(null);
                if (value.equals("stall") && stall == null) {
                    throw YamlFields.problem(fields.entry("stream").orElseThrow().value().location(), "stall",
                            "a `stream: stall` needs `stall:` (how long the stream stops)", "Add for example `stall: 30s`");
                }
                if (!value.equals("stall") && stall != null) {
                    throw YamlFields.problem(fields.entry("stall").orElseThrow().keyLocation(), "stall",
                            "`stall` only applies to `stream: stall`, but this is `stream: " + value + "`",
                            "Remove `stall`, or write `stream: stall`");
                }
                UpstreamFault.StreamFault.Kind streamKind = UpstreamFault.StreamFault.Kind.valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
                return new UpstreamFault.StreamFault(streamKind, at, stall == null ? Duration.ZERO : stall);
            }
            case "slow":
                return Faults.slowAnswer(duration(fields.require("slow"), where));
            case "rateLimit": {
                YamlFields limits = fields.mapping("rateLimit", "`rateLimit` of " + where).orElseThrow().allowOnly(RATE_LIMIT_KEYS);
                int requests = limits.entry("requests").map(e -> (int) longValue(e, 0, Integer.MAX_VALUE, null)).orElse(0);
                int tokens = limits.entry("tokens").map(e -> (int) longValue(e, 0, Integer.MAX_VALUE, null)).orElse(0);
                if (requests == 0 && tokens == 0) {
                    throw YamlFields.problem(limits.location(), "requests", "`rateLimit` of " + where + " limits nothing",
                            "Set `requests:` and/or `tokens:` above 0");
                }
                Duration window = duration(limits.require("window"), where);
                return Faults.rateLimit(requests, tokens, window);
            }
            case "overload": {
                YamlFields overload = fields.mapping("overload", "`overload` of " + where).orElseThrow().allowOnly(OVERLOAD_KEYS);
                int max = (int) longValue(overload.require("maxInFlight"), 0, Integer.MAX_VALUE, null);
                RetryAfter retryAfter = overload.entry("retryAfter").map(ScenarioLoader::retryAfter).orElse(RetryAfter.seconds(1));
                return new UpstreamFault.Overload(max, Faults.overloaded().withRetryAfter(retryAfter));
            }
            case "probability": {
                double p = number(fields.entry("probability").orElseThrow(), 0, 1,
                        "A probability is a fraction of requests: 0.3 means 30%");
                return Faults.withProbability(p, fault(fields.require("fault"), "`fault` of " + where, where));
            }
            default: {
                YamlFields flapping = fields.mapping("flapping", "`flapping` of " + where).orElseThrow().allowOnly(FLAPPING_KEYS);
                return Faults.flapping(duration(flapping.require("down"), where), duration(flapping.require("up"), where),
                        fault(fields.require("fault"), "`fault` of " + where, where));
            }
        }
    }

    /** Where a stream fault strikes: one of {@link #STREAM_POINT_KEYS}, or after two pieces of text when none is given. */
    private static UpstreamFault.StreamFault.Point streamPoint(YamlFields fields) {
        // In the file's order, so the error points at the second one written.
        List<YamlNode.Entry> given = fields.entries().values().stream().filter(e -> STREAM_POINT_KEYS.contains(e.key())).toList();
        if (given.size() > 1) {
            YamlNode.Entry second = given.get(1);
            throw YamlFields.problem(second.keyLocation(), second.key(), "`" + given.get(0).key() + "` and `" + second.key()
                            + "` both say where the stream fault strikes",
                    "Keep one: `afterTextDeltas: 2` strikes after the second piece of answer text (Chat or Responses alike),"
                            + " `beforeText: true` before the first, `afterEvents` counts events of any kind");
        }
        if (given.isEmpty()) {
            return UpstreamFault.StreamFault.DEFAULT_POINT;
        }
        YamlNode.Entry entry = given.get(0);
        return switch (entry.key()) {
            case "afterTextDeltas" -> new UpstreamFault.StreamFault.Point.AfterTextDeltas((int) longValue(entry, 1, MAX_STREAM_COUNT,
                    "Pieces of answer text before the fault, at least 1; to strike before any text write `beforeText: true`"));
            case "afterEvents" -> new UpstreamFault.StreamFault.Point.AfterEvents((int) longValue(entry, 0, MAX_STREAM_COUNT, null));
            default -> {
                if (!fields.bool("beforeText").orElseThrow()) {
                    throw YamlFields.problem(entry.value().location(), "beforeText", "`beforeText: false` says nothing",
                            "Write `beforeText: true` to strike before the first piece of answer text, or remove it"
                                    + " (the fault then strikes after " + DEFAULT_AFTER_TEXT_DELTAS + " pieces of text)");
                }
                yield new UpstreamFault.StreamFault.Point.BeforeText();
            }
        };
    }

    private UpstreamFault.ErrorResponse error(YamlFields fields, String where) {
        YamlNode.Entry statusEntry = fields.entry("status").orElseThrow();
        int status = (int) longValue(statusEntry, 100, 599, "An HTTP status, e.g. 502");
        Optional<String> fixture = fields.string("fixture");
        if (fixture.isPresent()) {
            YamlNode.Entry at = fields.entry("fixture").orElseThrow();
            Optional<Fixture> found = Fixtures.find(fixture.get());
            if (found.isEmpty()) {
                throw YamlFields.problem(at.value().location(), "fixture", "unknown fixture `" + fixture.get() + "`",
                        suggestion(fixture.get(), Fixtures.names()).map(c -> "Did you mean `" + c + "`? ").orElse("")
                                + "docs/fixtures.md lists them all");
            }
            if (found.get().status() != status) {
                throw YamlFields.problem(statusEntry.value().location(), "status", "`status` is " + status + " but fixture `"
                                + fixture.get() + "` is a " + found.get().status() + " response",
                        "Write `status: " + found.get().status() + "`, or choose a fixture for " + status);
            }
        }
        UpstreamFault.ErrorResponse error = Faults.status(status);
        if (fixture.isPresent()) {
            error = error.withFixture(fixture.get());
        }
        Optional<YamlNode.Entry> retryAfter = fields.entry("retryAfter");
        if (retryAfter.isPresent()) {
            error = error.withRetryAfter(retryAfter(retryAfter.get()));
        }
        Optional<YamlNode.Entry> retryAfterMs = fields.entry("retryAfterMs");
        if (retryAfterMs.isPresent()) {
            error = error.withRetryAfterMs(longValue(retryAfterMs.get(), 0, Long.MAX_VALUE, "Milliseconds, e.g. `retryAfterMs: 1500`"));
        }
        Optional<Boolean> shouldRetry = fields.bool("shouldRetry");
        if (shouldRetry.isPresent()) {
            error = error.withShouldRetry(shouldRetry.get());
        }
        Optional<Map<String, YamlFields.Located<String>>> headers = fields.textMap("headers");
        if (headers.isPresent()) {
            Map<String, YamlNode.Entry> entries = fields.mapping("headers", "`headers`").orElseThrow().entries();
            for (Map.Entry<String, YamlFields.Located<String>> header : headers.get().entrySet()) {
                try {
                    new HttpHeader(header.getKey(), header.getValue().value());
                } catch (IllegalArgumentException e) {
                    throw YamlFields.problem(entries.get(header.getKey()).keyLocation(), header.getKey(), e.getMessage(),
                            "A header name is letters, digits and -, and a value is one line");
                }
                error = error.withHeader(header.getKey(), header.getValue().value());
            }
        }
        Optional<YamlNode.Entry> delay = fields.entry("delay");
        if (delay.isPresent()) {
            error = error.withDelay(duration(delay.get(), where));
        }
        return error;
    }

    /** {@code 5} (seconds), {@code 1.5}, {@code "1.5"}, {@code past}, {@code negative}, {@code huge}, {@code garbage}, or {@code {date: 30s}}. */
    private static RetryAfter retryAfter(YamlNode.Entry entry) {
        YamlNode value = entry.value();
        String hint = "Write whole seconds (`retryAfter: 5`), a fraction (`1.5`), `{date: 30s}` for an HTTP-date ahead, or one of "
                + String.join(", ", RETRY_AFTER_KEYWORDS);
        if (value instanceof YamlNode.Scalar scalar) {
            Object raw = scalar.value();
            if (raw instanceof Integer || raw instanceof Long) {
                long seconds = ((Number) raw).longValue();
                return seconds < 0 ? RetryAfter.negative() : RetryAfter.seconds(seconds);
            }
            if (raw instanceof Number number) {
                double seconds = number.doubleValue();
                if (!(seconds >= 0) || Double.isInfinite(seconds)) {
                    throw YamlFields.problem(value.location(), entry.key(), "`" + entry.key() + "` cannot be " + raw,
                            "For a negative value write `negative`. " + hint);
                }
                return fraction(entry, seconds, String.valueOf(raw), hint);
            }
            if (raw instanceof String text) {
                switch (text) {
                    case "past": return RetryAfter.pastDate();
                    case "negative": return RetryAfter.negative();
                    case "huge": return RetryAfter.huge();
                    case "garbage": return RetryAfter.garbage();
                    default:
                        if (DECIMAL.matcher(text).matches()) {
                            return fraction(entry, Double.parseDouble(text), text, hint);
                        }
                        throw YamlFields.problem(value.location(), entry.key(), "`" + entry.key() + "` cannot be `" + text + "`",
                                Closest.likelyTypo(text, RETRY_AFTER_KEYWORDS).map(c -> "Did you mean `" + c + "`? ").orElse("") + hint);
                }
            }
        }
        if (value instanceof YamlNode.Mapping) {
            YamlFields date = YamlFields.of(value, "`" + entry.key() + "`").allowOnly(RETRY_AFTER_DATE_KEYS);
            return RetryAfter.httpDate(duration(date.require("date"), "`" + entry.key() + "`"));
        }
        throw YamlFields.problem(value.location(), entry.key(), "`" + entry.key() + "` must be a number, a keyword or `{date: …}`, but it is "
                + kind(value), hint);
    }

    /** Seconds with a fraction; beyond 292 years they would silently become that (a Duration holds nanoseconds in a long). */
    private static RetryAfter fraction(YamlNode.Entry entry, double seconds, String written, String hint) {
        if (seconds * 1e9 >= Long.MAX_VALUE) {
            throw YamlFields.problem(entry.value().location(), entry.key(), "`" + entry.key() + "` is too long (`" + written + "`)",
                    "For a Retry-After far in the future write `huge`. " + hint);
        }
        return RetryAfter.fraction(seconds);
    }

    // ---- link toxics ----

    private List<LinkToxic> link(YamlNode.Entry entry, String where) {
        if (!(entry.value() instanceof YamlNode.Sequence sequence)) {
            throw YamlFields.problem(entry.value().location(), "link", "`link` of " + where + " must be a list of toxics, but it is "
                    + kind(entry.value()), "Write each toxic as a list item: `- type: latency`");
        }
        List<LinkToxic> out = new ArrayList<>();
        Map<String, YamlNode.Location> names = new LinkedHashMap<>();
        for (YamlNode item : sequence.items()) {
            YamlFields fields = YamlFields.of(item, "a link toxic of " + where).allowOnly(TOXIC_KEYS);
            String type = fields.requireString("type");
            ToxicProvider provider = toxics.find(type).orElseThrow(() -> YamlFields.problem(
                    fields.entry("type").orElseThrow().value().location(), "type", "unknown toxic type `" + type + "`",
                    suggestion(type, toxics.all().keySet()).map(c -> "Did you mean `" + c + "`? ").orElse("")
                            + "Toxics: " + String.join(", ", toxics.all().keySet())));
            String streamName = fields.string("stream").orElse("downstream");
            if (!STREAMS.contains(streamName)) {
                throw YamlFields.problem(fields.entry("stream").orElseThrow().value().location(), "stream",
                        "`stream` must be upstream or downstream, got `" + streamName + "`",
                        "upstream carries what the client sends, downstream what it receives");
            }
            ToxicStream stream = ToxicStream.parse(streamName).orElseThrow();
            float toxicity = fields.entry("toxicity").map(e -> (float) number(e, 0, 1,
                    "The probability that the toxic applies to a connection: 0.5 means half of them")).orElse(1f);
            Map<String, ToxicAttribute> declared = new LinkedHashMap<>();
            provider.attributes().forEach(a -> declared.put(a.name(), a));
            Map<String, Long> attributes = new LinkedHashMap<>();
            Optional<YamlFields> given = fields.mapping("attributes", "`attributes` of toxic `" + type + "`");
            if (given.isPresent()) {
                if (declared.isEmpty() && !given.get().entries().isEmpty()) {
                    YamlNode.Entry first = given.get().entries().values().iterator().next();
                    throw YamlFields.problem(first.keyLocation(), first.key(), "toxic `" + type + "` has no attributes",
                            "Remove `attributes:`");
                }
                given.get().allowOnly(declared.keySet());
                for (YamlNode.Entry attribute : given.get().entries().values()) {
                    ToxicAttribute spec = declared.get(attribute.key());
                    attributes.put(attribute.key(), attribute(attribute, type, spec));
                }
            }
            for (ToxicAttribute spec : provider.attributes()) {
                attributes.putIfAbsent(spec.name(), 0L);
                if (attributes.get(spec.name()) < spec.minimum()) {
                    throw YamlFields.problem(fields.location(), spec.name(), "toxic `" + type + "` needs `" + spec.name()
                            + "` of at least " + spec.minimum() + " (" + spec.unit() + ")", "Set it under `attributes:`");
                }
            }
            LinkToxic toxic = new LinkToxic(fields.string("name").orElse(null), type, stream, toxicity, attributes);
            YamlNode.Location previous = names.putIfAbsent(toxic.name(), fields.location());
            if (previous != null) {
                YamlNode.Location at = fields.entry("name").map(YamlNode.Entry::keyLocation).orElse(fields.location());
                throw YamlFields.problem(at, "name", where + " has two link toxics named `" + toxic.name() + "`"
                                + (fields.has("name") ? "" : " (the default name is <type>_<stream>)"),
                        "Give one of them its own `name:` (the other is on line " + previous.line() + ")");
            }
            out.add(toxic);
        }
        return out;
    }

    private static long attribute(YamlNode.Entry entry, String type, ToxicAttribute spec) {
        BigInteger whole = whole(entry.value());
        if (whole != null) {
            if (whole.compareTo(BigInteger.valueOf(spec.minimum())) < 0) {
                throw YamlFields.problem(entry.value().location(), entry.key(), "`" + entry.key() + "` of toxic `" + type
                        + "` must be at least " + spec.minimum() + " (" + spec.unit() + "), got " + whole,
                        "Set it to " + spec.minimum() + " or more (docs/toxics.md)");
            }
            if (whole.bitLength() > 63) {
                throw YamlFields.problem(entry.value().location(), entry.key(), "`" + entry.key() + "` of toxic `" + type
                        + "` must be at most " + Long.MAX_VALUE + " (" + spec.unit() + "), got " + whole, null);
            }
            return whole.longValue();
        }
        throw YamlFields.problem(entry.value().location(), entry.key(), "`" + entry.key() + "` of toxic `" + type
                + "` must be a whole number (" + spec.unit() + "), but it is " + kind(entry.value()), null);
    }

    // ---- expectation ----

    private Expectation expectation(YamlFields fields) {
        fields.allowOnly(EXPECT_KEYS);
        Optional<YamlNode.Entry> anyOf = fields.entry(ANY_OF);
        if (anyOf.isPresent()) {
            return alternatives(fields, anyOf.get());
        }
        return oneExpectation(fields);
    }

    /** {@code expect: {anyOf: [{...}, {...}]}}: two or more alternatives, each an expectation of its own. */
    private Expectation alternatives(YamlFields fields, YamlNode.Entry anyOf) {
        for (YamlNode.Entry other : fields.entries().values()) {
            if (!other.key().equals(ANY_OF)) {
                throw YamlFields.problem(other.keyLocation(), other.key(), "`" + other.key() + "` stands beside `anyOf` in `expect`",
                        "With `anyOf`, each alternative says everything: move `" + other.key() + "` into every alternative that needs it");
            }
        }
        if (!(anyOf.value() instanceof YamlNode.Sequence sequence)) {
            throw YamlFields.problem(anyOf.value().location(), ANY_OF, "`anyOf` must be a list of expectations, but it is "
                    + kind(anyOf.value()), "Write each alternative as a list item, e.g. `- {outcome: succeeds, maxAttempts: 3}`");
        }
        if (sequence.items().size() < 2) {
            throw YamlFields.problem(anyOf.value().location(), ANY_OF, "`anyOf` lists "
                    + (sequence.items().isEmpty() ? "no alternative" : "one alternative") + "; it needs at least two",
                    "With one good behaviour, write its keys directly under `expect`");
        }
        List<Expectation> alternatives = new ArrayList<>();
        for (int i = 0; i < sequence.items().size(); i++) {
            YamlFields alternative = YamlFields.of(sequence.items().get(i), "alternative " + (i + 1) + " of `anyOf`");
            Optional<YamlNode.Entry> nested = alternative.entry(ANY_OF);
            if (nested.isPresent()) {
                throw YamlFields.problem(nested.get().keyLocation(), ANY_OF, "alternative " + (i + 1) + " of `anyOf` has an `anyOf` of its own",
                        "List every alternative in the one `anyOf`");
            }
            alternative.allowOnly(EXPECT_KEYS);
            alternatives.add(oneExpectation(alternative));
        }
        return Expectation.anyOf(alternatives.get(0), alternatives.subList(1, alternatives.size()).toArray(Expectation[]::new));
    }

    private Expectation oneExpectation(YamlFields fields) {
        String outcome = fields.string("outcome").map(o -> choice(fields, "outcome", o, OUTCOMES)).orElse("succeeds");
        boolean retry = fields.bool("retry").orElse(true);
        String guidanceClass = fields.string("guidance").orElse(null);
        if (guidanceClass != null && guidance.classes().stream().noneMatch(c -> c.name().equals(guidanceClass))) {
            List<String> classes = guidance.classes().stream().map(FailureClass::name).toList();
            throw YamlFields.problem(fields.entry("guidance").orElseThrow().value().location(), "guidance",
                    "unknown guidance class `" + guidanceClass + "`",
                    suggestion(guidanceClass, classes).map(c -> "Did you mean `" + c + "`? ").orElse("")
                            + "Classes: " + String.join(", ", classes));
        }
        boolean givesUp = outcome.equals("gives-up");
        if (givesUp && guidanceClass == null) {
            throw YamlFields.problem(fields.entry("outcome").orElseThrow().value().location(), "guidance",
                    "a scenario where the client gives up must say which guidance the user gets",
                    "Add `guidance: <class>` to `expect`, e.g. `guidance: access_denied`");
        }
        Expectation base = Expectation.recovers().withGuidance(guidanceClass).withRetry(retry);
        if (givesUp) {
            base = base.withOutcome(Expectation.Outcome.GIVES_UP);
        }
        Optional<YamlNode.Entry> attempts = fields.entry("maxAttempts");
        if (attempts.isPresent()) {
            int value = (int) longValue(attempts.get(), 1, MAX_ATTEMPTS, null);
            if (!retry && value != 1) {
                throw YamlFields.problem(attempts.get().value().location(), "maxAttempts",
                        "`maxAttempts` is " + value + " but `retry` is false", "A client that must not retry has exactly 1 attempt: remove maxAttempts or set it to 1");
            }
            base = base.withMaxAttempts(value);
        }
        Optional<YamlNode.Entry> backoff = fields.entry("minBackoff");
        if (backoff.isPresent()) {
            base = base.withMinBackoff(duration(backoff.get(), "`expect`"));
        }
        base = base.withHonourRetryAfter(fields.bool("honourRetryAfter").orElse(true));
        base = base.withPromptSurvives(fields.bool("promptSurvives").orElse(true));
        Optional<YamlNode.Entry> wait = fields.entry("userWaitsAtMost");
        if (wait.isPresent()) {
            base = base.withUserWaitsAtMost(duration(wait.get(), "`expect`"));
        }
        return base;
    }

    // ---- scalars ----

    private static String choice(YamlFields fields, String key, String value, List<String> allowed) {
        if (allowed.contains(value)) {
            return value;
        }
        YamlNode.Entry at = fields.entry(key).orElseThrow();
        throw YamlFields.problem(at.value().location(), key, "`" + key + "` cannot be `" + value + "`",
                suggestion(value, allowed).map(c -> "Did you mean `" + c + "`? ").orElse("") + "Choose one of: " + String.join(", ", allowed));
    }

    /** The candidate {@code input} is most likely a misspelling or a part of, if any. */
    private static Optional<String> suggestion(String input, Collection<String> candidates) {
        Optional<String> containing = Closest.of(input, candidates)
                .filter(c -> !input.isEmpty() && c.toLowerCase(Locale.ROOT).contains(input.toLowerCase(Locale.ROOT)));
        return containing.isPresent() ? containing : Closest.likelyTypo(input, candidates);
    }

    static long longValue(YamlNode.Entry entry, long min, long max, String hint) {
        BigInteger whole = whole(entry.value());
        if (whole != null) {
            boolean low = whole.compareTo(BigInteger.valueOf(min)) < 0;
            if (low || whole.compareTo(BigInteger.valueOf(max)) > 0) {
                // Name the bound that was crossed: "at least 1, got 3000000000" would contradict itself.
                String range = max != Long.MAX_VALUE && max != Integer.MAX_VALUE ? "in " + min + ".." + max
                        : low ? "at least " + min : "at most " + max;
                throw YamlFields.problem(entry.value().location(), entry.key(), "`" + entry.key() + "` must be " + range
                        + ", got " + whole, hint);
            }
            return whole.longValue();
        }
        throw YamlFields.problem(entry.value().location(), entry.key(), "`" + entry.key() + "` must be a whole number, but it is "
                + kind(entry.value()), hint);
    }

    /** A whole-number scalar of any size (a literal beyond 64 bits reads as a BigInteger), or null for anything else. */
    private static BigInteger whole(YamlNode node) {
        if (node instanceof YamlNode.Scalar scalar
                && (scalar.value() instanceof Integer || scalar.value() instanceof Long || scalar.value() instanceof BigInteger)) {
            return new BigInteger(scalar.value().toString());
        }
        return null;
    }

    static double number(YamlNode.Entry entry, double min, double max, String hint) {
        if (entry.value() instanceof YamlNode.Scalar scalar && scalar.value() instanceof Number number) {
            double value = number.doubleValue();
            if (!(value >= min && value <= max)) {
                throw YamlFields.problem(entry.value().location(), entry.key(), "`" + entry.key() + "` must be in "
                        + plain(min) + ".." + plain(max) + ", got " + number, hint);
            }
            return value;
        }
        throw YamlFields.problem(entry.value().location(), entry.key(), "`" + entry.key() + "` must be a number, but it is "
                + kind(entry.value()), hint);
    }

    private static String plain(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    /** {@code 250ms}, {@code 2s}, {@code 1.5s}, {@code 1m}, {@code 1h}; only {@code minBackoff} may be zero. */
    static Duration duration(YamlNode.Entry entry, String where) {
        String what = "`" + entry.key() + "` of " + where;
        if (entry.value() instanceof YamlNode.Scalar scalar && scalar.value() instanceof String text) {
            Matcher m = DURATION.matcher(text);
            if (m.matches()) {
                double amount = Double.parseDouble(m.group(1));
                double nanos = amount * switch (m.group(2)) {
                    case "ms" -> 1e6;
                    case "s" -> 1e9;
                    case "m" -> 60e9;
                    default -> 3600e9;
                };
                if (nanos >= Long.MAX_VALUE) {
                    // Beyond what a Duration of nanoseconds holds (292 years): it would silently become that.
                    throw YamlFields.problem(entry.value().location(), entry.key(), what + " is too long (`" + text + "`)", DURATION_HINT);
                }
                Duration value = Duration.ofNanos((long) nanos);
                if (value.isZero() && !entry.key().equals("minBackoff")) {
                    throw YamlFields.problem(entry.value().location(), entry.key(), what + " must be more than 0", DURATION_HINT);
                }
                return value;
            }
            throw YamlFields.problem(entry.value().location(), entry.key(), what + " cannot be `" + text + "`",
                    durationFix(text).map(d -> "Did you mean `" + d + "`? ").orElse("") + DURATION_HINT);
        }
        if (entry.value() instanceof YamlNode.Scalar scalar && scalar.value() instanceof Number number) {
            throw YamlFields.problem(entry.value().location(), entry.key(), what + " must be a duration with a unit, but it is a bare number ("
                    + number + ")", "Write `" + number + "s` for seconds or `" + number + "ms` for milliseconds");
        }
        throw YamlFields.problem(entry.value().location(), entry.key(), what + " must be a duration, but it is " + kind(entry.value()), DURATION_HINT);
    }

    /** {@code 5 seconds} → {@code 5s}, {@code 100 MS} → {@code 100ms}, when the unit is recognisable. */
    private static Optional<String> durationFix(String text) {
        Matcher m = LOOSE_DURATION.matcher(text.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        String unit = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "ms", "msec", "msecs", "millis", "millisecond", "milliseconds" -> "ms";
            case "s", "sec", "secs", "second", "seconds" -> "s";
            case "m", "min", "mins", "minute", "minutes" -> "m";
            case "h", "hr", "hrs", "hour", "hours" -> "h";
            default -> null;
        };
        return unit == null ? Optional.empty() : Optional.of(m.group(1) + unit);
    }

    /** The kind of a node for messages, with a short scalar's value: {@code a string (`abc`)}. */
    private static String kind(YamlNode node) {
        if (node instanceof YamlNode.Scalar scalar && scalar.value() != null) {
            String text = String.valueOf(scalar.value());
            if (text.length() <= 40 && text.indexOf('\n') < 0) {
                return node.kind() + " (`" + text + "`)";
            }
        }
        return node.kind();
    }
}
