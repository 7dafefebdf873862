package dev.chaosgate.verdict;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.scenario.ScenarioCatalog;
import dev.chaosgate.upstream.StreamPacing;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official openai-java SDK (default policy: 2 retries, exponential backoff with jitter,
 * Retry-After honoured up to a cap, retries 408/409/429/5xx and connection failures, honours
 * x-should-retry) judged on the catalog. Only the retry findings are the SDK's business; what the
 * user is shown belongs to the app around it, so those codes are set aside here.
 */
class OpenAiSdkVerdictTest {
    /** The findings about retrying, which the SDK alone decides. */
    static final Set<FindingCode> RETRY_CODES = EnumSet.of(FindingCode.NO_RETRY, FindingCode.RETRIED_NON_RETRYABLE,
            FindingCode.RETRY_AFTER_IGNORED, FindingCode.NO_BACKOFF, FindingCode.TOO_MANY_ATTEMPTS, FindingCode.FAULT_NOT_EXERCISED);
    private static final String PROMPT = "Summarise my last three orders";

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        // Retryable failures that recover: the SDK's policy passes.
        "bad-gateway-single              | ",
        "bad-gateway-burst               | ",
        "connection-reset                | ",
        "server-error-retry              | ",
        // Failures retrying cannot fix and the SDK does not retry: passes.
        "access-denied-1020              | ",
        "invalid-api-key                 | ",
        "should-retry-false              | ",
        // It retries 429 insufficient_quota and request-too-large like any 429 (openai-java RetryingHttpClient retries every 429):
        // chaosgate reports both the retry and the attempts beyond a budget of one.
        "quota-exhausted                 | RETRIED_NON_RETRYABLE TOO_MANY_ATTEMPTS",
        "request-too-large               | RETRIED_NON_RETRYABLE TOO_MANY_ATTEMPTS",
    })
    void verdictOnTheSdkAgreesWithItsDocumentedRetryPolicy(String scenarioName, String expectedCodes) {
        Set<FindingCode> expected = expectedCodes == null || expectedCodes.isBlank() ? Set.of()
                : java.util.Arrays.stream(expectedCodes.trim().split("\\s+")).map(FindingCode::valueOf).collect(Collectors.toSet());
        try (ChaosGateway gateway = ChaosGateway.builder().pacing(StreamPacing.immediate())
                .scenario(ScenarioCatalog.builtIn().get(scenarioName)).start()) {
            OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl()).apiKey("test")
                    .timeout(Duration.ofSeconds(5)).build();
            String shown;
            String draft;
            try {
                ChatCompletion answer = client.chat().completions().create(ChatCompletionCreateParams.builder()
                        .model("gpt-4o-mini").addUserMessage(PROMPT).build());
                shown = answer.choices().get(0).message().content().orElse("");
                draft = "";
            } catch (RuntimeException failure) {
                shown = "";
                draft = PROMPT;
            } finally {
                client.close();
            }
            Verdict verdict = gateway.verdict(PROMPT, shown.isEmpty() ? List.of() : List.of(shown), draft);
            Set<FindingCode> retryFindings = verdict.codes().stream().filter(RETRY_CODES::contains).collect(Collectors.toSet());
            assertThat(retryFindings).as(verdict.explain()).isEqualTo(expected);
        }
    }
}
