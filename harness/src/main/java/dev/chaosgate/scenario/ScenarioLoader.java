package dev.chaosgate.scenario;

import dev.chaosgate.fixtures.FailureClass;
import dev.chaosgate.fixtures.Fixtures;
import dev.chaosgate.fixtures.GuidanceCatalog;
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
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * naming the file, line, column and key, with the closest valid name as a hint. See
 * {@code docs/scenarios.md} for the format and {@code scenarios/scenario.schema.json} for editors.
 */
public final class ScenarioLoader {
    static final Set<String> TOP_KEYS = Set.of("name", "description", "situation", "seed", "tags", "phases", "expect");
    static final Set<String> PHASE_KEYS = Set.of("name", "requests", "duration", "upstream", "link");
    static final Set<String> EXPECT_KEYS = Set.of("outcome", "retry", "maxAttempts", "minBackoff", "honourRetryAfter", "guidance", "promptSurvives");
    static final Set<String> ERROR_KEYS = Set.of("status", "fixture", "retryAfter", "retryAfterMs", "shouldRetry", "headers", "delay");
    static final Set<String> WRAPPER_KEYS = Set.of("probability", "flapping", "fault");
    static final Set<String> TOXIC_KEYS = Set.of("name", "type", "stream", "toxicity", "attributes");
    /** The keys that say what kind of upstream fault a mapping is. */
    static final List<String> FAULT_KINDS = List.of("status", "connection", "stream", "slow", "rateLimit", "overload", "probability", "flapping");
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

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

    /** Reads one scenario file. */
    public Scenario load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new YamlFileException(file.toString(), 0, 0, null, "no such file", "Check the path; scenario files end in .yaml");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return parse(text, file.toString());
    }

    /** Reads scenario YAML; {@code file} names it in error messages. */
    public Scenario parse(String yaml, String file) {
        YamlNode root = YamlReader.read(yaml, file);
        YamlFields top = YamlFields.of(root, "the scenario").allowOnly(TOP_KEYS);
        String name = top.requireString("name");
        List<Phase> phases = phases(top.require("phases"));
        Expectation expectation = top.mapping("expect", "`expect`").map(this::expectation).orElse(Expectation.recovers());
        Set<String> tags = new LinkedHashSet<>();
        top.stringList("tags").ifPresent(list -> list.forEach(t -> tags.add(t.value())));
        long seed = top.entry("seed").map(e -> longValue(e, Long.MIN_VALUE, Long.MAX_VALUE)).orElse(1L);
        return build(top, name, top.string("description").orElse(""), top.string("situation").orElse(""),
                seed, phases, expectation, tags);
    }

    private static Scenario build(YamlFields top, String name, String description, String situation, long seed,
                                  List<Phase> phases, Expectation expectation, Set<String> tags) {
        try {
            return new Scenario(name, description, situation, seed, phases, expectation, tags);
        } catch (IllegalArgumentException e) {
            YamlNode.Entry at = top.entry("name").orElseThrow();
            throw YamlFields.problem(at.value().location(), "name", e.getMessage(), null);
        }
    }

    // ---- phases ----

    private List<Phase> phases(YamlNode.Entry entry) {
        if (!(entry.value() instanceof YamlNode.Sequence sequence) || sequence.items().isEmpty()) {
            throw YamlFields.problem(entry.value().location(), "phases",
                    "`phases` must be a non-empty list of phases, but it is " + entry.value().kind(),
                    "Write each phase as a list item starting with `- name: ...`");
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
            Integer requests = fields.entry("requests").map(e -> (int) longValue(e, 1, Integer.MAX_VALUE)).orElse(null);
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
            UpstreamFault upstream = fields.entry("upstream").map(e -> upstream(e.value(), where)).orElse(null);
            List<LinkToxic> link = fields.entry("link").map(e -> link(e, where)).orElse(List.of());
            phases.add(new Phase(name, requests, duration, upstream, link));
        }
        return phases;
    }

    // ---- upstream faults ----

    private UpstreamFault upstream(YamlNode node, String where) {
        if (node instanceof YamlNode.Scalar scalar && "normal".equals(scalar.value())) {
            return null;
        }
        YamlFields fields = YamlFields.of(node, "`upstream` of " + where);
        String kind = null;
        for (String candidate : FAULT_KINDS) {
            if (fields.has(candidate)) {
                kind = candidate;
                break;
            }
        }
        if (kind == null) {
            throw YamlFields.problem(fields.location(), null, "`upstream` of " + where + " does not say which fault to serve",
                    "Start it with one of: " + String.join(", ", FAULT_KINDS) + " (or write `upstream: normal`)");
        }
        switch (kind) {
            case "status":
                return error(fields.allowOnly(ERROR_KEYS), where);
            case "connection": {
                fields.allowOnly(Set.of("connection"));
                String value = fields.requireString("connection");
                return switch (choice(fields, "connection", value, List.of("reset", "empty-response", "malformed-chunk", "random-data"))) {
                    case "reset" -> Faults.connectionReset();
                    case "empty-response" -> Faults.emptyResponse();
                    case "malformed-chunk" -> Faults.malformedChunk();
                    default -> Faults.randomDataThenClose();
                };
            }
            case "stream": {
                fields.allowOnly(Set.of("stream", "afterEvents", "stall"));
                String value = choice(fields, "stream", fields.requireString("stream"),
                        List.of("cut", "reset", "error", "error-nested", "response-failed", "stall"));
                int after = fields.entry("afterEvents").map(e -> (int) longValue(e, 0, 100_000)).orElse(3);
                Duration stall = fields.entry("stall").map(e -> duration(e, where)).orElse(null);
                if (value.equals("stall") && stall == null) {
                    throw YamlFields.problem(fields.location(), "stall", "a `stream: stall` needs `stall:` (how long the stream stops)",
                            "Add for example `stall: 30s`");
                }
                UpstreamFault.StreamFault.Kind streamKind = UpstreamFault.StreamFault.Kind.valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
                return new UpstreamFault.StreamFault(streamKind, after, stall == null ? Duration.ZERO : stall);
            }
            case "slow": {
                fields.allowOnly(Set.of("slow"));
                return Faults.slowAnswer(duration(fields.require("slow"), where));
            }
            case "rateLimit": {
                fields.allowOnly(Set.of("rateLimit"));
                YamlFields limits = fields.mapping("rateLimit", "`rateLimit` of " + where).orElseThrow()
                        .allowOnly(Set.of("requests", "tokens", "window"));
                int requests = limits.entry("requests").map(e -> (int) longValue(e, 0, Integer.MAX_VALUE)).orElse(0);
                int tokens = limits.entry("tokens").map(e -> (int) longValue(e, 0, Integer.MAX_VALUE)).orElse(0);
                if (requests + tokens == 0) {
                    throw YamlFields.problem(limits.location(), "requests", "`rateLimit` of " + where + " limits nothing",
                            "Set `requests:` and/or `tokens:` above 0");
                }
                Duration window = duration(limits.require("window"), where);
                return Faults.rateLimit(requests, tokens, window);
            }
            case "overload": {
                fields.allowOnly(Set.of("overload"));
                YamlFields overload = fields.mapping("overload", "`overload` of " + where).orElseThrow()
                        .allowOnly(Set.of("maxInFlight", "retryAfter"));
                int max = (int) longValue(overload.require("maxInFlight"), 0, Integer.MAX_VALUE);
                UpstreamFault.ErrorResponse shed = Faults.overloaded();
                Optional<YamlNode.Entry> retryAfter = overload.entry("retryAfter");
                shed = retryAfter.isPresent() ? shed.withRetryAfter(retryAfter(retryAfter.get())) : shed.withRetryAfter(RetryAfter.seconds(1));
                return new UpstreamFault.Overload(max, shed);
            }
            case "probability": {
                fields.allowOnly(Set.of("probability", "fault"));
                double p = number(fields.require("probability"), 0, 1);
                return Faults.withProbability(p, upstream(fields.require("fault").value(), where));
            }
            default: {
                fields.allowOnly(Set.of("flapping", "fault"));
                YamlFields flapping = fields.mapping("flapping", "`flapping` of " + where).orElseThrow().allowOnly(Set.of("down", "up"));
                return Faults.flapping(duration(flapping.require("down"), where), duration(flapping.require("up"), where),
                        upstream(fields.require("fault").value(), where));
            }
        }
    }

    private UpstreamFault.ErrorResponse error(YamlFields fields, String where) {
        int status = (int) longValue(fields.require("status"), 100, 599);
        UpstreamFault.ErrorResponse error = Faults.status(status);
        Optional<String> fixture = fields.string("fixture");
        if (fixture.isPresent()) {
            if (Fixtures.find(fixture.get()).isEmpty()) {
                YamlNode.Entry at = fields.entry("fixture").orElseThrow();
                throw YamlFields.problem(at.value().location(), "fixture", "unknown fixture `" + fixture.get() + "`",
                        Closest.of(fixture.get(), Fixtures.names()).map(c -> "Did you mean `" + c + "`? ").orElse("")
                                + "See docs/fixtures.md for the list");
            }
            error = error.withFixture(fixture.get());
        }
        Optional<YamlNode.Entry> retryAfter = fields.entry("retryAfter");
        if (retryAfter.isPresent()) {
            error = error.withRetryAfter(retryAfter(retryAfter.get()));
        }
        Optional<YamlNode.Entry> retryAfterMs = fields.entry("retryAfterMs");
        if (retryAfterMs.isPresent()) {
            error = error.withRetryAfterMs(longValue(retryAfterMs.get(), 0, Long.MAX_VALUE));
        }
        Optional<Boolean> shouldRetry = fields.bool("shouldRetry");
        if (shouldRetry.isPresent()) {
            error = error.withShouldRetry(shouldRetry.get());
        }
        Optional<Map<String, YamlFields.Located<String>>> headers = fields.textMap("headers");
        if (headers.isPresent()) {
            for (Map.Entry<String, YamlFields.Located<String>> header : headers.get().entrySet()) {
                error = error.withHeader(header.getKey(), header.getValue().value());
            }
        }
        Optional<YamlNode.Entry> delay = fields.entry("delay");
        if (delay.isPresent()) {
            error = error.withDelay(duration(delay.get(), where));
        }
        return error;
    }

    /** {@code 5} (seconds), {@code "1.5"}, {@code past}, {@code negative}, {@code huge}, {@code garbage}, or {@code {date: 30s}}. */
    private static RetryAfter retryAfter(YamlNode.Entry entry) {
        YamlNode value = entry.value();
        String hint = "Write whole seconds (`retryAfter: 5`), a fraction (`\"1.5\"`), `{date: 30s}` for an HTTP-date ahead, or one of past, negative, huge, garbage";
        if (value instanceof YamlNode.Scalar scalar) {
            Object raw = scalar.value();
            if (raw instanceof Integer || raw instanceof Long) {
                long seconds = ((Number) raw).longValue();
                if (seconds < 0) {
                    return RetryAfter.negative();
                }
                return RetryAfter.seconds(seconds);
            }
            if (raw instanceof Double || raw instanceof Float || raw instanceof java.math.BigDecimal) {
                return RetryAfter.fraction(((Number) raw).doubleValue());
            }
            if (raw instanceof String text) {
                switch (text) {
                    case "past": return RetryAfter.pastDate();
                    case "negative": return RetryAfter.negative();
                    case "huge": return RetryAfter.huge();
                    case "garbage": return RetryAfter.garbage();
                    default:
                        try {
                            return RetryAfter.fraction(Double.parseDouble(text));
                        } catch (NumberFormatException e) {
                            throw YamlFields.problem(value.location(), entry.key(), "`retryAfter` cannot be `" + text + "`",
                                    Closest.likelyTypo(text, List.of("past", "negative", "huge", "garbage"))
                                            .map(c -> "Did you mean `" + c + "`? ").orElse("") + hint);
                        }
                }
            }
        }
        if (value instanceof YamlNode.Mapping) {
            YamlFields date = YamlFields.of(value, "`retryAfter`").allowOnly(Set.of("date"));
            return RetryAfter.httpDate(duration(date.require("date"), "`retryAfter`"));
        }
        throw YamlFields.problem(value.location(), entry.key(), "`retryAfter` must be a number, a keyword or `{date: …}`, but it is " + value.kind(), hint);
    }

    // ---- link toxics ----

    private List<LinkToxic> link(YamlNode.Entry entry, String where) {
        if (!(entry.value() instanceof YamlNode.Sequence sequence)) {
            throw YamlFields.problem(entry.value().location(), "link", "`link` of " + where + " must be a list of toxics, but it is "
                    + entry.value().kind(), "Write each toxic as a list item: `- type: latency`");
        }
        List<LinkToxic> out = new ArrayList<>();
        for (YamlNode item : sequence.items()) {
            YamlFields fields = YamlFields.of(item, "a link toxic of " + where).allowOnly(TOXIC_KEYS);
            String type = fields.requireString("type");
            ToxicProvider provider = toxics.find(type).orElseThrow(() -> YamlFields.problem(
                    fields.entry("type").orElseThrow().value().location(), "type", "unknown toxic type `" + type + "`",
                    Closest.of(type, toxics.all().keySet()).map(c -> "Did you mean `" + c + "`? ").orElse("")
                            + "Toxics: " + String.join(", ", toxics.all().keySet())));
            String streamName = fields.string("stream").orElse("downstream");
            ToxicStream stream = ToxicStream.parse(streamName).orElseThrow(() -> YamlFields.problem(
                    fields.entry("stream").orElseThrow().value().location(), "stream",
                    "`stream` must be upstream or downstream, got `" + streamName + "`",
                    "upstream carries what the client sends, downstream what it receives"));
            float toxicity = fields.entry("toxicity").map(e -> (float) number(e, 0, 1)).orElse(1f);
            Map<String, Long> attributes = new LinkedHashMap<>();
            Optional<YamlFields> given = fields.mapping("attributes", "`attributes` of toxic `" + type + "`");
            Map<String, ToxicAttribute> declared = new LinkedHashMap<>();
            provider.attributes().forEach(a -> declared.put(a.name(), a));
            if (given.isPresent()) {
                given.get().allowOnly(declared.keySet());
                for (YamlNode.Entry attribute : given.get().entries().values()) {
                    ToxicAttribute spec = declared.get(attribute.key());
                    attributes.put(attribute.key(), longValue(attribute, spec.minimum(), Long.MAX_VALUE));
                }
            }
            for (ToxicAttribute spec : provider.attributes()) {
                attributes.putIfAbsent(spec.name(), 0L);
                if (attributes.get(spec.name()) < spec.minimum()) {
                    throw YamlFields.problem(fields.location(), spec.name(), "toxic `" + type + "` needs `" + spec.name()
                            + "` of at least " + spec.minimum() + " (" + spec.unit() + ")", "Set it under `attributes:`");
                }
            }
            out.add(new LinkToxic(fields.string("name").orElse(null), type, stream, toxicity, attributes));
        }
        return out;
    }

    // ---- expectation ----

    private Expectation expectation(YamlFields fields) {
        fields.allowOnly(EXPECT_KEYS);
        String outcome = fields.string("outcome").map(o -> choice(fields, "outcome", o, List.of("succeeds", "gives-up"))).orElse("succeeds");
        boolean retry = fields.bool("retry").orElse(true);
        String guidanceClass = fields.string("guidance").orElse(null);
        if (guidanceClass != null && guidance.classes().stream().noneMatch(c -> c.name().equals(guidanceClass))) {
            throw YamlFields.problem(fields.entry("guidance").orElseThrow().value().location(), "guidance",
                    "unknown guidance class `" + guidanceClass + "`",
                    Closest.of(guidanceClass, guidance.classes().stream().map(FailureClass::name).toList())
                            .map(c -> "Did you mean `" + c + "`? ").orElse("") + "See docs/fixtures.md for the guidance catalog");
        }
        Expectation base = outcome.equals("gives-up")
                ? (retry ? Expectation.recovers().withOutcome(Expectation.Outcome.GIVES_UP).withGuidance(guidanceClass)
                        : Expectation.stopsWith(guidanceClass == null ? "" : guidanceClass))
                : Expectation.recovers().withGuidance(guidanceClass);
        if (outcome.equals("gives-up") && guidanceClass == null) {
            throw YamlFields.problem(fields.location(), "guidance", "a scenario where the client gives up must say which guidance the user gets",
                    "Add `guidance: <class>` (e.g. access_denied)");
        }
        base = base.withRetry(retry);
        Optional<YamlNode.Entry> attempts = fields.entry("maxAttempts");
        if (attempts.isPresent()) {
            int value = (int) longValue(attempts.get(), 1, 1000);
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
        return base;
    }

    // ---- scalars ----

    private static String choice(YamlFields fields, String key, String value, List<String> allowed) {
        if (allowed.contains(value)) {
            return value;
        }
        YamlNode.Entry at = fields.entry(key).orElseThrow();
        throw YamlFields.problem(at.value().location(), key, "`" + key + "` cannot be `" + value + "`",
                Closest.of(value, allowed).map(c -> "Did you mean `" + c + "`? ").orElse("") + "Choose one of: " + String.join(", ", allowed));
    }

    private static long longValue(YamlNode.Entry entry, long min, long max) {
        if (entry.value() instanceof YamlNode.Scalar scalar && (scalar.value() instanceof Integer || scalar.value() instanceof Long)) {
            long value = ((Number) scalar.value()).longValue();
            if (value < min || value > max) {
                throw YamlFields.problem(entry.value().location(), entry.key(), "`" + entry.key() + "` must be "
                        + (max == Long.MAX_VALUE || max == Integer.MAX_VALUE ? "at least " + min : "in " + min + ".." + max) + ", got " + value, null);
            }
            return value;
        }
        throw YamlFields.problem(entry.value().location(), entry.key(), "`" + entry.key() + "` must be a whole number, but it is "
                + entry.value().kind(), null);
    }

    private static double number(YamlNode.Entry entry, double min, double max) {
        if (entry.value() instanceof YamlNode.Scalar scalar && scalar.value() instanceof Number number) {
            double value = number.doubleValue();
            if (!(value >= min && value <= max)) {
                throw YamlFields.problem(entry.value().location(), entry.key(), "`" + entry.key() + "` must be in " + min + ".." + max + ", got " + value, null);
            }
            return value;
        }
        throw YamlFields.problem(entry.value().location(), entry.key(), "`" + entry.key() + "` must be a number, but it is " + entry.value().kind(), null);
    }

    /** {@code 250ms}, {@code 2s}, {@code 1.5s}, {@code 1m}, {@code 1h}. */
    static Duration duration(YamlNode.Entry entry, String where) {
        String hint = "Write a duration like 250ms, 2s, 1.5s or 1m";
        if (entry.value() instanceof YamlNode.Scalar scalar && scalar.value() instanceof String text) {
            Matcher m = DURATION.matcher(text.trim());
            if (m.matches()) {
                double amount = Double.parseDouble(m.group(1));
                long nanos = switch (m.group(2)) {
                    case "ms" -> (long) (amount * 1e6);
                    case "s" -> (long) (amount * 1e9);
                    case "m" -> (long) (amount * 60e9);
                    default -> (long) (amount * 3600e9);
                };
                Duration value = Duration.ofNanos(nanos);
                if (value.isZero() && !entry.key().equals("minBackoff")) {
                    throw YamlFields.problem(entry.value().location(), entry.key(), "`" + entry.key() + "` of " + where + " must be more than 0", hint);
                }
                return value;
            }
            throw YamlFields.problem(entry.value().location(), entry.key(), "`" + entry.key() + "` of " + where + " cannot be `" + text + "`", hint);
        }
        throw YamlFields.problem(entry.value().location(), entry.key(), "`" + entry.key() + "` of " + where + " must be a duration, but it is "
                + entry.value().kind(), hint + " (a bare number has no unit)");
    }
}
