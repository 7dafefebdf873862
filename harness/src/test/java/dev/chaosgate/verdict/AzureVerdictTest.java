package dev.chaosgate.verdict;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaosgate.cli.bundled.WellBehavedClient;
import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.junit.ChaosTest;
import dev.chaosgate.junit.PlayScenario;
import dev.chaosgate.upstream.Provider;
import dev.chaosgate.upstream.UpstreamExchange;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The verdict on a client of Azure OpenAI's deployment URLs, through the real gateway: Azure's 429 carries
 * {@code retry-after-ms} beside {@code Retry-After}, and the verdict reads the wait it asks exactly as for OpenAI;
 * the well-behaved client honours it, a variant that ignores the server's wait is caught.
 */
@ChaosTest(provider = Provider.AZURE, pacing = ChaosTest.Pacing.IMMEDIATE)
@Timeout(60)
class AzureVerdictTest {
    private static final String PROMPT = "Plan a three-day trip to Lisbon";
    private static final WellBehavedClient.Timeouts SHORT =
            new WellBehavedClient.Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(2));

    @Test
    @PlayScenario("rate-limited-tokens")
    void honouringAzuresRetryAfterPasses(ChaosGateway gateway) {
        Verdict verdict = gateway.verdict(new WellBehavedClient(SHORT, Provider.AZURE).ask(gateway.baseUrl(), PROMPT, false));

        assertThat(verdict.passed()).as(verdict.explain()).isTrue();
        assertThat(gateway.exchanges()).extracting(UpstreamExchange::path)
                .allMatch(p -> p.startsWith("/openai/deployments/gpt-4o-mini/chat/completions"));
        assertThat(gateway.exchanges().get(0).responseHeaders()).containsEntry("retry-after-ms", "2000");
        assertThat(gateway.exchanges()).extracting(UpstreamExchange::prompt).containsOnly(PROMPT);
    }

    @Test
    @PlayScenario("rate-limited-tokens")
    void retryingBeforeAzuresRetryAfterIsRetryAfterIgnored(ChaosGateway gateway) {
        WellBehavedClient hasty = new WellBehavedClient(SHORT, Provider.AZURE) {
            @Override
            protected Optional<Duration> serverDelay(Failure failure) {
                return Optional.empty();
            }
        };

        Verdict verdict = gateway.verdict(hasty.ask(gateway.baseUrl(), PROMPT, false));

        assertThat(verdict.codes()).as(verdict.explain()).contains(FindingCode.RETRY_AFTER_IGNORED);
    }
}
