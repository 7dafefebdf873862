package dev.chaosgate.scenario;

import dev.chaosgate.cli.RunCommand;
import dev.chaosgate.upstream.UpstreamFault;
import dev.chaosgate.upstream.UpstreamFault.StreamFault.Point;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Where the stream faults of YAML files strike, and what the catalog's stream scenarios promise. */
class StreamFaultScenariosTest {
    private final ScenarioLoader loader = ScenarioLoader.standard();

    private UpstreamFault.StreamFault streamFault(String keys) {
        String yaml = "name: s\nphases:\n  - name: cut\n    requests: 1\n    upstream:\n      stream: cut\n" + keys + "  - name: normal\n";
        return (UpstreamFault.StreamFault) loader.parse(yaml, "s.yaml").phases().get(0).upstream();
    }

    @Test
    void aStreamFaultStrikesAfterTwoPiecesOfTextUnlessItSaysOtherwise() {
        assertThat(streamFault("").at()).isEqualTo(new Point.AfterTextDeltas(2));
        assertThat(streamFault("      afterTextDeltas: 5\n").at()).isEqualTo(new Point.AfterTextDeltas(5));
        assertThat(streamFault("      beforeText: true\n").at()).isEqualTo(new Point.BeforeText());
        // The older form keeps working, with its meaning: events of any kind.
        assertThat(streamFault("      afterEvents: 3\n").at()).isEqualTo(new Point.AfterEvents(3));
        assertThat(streamFault("      afterEvents: 0\n").at()).isEqualTo(new Point.AfterEvents(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"stream-cut-mid-answer", "stream-reset-mid-answer", "stream-error-event", "stream-stall"})
    void theCatalogsMidAnswerFaultsStrikeAfterText(String name) {
        Scenario scenario = ScenarioCatalog.builtIn().get(name);
        UpstreamFault.StreamFault fault = (UpstreamFault.StreamFault) scenario.phases().get(0).upstream();
        assertThat(fault.at()).as("%s strikes after text was shown, in Chat and Responses streams alike", name)
                .isInstanceOf(Point.AfterTextDeltas.class);
    }

    @Test
    void theStallOutlastsAnIdleTimeoutButNotTheTimeARunGivesAClient() {
        Scenario scenario = ScenarioCatalog.builtIn().get("stream-stall");
        Duration stall = ((UpstreamFault.StreamFault) scenario.phases().get(0).upstream()).stall();
        Duration clientTimeout = Duration.ofSeconds(RunCommand.DEFAULT_CLIENT_TIMEOUT_SECONDS);
        assertThat(stall).as("longer than a sane idle timeout between events (10-30 s)").isGreaterThan(Duration.ofSeconds(30));
        assertThat(stall.plusSeconds(30)).as("a client that waits the stall out ends well before run --client-timeout")
                .isLessThan(clientTimeout);
        for (Expectation alternative : scenario.expect().anyOf()) {
            assertThat(alternative.userWaitsAtMost()).as("a client that waits the stall out keeps the user waiting too long")
                    .isLessThan(stall).isGreaterThan(Duration.ofSeconds(30));
        }
    }
}
