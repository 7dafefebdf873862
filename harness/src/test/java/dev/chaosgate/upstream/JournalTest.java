package dev.chaosgate.upstream;

import static dev.chaosgate.upstream.UpstreamClients.chatBody;
import static dev.chaosgate.upstream.UpstreamClients.chatParams;
import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the upstream records of every exchange, and that it has recorded it by the time the client has its answer. */
@Timeout(30)
class JournalTest {
    private FakeUpstream upstream;
    private UpstreamClients clients;

    @BeforeEach
    void start() {
        upstream = FakeUpstream.builder().seed(1).pacing(StreamPacing.immediate()).journalLimit(50).start();
        clients = new UpstreamClients(upstream.baseUrl());
    }

    @AfterEach
    void stop() {
        clients.close();
        upstream.close();
    }

    @Test
    void recordsRequestAnswerAndTheClientsConnection() throws Exception {
        Instant before = Instant.now();
        try (Socket socket = new Socket("127.0.0.1", upstream.port())) {
            String body = chatBody("journal me", false);
            OutputStream out = socket.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            for (int i = 0; i < 2; i++) {
                out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: api.example.com\r\nContent-Type: application/json\r\n"
                        + "X-Client-Request-Id: mine-" + i + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
                assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
                readChunkedToEnd(in);
                // Recorded before the last chunk went out: no waiting needed.
                assertThat(upstream.exchanges().size()).isEqualTo(i + 1);
            }

            List<UpstreamExchange> exchanges = upstream.exchanges();
            assertThat(exchanges).extracting(UpstreamExchange::connection).containsOnly(socket.getLocalPort());
            assertThat(exchanges).extracting(UpstreamExchange::sequence).containsExactly(1L, 2L);
            UpstreamExchange first = exchanges.get(0);
            assertThat(first.arrived()).isBetween(before, Instant.now());
            assertThat(first.method()).isEqualTo("POST");
            assertThat(first.path()).isEqualTo("/v1/chat/completions");
            assertThat(first.requestHeaders()).containsEntry("x-client-request-id", List.of("mine-0"))
                    .containsEntry("host", List.of("api.example.com"));
            assertThat(first.requestBody()).isEqualTo(body);
            assertThat(first.fault()).isNull();
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.responseHeaders()).containsKeys("x-request-id", "cf-ray", "content-type", "date");
            assertThat(first.streamed()).isFalse();
            assertThat(first.duration()).isPositive().isLessThan(Duration.ofSeconds(5));
            assertThat(first.complete()).isTrue();
        }
    }

    @Test
    void aRunningStreamIsInTheJournalBeforeItsFirstEventAndCompleteAfterItsLast() throws Exception {
        upstream.pacing(new StreamPacing(Duration.ofMillis(600), Duration.ZERO));
        List<UpstreamExchange> completed = new CopyOnWriteArrayList<>();
        upstream.onExchange(completed::add);

        java.net.http.HttpResponse<java.io.InputStream> response = clients.http().send(
                clients.post("/chat/completions", chatBody("watch me", true)),
                java.net.http.HttpResponse.BodyHandlers.ofInputStream());
        UpstreamExchange running = upstream.exchanges().get(0);
        assertThat(running.complete()).isFalse();
        assertThat(running.streamed()).isTrue();
        assertThat(running.status()).isEqualTo(200);
        assertThat(completed).isEmpty();

        response.body().readAllBytes();
        UpstreamExchange done = upstream.exchanges().get(0);
        assertThat(done.complete()).isTrue();
        assertThat(done.sequence()).isEqualTo(running.sequence());
        assertThat(done.duration()).isGreaterThanOrEqualTo(Duration.ofMillis(550));
        assertThat(completed).containsExactly(done);
    }

    @Test
    void aClientThatStopsReadingEarlyStillFindsItsAttemptRecorded() throws Exception {
        upstream.serve(Faults.accessDenied());
        OpenAIClient sdk = clients.sdk(0);
        for (int i = 0; i < 20; i++) {
            try {
                sdk.chat().completions().create(chatParams("denied " + i));
            } catch (RuntimeException expected) {
                // PermissionDeniedException, read from the first bytes of the HTML page
            }
            assertThat(upstream.exchanges().size()).isEqualTo(i + 1);
        }
    }

    @Test
    void anExchangeIsInTheJournalAsSoonAsItsClientHasTheAnswer() throws Exception {
        OpenAIClient sdk = clients.sdk(0);
        upstream.serve(Faults.firstOf(Faults.withProbability(0.3, Faults.badGateway()),
                Faults.withProbability(0.3, Faults.streamCutAfter(4))));
        for (int i = 0; i < 12; i++) {
            clients.chat("plain " + i);
            assertThat(upstream.exchanges().size()).isEqualTo(4 * i + 1);
            clients.chatStreamed("streamed " + i);
            assertThat(upstream.exchanges().size()).isEqualTo(4 * i + 2);
            try {
                sdk.chat().completions().create(chatParams("sdk " + i));
            } catch (RuntimeException expected) {
                // a 502 now and then
            }
            assertThat(upstream.exchanges().size()).isEqualTo(4 * i + 3);
            UpstreamClients.streamChat(sdk, "sdk streamed " + i);
            assertThat(upstream.exchanges().size()).isEqualTo(4 * i + 4);
        }
        assertThat(upstream.exchanges().stream().filter(UpstreamExchange::streamed).count()).isBetween(1L, 24L);
    }

    @Test
    void listenersSeeEveryExchangeAndTheJournalKeepsTheNewestUpToItsLimit() throws Exception {
        List<UpstreamExchange> seen = new CopyOnWriteArrayList<>();
        upstream.onExchange(seen::add);
        for (int i = 0; i < 60; i++) {
            clients.get("/models");
        }
        assertThat(seen).hasSize(60);
        List<UpstreamExchange> kept = upstream.exchanges();
        assertThat(kept).hasSize(50);
        assertThat(kept.get(0).sequence()).isEqualTo(11);
        assertThat(kept.get(49).sequence()).isEqualTo(60);

        upstream.clearExchanges();
        assertThat(upstream.exchanges()).isEmpty();
        clients.get("/models");
        assertThat(upstream.exchanges()).extracting(UpstreamExchange::sequence).containsExactly(61L);
    }

    private static void readChunkedToEnd(BufferedReader in) throws Exception {
        String line;
        while (!(line = in.readLine()).isEmpty()) {
            assertThat(line).doesNotStartWithIgnoringCase("matched-stub");
        }
        while (true) {
            int size = Integer.parseInt(in.readLine().trim(), 16);
            if (size == 0) {
                in.readLine();
                return;
            }
            char[] chunk = new char[size];
            int read = 0;
            while (read < size) {
                read += in.read(chunk, read, size - read);
            }
            in.readLine();
        }
    }
}
