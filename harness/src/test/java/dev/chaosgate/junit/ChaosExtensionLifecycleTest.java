package dev.chaosgate.junit;

import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.scenario.ScenarioCatalog;
import dev.chaosgate.upstream.UpstreamExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.platform.testkit.engine.EngineExecutionResults;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static dev.chaosgate.junit.ChaosTestKit.assertAllSucceeded;
import static dev.chaosgate.junit.ChaosTestKit.chat;
import static dev.chaosgate.junit.ChaosTestKit.port;
import static dev.chaosgate.junit.ChaosTestKit.refuses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway's lifetime in every way of registering the extension, checked by running fixture
 * classes through the Jupiter engine. Fixtures record what they saw in {@link #SEEN}.
 */
class ChaosExtensionLifecycleTest {
    /** What the fixtures saw, by topic; cleared before each test of this class (which run one at a time). */
    static final Map<String, List<Object>> SEEN = new ConcurrentHashMap<>();

    static final String SINGLE = "bad-gateway-single";
    static final String BURST = "bad-gateway-burst";
    static final String OWN_FILE = "src/test/resources/junit/two-503s-then-ok.yaml";

    static void see(String topic, Object value) {
        SEEN.computeIfAbsent(topic, t -> Collections.synchronizedList(new ArrayList<>())).add(value);
    }

    static List<Object> seen(String topic) {
        return SEEN.getOrDefault(topic, List.of());
    }

    private static long threadsBefore;

    @BeforeAll
    static void countThreads() {
        threadsBefore = ChaosTestKit.chaosgateThreads();
    }

    @AfterAll
    static void noThreadLeftBehind() {
        await().atMost(5, TimeUnit.SECONDS).untilAsserted(
                () -> assertThat(ChaosTestKit.chaosgateThreads()).as("chaosgate-* threads").isLessThanOrEqualTo(threadsBefore + 1));
    }

    @BeforeEach
    void forgetWhatEarlierFixturesSaw() {
        SEEN.clear();
    }

    // ---- declarative: a gateway per test ----

    @ChaosTest
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class PerTestTestCases {
        @Test
        @Order(1)
        @PlayScenario(SINGLE)
        void first(ChaosGateway gateway) throws Exception {
            see("gateway", gateway);
            see("url", gateway.baseUrl());
            see("upstream", gateway.upstream().port());
            assertThat(chat(gateway)).isEqualTo(502);
        }

        @Test
        @Order(2)
        @PlayScenario(SINGLE)
        void second(ChaosGateway gateway) throws Exception {
            String firstUrl = (String) seen("url").get(0);
            assertThat(refuses(port(firstUrl))).as("the first test's gateway is closed when it ends").isTrue();
            see("gateway", gateway);
            see("url", gateway.baseUrl());
            see("upstream", gateway.upstream().port());
            assertThat(chat(gateway)).as("a fresh timeline, not the first test's").isEqualTo(502);
        }

        @AfterEach
        void stillOpenInAfterEach(ChaosGateway gateway) {
            assertThat(refuses(port(gateway.baseUrl()))).isFalse();
        }
    }

    @Test
    void declarative_eachTestGetsItsOwnGateway_closedWhenTheTestEnds() {
        assertAllSucceeded(ChaosTestKit.run(PerTestTestCases.class), 2);

        assertThat(seen("gateway")).hasSize(2).doesNotHaveDuplicates();
        assertThat(seen("url")).hasSize(2).doesNotHaveDuplicates();
        for (Object url : seen("url")) {
            assertThat(refuses(port((String) url))).as("link port of %s", url).isTrue();
        }
        for (Object upstreamPort : seen("upstream")) {
            assertThat(refuses((Integer) upstreamPort)).as("upstream port %s", upstreamPort).isTrue();
        }
    }

    // ---- the scenario really plays ----

    @ChaosTest
    static class PlaysTheScenarioTestCases {
        @Test
        @PlayScenario(SINGLE)
        void oneBadGatewayThenAnswers(ChaosGateway gateway) throws Exception {
            assertThat(gateway.scenario().name()).isEqualTo(SINGLE);
            assertThat(chat(gateway)).isEqualTo(502);
            assertThat(chat(gateway)).isEqualTo(200);
            assertThat(gateway.exchanges()).extracting(UpstreamExchange::status).containsExactly(502, 200);
        }

        @Test
        @PlayScenario(file = OWN_FILE)
        void aTeamsOwnFile(ChaosGateway gateway) throws Exception {
            assertThat(gateway.scenario().name()).isEqualTo("two-503s-then-ok");
            assertThat(gateway.phase()).isEqualTo("overloaded");
            assertThat(List.of(chat(gateway), chat(gateway), chat(gateway))).containsExactly(503, 503, 200);
            assertThat(gateway.phase()).isEqualTo("recovered");
        }
    }

    @Test
    void theGatewayPlaysTheTestsScenarioFromTheStart() {
        assertAllSucceeded(ChaosTestKit.run(PlaysTheScenarioTestCases.class), 2);
    }

    // ---- class-level default, method override, subclasses ----

    @ChaosTest
    @PlayScenario(BURST)
    static class ClassDefaultTestCases {
        @Test
        void usesTheClassScenario(ChaosGateway gateway) {
            see("scenario", gateway.scenario().name());
        }

        @Test
        @PlayScenario(SINGLE)
        void overridesIt(ChaosGateway gateway) {
            see("override", gateway.scenario().name());
        }
    }

    static class SubclassTestCases extends ClassDefaultTestCases {
    }

    @Test
    void aClassScenarioIsTheDefault_aMethodScenarioOverridesIt() {
        assertAllSucceeded(ChaosTestKit.run(ClassDefaultTestCases.class), 2);
        assertThat(seen("scenario")).containsExactly(BURST);
        assertThat(seen("override")).containsExactly(SINGLE);
    }

    @Test
    void subclassesInheritChaosTestAndTheClassScenario() {
        assertAllSucceeded(ChaosTestKit.run(SubclassTestCases.class), 2);
        assertThat(seen("scenario")).containsExactly(BURST);
        assertThat(seen("override")).containsExactly(SINGLE);
    }

    // ---- seed and pacing ----

    @ChaosTest(seed = 7)
    static class SeededTestCases {
        @Test
        @PlayScenario(BURST)
        void theAnnotationsSeed(ChaosGateway gateway) {
            assertThat(gateway.seed()).isEqualTo(7);
            // The scenario keeps its own seed for its fault schedule (issue 14: seeds never make a scenario vacuous).
            assertThat(gateway.scenario().seed()).isEqualTo(ScenarioCatalog.builtIn().get(BURST).seed());
        }
    }

    @ChaosTest
    static class ScenarioSeedTestCases {
        @Test
        @PlayScenario(BURST)
        void theScenariosOwnSeed(ChaosGateway gateway) {
            assertThat(gateway.seed()).isEqualTo(ScenarioCatalog.builtIn().get(BURST).seed());
        }
    }

    @Test
    void theSeedIsTheAnnotationsOrElseTheScenarios() {
        assertAllSucceeded(ChaosTestKit.run(SeededTestCases.class), 1);
        assertAllSucceeded(ChaosTestKit.run(ScenarioSeedTestCases.class), 1);
    }

    // ---- composed annotation ----

    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @ChaosTest(seed = 5, pacing = ChaosTest.Pacing.IMMEDIATE)
    @PlayScenario(SINGLE)
    @interface FlakyGateway {
    }

    @FlakyGateway
    static class ComposedTestCases {
        @Test
        void teamAnnotation(ChaosGateway gateway) throws Exception {
            assertThat(gateway.scenario().name()).isEqualTo(SINGLE);
            assertThat(gateway.seed()).isEqualTo(5);
            assertThat(chat(gateway)).isEqualTo(502);
        }
    }

    @Test
    void chaosTestAndScenarioComposeIntoATeamsOwnAnnotation() {
        assertAllSucceeded(ChaosTestKit.run(ComposedTestCases.class), 1);
    }

    // ---- programmatic: static field = one gateway for the class ----

    static class StaticFieldTestCases {
        @RegisterExtension
        static ChaosExtension chaos = ChaosExtension.builder().scenario(BURST).seed(7).build();

        @BeforeAll
        static void beforeAll(ChaosGateway gateway) {
            see("gateway", gateway);
        }

        @Test
        void one(ChaosGateway gateway) {
            see("gateway", gateway);
            assertThat(gateway.scenario().name()).isEqualTo(BURST);
            assertThat(gateway.seed()).isEqualTo(7);
        }

        @Test
        void two(ChaosGateway gateway) {
            see("gateway", gateway);
        }

        @Nested
        class Inner {
            @Test
            void three(ChaosGateway gateway) {
                see("gateway", gateway);
            }
        }
    }

    @Test
    void staticField_oneGatewayForTheClassAndItsNestedClasses_closedAfterIt() {
        assertAllSucceeded(ChaosTestKit.run(StaticFieldTestCases.class), 3);

        assertThat(seen("gateway")).hasSize(4);
        assertThat(seen("gateway").stream().distinct()).hasSize(1);
        ChaosGateway shared = (ChaosGateway) seen("gateway").get(0);
        assertThat(refuses(port(shared.baseUrl()))).isTrue();
    }

    // ---- programmatic: a static field's gateway() for code without parameters (Spring's @DynamicPropertySource) ----

    static class StaticAccessorTestCases {
        @RegisterExtension
        static ChaosExtension chaos = ChaosExtension.builder().scenario(BURST).build();

        @BeforeAll
        static void beforeAll(ChaosGateway gateway) {
            see("accessor", chaos.gateway());
            see("parameter", gateway);
        }

        @Test
        void one(ChaosGateway gateway) {
            see("accessor", chaos.gateway());
            see("parameter", gateway);
        }

        @Nested
        class Inner {
            @Test
            void two(ChaosGateway gateway) {
                see("accessor", chaos.gateway());
                see("parameter", gateway);
            }
        }
    }

    @Test
    void staticField_gatewayIsTheClasssGateway_fromBeforeAllUntilTheClassEnds() {
        Throwable beforeTheClass = org.assertj.core.api.Assertions.catchThrowable(() -> StaticAccessorTestCases.chaos.gateway());
        assertThat(beforeTheClass).as("gateway() before the class's first test").isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("from before the class's first test until after its last");

        assertAllSucceeded(ChaosTestKit.run(StaticAccessorTestCases.class), 2);

        assertThat(seen("accessor")).as("gateway() in @BeforeAll, a test and a @Nested test").hasSize(3)
                .containsExactlyElementsOf(seen("parameter"));
        assertThat(seen("accessor").stream().distinct()).hasSize(1);
        ChaosGateway shared = (ChaosGateway) seen("accessor").get(0);
        assertThat(refuses(port(shared.baseUrl()))).as("the class's gateway is closed after its last test").isTrue();
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> StaticAccessorTestCases.chaos.gateway()))
                .as("gateway() after the class ended never hands out the closed gateway").isInstanceOf(IllegalStateException.class);
    }

    static class InstanceAccessorTestCases {
        @RegisterExtension
        ChaosExtension chaos = ChaosExtension.builder().scenario(BURST).build();

        @Test
        void noClassGateway(ChaosGateway gateway) {
            see("failure", org.assertj.core.api.Assertions.catchThrowable(() -> chaos.gateway()));
        }
    }

    @Test
    void instanceField_gatewayFailsWithTheFix() {
        assertAllSucceeded(ChaosTestKit.run(InstanceAccessorTestCases.class), 1);

        assertThat(seen("failure")).singleElement().isInstanceOf(IllegalStateException.class).asString()
                .contains("static field", "an instance field gives each test its own gateway (take a ChaosGateway parameter instead)");
    }

    // ---- programmatic: instance field = a gateway per test ----

    static class InstanceFieldTestCases {
        @RegisterExtension
        ChaosExtension chaos = ChaosExtension.builder().scenario(BURST).build();

        private ChaosGateway fromBeforeEach;

        @BeforeEach
        void setUp(ChaosGateway gateway) {
            fromBeforeEach = gateway;
        }

        @Test
        void one(ChaosGateway gateway) {
            assertThat(gateway).isSameAs(fromBeforeEach);
            assertThat(gateway.scenario().name()).isEqualTo(BURST);
            see("gateway", gateway);
        }

        @Test
        @PlayScenario(SINGLE)
        void two(ChaosGateway gateway) {
            assertThat(gateway).isSameAs(fromBeforeEach);
            assertThat(gateway.scenario().name()).as("the method's @PlayScenario overrides the builder's").isEqualTo(SINGLE);
            see("gateway", gateway);
        }
    }

    @Test
    void instanceField_aGatewayPerTest() {
        assertAllSucceeded(ChaosTestKit.run(InstanceFieldTestCases.class), 2);

        assertThat(seen("gateway")).hasSize(2).doesNotHaveDuplicates();
        for (Object gateway : seen("gateway")) {
            assertThat(refuses(port(((ChaosGateway) gateway).baseUrl()))).isTrue();
        }
    }

    // ---- @Nested ----

    @ChaosTest(seed = 99)
    @PlayScenario(BURST)
    static class NestedTestCases {
        ChaosGateway outer;

        @BeforeEach
        void outerSetUp(ChaosGateway gateway) {
            outer = gateway;
        }

        @Nested
        class Inner {
            @Test
            void inheritsExtensionSeedAndScenario(ChaosGateway gateway) {
                assertThat(gateway).as("the outer @BeforeEach saw the same gateway").isSameAs(outer);
                assertThat(gateway.scenario().name()).isEqualTo(BURST);
                assertThat(gateway.seed()).isEqualTo(99);
                see("gateway", gateway);
            }

            @Test
            @PlayScenario(SINGLE)
            void overridesTheScenario(ChaosGateway gateway) {
                assertThat(gateway.scenario().name()).isEqualTo(SINGLE);
                see("gateway", gateway);
            }

            @Nested
            @PlayScenario(file = OWN_FILE)
            class Deeper {
                @Test
                void theNearestClassScenarioWins(ChaosGateway gateway) {
                    assertThat(gateway.scenario().name()).isEqualTo("two-503s-then-ok");
                    see("gateway", gateway);
                }
            }
        }
    }

    @Test
    void nestedClassesInheritTheExtensionTheSettingsAndTheClassScenario() {
        assertAllSucceeded(ChaosTestKit.run(NestedTestCases.class), 3);
        assertThat(seen("gateway")).hasSize(3).doesNotHaveDuplicates();
    }

    // ---- constructor, @BeforeEach, @AfterEach share the test's gateway ----

    @ChaosTest
    @PlayScenario(SINGLE)
    static class InjectionTestCases {
        private final ChaosGateway fromConstructor;
        private ChaosGateway fromBeforeEach;

        InjectionTestCases(ChaosGateway gateway) {
            this.fromConstructor = gateway;
        }

        @BeforeEach
        void setUp(ChaosGateway gateway) {
            this.fromBeforeEach = gateway;
        }

        @Test
        void one(ChaosGateway gateway) {
            assertThat(gateway).isSameAs(fromConstructor).isSameAs(fromBeforeEach);
            see("gateway", gateway);
        }

        @Test
        void two(ChaosGateway gateway) {
            assertThat(gateway).isSameAs(fromConstructor).isSameAs(fromBeforeEach);
            see("gateway", gateway);
        }

        @AfterEach
        void tearDown(ChaosGateway gateway) {
            assertThat(gateway).isSameAs(fromConstructor);
        }
    }

    @Test
    void constructorBeforeEachTestAndAfterEachShareTheTestsGateway() {
        assertAllSucceeded(ChaosTestKit.run(InjectionTestCases.class), 2);
        assertThat(seen("gateway")).hasSize(2).doesNotHaveDuplicates();
    }

    // ---- templates: @RepeatedTest and @ScenarioSource ----

    @ChaosTest
    static class TemplateTestCases {
        @RepeatedTest(2)
        @PlayScenario(SINGLE)
        void eachRepetitionHasAFreshTimeline(ChaosGateway gateway) throws Exception {
            assertThat(chat(gateway)).isEqualTo(502);
            see("repeated", gateway);
        }

        @ParameterizedTest
        @ScenarioSource(value = {SINGLE, BURST}, files = OWN_FILE)
        void oncePerScenario(String scenario, ChaosGateway gateway) {
            assertThat(gateway.scenario().name()).isEqualTo(scenario);
            see("source", scenario);
        }
    }

    @Test
    void repeatedAndParameterizedTestsGetAGatewayPerInvocation() {
        EngineExecutionResults results = ChaosTestKit.run(TemplateTestCases.class);
        assertAllSucceeded(results, 5);
        assertThat(seen("repeated")).hasSize(2).doesNotHaveDuplicates();
        assertThat(seen("source")).containsExactly(SINGLE, BURST, "two-503s-then-ok");
        assertThat(results.testEvents().succeeded().stream().map(e -> e.getTestDescriptor().getDisplayName()))
                .contains("[1] " + SINGLE, "[2] " + BURST, "[3] two-503s-then-ok");
    }
}
