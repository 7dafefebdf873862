package dev.chaosgate.reliability;

import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.journal.Journal;
import dev.chaosgate.upstream.Faults;
import dev.chaosgate.upstream.StreamPacing;
import dev.chaosgate.upstream.UpstreamExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.chaosgate.reliability.OwnFaultsUpstreamRestartTest.readDataLines;
import static dev.chaosgate.reliability.OwnFaultsUpstreamRestartTest.sendStreamed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Faults of our own: a client that goes away while a streamed answer is in flight, by closing its
 * socket or by cancelling {@code java.net.http}'s body. The gateway keeps serving, the journal says the
 * client closed the connection (neither a success nor lost), and no serving thread or socket is left
 * behind. Real sockets on 127.0.0.1, realistic pacing.
 */
@Timeout(60)
class OwnFaultsClientGoneTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final String PROMPT = "Tell me a long story about gateways and the clients that leave them";

    @Test
    void aSocketClosedMidStreamIsJournalledAsClosedByTheClientAndNothingIsLeftBehind() throws Exception {
        try (ChaosGateway gateway = ChaosGateway.builder().seed(5).pacing(StreamPacing.realistic()).start()) {
            // Given a gateway that has served a whole stream (its pools are warm)
            assertThat(streamToTheEnd(gateway)).contains("data: [DONE]");
            ProcessResources baseline = ProcessResources.now(false);

            // When three clients close their socket after two events
            for (int i = 0; i < 3; i++) {
                closeAfterTwoEvents(gateway);
            }

            // Then each is journalled, finished, as closed by the client, and not as a normal answer
            await().atMost(Duration.ofSeconds(5)).until(() -> gateway.exchanges().size() == 4
                    && gateway.exchanges().stream().allMatch(UpstreamExchange::complete));
            List<UpstreamExchange> cut = gateway.exchanges().subList(1, 4);
            assertThat(cut).allSatisfy(exchange -> {
                assertThat(exchange.clientClosed()).as("#%d closed by the client", exchange.sequence()).isTrue();
                assertThat(exchange.status()).isEqualTo(200);
                assertThat(exchange.streamed()).isTrue();
                assertThat(exchange.fault()).isNull();
            });
            assertThat(gateway.exchanges().get(0).clientClosed()).isFalse();
            assertThat(requestLines(gateway.journal())).hasSize(4)
                    .filteredOn(line -> line.contains("\"clientClosed\":true")).hasSize(3);

            // And the gateway keeps serving whole streams
            assertThat(streamToTheEnd(gateway)).contains("data: [DONE]");
            assertThat(gateway.exchanges().get(4).clientClosed()).isFalse();

            // And no serving thread is still pacing a stream, no socket or thread is left
            await().atMost(Duration.ofSeconds(5)).until(() -> streamingThreads().isEmpty());
            assertThat(ProcessResources.awaitBaseline(baseline, 2, 2, Duration.ofSeconds(5))).isEmpty();
        }
    }

    @Test
    void aStalledStreamWhoseClientLeftFreesItsThreadAtOnceInsteadOfAtTheEndOfTheStall() throws Exception {
        try (ChaosGateway gateway = ChaosGateway.builder().seed(5)
                .pacing(new StreamPacing(Duration.ofMillis(10), Duration.ofMillis(10))).start()) {
            gateway.serve(Faults.firstRequests(1, Faults.streamStallAfter(2, Duration.ofSeconds(30))));

            long start = System.nanoTime();
            closeAfterTwoEvents(gateway);

            await().atMost(Duration.ofSeconds(3)).until(() -> streamingThreads().isEmpty()
                    && gateway.exchanges().get(0).complete());
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            UpstreamExchange stalled = gateway.exchanges().get(0);
            assertThat(stalled.clientClosed()).isTrue();
            assertThat(stalled.fault()).contains("stall");
            assertThat(stalled.duration()).isLessThan(Duration.ofSeconds(3));
            assertThat(streamToTheEnd(gateway)).contains("data: [DONE]");
        }
    }

    @Test
    void javaNetHttpCancellingTheBodyMidStreamIsJournalledAsClosedByTheClient() throws Exception {
        try (ChaosGateway gateway = ChaosGateway.builder().seed(5).pacing(StreamPacing.realistic()).start()) {
            HttpResponse<InputStream> response = HTTP.send(streamRequest(gateway), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);
            BufferedReader body = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
            readDataLines(body, 2);

            // Closing the body before its end cancels the subscription: the client drops the connection
            response.body().close();

            await().atMost(Duration.ofSeconds(5)).until(() -> gateway.exchanges().get(0).complete());
            assertThat(gateway.exchanges().get(0).clientClosed()).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> streamingThreads().isEmpty());
            assertThat(streamToTheEnd(gateway)).contains("data: [DONE]");
            assertThat(gateway.exchanges()).extracting(UpstreamExchange::clientClosed).containsExactly(true, false);
        }
    }

    // ---- helpers ----

    private static void closeAfterTwoEvents(ChaosGateway gateway) throws IOException {
        URI base = URI.create(gateway.baseUrl());
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(5_000);
            readDataLines(sendStreamed(socket, PROMPT), 2);
        }
    }

    private static String streamToTheEnd(ChaosGateway gateway) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(streamRequest(gateway), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static HttpRequest streamRequest(ChaosGateway gateway) {
        String body = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}";
        return HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/chat/completions")).timeout(Duration.ofSeconds(10))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static List<String> requestLines(Journal journal) {
        return journal.toJsonLines().lines().filter(line -> line.startsWith("{\"type\":\"request\"")).toList();
    }

    /** Threads of the fake upstream still inside a streamed answer (pacing it, or stalled in it). */
    private static List<String> streamingThreads() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().isAlive())
                .filter(e -> List.of(e.getValue()).stream().anyMatch(f -> f.getClassName().endsWith("internal.EventStream")))
                .map(Map.Entry::getKey).map(Thread::getName).toList();
    }
}
