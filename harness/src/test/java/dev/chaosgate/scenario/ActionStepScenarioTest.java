package dev.chaosgate.scenario;

import dev.chaosgate.upstream.Faults;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A phase aimed at one step of the user's action: the same scenario from YAML and from the Java DSL, checked by the schema. */
class ActionStepScenarioTest {
    static final Path YAML = Path.of("src/test/resources/scenarios/actions/tool-result-bad-gateway.yaml");

    @Test
    void yamlAndDslAimTheFaultAtTheSameStep() {
        // docs:begin aim-at-step
        Scenario toolResultFails = Chaos.scenario("tool-result-bad-gateway")
                .describedAs("The call carrying a tool's result (step 2 of an agent action) gets one 502; every other call is answered.")
                .seed(14)
                .tag("agent", "502")
                .then(Chaos.phase("tool-result").forRequests(1).serving(Faults.status(502)).atStep(2))
                .then(Chaos.phase("recovered"))
                .expect(Chaos.recovers().withMaxAttempts(3))
                .build();
        // docs:end aim-at-step

        Scenario loaded = ScenarioLoader.standard().load(YAML);
        assertThat(loaded.phases()).isEqualTo(toolResultFails.phases());
        assertThat(loaded.phases().get(0).step()).isEqualTo(2);
        assertThat(loaded.phases().get(1).step()).as("a phase without `step` aims at every generation request").isNull();
        assertThat(loaded.phases().get(0).label()).startsWith("tool-result (1 requests): 502").endsWith(" at step 2");
    }

    @Test
    void theSchemaAcceptsAStepAndRefusesStepZero() throws Exception {
        SchemaCheck schema = SchemaCheck.load();
        assertThat(schema.problemsOfYaml(Files.readString(YAML))).isEmpty();
        assertThat(schema.problemsOfYaml(Files.readString(InvalidScenarioFilesTest.BROKEN.resolve("step-zero.yaml")))).isNotEmpty();
    }

    @Test
    void theDslRefusesStepZero() {
        assertThatThrownBy(() -> Chaos.phase("p").forRequests(1).atStep(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("phase 'p' aims at step 0; steps of an action count from 1");
    }
}
