package dev.chaosgate.verdict;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chaosgate.cli.bundled.WellBehavedClient;
import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.junit.ChaosTest;
import dev.chaosgate.junit.PlayScenario;
import dev.chaosgate.upstream.Provider;
import dev.chaosgate.upstream.UpstreamExchange;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The verdict on a client of the Gemini API, through the real gateway: a raw {@code java.net.http} client that
 * speaks {@code generateContent} and retries a 429 or 5xx up to three attempts, waiting either what the server asks
 * (the {@code Retry-After} header, or Google's {@code google.rpc.RetryInfo} in the error body) or a fixed 100 ms. The
 * verdict reads the wait either way and catches the client that ignores it; the bundled client passes on this wire.
 */
@ChaosTest(provider = Provider.GEMINI, pacing = ChaosTest.Pacing.IMMEDIATE)
@Timeout(60)
class GeminiVerdictTest {
    private static final String PROMPT = "Plan a three-day trip to Lisbon";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where a raw client takes the wait before a retry from. */
    enum Wait { RETRY_AFTER_HEADER, RETRY_INFO, FIXED_100_MS }

    /** A minimal Gemini chat app on java.net.http, with no SDK: three attempts, the wait from {@code waitFrom}. */
    record RawGeminiClient(Wait waitFrom) {
        ClientReport ask(String origin, String prompt) throws IOException, InterruptedException {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
            String body = JSON.createObjectNode().set("contents", JSON.createArrayNode().add(JSON.createObjectNode()
                    .put("role", "user").set("parts", JSON.createArrayNode().add(JSON.createObjectNode().put("text", prompt))))).toString();
            HttpResponse<String> response = null;
            for (int attempt = 1; attempt <= 3; attempt++) {
                HttpRequest request = HttpRequest.newBuilder(URI.create(origin + "/v1beta/models/gemini-2.5-flash:generateContent"))
                        .timeout(Duration.ofSeconds(5)).header("content-type", "application/json").header("x-goog-api-key", "test")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    StringBuilder text = new StringBuilder();
                    JSON.readTree(response.body()).at("/candidates/0/content/parts").forEach(p -> text.append(p.path("text").asText("")));
                    return new ClientReport(prompt, List.of(text.toString()), "");
                }
                if (response.statusCode() != 429 && response.statusCode() < 500 || attempt == 3) {
                    break;
                }
                Thread.sleep(delay(response).toMillis());
            }
            return new ClientReport(prompt, List.of("Too many requests right now (rate limit reached, error "
                    + response.statusCode() + "). Your prompt is saved; wait a few seconds and try again."), prompt);
        }

        private Duration delay(HttpResponse<String> response) throws IOException {
            switch (waitFrom) {
                case RETRY_AFTER_HEADER:
                    return Duration.ofSeconds(Long.parseLong(response.headers().firstValue("retry-after").orElse("1"))).plusMillis(50);
                case RETRY_INFO:
                    for (JsonNode detail : JSON.readTree(response.body()).at("/error/details")) {
                        if (detail.path("@type").asText().endsWith("google.rpc.RetryInfo")) {
                            String delay = detail.path("retryDelay").asText();
                            return Duration.ofMillis((long) (Double.parseDouble(delay.substring(0, delay.length() - 1)) * 1000) + 50);
                        }
                    }
                    return Duration.ofSeconds(1);
                default:
                    return Duration.ofMillis(100);
            }
        }
    }

    @Test
    @PlayScenario("rate-limited-tokens")
    void aClientThatWaitsTheRetryAfterHeaderPasses(ChaosGateway gateway) throws Exception {
        assertThat(gateway.sdkBaseUrl()).as("the origin, which @google/genai takes as httpOptions.baseUrl").doesNotEndWith("/v1");

        Verdict verdict = gateway.verdict(new RawGeminiClient(Wait.RETRY_AFTER_HEADER).ask(gateway.sdkBaseUrl(), PROMPT));

        assertThat(verdict.passed()).as(verdict.explain()).isTrue();
        List<UpstreamExchange> exchanges = gateway.exchanges();
        assertThat(exchanges).extracting(UpstreamExchange::status).containsExactly(429, 200);
        assertThat(exchanges).extracting(UpstreamExchange::path).allMatch(p -> p.startsWith("/v1beta/models/gemini-2.5-flash:generateContent"));
        assertThat(exchanges).extracting(UpstreamExchange::prompt).containsOnly(PROMPT);
        assertThat(exchanges.get(0).failureClass()).isEqualTo("rate_limited");
    }

    @Test
    @PlayScenario("rate-limited-tokens")
    void aClientThatWaitsGooglesRetryInfoInsteadPassesToo(ChaosGateway gateway) throws Exception {
        Instant start = Instant.now();

        Verdict verdict = gateway.verdict(new RawGeminiClient(Wait.RETRY_INFO).ask(gateway.sdkBaseUrl(), PROMPT));

        assertThat(verdict.passed()).as(verdict.explain()).isTrue();
        assertThat(Duration.between(start, Instant.now())).as("the 2 s of RetryInfo were waited").isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }

    @Test
    @PlayScenario("rate-limited-tokens")
    void aClientThatRetriesAfter100MsIgnoresTheWaitGoogleAskedFor(ChaosGateway gateway) throws Exception {
        Verdict verdict = gateway.verdict(new RawGeminiClient(Wait.FIXED_100_MS).ask(gateway.sdkBaseUrl(), PROMPT));

        assertThat(verdict.codes()).as(verdict.explain()).contains(FindingCode.RETRY_AFTER_IGNORED);
        assertThat(gateway.exchanges()).extracting(UpstreamExchange::status).containsExactly(429, 200);
    }

    @Test
    @PlayScenario("stream-cut-mid-answer")
    void theBundledClientOnGeminisWireTakesAStreamWithoutFinishReasonForACut(ChaosGateway gateway) {
        WellBehavedClient client = new WellBehavedClient(new WellBehavedClient.Timeouts(Duration.ofSeconds(2),
                Duration.ofSeconds(5), Duration.ofSeconds(2)), Provider.GEMINI);

        Verdict verdict = gateway.verdict(client.ask(gateway.baseUrl(), PROMPT, true));

        assertThat(verdict.passed()).as(verdict.explain()).isTrue();
        assertThat(gateway.exchanges().get(0).path()).isEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
    }
}
