package dev.chaosgate.scenario;

import dev.chaosgate.fixtures.FailureClass;
import dev.chaosgate.fixtures.GuidanceCatalog;
import dev.chaosgate.fixtures.YamlFileException;
import dev.chaosgate.fixtures.yaml.YamlFields;
import dev.chaosgate.fixtures.yaml.YamlNode;
import dev.chaosgate.fixtures.yaml.YamlReader;
import dev.chaosgate.link.ToxicStream;
import dev.chaosgate.link.tls.TlsFault;
import dev.chaosgate.link.toxic.ToxicAttribute;
import dev.chaosgate.link.toxic.ToxicProvider;
import dev.chaosgate.link.toxic.ToxicRegistry;
import dev.chaosgate.scenario.syntax.FaultForms;
import dev.chaosgate.scenario.syntax.Fields;
import dev.chaosgate.scenario.syntax.ObjectSyntax;
import dev.chaosgate.scenario.syntax.ScenarioSyntax;
import dev.chaosgate.scenario.syntax.Values;
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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads scenario YAML into the {@link Scenario} model, strictly: an unknown key, a wrong type, an
 * impossible value, an unknown fixture, toxic or guidance class is a {@link YamlFileException}
 * naming the file, line, column and key, with the closest valid name as a hint. No other exception
 * escapes for bad content. The format is defined once, in {@link ScenarioSyntax} and the faults'
 * {@link FaultForms}: the keys read here and the generated {@code scenarios/scenario.schema.json} both
 * come from there. See {@code docs/scenarios.md} for the format.
 */
public final class ScenarioLoader {
    /** The top-level keys; the others come from {@link ScenarioSyntax} and {@link FaultForms} the same way. */
    static final Set<String> TOP_KEYS = ScenarioSyntax.SCENARIO.keyNames();
    static final List<String> CLOCKS = Arrays.stream(Scenario.Clock.values()).map(Scenario.Clock::yamlName).toList();

    private static final Pattern NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    private final ToxicRegistry toxics;
    private final GuidanceCatalog guidance;
    private final ObjectSyntax toxicSyntax;
    private final ObjectSyntax expectSyntax;

    private ScenarioLoader(ToxicRegistry toxics, GuidanceCatalog guidance) {
        this.toxics = toxics;
        this.guidance = guidance;
        this.toxicSyntax = ScenarioSyntax.toxic(toxics);
        this.expectSyntax = ScenarioSyntax.expect(guidance);
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
        return FaultForms.read(new YamlNode.Entry("upstream", root.location(), root), "the fault", where);
    }

    private Scenario read(String yaml, String file, String fileName) {
        YamlNode root = YamlReader.read(yaml, file);
        Fields fields = ScenarioSyntax.SCENARIO.read(root, "the scenario", "the scenario");
        YamlFields top = fields.yaml();
        String name = name(top, fileName);
        String description = fields.get(ScenarioSyntax.DESCRIPTION).orElse("");
        if (description.indexOf('\n') >= 0 || description.indexOf('\r') >= 0) {
            throw YamlFields.problem(top.entry("description").orElseThrow().value().location(), "description",
                    "`description` must be one line", "Say in one line what the gateway does; put the story in `situation`");
        }
        String situation = fields.get(ScenarioSyntax.SITUATION).orElse("");
        long seed = fields.get(ScenarioSyntax.SEED).orElse(1L);
        Set<String> tags = top.entry("tags").map(ScenarioLoader::tags).orElse(Set.of());
        Scenario.Clock clock = top.string("clock").map(c -> clock(top, c)).orElse(Scenario.Clock.CLIENT);
        List<Phase> phases = phases(top.require("phases"));
        Expectation expectation = top.mapping("expect", "`expect`").map(this::expectation).orElse(Expectation.recovers());
        Crowd crowd = top.mapping(ScenarioSyntax.CROWD, "`crowd`").map(c -> CrowdReader.read(c, expectation)).orElse(null);
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
                Values.suggestion(value, CLOCKS).map(c -> "Did you mean `" + c + "`? ").orElse("")
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
            throw YamlFields.problem(item.location(), "tags", "a tag must be a word or a number, but it is " + Values.kind(item),
                    "Write tags as a list of words, e.g. `tags: [5xx, 502, cloudflare]`");
        }
        return tags;
    }

    // ---- phases ----

    private List<Phase> phases(YamlNode.Entry entry) {
        if (!(entry.value() instanceof YamlNode.Sequence sequence)) {
            throw YamlFields.problem(entry.value().location(), "phases",
                    "`phases` must be a list of phases, but it is " + Values.kind(entry.value()),
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
            YamlFields fields = YamlFields.of(item, "phase " + (i + 1)).allowOnly(ScenarioSyntax.PHASE.keyNames());
            String name = fields.string("name").orElse("phase-" + (i + 1));
            if (!names.add(name)) {
                throw YamlFields.problem(fields.entry("name").orElseThrow().value().location(), "name",
                        "two phases are named `" + name + "`", "Give each phase its own name");
            }
            String where = "phase `" + name + "`";
            Fields phase = ScenarioSyntax.PHASE.of(fields, where);
            Integer requests = phase.get(ScenarioSyntax.REQUESTS).orElse(null);
            Duration duration = phase.get(ScenarioSyntax.DURATION).orElse(null);
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
            Integer step = phase.get(ScenarioSyntax.STEP).orElse(null);
            TlsFault tls = phase.get(ScenarioSyntax.TLS).orElse(null);
            try {
                phases.add(new Phase(name, requests, duration, upstream, link, step, tls));
            } catch (IllegalArgumentException e) {
                throw YamlFields.problem(fields.location(), null, e.getMessage(), null);
            }
        }
        return phases;
    }

    // ---- upstream faults ----

    /** {@code upstream:} of a phase: {@code normal} or a fault; null for normal answers. */
    private UpstreamFault upstream(YamlNode.Entry entry, String where) {
        if (entry.value() instanceof YamlNode.Scalar scalar && FaultForms.NORMAL.equals(scalar.value())) {
            return null;
        }
        return FaultForms.read(entry, "`upstream` of " + where, where);
    }

    // ---- link toxics ----

    private List<LinkToxic> link(YamlNode.Entry entry, String where) {
        if (!(entry.value() instanceof YamlNode.Sequence sequence)) {
            throw YamlFields.problem(entry.value().location(), "link", "`link` of " + where + " must be a list of toxics, but it is "
                    + Values.kind(entry.value()), "Write each toxic as a list item: `- type: latency`");
        }
        List<LinkToxic> out = new ArrayList<>();
        Map<String, YamlNode.Location> names = new LinkedHashMap<>();
        for (YamlNode item : sequence.items()) {
            Fields toxic = toxicSyntax.read(item, "a link toxic of " + where, where);
            YamlFields fields = toxic.yaml();
            String type = fields.requireString("type");
            ToxicProvider provider = toxics.find(type).orElseThrow(() -> YamlFields.problem(
                    fields.entry("type").orElseThrow().value().location(), "type", "unknown toxic type `" + type + "`",
                    Values.suggestion(type, toxics.all().keySet()).map(c -> "Did you mean `" + c + "`? ").orElse("")
                            + "Toxics: " + String.join(", ", toxics.all().keySet())));
            String streamName = toxic.get(ScenarioSyntax.TOXIC_STREAM).orElse("downstream");
            if (!ScenarioSyntax.STREAMS.contains(streamName)) {
                throw YamlFields.problem(fields.entry("stream").orElseThrow().value().location(), "stream",
                        "`stream` must be upstream or downstream, got `" + streamName + "`",
                        "upstream carries what the client sends, downstream what it receives");
            }
            ToxicStream stream = ToxicStream.parse(streamName).orElseThrow();
            float toxicity = toxic.get(ScenarioSyntax.TOXICITY).map(Double::floatValue).orElse(1f);
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
            LinkToxic linkToxic = new LinkToxic(toxic.get(ScenarioSyntax.TOXIC_NAME).orElse(null), type, stream, toxicity, attributes);
            YamlNode.Location previous = names.putIfAbsent(linkToxic.name(), fields.location());
            if (previous != null) {
                YamlNode.Location at = fields.entry("name").map(YamlNode.Entry::keyLocation).orElse(fields.location());
                throw YamlFields.problem(at, "name", where + " has two link toxics named `" + linkToxic.name() + "`"
                                + (fields.has("name") ? "" : " (the default name is <type>_<stream>)"),
                        "Give one of them its own `name:` (the other is on line " + previous.line() + ")");
            }
            out.add(linkToxic);
        }
        return out;
    }

    private static long attribute(YamlNode.Entry entry, String type, ToxicAttribute spec) {
        BigInteger whole = Values.whole(entry.value());
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
                + "` must be a whole number (" + spec.unit() + "), but it is " + Values.kind(entry.value()), null);
    }

    // ---- expectation ----

    private Expectation expectation(YamlFields fields) {
        fields.allowOnly(expectSyntax.keyNames());
        Optional<YamlNode.Entry> anyOf = fields.entry(ScenarioSyntax.ANY_OF);
        if (anyOf.isPresent()) {
            return alternatives(fields, anyOf.get());
        }
        return oneExpectation(fields);
    }

    /** {@code expect: {anyOf: [{...}, {...}]}}: two or more alternatives, each an expectation of its own. */
    private Expectation alternatives(YamlFields fields, YamlNode.Entry anyOf) {
        for (YamlNode.Entry other : fields.entries().values()) {
            if (!other.key().equals(ScenarioSyntax.ANY_OF)) {
                throw YamlFields.problem(other.keyLocation(), other.key(), "`" + other.key() + "` stands beside `anyOf` in `expect`",
                        "With `anyOf`, each alternative says everything: move `" + other.key() + "` into every alternative that needs it");
            }
        }
        if (!(anyOf.value() instanceof YamlNode.Sequence sequence)) {
            throw YamlFields.problem(anyOf.value().location(), ScenarioSyntax.ANY_OF, "`anyOf` must be a list of expectations, but it is "
                    + Values.kind(anyOf.value()), "Write each alternative as a list item, e.g. `- {outcome: succeeds, maxAttempts: 3}`");
        }
        if (sequence.items().size() < 2) {
            throw YamlFields.problem(anyOf.value().location(), ScenarioSyntax.ANY_OF, "`anyOf` lists "
                    + (sequence.items().isEmpty() ? "no alternative" : "one alternative") + "; it needs at least two",
                    "With one good behaviour, write its keys directly under `expect`");
        }
        List<Expectation> alternatives = new ArrayList<>();
        for (int i = 0; i < sequence.items().size(); i++) {
            YamlFields alternative = YamlFields.of(sequence.items().get(i), "alternative " + (i + 1) + " of `anyOf`");
            Optional<YamlNode.Entry> nested = alternative.entry(ScenarioSyntax.ANY_OF);
            if (nested.isPresent()) {
                throw YamlFields.problem(nested.get().keyLocation(), ScenarioSyntax.ANY_OF, "alternative " + (i + 1) + " of `anyOf` has an `anyOf` of its own",
                        "List every alternative in the one `anyOf`");
            }
            alternative.allowOnly(expectSyntax.keyNames());
            alternatives.add(oneExpectation(alternative));
        }
        return Expectation.anyOf(alternatives.get(0), alternatives.subList(1, alternatives.size()).toArray(Expectation[]::new));
    }

    private Expectation oneExpectation(YamlFields yaml) {
        Fields fields = expectSyntax.of(yaml, "`expect`");
        String outcome = fields.get(ScenarioSyntax.OUTCOME).orElse("succeeds");
        boolean retry = fields.get(ScenarioSyntax.RETRY).orElse(true);
        String guidanceClass = fields.get(ScenarioSyntax.GUIDANCE).orElse(null);
        if (guidanceClass != null && guidance.classes().stream().noneMatch(c -> c.name().equals(guidanceClass))) {
            List<String> classes = guidance.classes().stream().map(FailureClass::name).toList();
            throw YamlFields.problem(yaml.entry("guidance").orElseThrow().value().location(), "guidance",
                    "unknown guidance class `" + guidanceClass + "`",
                    Values.suggestion(guidanceClass, classes).map(c -> "Did you mean `" + c + "`? ").orElse("")
                            + "Classes: " + String.join(", ", classes));
        }
        boolean givesUp = outcome.equals("gives-up");
        if (givesUp && guidanceClass == null) {
            throw YamlFields.problem(yaml.entry("outcome").orElseThrow().value().location(), "guidance",
                    "a scenario where the client gives up must say which guidance the user gets",
                    "Add `guidance: <class>` to `expect`, e.g. `guidance: access_denied`");
        }
        Expectation base = Expectation.recovers().withGuidance(guidanceClass).withRetry(retry);
        if (givesUp) {
            base = base.withOutcome(Expectation.Outcome.GIVES_UP);
        }
        Optional<YamlNode.Entry> attempts = yaml.entry("maxAttempts");
        if (attempts.isPresent()) {
            int value = fields.require(ScenarioSyntax.MAX_ATTEMPTS_KEY);
            if (!retry && value != 1) {
                throw YamlFields.problem(attempts.get().value().location(), "maxAttempts",
                        "`maxAttempts` is " + value + " but `retry` is false", "A client that must not retry has exactly 1 attempt: remove maxAttempts or set it to 1");
            }
            base = base.withMaxAttempts(value);
        }
        Optional<Duration> backoff = fields.get(ScenarioSyntax.MIN_BACKOFF);
        if (backoff.isPresent()) {
            base = base.withMinBackoff(backoff.get());
        }
        base = base.withHonourRetryAfter(fields.get(ScenarioSyntax.HONOUR_RETRY_AFTER).orElse(true));
        base = base.withPromptSurvives(fields.get(ScenarioSyntax.PROMPT_SURVIVES).orElse(true));
        Optional<Duration> wait = fields.get(ScenarioSyntax.USER_WAITS_AT_MOST);
        if (wait.isPresent()) {
            base = base.withUserWaitsAtMost(wait.get());
        }
        return base;
    }

}
