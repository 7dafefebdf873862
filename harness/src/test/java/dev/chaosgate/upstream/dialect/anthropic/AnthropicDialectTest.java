package dev.chaosgate.upstream.dialect.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chaosgate.upstream.ActionStep;
import dev.chaosgate.upstream.FakeUpstream;
import dev.chaosgate.upstream.Faults;
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
 * The Anthropic Messages dialect on the real fake upstream (WireMock over loopback): the same faults, in
 * Anthropic's wire shape, and the journal reading the user's turn the same way as for OpenAI requests.
 */
@org.junit.jupiter.api.Timeout(30)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnthropicDialectTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SYSTEM = "You are a terse assistant for a travel agency.";

    private FakeUpstream upstream;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    void start() {
        upstream = FakeUpstream.builder().seed(20).pacing(StreamPacing.immediate()).start();
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

    private HttpResponse<String> messages(String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(upstream.baseUrl() + "/messages"))
                .timeout(Duration.ofSeconds(10)).header("content-type", "application/json")
                .header("x-api-key", "sk-ant-test").header("anthropic-version", "2023-06-01")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String body(String prompt, boolean stream) {
        return "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":256,\"stream\":" + stream + ",\"system\":" + quote(SYSTEM)
                + ",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":" + quote(prompt) + "}]}]}";
    }

    private static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The {@code event:} names of an SSE body, in order. */
    private static List<String> events(String body) {
        List<String> names = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("event:")) {
                names.add(line.substring(6).strip());
            }
        }
        return names;
    }

    /** The JSON of each {@code data:} line of an SSE body. */
    private static List<JsonNode> data(String body) throws Exception {
        List<JsonNode> data = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("data:")) {
                data.add(JSON.readTree(line.substring(5).strip()));
            }
        }
        return data;
    }

    private static String streamedText(String body) throws Exception {
        StringBuilder text = new StringBuilder();
        for (JsonNode event : data(body)) {
            text.append(event.at("/delta/text").asText(""));
        }
        return text.toString();
    }

    private UpstreamExchange onlyExchange() {
        List<UpstreamExchange> exchanges = upstream.exchanges();
        assertThat(exchanges).as("the journal").hasSize(1);
        return exchanges.get(0);
    }

    // ---- answers

    @Test
    void aPlainMessageAnswersTheUserTurnAndTheJournalKeepsItWithoutTheSystemText() throws Exception {
        HttpResponse<String> response = messages(body("Which trains run from Lisbon to Porto?", false));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("request-id")).get().asString().startsWith("req_011C");
        JsonNode message = JSON.readTree(response.body());
        assertThat(message.path("type").asText()).isEqualTo("message");
        assertThat(message.path("role").asText()).isEqualTo("assistant");
        assertThat(message.path("id").asText()).startsWith("msg_01");
        assertThat(message.at("/content/0/type").asText()).isEqualTo("text");
        assertThat(message.at("/content/0/text").asText()).isNotBlank();
        assertThat(message.path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(message.at("/usage/output_tokens").asInt()).isPositive();

        UpstreamExchange exchange = onlyExchange();
        assertThat(exchange.isGeneration()).isTrue();
        assertThat(exchange.prompt()).isEqualTo("Which trains run from Lisbon to Porto?").doesNotContain("travel agency");
        assertThat(exchange.step().ending()).isEqualTo(ActionStep.Ending.ANSWER);
        assertThat(exchange.delivered()).isTrue();
    }

    @Test
    void aStreamedMessageSendsAnthropicsEventsInOrderAndEndsWithMessageStop() throws Exception {
        String plain = JSON.readTree(messages(body("Explain tides briefly", false)).body()).at("/content/0/text").asText();
        upstream.clearExchanges();

        HttpResponse<String> response = messages(body("Explain tides briefly", true));

        assertThat(response.headers().firstValue("content-type")).get().asString().startsWith("text/event-stream");
        List<String> events = events(response.body());
        assertThat(events).startsWith("message_start", "content_block_start", "ping", "content_block_delta")
                .endsWith("content_block_stop", "message_delta", "message_stop");
        assertThat(data(response.body())).allSatisfy(d -> assertThat(d.path("type").asText()).isIn(events));
        assertThat(streamedText(response.body())).as("the streamed text is the whole answer").isEqualTo(plain);
        assertThat(onlyExchange().delivered()).isTrue();
    }

    @Test
    void aToolOfferedGetsAToolUseAndItsToolResultGetsTheTextAnswerAsTheActionsSecondStep() throws Exception {
        String tools = ",\"tools\":[{\"name\":\"get_weather\",\"description\":\"Weather\",\"input_schema\":{\"type\":\"object\","
                + "\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}]";
        String first = body("Weather in Porto?", false).replaceFirst("}$", tools + "}");
        JsonNode call = JSON.readTree(messages(first).body());
        assertThat(call.path("stop_reason").asText()).isEqualTo("tool_use");
        JsonNode use = call.at("/content/0");
        assertThat(use.path("type").asText()).isEqualTo("tool_use");
        assertThat(use.path("id").asText()).startsWith("toolu_01");
        assertThat(use.path("name").asText()).isEqualTo("get_weather");
        assertThat(use.at("/input/city").asText()).isEqualTo("Weather in Porto?");

        String second = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":256,\"system\":" + quote(SYSTEM) + tools
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Porto?\"},"
                + "{\"role\":\"assistant\",\"content\":[" + use + "]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":" + quote(use.path("id").asText())
                + ",\"content\":\"18 C, sunny\"}]}]}";
        JsonNode answer = JSON.readTree(messages(second).body());
        assertThat(answer.at("/content/0/type").asText()).isEqualTo("text");
        assertThat(answer.path("stop_reason").asText()).isEqualTo("end_turn");

        List<UpstreamExchange> exchanges = upstream.exchanges();
        assertThat(exchanges).extracting(e -> e.step().step()).containsExactly(1, 2);
        assertThat(exchanges).extracting(UpstreamExchange::prompt).containsOnly("Weather in Porto?");
        assertThat(exchanges.get(1).step().openingTurn()).isEqualTo("Weather in Porto?");
    }

    @Test
    void aStreamedToolUseSendsItsInputAsInputJsonDeltas() throws Exception {
        String tools = ",\"tools\":[{\"name\":\"lookup\",\"input_schema\":{\"type\":\"object\","
                + "\"properties\":{\"q\":{\"type\":\"string\"}},\"required\":[\"q\"]}}]";
        HttpResponse<String> response = messages(body("Find flights", true).replaceFirst("}$", tools + "}"));

        StringBuilder json = new StringBuilder();
        for (JsonNode event : data(response.body())) {
            if ("input_json_delta".equals(event.at("/delta/type").asText())) {
                json.append(event.at("/delta/partial_json").asText());
            }
        }
        assertThat(JSON.readTree(json.toString()).path("q").asText()).isEqualTo("Find flights");
        assertThat(data(response.body()).get(1).at("/content_block/type").asText()).isEqualTo("tool_use");
    }

    @Test
    void openAiRequestsOnTheSameUpstreamStayOpenAis() throws Exception {
        HttpRequest chat = HttpRequest.newBuilder(URI.create(upstream.baseUrl() + "/chat/completions"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}]}"))
                .build();
        JsonNode completion = JSON.readTree(http.send(chat, HttpResponse.BodyHandlers.ofString()).body());
        assertThat(completion.path("object").asText()).isEqualTo("chat.completion");
    }

    @Test
    void onlyPostToV1MessagesIsAnAnthropicGenerationCall() {
        assertThat(FakeUpstream.isGenerationCall("POST", "/v1/messages")).isTrue();
        assertThat(FakeUpstream.isGenerationCall("POST", "http://api.anthropic.com/v1/messages?beta=true")).isTrue();
        assertThat(FakeUpstream.isGenerationCall("POST", "/v1/messages/count_tokens")).isFalse();
        assertThat(FakeUpstream.isGenerationCall("GET", "/v1/messages")).isFalse();
    }

    // ---- error faults in Anthropic's words

    @Test
    void a529IsAnOverloadedErrorWithTheRequestIdInHeaderAndBody() throws Exception {
        upstream.serve(Faults.status(529));

        HttpResponse<String> response = messages(body("hello", false));

        assertThat(response.statusCode()).isEqualTo(529);
        JsonNode error = JSON.readTree(response.body());
        assertThat(error.path("type").asText()).isEqualTo("error");
        assertThat(error.at("/error/type").asText()).isEqualTo("overloaded_error");
        assertThat(error.at("/error/message").asText()).isEqualTo("Overloaded");
        assertThat(error.path("request_id").asText()).isEqualTo(response.headers().firstValue("request-id").orElseThrow());
        assertThat(onlyExchange().failureClass()).isEqualTo("unavailable");
    }

    @Test
    void openAisOverloaded503BecomesAnthropicsOverloadedErrorWithItsStatusKept() throws Exception {
        upstream.serve(Faults.overloaded());

        HttpResponse<String> response = messages(body("hello", false));

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(response.body()).at("/error/type").asText()).isEqualTo("overloaded_error");
        assertThat(response.body()).doesNotContain("server_is_overloaded");
    }

    @Test
    void a429IsARateLimitErrorWithRetryAfterAndTheRateLimitHeaders() throws Exception {
        upstream.serve(Faults.rateLimited().withRetryAfter(dev.chaosgate.upstream.RetryAfter.seconds(3)));

        HttpResponse<String> response = messages(body("hello", false));

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(JSON.readTree(response.body()).at("/error/type").asText()).isEqualTo("rate_limit_error");
        assertThat(response.headers().firstValue("retry-after")).contains("3");
        assertThat(response.headers().firstValue("anthropic-ratelimit-requests-remaining")).contains("0");
        assertThat(response.headers().firstValue("anthropic-ratelimit-requests-reset")).get().asString().endsWith("Z");
        assertThat(response.headers().map()).doesNotContainKey("x-ratelimit-remaining-requests");
        assertThat(onlyExchange().failureClass()).isEqualTo("rate_limited");
    }

    @Test
    void eachStatusGetsAnthropicsErrorType() throws Exception {
        int[] statuses = {400, 401, 403, 404, 413, 500};
        String[] types = {"invalid_request_error", "authentication_error", "permission_error", "not_found_error",
            "request_too_large", "api_error"};
        for (int i = 0; i < statuses.length; i++) {
            upstream.serve(Faults.status(statuses[i]));
            HttpResponse<String> response = messages(body("hello", false));
            assertThat(response.statusCode()).isEqualTo(statuses[i]);
            assertThat(JSON.readTree(response.body()).at("/error/type").asText()).as("status " + statuses[i]).isEqualTo(types[i]);
        }
    }

    @Test
    void aGatewaysOwnPageInFrontOfTheApiIsNotTranslated() throws Exception {
        upstream.serve(Faults.accessDenied());

        HttpResponse<String> response = messages(body("hello", false));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("1020").doesNotContain("permission_error");
        assertThat(onlyExchange().failureClass()).isEqualTo("access_denied");
    }

    @Test
    void theFaultsOwnXShouldRetryHeaderIsSentAndNoneOtherwise() throws Exception {
        upstream.serve(Faults.status(529).withShouldRetry(false));
        assertThat(messages(body("hello", false)).headers().firstValue("x-should-retry")).contains("false");
        upstream.serve(Faults.status(529));
        assertThat(messages(body("hello", false)).headers().firstValue("x-should-retry")).isEmpty();
    }

    // ---- stream faults at the same points

    @Test
    void aStreamErrorFaultSendsAnErrorEventAfterTheTextAndNoMessageStop() throws Exception {
        upstream.serve(Faults.streamError().afterTextDeltas(2));

        HttpResponse<String> response = messages(body("Explain tides briefly", true));

        assertThat(response.statusCode()).isEqualTo(200);
        List<String> events = events(response.body());
        assertThat(events).endsWith("error").doesNotContain("message_stop", "message_delta");
        assertThat(events.stream().filter("content_block_delta"::equals)).hasSize(2);
        JsonNode error = data(response.body()).get(events.size() - 1);
        assertThat(error.at("/error/type").asText()).isEqualTo("overloaded_error");
        assertThat(onlyExchange().failureClass()).isEqualTo("stream_interrupted");
        assertThat(onlyExchange().delivered()).isFalse();
    }

    @Test
    void aStreamCutBeforeAnyTextIsAConnectionFailureNotAnInterruption() throws Exception {
        upstream.serve(Faults.streamCut().beforeText());

        HttpResponse<String> response = messages(body("Explain tides briefly", true));

        assertThat(events(response.body())).containsExactly("message_start", "content_block_start", "ping");
        assertThat(onlyExchange().failureClass()).isEqualTo("connection_failure");
    }
}
