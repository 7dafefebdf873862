package dev.chaosgate.verdict;

import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.scenario.Chaos;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.upstream.Faults;
import dev.chaosgate.upstream.StreamPacing;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link ChaosAssertions#assertThat(ChaosGateway)}: each assertion passing and failing, against one
 * 502 then recovery, with a client that retries after 300 ms (PASS) and one that gives up (NO_RETRY).
 */
class VerdictAssertTest {
    private static final String PROMPT = "Plan a three-day trip to Lisbon";
    private static final Scenario ONE_BAD_GATEWAY = Chaos.scenario("one-bad-gateway")
            .then(Chaos.phase("burst").forRequests(1).serving(Faults.badGateway()))
            .then(Chaos.phase("recovered"))
            .expect(Chaos.recovers())
            .build();

    private ChaosGateway gateway;

    @AfterEach
    void close() {
        if (gateway != null) {
            gateway.close();
        }
    }

    /** Runs the client against the scenario and returns it, done. */
    private AsyncChatClient run(int attempts) {
        gateway = ChaosGateway.builder().pacing(StreamPacing.immediate()).scenario(ONE_BAD_GATEWAY).start();
        AsyncChatClient client = new AsyncChatClient(gateway.baseUrl(), attempts, Duration.ofMillis(300));
        client.send(PROMPT);
        return client;
    }

    @Test
    void passesForAClientThatRetries() {
        AsyncChatClient client = run(3);
        ChaosAssertions.assertThat(gateway).forPrompt(PROMPT).showed(client.shown).withDraft(client.draft)
                .passes()
                .hasFindings()
                .hasNoFinding(FindingCode.NO_RETRY);
    }

    @Test
    void passesFailsWithTheBugReport() {
        AsyncChatClient client = run(1);
        assertThatThrownBy(() -> ChaosAssertions.assertThat(gateway).forPrompt(PROMPT).showed(client.shown)
                .withDraft(client.draft).passes())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("chaosgate verdict for scenario 'one-bad-gateway': FAIL")
                .hasMessageContaining("NO_RETRY")
                .hasMessageContaining("Observed: 1 attempt")
                .hasMessageContaining("#1  +0 ms  502");
    }

    @Test
    void hasFindingsPassesOnExactlyThoseCodes() {
        AsyncChatClient client = run(1);
        ChaosAssertions.assertThat(gateway).forPrompt(PROMPT).showed(client.shown).withDraft(client.draft)
                .hasFindings(FindingCode.NO_RETRY)
                .hasFinding(FindingCode.NO_RETRY)
                .hasNoFinding(FindingCode.PROMPT_LOST);
    }

    @Test
    void hasFindingsFailsListingExpectedActualMissingAndUnexpected() {
        AsyncChatClient client = run(1);
        assertThatThrownBy(() -> ChaosAssertions.assertThat(gateway).forPrompt(PROMPT).showed(client.shown)
                .withDraft(client.draft).hasFindings(FindingCode.NO_BACKOFF))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("expected exactly the findings [NO_BACKOFF] but got [NO_RETRY]")
                .hasMessageContaining("missing: [NO_BACKOFF]")
                .hasMessageContaining("unexpected: [NO_RETRY]")
                .hasMessageContaining("#1  +0 ms  502");
    }

    @Test
    void hasFindingsWithNoCodeFailsOnAnyFinding() {
        AsyncChatClient client = run(1);
        assertThatThrownBy(() -> ChaosAssertions.assertThat(gateway).forPrompt(PROMPT).showed(client.shown)
                .withDraft(client.draft).hasFindings())
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("expected exactly the findings [] but got [NO_RETRY]");
    }

    @Test
    void hasFindingFailsNamingTheCodeAndTheTimeline() {
        AsyncChatClient client = run(3);
        assertThatThrownBy(() -> ChaosAssertions.assertThat(gateway).forPrompt(PROMPT).showed(client.shown)
                .withDraft(client.draft).hasFinding(FindingCode.NO_RETRY))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("expected the finding NO_RETRY (gave up on a failure that retrying would have fixed) but got []")
                .hasMessageContaining("PASS")
                .hasMessageContaining("Observed: 2 attempts")
                .hasMessageContaining("#1  +0 ms  502")
                .hasMessageContaining("#2  +");
    }

    @Test
    void hasNoFindingFailsWhenTheCodeIsThere() {
        AsyncChatClient client = run(1);
        assertThatThrownBy(() -> ChaosAssertions.assertThat(gateway).forPrompt(PROMPT).showed(client.shown)
                .withDraft(client.draft).hasNoFinding(FindingCode.NO_RETRY))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("expected no finding NO_RETRY")
                .hasMessageContaining("but got [NO_RETRY]")
                .hasMessageContaining("#1  +0 ms  502");
    }

    @Test
    void acceptsAClientReportDirectly() {
        AsyncChatClient client = run(1);
        ClientReport parsed = ClientReport.parse(PROMPT, "SHOWN: " + client.shown.get(0) + "\nDRAFT: " + PROMPT + "\n");
        // the prompt is kept and a useful message shown: only the missing retry is reported
        ChaosAssertions.assertThat(gateway).reported(parsed).hasFindings(FindingCode.NO_RETRY);
        // the same action reported with a cleared composer: the prompt was lost too
        ChaosAssertions.assertThat(gateway).reported(ClientReport.of(PROMPT, List.of(), "")).hasFinding(FindingCode.PROMPT_LOST);
    }

    @Test
    void acceptsAVerdictAlreadyJudged() {
        AsyncChatClient client = run(3);
        Verdict verdict = gateway.verdict(PROMPT, client.shown, client.draft);
        ChaosAssertions.assertThat(verdict).passes().hasNoFinding(FindingCode.TOO_MANY_ATTEMPTS);
        assertThatThrownBy(() -> ChaosAssertions.assertThat(verdict).forPrompt("other"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void sayingNothingAboutTheClientIsAnError() {
        run(3);
        assertThatThrownBy(() -> ChaosAssertions.assertThat(gateway).passes())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("forPrompt");
    }
}
