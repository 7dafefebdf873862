package dev.chaosgate.gateway;

import static dev.chaosgate.upstream.UpstreamClients.chatParams;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.openai.client.OpenAIClient;
import com.openai.errors.InternalServerException;
import com.openai.errors.OpenAIIoException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import dev.chaosgate.link.ToxicStream;
import dev.chaosgate.upstream.Faults;
import dev.chaosgate.upstream.RetryAfter;
import dev.chaosgate.upstream.StreamPacing;
import dev.chaosgate.upstream.UpstreamClients;
import dev.chaosgate.upstream.UpstreamExchange;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The link in front of the upstream: requests through it reach the upstream, link toxics and upstream faults combine. */
@Timeout(30)
class ChaosGatewayTest {
    private ChaosGateway gateway;
    private UpstreamClients clients;

    @BeforeEach
    void start() {
        gateway = ChaosGateway.builder().seed(21).pacing(StreamPacing.immediate()).start();
        clients = new UpstreamClients(gateway.baseUrl());
    }

    @AfterEach
    void stop() {
        clients.close();
        gateway.close();
    }

    @Test
    void aRequestThroughTheLinkReachesTheUpstreamAndIsRecorded() throws Exception {
        assertThat(gateway.baseUrl()).startsWith("http://127.0.0.1:").endsWith("/v1")
                .isNotEqualTo(gateway.upstream().baseUrl());
        assertThat(gateway.seed()).isEqualTo(21).isEqualTo(gateway.upstream().seed());

        int clientPort;
        try (Socket socket = new Socket("127.0.0.1", URI.create(gateway.baseUrl()).getPort())) {
            clientPort = socket.getLocalPort();
            socket.getOutputStream().write(("GET /v1/models HTTP/1.1\r\nHost: api.openai.com\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
            while (in.readLine() != null) {
                // drain until the link closes
            }
        }

        List<UpstreamExchange> exchanges = gateway.exchanges();
        assertThat(exchanges).hasSize(1);
        UpstreamExchange exchange = exchanges.get(0);
        assertThat(exchange.path()).isEqualTo("/v1/models");
        assertThat(exchange.requestHeaders()).containsEntry("host", List.of("api.openai.com"));
        assertThat(exchange.connection()).as("the upstream sees the link's connection, not the client's")
                .isPositive().isNotEqualTo(clientPort);
        assertThat(gateway.linkCounters().connectionsAccepted()).isEqualTo(1);
        assertThat(gateway.linkCounters().downstreamBytesOut()).isPositive();
    }

    @Test
    void bothClientsGetAnswersAndFaultsThroughTheLink() throws Exception {
        HttpResponse<String> ok = clients.chat("through the link");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("server")).hasValue("cloudflare");

        OpenAIClient sdk = clients.sdk(0);
        ChatCompletion completion = sdk.chat().completions().create(chatParams("through the link"));
        assertThat(completion.choices().get(0).message().content()).isPresent();

        gateway.serve(Faults.streamCutAfter(3));
        UpstreamClients.Streamed<ChatCompletionChunk> cut = UpstreamClients.streamChat(sdk, "through the link");
        assertThat(cut.error()).isNull();
        assertThat(cut.items()).hasSize(3);

        gateway.serve(Faults.accessDenied());
        HttpResponse<String> denied = clients.chat("through the link");
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(denied.body()).contains("1020");
        assertThat(gateway.exchanges()).extracting(UpstreamExchange::status).containsExactly(200, 200, 200, 403);
    }

    @Test
    void linkLatencyAndUpstreamFaultsCombine() throws Exception {
        // One call first, so the SDK's classes are loaded and its connection pool is warm before anything is timed.
        assertThat(clients.sdk(2).chat().completions().create(chatParams("warm-up")).choices()).hasSize(1);
        gateway.link().addToxic(ChaosGateway.LINK, "slow", "latency", ToxicStream.DOWNSTREAM, 1f,
                Map.of("latency", 300L, "jitter", 0L));
        gateway.serve(Faults.firstRequests(2, Faults.status(503).withRetryAfterMs(100)));

        long start = System.nanoTime();
        HttpResponse<String> first = clients.chat("slow and failing");
        long firstMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(first.statusCode()).isEqualTo(503);
        assertThat(firstMillis).isBetween(290L, 2000L);

        start = System.nanoTime();
        ChatCompletion completion = clients.sdk(2).chat().completions().create(chatParams("slow and failing"));
        long sdkMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(completion.choices()).hasSize(1);
        // A 503 (300 ms back), a 100 ms wait, a 200 (300 ms back).
        assertThat(sdkMillis).isBetween(680L, 3000L);
        assertThat(gateway.exchanges()).extracting(UpstreamExchange::status).containsExactly(200, 503, 503, 200);
    }

    @Test
    void aDisabledLinkRefusesConnectionsAndTheSdkRetriesThem() {
        gateway.link().updateProxy(ChaosGateway.LINK, null, null, false);

        Throwable thrown = catchThrowable(() -> clients.sdk(1).chat().completions().create(chatParams("anyone?")));
        assertThat(thrown).isInstanceOf(OpenAIIoException.class).cause().isInstanceOf(ConnectException.class);
        assertThat(gateway.exchanges()).isEmpty();

        gateway.link().updateProxy(ChaosGateway.LINK, null, null, true);
        assertThat(clients.sdk(0).chat().completions().create(chatParams("anyone?")).choices()).hasSize(1);
    }

    @Test
    void aLinkResetIsAnIoErrorAndAnUpstream502IsAServerError() {
        gateway.link().addToxic(ChaosGateway.LINK, "rst", "reset_peer", ToxicStream.DOWNSTREAM, 1f, Map.of("timeout", 0L));
        assertThat(catchThrowable(() -> clients.sdk(0).chat().completions().create(chatParams("hi"))))
                .isInstanceOf(OpenAIIoException.class);

        gateway.link().removeToxic(ChaosGateway.LINK, "rst");
        gateway.serve(Faults.badGateway().withRetryAfter(RetryAfter.seconds(1)));
        assertThat(catchThrowable(() -> clients.sdk(0).chat().completions().create(chatParams("hi"))))
                .isInstanceOf(InternalServerException.class).hasMessage("502: Unknown");
    }

    @Test
    void theToxiproxyApiOfTheLinkListsTheProxy() throws Exception {
        HttpResponse<String> proxies = clients.http().send(
                java.net.http.HttpRequest.newBuilder(URI.create(gateway.toxiproxyUrl() + "/proxies")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(proxies.statusCode()).isEqualTo(200);
        assertThat(proxies.body()).contains("\"" + ChaosGateway.LINK + "\"")
                .contains("127.0.0.1:" + gateway.upstream().port());
    }

    @Test
    void closeReleasesEveryPort() throws Exception {
        ChaosGateway other = ChaosGateway.builder().seed(1).start();
        int linkPort = URI.create(other.baseUrl()).getPort();
        int upstreamPort = other.upstream().port();
        int apiPort = URI.create(other.toxiproxyUrl()).getPort();
        assertThat(new UpstreamClients(other.baseUrl()).get("/models").statusCode()).isEqualTo(200);

        other.close();

        for (int port : new int[] {linkPort, upstreamPort, apiPort}) {
            assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).as("port %d", port)
                    .isInstanceOf(ConnectException.class);
            try (ServerSocket rebind = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertThat(rebind.getLocalPort()).isEqualTo(port);
            }
        }
    }
}
