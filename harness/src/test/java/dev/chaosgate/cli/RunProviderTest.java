package dev.chaosgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chaosgate.scenario.ScenarioCatalog;
import dev.chaosgate.upstream.Provider;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run --provider}: the bundled client speaks the provider's wire and passes there, a {@code --client} is told
 * the provider, and a provider that does not exist is a one-line usage error naming the ones that do.
 */
@Timeout(60)
class RunProviderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theBundledClientOnAnthropicsWireIsJudgedLikeOnOpenAis() throws IOException {
        CliRun run = CliRun.of("run", "overloaded-529", "stream-error-event", "--provider", "anthropic",
                "--report-dir", dir.toString());

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("against bundled well-behaved reference client (anthropic wire)")
                .contains("2 passed, 0 failed, 0 skipped");
        JsonNode overload = JSON.readTree(dir.resolve("report.json").toFile()).path("scenarios").get(0);
        assertThat(overload.path("timeline").findValuesAsText("status")).containsExactly("529", "200");
        assertThat(overload.path("timeline").get(0).path("failureClass").asText()).isEqualTo("unavailable");
    }

    @Test
    void theBundledClientOnAzuresWireHonoursItsRateLimit() throws IOException {
        CliRun run = CliRun.of("run", "rate-limited-tokens", "--provider", "azure", "--report-dir", dir.toString());

        assertThat(run.exit()).as(run.toString()).isZero();
        JsonNode limited = JSON.readTree(dir.resolve("report.json").toFile()).path("scenarios").get(0);
        assertThat(limited.path("timeline").findValuesAsText("status")).containsExactly("429", "200");
        assertThat(limited.path("timeline").get(1).path("gapMs").asLong()).isGreaterThanOrEqualTo(2000);
    }

    @Test
    void theBundledClientOnGeminisWireWaitsItsRateLimitStopsOnItsDailyQuotaAndSeesAStreamErrorAsACut() throws IOException {
        CliRun run = CliRun.of("run", "rate-limited-tokens", "stream-error-event", "quota-exhausted", "--provider", "gemini",
                "--report-dir", dir.toString());

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("against bundled well-behaved reference client (gemini wire)")
                .contains("3 passed, 0 failed, 0 skipped");
        JsonNode scenarios = JSON.readTree(dir.resolve("report.json").toFile()).path("scenarios");
        JsonNode limited = scenarios.get(0);
        assertThat(limited.path("timeline").findValuesAsText("status")).containsExactly("429", "200");
        assertThat(limited.path("timeline").get(0).path("failureClass").asText()).isEqualTo("rate_limited");
        assertThat(limited.path("timeline").get(1).path("gapMs").asLong()).isGreaterThanOrEqualTo(2000);
        assertThat(scenarios.get(1).path("timeline").get(0).path("failureClass").asText()).isEqualTo("stream_interrupted");
        // Both 429s say "You exceeded your current quota": only the per-day quotaId makes this one final.
        assertThat(scenarios.get(2).path("timeline").findValuesAsText("status")).containsExactly("429");
        assertThat(scenarios.get(2).path("timeline").get(0).path("failureClass").asText()).isEqualTo("quota_exhausted");
    }

    @Test
    void aCommandClientIsToldItSpeaksGemini() {
        CommandClient client = new CommandClient("echo \"SHOWN: $CHAOSGATE_PROVIDER|$CHAOSGATE_ORIGIN\"", Duration.ofSeconds(10),
                Provider.GEMINI);

        ClientUnderTest.ClientRun run = client.act("http://127.0.0.1:1234/v1", ScenarioCatalog.builtIn().get("overloaded-529"),
                "p", false);

        assertThat(run.report().shown()).containsExactly("gemini|http://127.0.0.1:1234");
    }

    @Test
    void anUnknownProviderIsAUsageErrorThatNamesTheProviders() {
        CliRun run = CliRun.of("run", "overloaded-529", "--provider", "bedrock", "--report-dir", dir.toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--provider: no provider named 'bedrock'; the providers are openai, anthropic, azure, gemini")
                .doesNotContain("Exception");
    }

    @Test
    void aCommandClientIsToldTheProviderItSpeaks() {
        CommandClient client = new CommandClient("echo \"SHOWN: $CHAOSGATE_PROVIDER|$CHAOSGATE_ORIGIN\"", Duration.ofSeconds(10),
                Provider.ANTHROPIC);

        ClientUnderTest.ClientRun run = client.act("http://127.0.0.1:1234/v1", ScenarioCatalog.builtIn().get("overloaded-529"),
                "p", false);

        assertThat(run.report().shown()).containsExactly("anthropic|http://127.0.0.1:1234");
    }

    @Test
    void aCommandClientWithoutAProviderIsToldOpenai() {
        CommandClient client = new CommandClient("echo \"SHOWN: $CHAOSGATE_PROVIDER\"", Duration.ofSeconds(10));

        ClientUnderTest.ClientRun run = client.act("http://127.0.0.1:1234/v1", ScenarioCatalog.builtIn().get("overloaded-529"),
                "p", false);

        assertThat(run.report().shown()).containsExactly("openai");
    }
}
