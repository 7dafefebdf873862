package dev.chaosgate.junit;

import dev.chaosgate.gateway.ChaosGateway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.platform.testkit.engine.EngineExecutionResults;

import java.nio.file.Path;

import static dev.chaosgate.junit.ChaosExtensionLifecycleTest.BURST;
import static dev.chaosgate.junit.ChaosExtensionLifecycleTest.SINGLE;
import static dev.chaosgate.junit.ChaosTestKit.singleFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every configuration mistake fails the test (or class) with a message that names the annotation,
 * the attribute and the fix, and fails before a gateway starts.
 */
class ChaosExtensionErrorsTest {
    static final String BROKEN_FILE = "src/test/resources/junit/broken-scenario.yaml";

    // ---- @PlayScenario ----

    @ChaosTest
    static class UnknownNameTestCases {
        @Test
        @PlayScenario("bad-gateway-burts")
        void retries(ChaosGateway gateway) {
        }
    }

    @Test
    void anUnknownScenarioNameNamesTheClosestOne() {
        assertThat(singleFailure(ChaosTestKit.run(UnknownNameTestCases.class)))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("@PlayScenario(\"bad-gateway-burts\") on method `retries(ChaosGateway)`: no scenario named 'bad-gateway-burts';"
                        + " did you mean 'bad-gateway-burst'? (`chaosgate list` shows them all)");
    }

    @ChaosTest
    @PlayScenario("bad-gateway-singel")
    static class UnknownClassScenarioTestCases {
        @Test
        void any(ChaosGateway gateway) {
        }
    }

    @Test
    void anUnknownClassLevelScenarioFailsTheClassBeforeAnyTest() {
        EngineExecutionResults results = ChaosTestKit.run(UnknownClassScenarioTestCases.class);
        assertThat(results.testEvents().started().count()).isZero();
        assertThat(singleFailure(results))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("@PlayScenario(\"bad-gateway-singel\") on class `ChaosExtensionErrorsTest.UnknownClassScenarioTestCases`: no scenario"
                        + " named 'bad-gateway-singel'; did you mean 'bad-gateway-single'? (`chaosgate list` shows them all)");
    }

    @ChaosTest
    static class BothValueAndFileTestCases {
        @Test
        @PlayScenario(value = SINGLE, file = "src/test/resources/junit/two-503s-then-ok.yaml")
        void both(ChaosGateway gateway) {
        }
    }

    @Test
    void bothValueAndFile() {
        assertThat(singleFailure(ChaosTestKit.run(BothValueAndFileTestCases.class)))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("@PlayScenario(value = \"bad-gateway-single\", file = \"src/test/resources/junit/two-503s-then-ok.yaml\") on method"
                        + " `both(ChaosGateway)` sets both `value` and `file`, but a scenario comes either from the catalog or from a file."
                        + " Keep @PlayScenario(\"bad-gateway-single\") for the built-in scenario, or"
                        + " @PlayScenario(file = \"src/test/resources/junit/two-503s-then-ok.yaml\") for your file");
    }

    @ChaosTest
    static class NeitherValueNorFileTestCases {
        @Test
        @PlayScenario
        void neither(ChaosGateway gateway) {
        }
    }

    @Test
    void neitherValueNorFile() {
        assertThat(singleFailure(ChaosTestKit.run(NeitherValueNorFileTestCases.class)))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("@PlayScenario on method `neither(ChaosGateway)` names no scenario: set `value` to a built-in scenario, e.g."
                        + " @PlayScenario(\"bad-gateway-single\") (`chaosgate list` shows them all), or `file` to a scenario file of your own, e.g."
                        + " @PlayScenario(file = \"src/test/resources/my-scenario.yaml\")");
    }

    @ChaosTest
    static class BrokenFileTestCases {
        @Test
        @PlayScenario(file = BROKEN_FILE)
        void broken(ChaosGateway gateway) {
        }
    }

    @Test
    void aScenarioFileThatDoesNotValidateGivesTheLoadersFileLineColumnMessage() {
        assertThat(singleFailure(ChaosTestKit.run(BrokenFileTestCases.class)))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageStartingWith("@PlayScenario(file = \"" + BROKEN_FILE + "\") on method `broken(ChaosGateway)`: "
                        + BROKEN_FILE + ":8:7: unknown key `retryAftr` in `upstream` of phase `overloaded`. Did you mean `retryAfter`?");
    }

    @ChaosTest
    static class MissingFileTestCases {
        @Test
        @PlayScenario(file = "src/test/resources/junit/no-such-scenario.yaml")
        void missing(ChaosGateway gateway) {
        }
    }

    @Test
    void aMissingScenarioFileSaysWhereItWasLookedFor() {
        assertThat(singleFailure(ChaosTestKit.run(MissingFileTestCases.class)))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("@PlayScenario(file = \"src/test/resources/junit/no-such-scenario.yaml\") on method `missing(ChaosGateway)`:"
                        + " there is no scenario file " + Path.of("src/test/resources/junit/no-such-scenario.yaml").toAbsolutePath()
                        + ". A relative `file` is resolved against the directory the tests run in (" + Path.of("").toAbsolutePath()
                        + "), which Maven and Gradle make the module's directory: write e.g. \"src/test/resources/my-scenario.yaml\"");
    }

    // ---- no scenario, wrong place ----

    @ChaosTest
    static class NoScenarioTestCases {
        @Test
        void forgotTheScenario(ChaosGateway gateway) {
        }

        @Test
        void needsNoGateway() {
        }
    }

    @Test
    void aGatewayParameterWithoutAnyScenarioSaysToAddScenario() {
        assertThat(singleFailure(ChaosTestKit.run(NoScenarioTestCases.class)))
                .isInstanceOf(ParameterResolutionException.class)
                .hasMessage("The ChaosGateway parameter of method `forgotTheScenario(ChaosGateway)` has no scenario to play: add"
                        + " @PlayScenario(\"bad-gateway-single\") to method `forgotTheScenario(ChaosGateway)` or to class"
                        + " `ChaosExtensionErrorsTest.NoScenarioTestCases` (`chaosgate list` shows the built-in scenarios), or"
                        + " @PlayScenario(file = \"src/test/resources/my-scenario.yaml\") for a file of your own");
    }

    @ChaosTest
    @PlayScenario(SINGLE)
    static class BeforeAllTestCases {
        @BeforeAll
        static void tooEarly(ChaosGateway gateway) {
        }

        @Test
        void any() {
        }
    }

    @Test
    void declarativeGatewaysAreNotForBeforeAll() {
        assertThat(singleFailure(ChaosTestKit.run(BeforeAllTestCases.class)))
                .isInstanceOf(ParameterResolutionException.class)
                .hasMessage("The ChaosGateway parameter of method `tooEarly(ChaosGateway)`: @ChaosTest gives each test its own gateway,"
                        + " so there is none for a @BeforeAll or @AfterAll method. Take the ChaosGateway in a @BeforeEach method or the"
                        + " test method, or share one gateway across the class's tests with `@RegisterExtension static ChaosExtension"
                        + " chaos = ChaosExtension.builder().scenario(\"...\").build();` instead of @ChaosTest");
    }

    @ChaosTest
    @PlayScenario(SINGLE)
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    static class PerClassConstructorTestCases {
        PerClassConstructorTestCases(ChaosGateway gateway) {
        }

        @Test
        void any() {
        }
    }

    @Test
    void declarativeGatewaysAreNotForPerClassConstructors() {
        assertThat(singleFailure(ChaosTestKit.run(PerClassConstructorTestCases.class)))
                .isInstanceOf(ParameterResolutionException.class)
                .hasMessageStartingWith("The ChaosGateway parameter of the constructor of class"
                        + " `ChaosExtensionErrorsTest.PerClassConstructorTestCases`: @ChaosTest gives each test its own gateway, so there"
                        + " is none for the constructor of a @TestInstance(PER_CLASS) class. Take the ChaosGateway in a @BeforeEach method");
    }

    @ChaosTest(seed = {1, 2})
    @PlayScenario(SINGLE)
    static class TwoSeedsTestCases {
        @Test
        void any(ChaosGateway gateway) {
        }
    }

    @Test
    void aSeedTakesOneValue() {
        assertThat(singleFailure(ChaosTestKit.run(TwoSeedsTestCases.class)))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("@ChaosTest(seed = {1, 2}) on class `ChaosExtensionErrorsTest.TwoSeedsTestCases`: `seed` takes one value,"
                        + " got 2. Write @ChaosTest(seed = 1), or leave `seed` out to use each scenario's own seed");
    }

    // ---- programmatic ----

    static class StaticFieldWithMethodScenarioTestCases {
        @RegisterExtension
        static ChaosExtension chaos = ChaosExtension.builder().scenario(BURST).build();

        @Test
        @PlayScenario(SINGLE)
        void wantsItsOwn(ChaosGateway gateway) {
        }
    }

    @Test
    void aClassWideGatewayRejectsAMethodScenario() {
        assertThat(singleFailure(ChaosTestKit.run(StaticFieldWithMethodScenarioTestCases.class)))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("@PlayScenario(\"bad-gateway-single\") on method `wantsItsOwn(ChaosGateway)` cannot apply: the ChaosExtension in a static"
                        + " field gives all tests of the class one gateway, playing 'bad-gateway-burst'. Register the extension in an"
                        + " instance field (without `static`) for a gateway per test that plays the method's scenario, or move the test"
                        + " to a class of its own");
    }

    static class StaticFieldWithoutScenarioTestCases {
        @RegisterExtension
        static ChaosExtension chaos = ChaosExtension.builder().seed(3).build();

        @Test
        void any(ChaosGateway gateway) {
        }
    }

    @Test
    void aClassWideGatewayNeedsAScenario() {
        assertThat(singleFailure(ChaosTestKit.run(StaticFieldWithoutScenarioTestCases.class)))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("The ChaosExtension registered in a static field of class"
                        + " `ChaosExtensionErrorsTest.StaticFieldWithoutScenarioTestCases` has no scenario to play: give it one with"
                        + " ChaosExtension.builder().scenario(\"bad-gateway-single\") (`chaosgate list` shows them all), or put"
                        + " @PlayScenario(\"bad-gateway-single\") on the class");
    }

    @ChaosTest
    static class BothRegistrationsTestCases {
        @RegisterExtension
        ChaosExtension chaos = ChaosExtension.builder().scenario(BURST).build();

        @Test
        void any(ChaosGateway gateway) {
        }
    }

    @Test
    void chaosTestAndARegisteredExtensionTogether() {
        assertThat(singleFailure(ChaosTestKit.run(BothRegistrationsTestCases.class)))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("class `ChaosExtensionErrorsTest.BothRegistrationsTestCases` has @ChaosTest and also registers a"
                        + " ChaosExtension in field `chaos` of class `ChaosExtensionErrorsTest.BothRegistrationsTestCases`: both would"
                        + " provide the ChaosGateway. Remove @ChaosTest (the field's builder configures the gateway, and @PlayScenario still"
                        + " works), or remove the field");
    }

    @PlayScenario(SINGLE)
    static class BuilderAndClassScenarioTestCases {
        @RegisterExtension
        ChaosExtension chaos = ChaosExtension.builder().scenario(BURST).build();

        @Test
        void any(ChaosGateway gateway) {
        }
    }

    @Test
    void aBuilderScenarioAndAClassScenarioConflict() {
        assertThat(singleFailure(ChaosTestKit.run(BuilderAndClassScenarioTestCases.class)))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("@PlayScenario(\"bad-gateway-single\") on class `ChaosExtensionErrorsTest.BuilderAndClassScenarioTestCases` and"
                        + " ChaosExtension.builder().scenario(...) ('bad-gateway-burst') both set the class's scenario: keep one (a"
                        + " method's own @PlayScenario may still override it)");
    }

    @Test
    void theBuilderChecksNamesAndFilesWhenTheyAreGiven() {
        assertThatThrownBy(() -> ChaosExtension.builder().scenario("bad-gateway-burts"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ChaosExtension.builder().scenario(\"bad-gateway-burts\"): no scenario named 'bad-gateway-burts'; did you mean"
                        + " 'bad-gateway-burst'? (`chaosgate list` shows them all)");
        assertThatThrownBy(() -> ChaosExtension.builder().scenario(Path.of(BROKEN_FILE)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(BROKEN_FILE + ":8:7: unknown key `retryAftr`");
    }

    // ---- @ScenarioSource ----

    @ChaosTest
    static class SourceOnPlainTestTestCases {
        @Test
        @ScenarioSource(SINGLE)
        void notParameterized(ChaosGateway gateway) {
        }
    }

    @Test
    void scenarioSourceNeedsParameterizedTest() {
        assertThat(singleFailure(ChaosTestKit.run(SourceOnPlainTestTestCases.class)))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("@ScenarioSource(\"bad-gateway-single\") on method `notParameterized(ChaosGateway)` needs @ParameterizedTest instead"
                        + " of @Test: it runs the test once per scenario");
    }

    @ChaosTest
    static class SourceAndScenarioTestCases {
        @ParameterizedTest
        @ScenarioSource({SINGLE, BURST})
        @PlayScenario(SINGLE)
        void both(String scenario, ChaosGateway gateway) {
        }
    }

    @Test
    void scenarioSourceAndScenarioOnOneMethodConflict() {
        EngineExecutionResults results = ChaosTestKit.run(SourceAndScenarioTestCases.class);
        assertThat(results.testEvents().failed().count()).isEqualTo(2);
        assertThat(ChaosTestKit.failures(results.testEvents())).allSatisfy(failure -> assertThat(failure).endsWith(
                "@PlayScenario(\"bad-gateway-single\") and @ScenarioSource({\"bad-gateway-single\", \"bad-gateway-burst\"}) on method"
                        + " `both(String, ChaosGateway)` both choose the scenario: keep @ScenarioSource to run the test once per"
                        + " scenario, or @PlayScenario (with @Test) to run it once"));
    }

    @ChaosTest
    static class TwoSourcesTestCases {
        @ParameterizedTest
        @ScenarioSource(SINGLE)
        @ValueSource(strings = "x")
        void twoSources(String scenario, ChaosGateway gateway) {
        }
    }

    @Test
    void scenarioSourceMustBeTheOnlySource() {
        assertThat(singleFailure(ChaosTestKit.run(TwoSourcesTestCases.class)))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageStartingWith("@ScenarioSource(\"bad-gateway-single\") on method `twoSources(String, ChaosGateway)` must be the method's"
                        + " only arguments source, but it has 2");
    }

    @ChaosTest
    static class UnknownSourceNameTestCases {
        @ParameterizedTest
        @ScenarioSource({SINGLE, "bad-gateway-burts"})
        void typo(String scenario, ChaosGateway gateway) {
        }
    }

    @Test
    void anUnknownNameInScenarioSource() {
        assertThat(singleFailure(ChaosTestKit.run(UnknownSourceNameTestCases.class)))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("@ScenarioSource({\"bad-gateway-single\", \"bad-gateway-burts\"}) on method `typo(String, ChaosGateway)`: no scenario"
                        + " named 'bad-gateway-burts'; did you mean 'bad-gateway-burst'? (`chaosgate list` shows them all)");
    }
}
