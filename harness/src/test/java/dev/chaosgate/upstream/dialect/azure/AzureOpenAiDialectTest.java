package dev.chaosgate.upstream.dialect.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chaosgate.upstream.FakeUpstream;
import dev.chaosgate.upstream.Faults;
import dev.chaosgate.upstream.RetryAfter;
import dev.chaosgate.upstream.StreamPacing;
import dev.chaosgate.upstream.UpstreamExchange;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The Azure OpenAI dialect on the real fake upstream: a deployment URL with {@code api-version}, OpenAI's body with
 * Azure's content-filter results and headers, and Azure's own 429 (with {@code retry-after-ms}), 401 and 404.
 */
@org.junit.jupiter.api.Timeout(30)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AzureOpenAiDialectTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PATH = "/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21";

    private FakeUpstream upstream;
    private String origin;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    void start() {
        upstream = FakeUpstream.builder().seed(21).pacing(StreamPacing.immediate()).start();
        origin = upstream.baseUrl().replaceFirst("/v1$", "");
    }

    @AfterAll
    void stop() {
        upstream.close();
    }

    @BeforeEach
    void reset() {
        upstream.serveNormally();
        upstream.clearExchanges();
    }

    private HttpResponse<String> chat(String prompt, boolean stream) throws Exception {
        String body = "{\"stream\":" + stream + ",\"messages\":[{\"role\":\"system\",\"content\":\"Answer briefly.\"},"
                + "{\"role\":\"user\",\"content\":" + JSON.writeValueAsString(prompt) + "}]}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(origin + PATH)).timeout(Duration.ofSeconds(10))
                .header("content-type", "application/json").header("api-key", "azure-test-key")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static List<JsonNode> data(String body) throws Exception {
        List<JsonNode> data = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("data:") && !line.contains("[DONE]")) {
                data.add(JSON.readTree(line.substring(5).strip()));
            }
        }
        return data;
    }

    private UpstreamExchange onlyExchange() {
        assertThat(upstream.exchanges()).as("the journal").hasSize(1);
        return upstream.exchanges().get(0);
    }

    @Test
    void aDeploymentUrlGetsAChatCompletionWithAzuresFilterResultsAndHeaders() throws Exception {
        HttpResponse<String> response = chat("Which trains run from Lisbon to Porto?", false);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode completion = JSON.readTree(response.body());
        assertThat(completion.path("object").asText()).isEqualTo("chat.completion");
        assertThat(completion.at("/choices/0/message/content").asText()).isNotBlank();
        assertThat(completion.at("/prompt_filter_results/0/content_filter_results/hate/filtered").asBoolean(true)).isFalse();
        assertThat(completion.at("/choices/0/content_filter_results/violence/severity").asText()).isEqualTo("safe");
        assertThat(response.headers().firstValue("apim-request-id")).isPresent();
        assertThat(response.headers().firstValue("x-ms-region")).isPresent();
        assertThat(response.headers().map()).doesNotContainKeys("openai-organization", "cf-ray");

        UpstreamExchange exchange = onlyExchange();
        assertThat(exchange.isGeneration()).isTrue();
        assertThat(exchange.prompt()).isEqualTo("Which trains run from Lisbon to Porto?");
        assertThat(exchange.delivered()).isTrue();
    }

    @Test
    void aStreamStartsWithTheChoicelessFilterChunkAndEndsWithDone() throws Exception {
        HttpResponse<String> response = chat("Explain tides briefly", true);

        List<JsonNode> chunks = data(response.body());
        assertThat(chunks.get(0).path("choices").size()).isZero();
        assertThat(chunks.get(0).has("prompt_filter_results")).isTrue();
        assertThat(chunks.subList(1, chunks.size())).allSatisfy(c -> assertThat(c.path("object").asText()).isEqualTo("chat.completion.chunk"));
        assertThat(response.body()).contains("data: [DONE]");
        assertThat(onlyExchange().delivered()).isTrue();
    }

    @Test
    void onlyTheDeploymentsChatCompletionsIsAnAzureGenerationCall() {
        assertThat(FakeUpstream.isGenerationCall("POST", PATH)).isTrue();
        assertThat(FakeUpstream.isGenerationCall("POST", "/openai/deployments/gpt-4o-mini/embeddings?api-version=2024-10-21")).isFalse();
        assertThat(FakeUpstream.isGenerationCall("GET", PATH)).isFalse();
    }

    @Test
    void aRateLimitIsAzures429WithRetryAfterMsBesideRetryAfter() throws Exception {
        upstream.serve(Faults.rateLimited().withRetryAfter(RetryAfter.seconds(2)));

        HttpResponse<String> response = chat("hello", false);

        assertThat(response.statusCode()).isEqualTo(429);
        JsonNode error = JSON.readTree(response.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("429");
        assertThat(error.path("message").asText()).contains("exceeded token rate limit", "Please retry after 2 seconds");
        assertThat(response.headers().firstValue("retry-after")).contains("2");
        assertThat(response.headers().firstValue("retry-after-ms")).contains("2000");
        assertThat(response.headers().allValues("x-ratelimit-remaining-tokens")).containsExactly("0");
        assertThat(onlyExchange().failureClass()).isEqualTo("rate_limited");
    }

    @Test
    void anUnreadableRetryAfterGetsNoRetryAfterMs() throws Exception {
        upstream.serve(Faults.rateLimited().withRetryAfter(RetryAfter.garbage()));

        HttpResponse<String> response = chat("hello", false);

        assertThat(response.headers().firstValue("retry-after")).contains("soon, probably");
        assertThat(response.headers().firstValue("retry-after-ms")).isEmpty();
    }

    @Test
    void aWrongKeyAndAMissingDeploymentAreAzuresOwnErrors() throws Exception {
        upstream.serve(Faults.status(401));
        JsonNode unauthorized = JSON.readTree(chat("hello", false).body()).path("error");
        assertThat(unauthorized.path("code").asText()).isEqualTo("401");
        assertThat(unauthorized.path("message").asText()).startsWith("Access denied due to invalid subscription key or wrong API endpoint");

        upstream.serve(Faults.status(404));
        JsonNode notFound = JSON.readTree(chat("hello", false).body()).path("error");
        assertThat(notFound.path("code").asText()).isEqualTo("DeploymentNotFound");
    }

    @Test
    void errorsWithoutAnAzureCounterpartKeepOpenAisBody() throws Exception {
        upstream.serve(Faults.quotaExhausted());
        HttpResponse<String> quota = chat("hello", false);
        assertThat(quota.statusCode()).isEqualTo(429);
        assertThat(JSON.readTree(quota.body()).at("/error/code").asText()).isEqualTo("insufficient_quota");
        assertThat(quota.headers().firstValue("retry-after-ms")).isEmpty();

        upstream.serve(Faults.status(500));
        assertThat(JSON.readTree(chat("hello", false).body()).at("/error/type").asText()).isEqualTo("server_error");
    }

    @Test
    void streamFaultsStrikeAtTheSamePointsAfterTheFilterChunk() throws Exception {
        upstream.serve(Faults.streamCut().beforeText());
        List<JsonNode> cut = data(chat("Explain tides briefly", true).body());
        assertThat(cut).allSatisfy(c -> assertThat(c.at("/choices/0/delta/content").asText("")).isEmpty());
        assertThat(onlyExchange().failureClass()).isEqualTo("connection_failure");

        upstream.clearExchanges();
        upstream.serve(Faults.streamError());
        List<JsonNode> broken = data(chat("Explain tides briefly", true).body());
        assertThat(broken.stream().filter(c -> !c.at("/choices/0/delta/content").asText("").isEmpty())).hasSize(2);
        assertThat(broken.get(broken.size() - 1).has("error")).isTrue();
        assertThat(onlyExchange().failureClass()).isEqualTo("stream_interrupted");
    }
}
