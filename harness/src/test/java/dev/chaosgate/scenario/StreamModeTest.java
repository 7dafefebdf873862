package dev.chaosgate.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which modes a scenario is played in, and how a row is named. */
class StreamModeTest {
    private static final ScenarioCatalog CATALOG = ScenarioCatalog.builtIn();

    @Test
    void exactlyTheScenariosWhoseFaultsCutStreamsAreStreamOnly() {
        // The catalog's four stream scenarios, by their files; everything else faults before or around an answer.
        assertThat(CATALOG.all().stream().filter(StreamMode::streamOnly).map(Scenario::name))
                .containsExactlyInAnyOrder("stream-cut-mid-answer", "stream-error-event", "stream-reset-mid-answer", "stream-stall");
    }

    @Test
    void eachSelectionGivesItsModesNonStreamedFirstAndAStreamOnlyScenarioIsStreamedWhateverItSays() {
        Scenario burst = CATALOG.get("bad-gateway-burst");
        Scenario cut = CATALOG.get("stream-cut-mid-answer");

        assertThat(StreamMode.modes(burst, StreamSelection.BOTH)).containsExactly(StreamMode.NOT_STREAMED, StreamMode.STREAMED);
        assertThat(StreamMode.modes(burst, StreamSelection.FALSE)).containsExactly(StreamMode.NOT_STREAMED);
        assertThat(StreamMode.modes(burst, StreamSelection.TRUE)).containsExactly(StreamMode.STREAMED);
        for (StreamSelection selection : StreamSelection.values()) {
            assertThat(StreamMode.modes(cut, selection)).as(selection.name()).isEqualTo(List.of(StreamMode.STREAMED));
        }
    }

    @Test
    void theStreamedRowOfAScenarioPlayedBothWaysIsMarkedAndAStreamOnlyOneKeepsItsName() {
        assertThat(StreamMode.STREAMED.label(CATALOG.get("bad-gateway-burst"))).isEqualTo("bad-gateway-burst [stream]");
        assertThat(StreamMode.NOT_STREAMED.label(CATALOG.get("bad-gateway-burst"))).isEqualTo("bad-gateway-burst");
        assertThat(StreamMode.STREAMED.label(CATALOG.get("stream-stall"))).isEqualTo("stream-stall");
        assertThat(StreamMode.of(true).streamed()).isTrue();
        assertThat(StreamMode.of(false).streamed()).isFalse();
    }

    @Test
    void aSelectionIsTrueFalseOrBothInAnyCaseAndAnythingElseIsRefusedWithTheChoices() {
        assertThat(StreamSelection.parse("both")).isEqualTo(StreamSelection.BOTH);
        assertThat(StreamSelection.parse(" TRUE ")).isEqualTo(StreamSelection.TRUE);
        assertThat(StreamSelection.parse("False")).isEqualTo(StreamSelection.FALSE);
        assertThatThrownBy(() -> StreamSelection.parse("yes")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a stream selection is true, false or both, got 'yes'");
        assertThatThrownBy(() -> StreamSelection.parse(null)).hasMessageContaining("got 'null'");
    }
}
