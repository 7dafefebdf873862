package dev.chaosgate.upstream;

import static dev.chaosgate.upstream.UpstreamClients.CF_RAY;
import static dev.chaosgate.upstream.UpstreamClients.REQUEST_ID;
import static dev.chaosgate.upstream.UpstreamClients.chatBody;
import static dev.chaosgate.upstream.UpstreamClients.chatParams;
import static dev.chaosgate.upstream.UpstreamClients.dataLines;
import static dev.chaosgate.upstream.UpstreamClients.eventLines;
import static dev.chaosgate.upstream.UpstreamClients.responseParams;
import static dev.chaosgate.upstream.UpstreamClients.responsesBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.models.Model;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseStreamEvent;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Normal answers of the fake upstream, over real sockets, through HttpClient and the openai-java SDK. */
@Timeout(30)
class AnswersTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FakeUpstream upstream;
    private UpstreamClients clients;

    @BeforeEach
    void start() {
        upstream = FakeUpstream.builder().seed(7).pacing(StreamPacing.immediate()).start();
        clients = new UpstreamClients(upstream.baseUrl());
    }

    @AfterEach
    void stop() {
        clients.close();
        upstream.close();
    }

    @Test
    void chatCompletionLooksLikeOpenAiBehindCloudflare() throws Exception {
        HttpResponse<String> response = clients.chat("What is a gateway?");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(response.headers().firstValue("server")).hasValue("cloudflare");
        assertThat(response.headers().firstValue("cf-ray")).get().asString().matches(CF_RAY);
        assertThat(response.headers().firstValue("x-request-id")).get().asString().matches(REQUEST_ID);
        assertThat(response.headers().firstValue("openai-version")).hasValue("2020-10-01");
        assertThat(response.headers().firstValue("x-ratelimit-remaining-requests")).isPresent();
        ZonedDateTime date = ZonedDateTime.parse(response.headers().firstValue("date").orElseThrow(),
                DateTimeFormatter.RFC_1123_DATE_TIME);
        assertThat(Duration.between(date.toInstant(), java.time.Instant.now()).abs()).isLessThan(Duration.ofSeconds(5));

        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        assertThat(body.path("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(body.at("/choices/0/message/role").asText()).isEqualTo("assistant");
        assertThat(body.at("/choices/0/message/content").asText()).isNotBlank();
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void noWireMockHeadersReachTheClient() throws Exception {
        List<HttpResponse<String>> answers = List.of(
                clients.chat("hi"),
                clients.chatStreamed("hi"),
                clients.get("/models"),
                clients.get("/nope"));
        upstream.serve(Faults.badGateway());
        List<HttpResponse<String>> all = new ArrayList<>(answers);
        all.add(clients.chat("hi"));

        for (HttpResponse<String> response : all) {
            Set<String> names = response.headers().map().keySet();
            assertThat(names).as("headers of %s", response)
                    .noneMatch(name -> name.toLowerCase().startsWith("matched-stub"))
                    .noneMatch(name -> name.toLowerCase().contains("wiremock"))
                    .doesNotContain("vary");
            assertThat(response.headers().allValues("server")).containsExactly("cloudflare");
        }
    }

    @Test
    void everyAnswerHasItsOwnRayIdAndRequestIdAndTheSameSeedGivesTheSameOnes() throws Exception {
        List<String> rays = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> response = clients.chat("hi");
            rays.add(response.headers().firstValue("cf-ray").orElseThrow());
            ids.add(response.headers().firstValue("x-request-id").orElseThrow());
        }
        assertThat(new HashSet<>(rays)).hasSize(3);
        assertThat(new HashSet<>(ids)).hasSize(3);

        try (FakeUpstream twin = FakeUpstream.builder().seed(7).pacing(StreamPacing.immediate()).start()) {
            UpstreamClients twinClients = new UpstreamClients(twin.baseUrl());
            List<String> twinRays = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                twinRays.add(twinClients.chat("hi").headers().firstValue("cf-ray").orElseThrow());
            }
            assertThat(twinRays).isEqualTo(rays);
        }
    }

    @Test
    void chatStreamSendsChunksThenDone() throws Exception {
        HttpResponse<String> response = clients.chatStreamed("Tell me about streams");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream; charset=utf-8");
        List<String> data = dataLines(response.body());
        assertThat(data).hasSizeGreaterThan(3);
        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
        JsonNode first = JSON.readTree(data.get(0));
        assertThat(first.path("object").asText()).isEqualTo("chat.completion.chunk");
        assertThat(first.at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(JSON.readTree(data.get(data.size() - 2)).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(eventLines(response.body())).isEmpty();
    }

    @Test
    void chatStreamWithIncludeUsageEndsWithAUsageChunk() throws Exception {
        String body = chatBody("usage please", true).replace("\"stream\":true",
                "\"stream\":true,\"stream_options\":{\"include_usage\":true}");
        List<String> data = dataLines(clients.send(clients.post("/chat/completions", body)).body());

        JsonNode usage = JSON.readTree(data.get(data.size() - 2));
        assertThat(usage.path("choices")).isEmpty();
        assertThat(usage.at("/usage/total_tokens").asInt()).isPositive();
    }

    @Test
    void responsesApiPlainAndStreamed() throws Exception {
        HttpResponse<String> plain = clients.send(clients.post("/responses", responsesBody("hello", false)));
        assertThat(plain.statusCode()).isEqualTo(200);
        JsonNode response = JSON.readTree(plain.body());
        assertThat(response.path("object").asText()).isEqualTo("response");
        assertThat(response.path("status").asText()).isEqualTo("completed");
        String text = response.at("/output/0/content/0/text").asText();

        HttpResponse<String> streamed = clients.send(clients.post("/responses", responsesBody("hello", true)));
        List<String> events = eventLines(streamed.body());
        assertThat(events).startsWith("response.created", "response.in_progress").endsWith("response.completed")
                .contains("response.output_text.delta");
        assertThat(dataLines(streamed.body())).doesNotContain("[DONE]");
        StringBuilder deltas = new StringBuilder();
        for (String data : dataLines(streamed.body())) {
            JsonNode event = JSON.readTree(data);
            if (event.path("type").asText().equals("response.output_text.delta")) {
                deltas.append(event.path("delta").asText());
            }
        }
        assertThat(deltas.toString()).isEqualTo(text);
    }

    @Test
    void modelsListAndUnknownPaths() throws Exception {
        HttpResponse<String> models = clients.get("/models");
        assertThat(models.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(models.body()).path("object").asText()).isEqualTo("list");

        HttpResponse<String> unknown = clients.get("/engines");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).at("/error/message").asText()).isEqualTo("Invalid URL (GET /v1/engines)");
        assertThat(JSON.readTree(unknown.body()).at("/error/type").asText()).isEqualTo("invalid_request_error");

        HttpResponse<String> badJson = clients.send(clients.post("/chat/completions", "{not json"));
        assertThat(badJson.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badJson.body()).at("/error/type").asText()).isEqualTo("invalid_request_error");
    }

    @Test
    void answersAreDeterministicPerPrompt() throws Exception {
        String first = JSON.readTree(clients.chat("same prompt").body()).at("/choices/0/message/content").asText();
        String again = JSON.readTree(clients.chat("same prompt").body()).at("/choices/0/message/content").asText();
        String other = JSON.readTree(clients.chat("another prompt").body()).at("/choices/0/message/content").asText();
        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);

        try (FakeUpstream otherSeed = FakeUpstream.builder().seed(99).pacing(StreamPacing.immediate()).start()) {
            String elsewhere = JSON.readTree(new UpstreamClients(otherSeed.baseUrl()).chat("same prompt").body())
                    .at("/choices/0/message/content").asText();
            assertThat(elsewhere).as("answers depend on the prompt only, not the seed").isEqualTo(first);
        }
    }

    @Test
    void sdkGetsChatCompletionsResponsesAndModels() {
        OpenAIClient sdk = clients.sdk(0);

        HttpResponseFor<ChatCompletion> raw = sdk.chat().completions().withRawResponse().create(chatParams("same prompt"));
        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(raw.requestId()).get().asString().matches(REQUEST_ID);
        assertThat(raw.headers().values("cf-ray")).singleElement().asString().matches(CF_RAY);
        ChatCompletion completion = raw.parse();
        String content = completion.choices().get(0).message().content().orElseThrow();
        assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(sdk.chat().completions().create(chatParams("same prompt")).choices().get(0).message().content())
                .hasValue(content);
        assertThat(sdk.chat().completions().create(chatParams("different prompt")).choices().get(0).message().content())
                .get().isNotEqualTo(content);

        UpstreamClients.Streamed<ChatCompletionChunk> streamed = UpstreamClients.streamChat(sdk, "same prompt");
        assertThat(streamed.error()).isNull();
        assertThat(UpstreamClients.text(streamed.items())).isEqualTo(content);

        Response response = sdk.responses().create(responseParams("same prompt"));
        assertThat(response.output().get(0).asMessage().content().get(0).asOutputText().text()).isEqualTo(content);

        UpstreamClients.Streamed<ResponseStreamEvent> events = UpstreamClients.streamResponse(sdk, "same prompt");
        assertThat(events.error()).isNull();
        StringBuilder deltas = new StringBuilder();
        events.items().stream().filter(ResponseStreamEvent::isOutputTextDelta)
                .forEach(event -> deltas.append(event.asOutputTextDelta().delta()));
        assertThat(deltas.toString()).isEqualTo(content);
        assertThat(events.items().get(events.items().size() - 1).isCompleted()).isTrue();

        List<Model> models = sdk.models().list().data();
        assertThat(models).extracting(Model::id).contains("gpt-4o-mini");
    }

    @Test
    void streamEventsAreSpacedAsThePacingSays() throws Exception {
        upstream.pacing(new StreamPacing(Duration.ofMillis(300), Duration.ofMillis(60)));
        long sent = System.nanoTime();
        HttpResponse<InputStream> response = clients.http().send(
                clients.post("/chat/completions", chatBody("pace me", true)), HttpResponse.BodyHandlers.ofInputStream());
        long headers = System.nanoTime();
        List<UpstreamClients.TimedLine> lines = clients.readTimed(response);

        assertThat(millis(lines.get(0).nanos() - headers)).as("status and headers come before the first event")
                .isGreaterThan(150);
        assertThat(millis(lines.get(0).nanos() - sent)).as("first event").isBetween(270L, 1500L);
        int gaps = lines.size() - 1;
        long span = millis(lines.get(gaps).nanos() - lines.get(0).nanos());
        assertThat(span).as("%d gaps of 60 ms", gaps).isBetween(gaps * 50L, gaps * 60L + 1500);
        List<Long> each = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            each.add(millis(lines.get(i).nanos() - lines.get(i - 1).nanos()));
        }
        assertThat(each.stream().sorted().toList().get(each.size() / 2)).as("median gap of %s", each).isBetween(45L, 200L);
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }
}
