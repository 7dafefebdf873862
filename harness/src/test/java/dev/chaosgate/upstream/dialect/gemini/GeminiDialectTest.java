package dev.chaosgate.upstream.dialect.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chaosgate.upstream.ActionStep;
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
 * The Gemini API dialect on the real fake upstream (WireMock over loopback): {@code generateContent} and
 * {@code streamGenerateContent?alt=sse} in Google's shapes, every error in Google's {@code error} object, the same
 * stream faults at the same points, and the journal reading the user's turn as for OpenAI requests.
 */
@org.junit.jupiter.api.Timeout(30)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GeminiDialectTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SYSTEM = "You are a terse assistant for a travel agency.";
    private static final String MODEL = "gemini-2.5-flash";

    private FakeUpstream upstream;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    void start() {
        upstream = FakeUpstream.builder().seed(21).pacing(StreamPacing.immediate()).start();
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

    private String origin() {
        return upstream.baseUrl().replaceFirst("/v1/?$", "");
    }

    private HttpResponse<String> generate(String body, boolean stream) throws Exception {
        String url = origin() + "/v1beta/models/" + MODEL + (stream ? ":streamGenerateContent?alt=sse" : ":generateContent");
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10)).header("content-type", "application/json")
                .header("x-goog-api-key", "test")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String body(String prompt) {
        return "{\"systemInstruction\":{\"parts\":[{\"text\":" + quote(SYSTEM) + "}]},"
                + "\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":" + quote(prompt) + "}]}]}";
    }

    private static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The JSON of each {@code data:} line of an SSE body. */
    private static List<JsonNode> chunks(String body) throws Exception {
        List<JsonNode> data = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("data:")) {
                data.add(JSON.readTree(line.substring(5).strip()));
            }
        }
        return data;
    }

    private static String text(JsonNode response) {
        StringBuilder text = new StringBuilder();
        for (JsonNode part : response.at("/candidates/0/content/parts")) {
            text.append(part.path("text").asText(""));
        }
        return text.toString();
    }

    private UpstreamExchange onlyExchange() {
        List<UpstreamExchange> exchanges = upstream.exchanges();
        assertThat(exchanges).as("the journal").hasSize(1);
        return exchanges.get(0);
    }

    private JsonNode error(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body()).path("error");
    }

    // ---- answers

    @Test
    void generateContentAnswersTheUserTurnAndTheJournalKeepsItWithoutTheSystemInstruction() throws Exception {
        HttpResponse<String> response = generate(body("Which trains run from Lisbon to Porto?"), false);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).get().asString().startsWith("application/json");
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.at("/candidates/0/content/role").asText()).isEqualTo("model");
        assertThat(text(answer)).isNotBlank();
        assertThat(answer.at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
        assertThat(answer.at("/usageMetadata/candidatesTokenCount").asInt()).isPositive();
        assertThat(answer.path("modelVersion").asText()).isEqualTo(MODEL);
        assertThat(answer.path("responseId").asText()).isNotBlank();

        UpstreamExchange exchange = onlyExchange();
        assertThat(exchange.isGeneration()).isTrue();
        assertThat(exchange.prompt()).isEqualTo("Which trains run from Lisbon to Porto?").doesNotContain("travel agency");
        assertThat(exchange.step().ending()).isEqualTo(ActionStep.Ending.ANSWER);
        assertThat(exchange.delivered()).isTrue();
    }

    @Test
    void streamGenerateContentSendsWholeResponsesAsDataLinesAndEndsWithAFinishReason() throws Exception {
        String plain = text(JSON.readTree(generate(body("Explain tides briefly"), false).body()));
        upstream.clearExchanges();

        HttpResponse<String> response = generate(body("Explain tides briefly"), true);

        assertThat(response.headers().firstValue("content-type")).get().asString().startsWith("text/event-stream");
        assertThat(response.body()).doesNotContain("event:").doesNotContain("[DONE]");
        List<JsonNode> chunks = chunks(response.body());
        assertThat(chunks).hasSizeGreaterThan(2);
        assertThat(chunks.subList(0, chunks.size() - 1)).allSatisfy(c -> assertThat(c.at("/candidates/0/finishReason").isMissingNode()).isTrue());
        assertThat(chunks.get(chunks.size() - 1).at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
        StringBuilder streamed = new StringBuilder();
        chunks.forEach(c -> streamed.append(text(c)));
        assertThat(streamed.toString()).as("the streamed text is the whole answer").isEqualTo(plain);
        assertThat(onlyExchange().delivered()).isTrue();
    }

    @Test
    void anAnswerLongerThanMaxOutputTokensIsCutWithMaxTokens() throws Exception {
        String limited = body("Tell me everything about the history of Lisbon").replaceFirst("}$",
                ",\"generationConfig\":{\"maxOutputTokens\":3}}");

        JsonNode answer = JSON.readTree(generate(limited, false).body());

        assertThat(answer.at("/candidates/0/finishReason").asText()).isEqualTo("MAX_TOKENS");
        assertThat(onlyExchange().step().ending()).isEqualTo(ActionStep.Ending.LENGTH);
    }

    @Test
    void aFunctionDeclaredGetsAFunctionCallAndItsFunctionResponseGetsTheTextAnswerAsTheActionsSecondStep() throws Exception {
        String tools = ",\"tools\":[{\"functionDeclarations\":[{\"name\":\"get_weather\",\"description\":\"Weather\","
                + "\"parameters\":{\"type\":\"OBJECT\",\"properties\":{\"city\":{\"type\":\"STRING\"}},\"required\":[\"city\"]}}]}]";
        JsonNode call = JSON.readTree(generate(body("Weather in Porto?").replaceFirst("}$", tools + "}"), false).body());
        JsonNode functionCall = call.at("/candidates/0/content/parts/0/functionCall");
        assertThat(functionCall.path("name").asText()).isEqualTo("get_weather");
        assertThat(functionCall.at("/args/city").asText()).isEqualTo("Weather in Porto?");
        assertThat(call.at("/candidates/0/finishReason").asText()).isEqualTo("STOP");

        String second = "{\"systemInstruction\":{\"parts\":[{\"text\":" + quote(SYSTEM) + "}]}" + tools
                + ",\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Weather in Porto?\"}]},"
                + "{\"role\":\"model\",\"parts\":[{\"functionCall\":" + functionCall + "}]},"
                + "{\"role\":\"user\",\"parts\":[{\"functionResponse\":{\"name\":\"get_weather\",\"response\":{\"result\":\"18 C, sunny\"}}}]}]}";
        JsonNode answer = JSON.readTree(generate(second, false).body());
        assertThat(answer.at("/candidates/0/content/parts/0/functionCall").isMissingNode()).isTrue();
        assertThat(text(answer)).isNotBlank();

        List<UpstreamExchange> exchanges = upstream.exchanges();
        assertThat(exchanges).extracting(e -> e.step().step()).containsExactly(1, 2);
        assertThat(exchanges).extracting(UpstreamExchange::prompt).containsOnly("Weather in Porto?");
        assertThat(exchanges.get(0).step().ending()).isEqualTo(ActionStep.Ending.TOOL_CALL);
    }

    @Test
    void functionCallingModeNoneGetsTextAndAStreamedFunctionCallComesWhole() throws Exception {
        String tools = ",\"tools\":[{\"functionDeclarations\":[{\"name\":\"lookup\",\"parametersJsonSchema\":{\"type\":\"object\","
                + "\"properties\":{\"q\":{\"type\":\"string\"}},\"required\":[\"q\"]}}]}]";
        String none = body("Find flights").replaceFirst("}$", tools + ",\"toolConfig\":{\"functionCallingConfig\":{\"mode\":\"NONE\"}}}");
        assertThat(text(JSON.readTree(generate(none, false).body()))).isNotBlank();

        List<JsonNode> chunks = chunks(generate(body("Find flights").replaceFirst("}$", tools + "}"), true).body());

        assertThat(chunks.get(0).at("/candidates/0/content/parts/0/functionCall/args/q").asText()).isEqualTo("Find flights");
        assertThat(chunks.get(chunks.size() - 1).at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
    }

    @Test
    void onlyPostToAModelsGenerateMethodIsAGeminiGenerationCall() {
        assertThat(FakeUpstream.isGenerationCall("POST", "/v1beta/models/gemini-2.5-flash:generateContent")).isTrue();
        assertThat(FakeUpstream.isGenerationCall("POST", "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse")).isTrue();
        assertThat(FakeUpstream.isGenerationCall("POST", "/v1/models/gemini-2.5-flash:generateContent?key=test")).isTrue();
        assertThat(FakeUpstream.isGenerationCall("POST", "/v1beta/models/gemini-2.5-flash:countTokens")).isFalse();
        assertThat(FakeUpstream.isGenerationCall("POST", "/v1beta/models/gemini-embedding-001:embedContent")).isFalse();
        assertThat(FakeUpstream.isGenerationCall("GET", "/v1beta/models/gemini-2.5-flash")).isFalse();
    }

    @Test
    void aBodyThatIsNotJsonIsGooglesInvalidArgument() throws Exception {
        HttpResponse<String> response = generate("{not json", false);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response).path("status").asText()).isEqualTo("INVALID_ARGUMENT");
        assertThat(error(response).path("code").asInt()).isEqualTo(400);
    }

    // ---- error faults in Google's words

    @Test
    void eachStatusGetsGooglesCanonicalStatusWithItsCodeKept() throws Exception {
        int[] statuses = {400, 401, 403, 404, 500, 503, 529};
        String[] codes = {"INVALID_ARGUMENT", "UNAUTHENTICATED", "PERMISSION_DENIED", "NOT_FOUND", "INTERNAL", "UNAVAILABLE",
            "UNAVAILABLE"};
        for (int i = 0; i < statuses.length; i++) {
            upstream.serve(Faults.status(statuses[i]));
            HttpResponse<String> response = generate(body("hello"), false);
            assertThat(response.statusCode()).isEqualTo(statuses[i]);
            assertThat(error(response).path("status").asText()).as("status " + statuses[i]).isEqualTo(codes[i]);
            assertThat(error(response).path("code").asInt()).as("code of " + statuses[i]).isEqualTo(statuses[i]);
            assertThat(response.body()).as("status " + statuses[i]).doesNotContain("\"type\"");
        }
    }

    @Test
    void a503IsTheModelOverloadedAndA504WithOpenAisBodyIsDeadlineExceeded() throws Exception {
        upstream.serve(Faults.overloaded());
        HttpResponse<String> overloaded = generate(body("hello"), false);
        assertThat(error(overloaded).path("message").asText()).isEqualTo("The model is overloaded. Please try again later.");
        assertThat(onlyExchange().failureClass()).isEqualTo("unavailable");

        upstream.serve(Faults.status(504).withFixture("openai/500-server-error"));
        HttpResponse<String> deadline = generate(body("hello"), false);
        assertThat(deadline.statusCode()).isEqualTo(504);
        assertThat(error(deadline).path("status").asText()).isEqualTo("DEADLINE_EXCEEDED");
    }

    @Test
    void a429IsResourceExhaustedWithRetryAfterAndTheSameWaitAsRetryInfo() throws Exception {
        upstream.serve(Faults.rateLimited().withRetryAfter(RetryAfter.seconds(3)));

        HttpResponse<String> response = generate(body("hello"), false);

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("retry-after")).contains("3");
        JsonNode error = error(response);
        assertThat(error.path("status").asText()).isEqualTo("RESOURCE_EXHAUSTED");
        assertThat(error.path("message").asText()).startsWith("You exceeded your current quota").contains("Please retry in 3s.");
        assertThat(error.path("details").findValuesAsText("retryDelay")).containsExactly("3s");
        assertThat(error.path("details").findValuesAsText("quotaId")).containsExactly("GenerateRequestsPerMinutePerProjectPerModel-FreeTier");
        assertThat(onlyExchange().failureClass()).isEqualTo("rate_limited");
    }

    @Test
    void aRetryAfterNoDurationCanSayGetsNoRetryInfoAndNoneIsSentWithoutARetryAfter() throws Exception {
        upstream.serve(Faults.rateLimited().withRetryAfter(RetryAfter.garbage()));
        HttpResponse<String> garbage = generate(body("hello"), false);
        assertThat(garbage.headers().firstValue("retry-after")).isPresent();
        assertThat(error(garbage).path("details").findValuesAsText("retryDelay")).isEmpty();

        upstream.serve(Faults.rateLimited());
        assertThat(error(generate(body("hello"), false)).path("details").findValuesAsText("retryDelay")).isEmpty();

        upstream.serve(Faults.overloaded().withRetryAfter(RetryAfter.fraction(1.5)));
        assertThat(error(generate(body("hello"), false)).path("details").findValuesAsText("retryDelay")).containsExactly("1.5s");
    }

    @Test
    void anExhaustedQuotaAndARequestTooLargeKeepTheirMeaningOnA429() throws Exception {
        upstream.serve(Faults.status(429).withFixture("openai/429-insufficient-quota"));
        HttpResponse<String> quota = generate(body("hello"), false);
        assertThat(quota.statusCode()).isEqualTo(429);
        assertThat(error(quota).path("details").findValuesAsText("quotaId")).containsExactly("GenerateRequestsPerDayPerProjectPerModel-FreeTier");
        assertThat(onlyExchange().failureClass()).isEqualTo("quota_exhausted");
        upstream.clearExchanges();

        upstream.serve(Faults.status(429).withFixture("openai/429-request-too-large"));
        HttpResponse<String> large = generate(body("hello"), false);
        assertThat(error(large).path("message").asText()).contains("exceeds the maximum number of tokens");
        assertThat(onlyExchange().failureClass()).isEqualTo("request_too_large");
    }

    @Test
    void aGatewaysOwnPageInFrontOfTheApiIsNotTranslated() throws Exception {
        upstream.serve(Faults.accessDenied());

        HttpResponse<String> response = generate(body("hello"), false);

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("1020").doesNotContain("PERMISSION_DENIED");
    }

    // ---- stream faults at the same points

    @Test
    void aStreamErrorFaultWritesGooglesErrorObjectBareIntoTheStreamAfterTheTextAndNoFinishReason() throws Exception {
        upstream.serve(Faults.streamError().afterTextDeltas(2));

        HttpResponse<String> response = generate(body("Explain tides briefly"), true);

        assertThat(response.statusCode()).isEqualTo(200);
        List<JsonNode> chunks = chunks(response.body());
        assertThat(chunks).hasSize(2).allSatisfy(c -> assertThat(text(c)).isNotEmpty());
        String rest = response.body().substring(response.body().lastIndexOf("\n\n") + 2);
        assertThat(rest).as("what follows the last data line").startsWith("{\n").doesNotContain("data:");
        JsonNode error = JSON.readTree(rest);
        assertThat(error.at("/error/status").asText()).isEqualTo("UNAVAILABLE");
        assertThat(error.at("/error/code").asInt()).isEqualTo(503);
        assertThat(error.at("/error/message").asText()).isEqualTo("The model is overloaded. Please try again later.");
        assertThat(response.body()).doesNotContain("finishReason");
        assertThat(onlyExchange().failureClass()).isEqualTo("stream_interrupted");
        assertThat(onlyExchange().delivered()).isFalse();
    }

    @Test
    void aStreamCutBeforeAnyTextIsAConnectionFailureAndAfterTextAnInterruption() throws Exception {
        upstream.serve(Faults.streamCut().beforeText());
        assertThat(generate(body("Explain tides briefly"), true).body()).isEmpty();
        assertThat(onlyExchange().failureClass()).isEqualTo("connection_failure");
        upstream.clearExchanges();

        upstream.serve(Faults.streamCut().afterTextDeltas(1));
        List<JsonNode> chunks = chunks(generate(body("Explain tides briefly"), true).body());
        assertThat(chunks).hasSize(1);
        assertThat(chunks.get(0).at("/candidates/0/finishReason").isMissingNode()).isTrue();
        assertThat(onlyExchange().failureClass()).isEqualTo("stream_interrupted");
    }

    @Test
    void aStalledStreamStillEndsWithItsFinishReason() throws Exception {
        upstream.serve(Faults.streamStall(Duration.ofMillis(300)).afterTextDeltas(1));

        List<JsonNode> chunks = chunks(generate(body("Explain tides briefly"), true).body());

        assertThat(chunks.get(chunks.size() - 1).at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
        assertThat(onlyExchange().delivered()).isTrue();
    }
}
