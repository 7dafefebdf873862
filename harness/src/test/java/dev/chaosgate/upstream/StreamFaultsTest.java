package dev.chaosgate.upstream;

import static dev.chaosgate.upstream.UpstreamClients.chatBody;
import static dev.chaosgate.upstream.UpstreamClients.dataLines;
import static dev.chaosgate.upstream.UpstreamClients.eventLines;
import static dev.chaosgate.upstream.UpstreamClients.responsesBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.core.Timeout;
import com.openai.errors.OpenAIIoException;
import com.openai.errors.SseException;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.responses.ResponseStreamEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Streams that go wrong after some events: what reaches HttpClient on the wire, and what the
 * openai-java SDK's streaming API makes of it (Chat Completions and Responses).
 */
@org.junit.jupiter.api.Timeout(30)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamFaultsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FakeUpstream upstream;
    private UpstreamClients clients;

    @BeforeAll
    void start() {
        upstream = FakeUpstream.builder().seed(5).pacing(StreamPacing.immediate()).start();
        clients = new UpstreamClients(upstream.baseUrl());
    }

    @AfterAll
    void stop() {
        clients.close();
        upstream.close();
    }

    @BeforeEach
    void reset() {
        upstream.serveNormally();
        upstream.pacing(StreamPacing.immediate());
        upstream.clearExchanges();
    }

    // ---- cut

    @Test
    void aCutChatStreamEndsCleanlyWithoutDoneAndTheSdkEndsSilently() throws Exception {
        upstream.serve(Faults.streamCutAfter(3));

        HttpResponse<String> response = clients.chatStreamed("cut me");
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> data = dataLines(response.body());
        assertThat(data).hasSize(3).doesNotContain("[DONE]");
        for (String chunk : data) {
            assertThat(JSON.readTree(chunk).at("/choices/0/finish_reason").isNull()).isTrue();
        }

        UpstreamClients.Streamed<ChatCompletionChunk> streamed = UpstreamClients.streamChat(clients.sdk(0), "cut me");
        assertThat(streamed.error()).as("the SDK does not notice the missing [DONE]").isNull();
        assertThat(streamed.items()).hasSize(3);
        assertThat(streamed.items()).allSatisfy(chunk -> assertThat(chunk.choices().get(0).finishReason()).isEmpty());

        assertThat(upstream.exchanges()).hasSize(2).allSatisfy(exchange -> {
            assertThat(exchange.streamed()).isTrue();
            assertThat(exchange.status()).isEqualTo(200);
            assertThat(exchange.fault()).isEqualTo("stream cut after 3 events");
        });
    }

    @Test
    void aCutLongerThanTheStreamStillDropsTheTerminator() throws Exception {
        upstream.serve(Faults.streamCutAfter(10_000));

        List<String> data = dataLines(clients.chatStreamed("cut me").body());
        assertThat(data).isNotEmpty().doesNotContain("[DONE]");
        assertThat(JSON.readTree(data.get(data.size() - 1)).at("/choices/0/finish_reason").asText()).isEqualTo("stop");

        HttpResponse<String> responses = clients.send(clients.post("/responses", responsesBody("cut me", true)));
        assertThat(eventLines(responses.body())).isNotEmpty().doesNotContain("response.completed");
    }

    @Test
    void aCutResponsesStreamHasNoCompletedEventAndTheSdkEndsSilently() throws Exception {
        upstream.serve(Faults.streamCutAfter(5));

        HttpResponse<String> response = clients.send(clients.post("/responses", responsesBody("cut me", true)));
        assertThat(eventLines(response.body())).hasSize(5).doesNotContain("response.completed");

        UpstreamClients.Streamed<ResponseStreamEvent> streamed = UpstreamClients.streamResponse(clients.sdk(0), "cut me");
        assertThat(streamed.error()).isNull();
        assertThat(streamed.items()).hasSize(5).noneMatch(ResponseStreamEvent::isCompleted);
    }

    @Test
    void streamFaultsLeaveRequestsThatDoNotStreamAlone() throws Exception {
        upstream.serve(Faults.streamResetAfter(1));

        HttpResponse<String> response = clients.chat("plain");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).path("object").asText()).isEqualTo("chat.completion");
        assertThat(upstream.exchanges().get(0).fault()).isNull();
    }

    // ---- error frames

    @Test
    void aChatErrorFrameMidStreamMakesTheSdkThrowSseException() throws Exception {
        upstream.serve(Faults.streamErrorAfter(3));

        List<String> data = dataLines(clients.chatStreamed("error").body());
        assertThat(data).hasSize(4).doesNotContain("[DONE]");
        JsonNode error = JSON.readTree(data.get(3)).path("error");
        assertThat(error.path("type").asText()).isEqualTo("server_error");
        assertThat(error.path("message").asText()).startsWith("The server had an error");

        UpstreamClients.Streamed<ChatCompletionChunk> streamed = UpstreamClients.streamChat(clients.sdk(0), "error");
        assertThat(streamed.items()).hasSize(3);
        assertThat(streamed.error()).isInstanceOf(SseException.class)
                .hasMessageStartingWith("200: The server had an error while processing your request.");
        assertThat(((SseException) streamed.error()).statusCode()).isEqualTo(200);
    }

    @Test
    void responsesFlatErrorEventIsYieldedNotThrown() throws Exception {
        upstream.serve(Faults.streamErrorAfter(3));

        HttpResponse<String> response = clients.send(clients.post("/responses", responsesBody("error", true)));
        List<String> events = eventLines(response.body());
        assertThat(events).hasSize(4).endsWith("error");
        JsonNode flat = JSON.readTree(dataLines(response.body()).get(3));
        assertThat(flat.path("code").asText()).isEqualTo("server_error");
        assertThat(flat.has("error")).isFalse();

        UpstreamClients.Streamed<ResponseStreamEvent> streamed = UpstreamClients.streamResponse(clients.sdk(0), "error");
        assertThat(streamed.error()).as("a flat event: error is just another event to the SDK").isNull();
        assertThat(streamed.items()).hasSize(4);
        ResponseStreamEvent last = streamed.items().get(3);
        assertThat(last.isError()).isTrue();
        assertThat(last.asError().code()).hasValue("server_error");
    }

    @Test
    void responsesNestedErrorEventIsThrownAsSseException() throws Exception {
        upstream.serve(Faults.streamNestedErrorAfter(3));

        HttpResponse<String> response = clients.send(clients.post("/responses", responsesBody("error", true)));
        JsonNode nested = JSON.readTree(dataLines(response.body()).get(3));
        assertThat(nested.at("/error/code").asText()).isEqualTo("server_is_overloaded");

        UpstreamClients.Streamed<ResponseStreamEvent> streamed = UpstreamClients.streamResponse(clients.sdk(0), "error");
        assertThat(streamed.items()).hasSize(3);
        assertThat(streamed.error()).isInstanceOf(SseException.class)
                .hasMessage("200: Our servers are currently overloaded. Please try again later.");
    }

    @Test
    void responseFailedIsYieldedNotThrown() throws Exception {
        upstream.serve(Faults.streamFailedAfter(3));

        HttpResponse<String> response = clients.send(clients.post("/responses", responsesBody("fail", true)));
        assertThat(eventLines(response.body())).hasSize(4).endsWith("response.failed");
        assertThat(JSON.readTree(dataLines(response.body()).get(3)).at("/response/status").asText()).isEqualTo("failed");

        UpstreamClients.Streamed<ResponseStreamEvent> streamed = UpstreamClients.streamResponse(clients.sdk(0), "fail");
        assertThat(streamed.error()).isNull();
        assertThat(streamed.items()).hasSize(4);
        assertThat(streamed.items().get(3).isFailed()).isTrue();
        assertThat(streamed.items().get(3).asFailed().response().error()).get()
                .satisfies(error -> assertThat(error.message()).isEqualTo("The model failed to generate a response."));
    }

    @Test
    void chatStreamsGetTheChatErrorFrameForResponsesOnlyKinds() throws Exception {
        for (UpstreamFault fault : List.of(Faults.streamNestedErrorAfter(2), Faults.streamFailedAfter(2))) {
            upstream.serve(fault);
            List<String> data = dataLines(clients.chatStreamed("error").body());
            assertThat(data).as(fault.label()).hasSize(3);
            assertThat(JSON.readTree(data.get(2)).at("/error/type").asText()).isEqualTo("server_error");
        }
    }

    // ---- reset

    @Test
    void aResetMidStreamBreaksTheReadAfterTheEventsSent() throws Exception {
        upstream.serve(Faults.streamResetAfter(3));

        HttpResponse<InputStream> response = clients.http().send(
                clients.post("/chat/completions", chatBody("reset", true)), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        InputStream body = response.body();
        assertThatThrownBy(body::readAllBytes).isInstanceOf(IOException.class);

        UpstreamClients.Streamed<ChatCompletionChunk> streamed = UpstreamClients.streamChat(clients.sdk(0), "reset");
        assertThat(streamed.items()).hasSize(3);
        assertThat(streamed.error()).isInstanceOf(OpenAIIoException.class).hasMessage("Stream failed")
                .cause().isInstanceOf(SocketException.class).hasMessageContaining("reset");

        UpstreamClients.Streamed<ResponseStreamEvent> events = UpstreamClients.streamResponse(clients.sdk(0), "reset");
        assertThat(events.items()).hasSize(3);
        assertThat(events.error()).isInstanceOf(OpenAIIoException.class).hasMessage("Stream failed");

        assertThat(upstream.exchanges()).hasSize(3)
                .allSatisfy(exchange -> assertThat(exchange.fault()).isEqualTo("stream reset after 3 events"));
    }

    @Test
    void aResetStreamIsNotRetriedByTheSdk() {
        upstream.serve(Faults.streamResetAfter(2));

        UpstreamClients.Streamed<ChatCompletionChunk> streamed = UpstreamClients.streamChat(clients.sdk(2), "reset");
        assertThat(streamed.error()).isInstanceOf(OpenAIIoException.class);
        assertThat(upstream.exchanges()).as("retries cover the status line only, never a started stream").hasSize(1);
    }

    // ---- stall

    @Test
    void aStallLongerThanTheCallTimeoutEndsInATimeout() {
        // Generous margins: the call timeout also covers connecting and the first events, slow on a busy machine.
        upstream.serve(Faults.streamStallAfter(2, Duration.ofSeconds(5)));
        long start = System.nanoTime();

        UpstreamClients.Streamed<ChatCompletionChunk> streamed =
                UpstreamClients.streamChat(clients.sdk(0, Duration.ofMillis(2000)), "stall");
        long elapsed = (System.nanoTime() - start) / 1_000_000;

        assertThat(streamed.items()).hasSize(2);
        assertThat(streamed.error()).isInstanceOf(OpenAIIoException.class).hasMessage("Stream failed")
                .cause().isInstanceOf(InterruptedIOException.class).hasMessage("timeout");
        assertThat(elapsed).isBetween(1900L, 4500L);
    }

    @Test
    void aStallLongerThanTheReadTimeoutEndsInASocketTimeout() {
        upstream.serve(Faults.streamStallAfter(3, Duration.ofSeconds(2)));
        long start = System.nanoTime();

        UpstreamClients.Streamed<ResponseStreamEvent> streamed = UpstreamClients.streamResponse(
                clients.sdk(0, Timeout.builder().read(Duration.ofMillis(500)).request(Duration.ofSeconds(20)).build()),
                "stall");
        long elapsed = (System.nanoTime() - start) / 1_000_000;

        assertThat(streamed.items()).hasSize(3);
        assertThat(streamed.error()).isInstanceOf(OpenAIIoException.class)
                .cause().isInstanceOf(SocketTimeoutException.class);
        assertThat(elapsed).isBetween(450L, 1800L);
    }

    @Test
    void aStalledStreamCarriesOnAfterTheStall() throws Exception {
        upstream.serve(Faults.streamStallAfter(2, Duration.ofMillis(1500)));
        long sent = System.nanoTime();
        HttpResponse<InputStream> response = clients.http().send(
                clients.post("/chat/completions", chatBody("stall", true)), HttpResponse.BodyHandlers.ofInputStream());
        List<UpstreamClients.TimedLine> lines = clients.readTimed(response);

        assertThat(lines.get(lines.size() - 1).line()).isEqualTo("data: [DONE]");
        assertThat((lines.get(1).nanos() - sent) / 1_000_000).as("the events before the stall come at once").isLessThan(1200);
        assertThat((lines.get(2).nanos() - lines.get(1).nanos()) / 1_000_000).isBetween(1400L, 3500L);
    }
}
