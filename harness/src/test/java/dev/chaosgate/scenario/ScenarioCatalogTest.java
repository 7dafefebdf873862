package dev.chaosgate.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chaosgate.fixtures.FailureClass;
import dev.chaosgate.fixtures.Fixture;
import dev.chaosgate.fixtures.Fixtures;
import dev.chaosgate.fixtures.GuidanceCatalog;
import dev.chaosgate.fixtures.GuidanceEntry;
import dev.chaosgate.link.ToxicStream;
import dev.chaosgate.link.toxic.ToxicAttribute;
import dev.chaosgate.link.toxic.ToxicProvider;
import dev.chaosgate.link.toxic.ToxicRegistry;
import dev.chaosgate.scenario.syntax.FaultForms;
import dev.chaosgate.upstream.RetryAfter;
import dev.chaosgate.upstream.UpstreamFault;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * The built-in catalog: its files, the soundness of every scenario's expectation, and the JSON
 * Schema (which must describe exactly what {@link ScenarioLoader} accepts, so it cannot drift).
 */
class ScenarioCatalogTest {
    /** The catalog's source directory, relative to the harness module (the tests' working directory). */
    static final Path SOURCE_DIR = Path.of("../scenarios/src/main/resources", ScenarioCatalog.RESOURCE_DIR);
    static final String SCHEMA_LINE = "# yaml-language-server: $schema=../../../../../../scenario.schema.json";

    static List<Scenario> scenarios() {
        return ScenarioCatalog.builtIn().all();
    }

    static List<String> names() {
        return ScenarioCatalog.builtIn().names();
    }

    static String source(String name) {
        try {
            return Files.readString(SOURCE_DIR.resolve(name + ".yaml"));
        } catch (IOException e) {
            throw new AssertionError("cannot read the source of " + name, e);
        }
    }

    @Nested
    class CatalogFiles {
        @Test
        void catalogTxtListsEveryYamlFileOfTheDirectoryAndNothingElse() throws IOException {
            Set<String> onDisk;
            try (Stream<Path> files = Files.list(SOURCE_DIR)) {
                onDisk = files.map(f -> f.getFileName().toString()).filter(n -> n.matches(".*\\.ya?ml")).collect(Collectors.toCollection(TreeSet::new));
            }
            List<String> listed = ScenarioCatalog.builtInResources().stream()
                    .map(r -> r.substring(ScenarioCatalog.RESOURCE_DIR.length())).toList();

            assertThat(listed).doesNotHaveDuplicates();
            assertThat(new TreeSet<>(listed)).isEqualTo(onDisk);
            assertThat(onDisk).allMatch(n -> n.endsWith(".yaml"), "catalog files end in .yaml");
        }

        @Test
        void theDirectoryHoldsOnlyTheCatalogAndItsList() throws IOException {
            try (Stream<Path> files = Files.list(SOURCE_DIR)) {
                assertThat(files.map(f -> f.getFileName().toString()))
                        .allMatch(n -> n.endsWith(".yaml") || n.equals("catalog.txt"));
            }
        }

        @Test
        void everyCatalogScenarioLoadsValidatesAndIsNamedAsItsFile() {
            ScenarioLoader loader = ScenarioLoader.standard();
            for (String resource : ScenarioCatalog.builtInResources()) {
                assertThatCode(() -> loader.loadResource(resource)).as(resource).doesNotThrowAnyException();
                String file = resource.substring(resource.lastIndexOf('/') + 1);
                assertThat(loader.loadResource(resource).name() + ".yaml").isEqualTo(file);
                // The source file (what editors and `chaosgate validate` see) loads the same.
                assertThat(loader.load(SOURCE_DIR.resolve(file))).isEqualTo(loader.loadResource(resource));
            }
        }

        @Test
        void theCatalogIsLargeAndItsNamesUnique() {
            assertThat(names()).hasSizeGreaterThanOrEqualTo(21).doesNotHaveDuplicates();
            assertThat(scenarios()).extracting(Scenario::name).containsExactlyElementsOf(names());
        }

        @Test
        void theCatalogHasTheScenariosIssue4AsksFor() {
            assertThat(names()).contains("bad-gateway-single", "bad-gateway-burst", "bad-gateway-cloudflare-html",
                    "bad-gateway-edge-json", "service-unavailable-maintenance", "overloaded-under-concurrency",
                    "rate-limit-window", "quota-exhausted", "request-too-large", "access-denied-1020",
                    "gateway-timeout-504", "origin-timeout-524", "slow-first-byte", "connection-reset",
                    "black-hole-timeout", "stream-cut-mid-answer", "stream-error-event", "brownout-30-percent",
                    "full-outage", "retry-after-past", "should-retry-false");
        }

        @ParameterizedTest
        @MethodSource("dev.chaosgate.scenario.ScenarioCatalogTest#names")
        void everyFileStartsWithTheSchemaLineAndSetsItsSeed(String name) {
            String text = source(name);
            assertThat(text.lines().findFirst()).hasValue(SCHEMA_LINE);
            String schema = SCHEMA_LINE.substring(SCHEMA_LINE.indexOf('=') + 1);
            assertThat(SOURCE_DIR.resolve(schema).normalize()).isEqualTo(SchemaCheck.SCHEMA.normalize());
            assertThat(text).containsPattern("(?m)^seed: -?\\d+$");
        }
    }

    @Nested
    class Scenarios {
        @ParameterizedTest
        @MethodSource("dev.chaosgate.scenario.ScenarioCatalogTest#scenarios")
        void describesWhatTheGatewayDoesAndTheRealSituation(Scenario scenario) {
            assertThat(scenario.description()).as("description").isNotBlank().doesNotContain("\n").endsWith(".")
                    .hasSizeLessThanOrEqualTo(120);
            // The text stands alone: it cites public sources or nothing, never the project's research notes.
            assertThat(scenario.situation()).as("situation stands alone")
                    .doesNotContainPattern("(?i)\\bseeds? 00[0-9]\\b").doesNotContain("llm-clients").doesNotContain("shared/")
                    .hasSizeBetween(200, 700);
            long sentences = scenario.situation().split("[.?!](\\s|$)").length;
            assertThat(sentences).as("sentences of the situation").isBetween(2L, 5L);
        }

        @ParameterizedTest
        @MethodSource("dev.chaosgate.scenario.ScenarioCatalogTest#scenarios")
        void tagsAreLowerCaseWordsAndSayWhatTheExpectationSays(Scenario scenario) {
            assertThat(scenario.tags()).isNotEmpty().allMatch(t -> t.matches("[a-z0-9]+(-[a-z0-9]+)*"));
            Expectation expect = scenario.expect();
            assertThat(scenario.tags().contains("must-not-retry")).as("tagged must-not-retry <=> retry: false").isEqualTo(!expect.retry());
            assertThat(scenario.tags().contains("gives-up")).as("tagged gives-up <=> outcome: gives-up")
                    .isEqualTo(expect.outcome() == Expectation.Outcome.GIVES_UP);
        }

        @ParameterizedTest
        @MethodSource("dev.chaosgate.scenario.ScenarioCatalogTest#scenarios")
        void mustNotRetryScenariosHaveOneAttemptAndNoBackoff(Scenario scenario) {
            Expectation expect = scenario.expect();
            if (!expect.retry()) {
                assertThat(expect.maxAttempts()).isEqualTo(1);
                assertThat(expect.minBackoff()).isZero();
            } else {
                assertThat(expect.maxAttempts()).isBetween(2, 6);
            }
            assertThat(expect.promptSurvives()).as("the prompt survives in every built-in scenario").isTrue();
        }

        @ParameterizedTest
        @MethodSource("dev.chaosgate.scenario.ScenarioCatalogTest#scenarios")
        void givingUpNamesAGuidanceClassOfTheCatalogThatFitsTheFault(Scenario scenario) {
            Expectation expect = scenario.expect();
            if (expect.outcome() != Expectation.Outcome.GIVES_UP) {
                assertThat(expect.guidance()).as("guidance is for scenarios where the client gives up").isNull();
                return;
            }
            GuidanceEntry entry = GuidanceCatalog.builtIn().entry(expect.guidance());
            boolean serverSaysNoRetry = errors(scenario).stream().anyMatch(e -> Boolean.FALSE.equals(e.shouldRetry()));
            assertThat(expect.retry()).as("retry matches whether `%s` is retryable", expect.guidance())
                    .isEqualTo(entry.retryable() && !serverSaysNoRetry);
            entry.maxRetries().ifPresent(max -> assertThat(expect.maxAttempts()).isLessThanOrEqualTo(max + 1));
            // When the client gives up after retrying, the fault must last for the rest of the run.
            Phase last = scenario.phases().get(scenario.phases().size() - 1);
            if (expect.retry()) {
                assertThat(last.openEnded()).isTrue();
                assertThat(last.upstream() != null || !last.link().isEmpty()).as("the last phase fails requests").isTrue();
            }
            // A fixture served to the end stands for the guidance class given.
            if (last.upstream() instanceof UpstreamFault.ErrorResponse error && error.fixture() != null) {
                assertThat(Fixtures.load(error.fixture()).failureClass()).hasValue(new FailureClass(expect.guidance()));
            }
        }

        @ParameterizedTest
        @MethodSource("dev.chaosgate.scenario.ScenarioCatalogTest#scenarios")
        void retriedFaultsAreRetryableInTheGuidanceCatalogWithinTheirRetryLimit(Scenario scenario) {
            Expectation expect = scenario.expect();
            for (UpstreamFault.ErrorResponse error : errors(scenario)) {
                if (error.fixture() == null || Boolean.FALSE.equals(error.shouldRetry())) {
                    continue;
                }
                Fixture fixture = Fixtures.load(error.fixture());
                GuidanceEntry entry = GuidanceCatalog.builtIn().entry(fixture.failureClass().orElseThrow());
                assertThat(expect.retry()).as("%s is %sretryable", fixture.name(), entry.retryable() ? "" : "not ")
                        .isEqualTo(entry.retryable());
                OptionalInt max = entry.maxRetries();
                max.ifPresent(m -> assertThat(expect.maxAttempts()).as("%s allows %d retries", fixture.name(), m)
                        .isLessThanOrEqualTo(m + 1));
            }
        }

        @ParameterizedTest
        @MethodSource("dev.chaosgate.scenario.ScenarioCatalogTest#scenarios")
        void aGoodClientCanSucceedWithinItsBudget(Scenario scenario) {
            Expectation expect = scenario.expect();
            if (expect.outcome() != Expectation.Outcome.SUCCEEDS) {
                return;
            }
            int failing = 0;
            for (Phase phase : scenario.phases()) {
                if (phase.requests() == null || !fails(phase.upstream())) {
                    break;
                }
                failing += phase.requests();
            }
            assertThat(failing).as("requests failed before a normal answer").isLessThan(expect.maxAttempts());
            Phase last = scenario.phases().get(scenario.phases().size() - 1);
            if (last.openEnded() && expect.retry()) {
                assertThat(fails(last.upstream())).as("a scenario that succeeds ends with answers").isFalse();
            }
        }

        @ParameterizedTest
        @MethodSource("dev.chaosgate.scenario.ScenarioCatalogTest#scenarios")
        void retryAfterMustBeHonouredUnlessItIsAbsurd(Scenario scenario) {
            boolean huge = errors(scenario).stream().anyMatch(e -> e.retryAfter() != null && e.retryAfter().kind() == RetryAfter.Kind.HUGE);
            assertThat(scenario.expect().honourRetryAfter()).isEqualTo(!huge);
        }

        @Test
        void seedsAreDistinct() {
            assertThat(scenarios()).extracting(Scenario::seed).doesNotHaveDuplicates();
        }

        /** Whether a request meeting {@code fault} fails for a client with a sane timeout. */
        private boolean fails(UpstreamFault fault) {
            return fault instanceof UpstreamFault.ErrorResponse || fault instanceof UpstreamFault.ConnectionFault
                    || fault instanceof UpstreamFault.SlowAnswer slow && slow.delay().compareTo(Duration.ofMinutes(5)) > 0;
        }
    }

    /** Every error answer a scenario can serve, however deeply wrapped. */
    static List<UpstreamFault.ErrorResponse> errors(Scenario scenario) {
        List<UpstreamFault.ErrorResponse> out = new ArrayList<>();
        for (Phase phase : scenario.phases()) {
            collect(phase.upstream(), out);
        }
        return out;
    }

    private static void collect(UpstreamFault fault, List<UpstreamFault.ErrorResponse> out) {
        if (fault instanceof UpstreamFault.ErrorResponse error) {
            out.add(error);
        } else if (fault instanceof UpstreamFault.WithProbability p) {
            collect(p.fault(), out);
        } else if (fault instanceof UpstreamFault.Flapping f) {
            collect(f.fault(), out);
        } else if (fault instanceof UpstreamFault.FirstRequests f) {
            collect(f.fault(), out);
        } else if (fault instanceof UpstreamFault.Outage o) {
            collect(o.fault(), out);
        } else if (fault instanceof UpstreamFault.Overload o) {
            collect(o.shed(), out);
        } else if (fault instanceof UpstreamFault.FirstOf f) {
            f.faults().forEach(each -> collect(each, out));
        }
    }

    @Nested
    class Schema {
        private final JsonNode schema = SchemaCheck.schemaJson();
        private final SchemaCheck check = SchemaCheck.load();

        @ParameterizedTest
        @MethodSource("dev.chaosgate.scenario.ScenarioCatalogTest#names")
        void everyCatalogFileConformsToTheSchema(String name) {
            assertThat(check.problemsOfYaml(source(name))).isEmpty();
        }

        @Test
        void isDraft202012AndClosed() {
            assertThat(schema.path("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
            assertThat(schema.path("additionalProperties").asBoolean(true)).isFalse();
            assertThat(schema.path("required")).extracting(JsonNode::asText).containsExactlyInAnyOrder("name", "phases");
            // Every object the schema describes is closed and documented, so editors complete and flag keys.
            List<String> open = new ArrayList<>();
            walk(schema, "$", (path, node) -> {
                if ("object".equals(node.path("type").asText()) && node.has("properties") && !node.has("additionalProperties")) {
                    open.add(path);
                }
            });
            assertThat(open).as("objects without additionalProperties").isEmpty();
        }

        @Test
        void everyKeyHasADescriptionForEditors() {
            List<String> undocumented = new ArrayList<>();
            walk(schema, "$", (path, node) -> {
                if (node.path("additionalProperties").asBoolean(true)) {
                    return; // not a declaration: an if/then condition or a constraint
                }
                node.path("properties").properties().forEach(p -> {
                JsonNode property = p.getValue();
                boolean documented = property.has("description")
                        || property.has("$ref") && check.resolve(property.path("$ref").asText()).has("description");
                if (!documented) {
                    undocumented.add(path + "." + p.getKey());
                }
                });
            });
            assertThat(undocumented).isEmpty();
        }

        @Test
        void enumsMatchTheModel() {
            // The schema is generated from the format's definition (ScenarioSchemaTest); these pin that definition to the model.
            Map<String, JsonNode> faults = faultAlternatives();
            assertThat(faults.keySet()).containsExactlyInAnyOrder("status", "connection", "stream", "slow", "rateLimit", "overload",
                    "probability", "flapping");
            assertThat(texts(faults.get("connection").path("properties").path("connection").path("enum")))
                    .isEqualTo(Arrays.stream(UpstreamFault.ConnectionFault.Kind.values()).map(k -> k.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList());
            JsonNode stream = faults.get("stream").path("properties");
            assertThat(texts(stream.path("stream").path("enum")))
                    .isEqualTo(Arrays.stream(UpstreamFault.StreamFault.Kind.values()).map(k -> k.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList());
            assertThat(stream.path("afterTextDeltas").path("default").asInt())
                    .isEqualTo(((UpstreamFault.StreamFault.Point.AfterTextDeltas) UpstreamFault.StreamFault.DEFAULT_POINT).deltas());
            assertThat(stream.path("beforeText").path("const").asBoolean()).isTrue();
            assertThat(texts(schema.path("properties").path("clock").path("enum")))
                    .isEqualTo(Arrays.stream(Scenario.Clock.values()).map(Scenario.Clock::yamlName).toList());
            assertThat(schema.path("properties").path("clock").path("default").asText()).isEqualTo(Scenario.Clock.CLIENT.yamlName());
            assertThat(texts(def("linkToxic").path("properties").path("stream").path("enum")))
                    .isEqualTo(Arrays.stream(ToxicStream.values()).map(ToxicStream::wireName).toList());
            assertThat(def("upstream").path("anyOf").get(0).path("const").asText()).isEqualTo("normal");
        }

        @Test
        void fixturesGuidanceClassesAndToxicsMatchTheirCatalogs() {
            assertThat(texts(faultAlternatives().get("status").path("properties").path("fixture").path("enum")))
                    .isEqualTo(Fixtures.names());
            assertThat(texts(def("expect").path("properties").path("guidance").path("enum")))
                    .isEqualTo(GuidanceCatalog.builtIn().classes().stream().map(FailureClass::name).toList());

            Map<String, ToxicProvider> toxics = ToxicRegistry.load().all();
            assertThat(new TreeSet<>(texts(def("linkToxic").path("properties").path("type").path("enum")))).isEqualTo(new TreeSet<>(toxics.keySet()));
            Map<String, JsonNode> perType = new TreeMap<>();
            for (JsonNode rule : def("linkToxic").path("allOf")) {
                perType.put(rule.path("if").path("properties").path("type").path("const").asText(), rule.path("then"));
            }
            assertThat(perType.keySet()).isEqualTo(new TreeSet<>(toxics.keySet()));
            toxics.forEach((type, provider) -> {
                JsonNode attributes = perType.get(type).path("properties").path("attributes");
                assertThat(attributes.path("additionalProperties").asBoolean(true)).isFalse();
                Set<String> required = new LinkedHashSet<>();
                for (ToxicAttribute attribute : provider.attributes()) {
                    JsonNode declared = attributes.path("properties").path(attribute.name());
                    assertThat(declared.path("type").asText()).as("%s.%s", type, attribute.name()).isEqualTo("integer");
                    assertThat(declared.path("minimum").asLong()).as("%s.%s minimum", type, attribute.name()).isEqualTo(attribute.minimum());
                    if (attribute.minimum() > 0) {
                        required.add(attribute.name());
                    }
                }
                assertThat(keys(attributes)).as("attributes of %s", type)
                        .isEqualTo(provider.attributes().stream().map(ToxicAttribute::name).collect(Collectors.toSet()));
                assertThat(new HashSet<>(texts(attributes.path("required")))).as("required attributes of %s", type).isEqualTo(required);
            });
        }

        @Test
        void theJarCarriesTheSameSchema() throws IOException {
            try (InputStream in = getClass().getClassLoader().getResourceAsStream(ScenarioCatalog.RESOURCE_DIR + "scenario.schema.json")) {
                assertThat(in).as("scenario.schema.json in the chaosgate-scenarios jar").isNotNull();
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(Files.readString(SchemaCheck.SCHEMA));
            }
        }

        private JsonNode def(String name) {
            return schema.path("$defs").path(name);
        }

        /** The fault alternatives by kind: the key each requires. */
        private Map<String, JsonNode> faultAlternatives() {
            Map<String, JsonNode> byKind = new TreeMap<>();
            for (JsonNode alternative : def("fault").path("oneOf")) {
                List<String> required = texts(alternative.path("required"));
                byKind.put(required.stream().filter(FaultForms.kinds()::contains).findFirst().orElseThrow(), alternative);
            }
            return byKind;
        }

        private Set<String> keys(JsonNode object) {
            Set<String> keys = new HashSet<>();
            object.path("properties").fieldNames().forEachRemaining(keys::add);
            return keys;
        }

        private List<String> texts(JsonNode array) {
            List<String> out = new ArrayList<>();
            array.forEach(n -> out.add(n.asText()));
            return out;
        }

        private void walk(JsonNode node, String path, java.util.function.BiConsumer<String, JsonNode> visit) {
            if (node.isObject()) {
                visit.accept(path, node);
                node.properties().forEach(f -> walk(f.getValue(), path + "." + f.getKey(), visit));
            } else if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    walk(node.get(i), path + "[" + i + "]", visit);
                }
            }
        }
    }
}
