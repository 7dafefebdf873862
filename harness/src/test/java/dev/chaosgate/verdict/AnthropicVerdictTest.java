package dev.chaosgate.verdict;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaosgate.cli.bundled.WellBehavedClient;
import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.junit.ChaosTest;
import dev.chaosgate.junit.PlayScenario;
import dev.chaosgate.upstream.Provider;
import dev.chaosgate.upstream.UpstreamExchange;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The verdict on a client that speaks Anthropic's Messages API, through the real gateway and the bundled
 * client on its Anthropic wire: the journal reads the user's turn from {@code /v1/messages}, groups the retries
 * into one action, and the rules fire (or not) exactly as for OpenAI requests. Each rule has a case where it
 * fires (a client variant with the one flaw) and one where it must not (the well-behaved client).
 */
@ChaosTest(provider = Provider.ANTHROPIC, pacing = ChaosTest.Pacing.IMMEDIATE)
@Timeout(60)
class AnthropicVerdictTest {
    private static final String PROMPT = "Plan a three-day trip to Lisbon";
    private static final WellBehavedClient.Timeouts SHORT =
            new WellBehavedClient.Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(2));

    private static WellBehavedClient wellBehaved() {
        return new WellBehavedClient(SHORT, Provider.ANTHROPIC);
    }

    /** Gives up after its first attempt, whatever the failure. */
    private static WellBehavedClient noRetry() {
        return new WellBehavedClient(SHORT, Provider.ANTHROPIC) {
            @Override
            protected int maxAttempts() {
                return 1;
            }
        };
    }

    /** Takes a stream that just ends (no message_stop) for a whole answer. */
    private static WellBehavedClient trustsEveryEnd() {
        return new WellBehavedClient(SHORT, Provider.ANTHROPIC) {
            @Override
            protected boolean acceptsAsComplete(StreamEnd end) {
                return true;
            }
        };
    }

    private static Verdict judge(ChaosGateway gateway, WellBehavedClient client, boolean stream) {
        return gateway.verdict(client.ask(gateway.baseUrl(), PROMPT, stream));
    }

    @Test
    @PlayScenario("overloaded-529")
    void theJUnitAttributeGivesTheAnthropicSdkItsBaseUrl(ChaosGateway gateway) {
        assertThat(gateway.provider()).isEqualTo(Provider.ANTHROPIC);
        assertThat(gateway.sdkBaseUrl()).isEqualTo(gateway.baseUrl().replaceFirst("/v1$", "")).doesNotEndWith("/v1");
    }

    @Test
    @PlayScenario("overloaded-529")
    void aRetriedOverloadPassesAndTheJournalHoldsTheUserTurnOfEachMessagesCall(ChaosGateway gateway) {
        Verdict verdict = judge(gateway, wellBehaved(), false);

        assertThat(verdict.passed()).as(verdict.explain()).isTrue();
        assertThat(gateway.exchanges()).extracting(UpstreamExchange::path).containsOnly("/v1/messages");
        assertThat(gateway.exchanges()).extracting(UpstreamExchange::status).containsExactly(529, 200);
        assertThat(gateway.exchanges()).extracting(UpstreamExchange::prompt).containsOnly(PROMPT);
        assertThat(gateway.exchanges().get(0).failureClass()).isEqualTo("unavailable");
    }

    @Test
    @PlayScenario("overloaded-529")
    void givingUpOnAnOverloadThatPassesIsNoRetry(ChaosGateway gateway) {
        Verdict verdict = judge(gateway, noRetry(), false);

        assertThat(verdict.codes()).as(verdict.explain()).containsExactly(FindingCode.NO_RETRY);
    }

    @Test
    @PlayScenario("should-retry-false")
    void anOverloadMarkedXShouldRetryFalseIsNotRetriedByTheWellBehavedClient(ChaosGateway gateway) {
        Verdict verdict = judge(gateway, wellBehaved(), false);

        assertThat(verdict.passed()).as(verdict.explain()).isTrue();
        assertThat(gateway.exchanges()).hasSize(1);
        assertThat(gateway.exchanges().get(0).responseHeaders()).containsEntry("x-should-retry", "false");
    }

    @Test
    @PlayScenario("stream-cut-mid-answer")
    void aStreamThatEndsWithoutMessageStopIsAnInterruptionTheClientMustNotShowAsAnAnswer(ChaosGateway gateway) {
        Verdict verdict = judge(gateway, wellBehaved(), true);

        assertThat(verdict.passed()).as(verdict.explain()).isTrue();
        assertThat(gateway.exchanges()).hasSize(1);
        assertThat(gateway.exchanges().get(0).failureClass()).isEqualTo("stream_interrupted");
    }

    @Test
    @PlayScenario("stream-cut-mid-answer")
    void takingTheCutStreamForTheAnswerIsATruncationUndetected(ChaosGateway gateway) {
        Verdict verdict = judge(gateway, trustsEveryEnd(), true);

        assertThat(verdict.codes()).as(verdict.explain()).contains(FindingCode.TRUNCATION_UNDETECTED);
    }

    @Test
    @PlayScenario("stream-error-event")
    void anErrorEventMidStreamIsAnInterruptionThatTheWellBehavedClientReports(ChaosGateway gateway) {
        Verdict verdict = judge(gateway, wellBehaved(), true);

        assertThat(verdict.passed()).as(verdict.explain()).isTrue();
        assertThat(gateway.exchanges()).hasSize(1);
    }
}
