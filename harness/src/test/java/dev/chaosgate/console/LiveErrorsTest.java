package dev.chaosgate.console;

import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.scenario.Chaos;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.verdict.ClientReport;
import dev.chaosgate.verdict.Verdict;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Live mode judges the real API's own failures as it judges the ones it injects: a 429 from the API is a failed,
 * retryable attempt of class {@code rate_limited}; a 429 {@code insufficient_quota} is {@code quota_exhausted}, which
 * retrying cannot fix, so a client that retries it is told so; a 200 is no failure.
 */
class LiveErrorsTest {
    private static final Scenario NO_FAULT = Chaos.scenario("live").then(Chaos.phase("calm")).build();
    private static final String RATE_LIMITED = "{\"error\":{\"message\":\"Rate limit reached for gpt-4o-mini on requests per min (RPM)\","
            + "\"type\":\"requests\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}";
    private static final String QUOTA = "{\"error\":{\"message\":\"You exceeded your current quota, please check your plan and billing"
            + " details.\",\"type\":\"insufficient_quota\",\"param\":null,\"code\":\"insufficient_quota\"}}";

    @Test
    void theRealApisRateLimitIsAFailedRetryableAttempt() throws Exception {
        try (StandInApi api = new StandInApi();
             ChaosGateway gateway = ChaosGateway.builder().upstream(api.baseUrl()).scenario(NO_FAULT).start()) {
            api.failures.add(Map.entry(429, RATE_LIMITED));
            assertThat(send(gateway).statusCode()).isEqualTo(429);
            Thread.sleep(300);
            assertThat(send(gateway).statusCode()).isEqualTo(200);

            Verdict verdict = gateway.verdict(ClientReport.of("Where is my order?", List.of("the answer"), ""));
            assertThat(verdict.attempts()).as(verdict.explain()).hasSize(2);
            assertThat(verdict.attempts().get(0).failureClass()).as(verdict.explain()).isEqualTo("rate_limited");
            assertThat(verdict.retryable(verdict.attempts().get(0))).isTrue();
            assertThat(verdict.attempts().get(1).failureClass()).isNull();
        }
    }

    @Test
    void theRealApisQuotaErrorIsNotRetryableAndRetryingItIsFound() throws Exception {
        try (StandInApi api = new StandInApi();
             ChaosGateway gateway = ChaosGateway.builder().upstream(api.baseUrl()).scenario(NO_FAULT).start()) {
            api.failures.add(Map.entry(429, QUOTA));
            api.failures.add(Map.entry(429, QUOTA));
            assertThat(send(gateway).statusCode()).isEqualTo(429);
            assertThat(send(gateway).statusCode()).isEqualTo(429);

            Verdict verdict = gateway.verdict(ClientReport.of("Where is my order?",
                    List.of("This app has reached its usage limit. Please contact the administrator about the plan and billing."),
                    "Where is my order?"));
            assertThat(verdict.attempts()).extracting(a -> a.failureClass()).containsExactly("quota_exhausted", "quota_exhausted");
            assertThat(verdict.retryable(verdict.attempts().get(0))).isFalse();
            assertThat(verdict.codes().toString()).as(verdict.explain()).contains("RETRIED_NON_RETRYABLE");
        }
    }

    private static HttpResponse<String> send(ChaosGateway gateway) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        return client.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/chat/completions"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json").header("Authorization", "Bearer sk-live-test")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Where is my order?\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
