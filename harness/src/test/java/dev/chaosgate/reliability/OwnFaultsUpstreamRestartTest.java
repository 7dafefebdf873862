package dev.chaosgate.reliability;

import dev.chaosgate.cli.ToxiproxyServerRun;
import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.journal.Journal;
import dev.chaosgate.link.LinkEvent;
import dev.chaosgate.upstream.StreamPacing;
import dev.chaosgate.upstream.UpstreamExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Faults of our own: the upstream behind the link is killed mid-run and restarted on the same port,
 * behind a {@link ChaosGateway} (the fake upstream) and behind {@code chaosgate toxiproxy-server} (a
 * plain TCP server). Real sockets on 127.0.0.1.
 */
@Timeout(60)
class OwnFaultsUpstreamRestartTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void requestsDuringTheOutageFailAtOnceTheJournalSaysWhyAndServingResumesAfterRestart() throws Exception {
        try (ChaosGateway gateway = ChaosGateway.builder().seed(9).pacing(StreamPacing.immediate()).start()) {
            // Given a client whose requests went through
            for (int i = 1; i <= 3; i++) {
                assertThat(chat(gateway, "before " + i).statusCode()).isEqualTo(200);
            }
            List<String> before = json(gateway.journal().entries());
            int upstreamPort = gateway.upstream().port();
            long acceptedBefore = gateway.linkCounters().connectionsAccepted();

            // When the upstream is killed
            gateway.upstream().stop();

            // Then each request fails at once, without a byte of answer, and the link keeps accepting
            assertThat(gateway.upstream().running()).isFalse();
            for (int i = 1; i <= 3; i++) {
                String prompt = "during " + i;
                assertThatThrownBy(() -> chat(gateway, prompt)).isInstanceOf(IOException.class);
            }
            assertThat(gateway.linkCounters().connectionsAccepted()).isGreaterThanOrEqualTo(acceptedBefore + 3);
            await().atMost(Duration.ofSeconds(5)).until(() -> unreachable(gateway.journal()).size() >= 3);
            assertThat(unreachable(gateway.journal())).allSatisfy(event -> {
                assertThat(event.proxy()).isEqualTo(ChaosGateway.LINK);
                assertThat(event.connection()).isZero();
                assertThat(event.upstreamPort()).isZero();
                assertThat(event.clientPort()).isPositive();
            });
            assertThat(gateway.exchanges()).as("nothing reached the stopped upstream").hasSize(3);

            // When it is restarted on the same port
            gateway.upstream().restart();

            // Then requests succeed again, and what was journalled before the kill is there unchanged
            assertThat(gateway.upstream().port()).isEqualTo(upstreamPort);
            for (int i = 1; i <= 3; i++) {
                assertThat(chat(gateway, "after " + i).statusCode()).isEqualTo(200);
            }
            List<String> after = json(gateway.journal().entries());
            assertThat(after.subList(0, before.size())).isEqualTo(before);
            assertThat(gateway.exchanges()).extracting(UpstreamExchange::sequence).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
            assertThat(gateway.exchanges()).extracting(UpstreamExchange::prompt)
                    .containsExactly("before 1", "before 2", "before 3", "after 1", "after 2", "after 3");
            assertThat(gateway.journal().dropped()).isZero();
        }
    }

    @Test
    void aStreamInFlightWhenTheUpstreamDiesEndsWithoutItsEndAndIsJournalledFinished() throws Exception {
        try (ChaosGateway gateway = ChaosGateway.builder().seed(9)
                .pacing(new StreamPacing(Duration.ofMillis(10), Duration.ofMillis(100))).start()) {
            URI base = URI.create(gateway.baseUrl());
            try (Socket socket = new Socket(base.getHost(), base.getPort())) {
                socket.setSoTimeout(5_000);
                BufferedReader in = sendStreamed(socket, "Tell me a long story about gateways and their upstreams");
                readDataLines(in, 2);

                gateway.upstream().stop();

                List<String> rest = new ArrayList<>();
                try {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        rest.add(line);
                    }
                } catch (IOException reset) {
                    // a reset ends the stream as surely as a close
                }
                assertThat(rest).noneMatch(line -> line.contains("[DONE]"));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> gateway.exchanges().stream().allMatch(UpstreamExchange::complete));
            UpstreamExchange cut = gateway.exchanges().get(0);
            assertThat(cut.streamed()).isTrue();
            assertThat(cut.clientClosed()).as("the upstream went away, not the client").isFalse();
            await().atMost(Duration.ofSeconds(5)).until(() -> gateway.journal().linkEvents().stream()
                    .anyMatch(e -> e.kind() == LinkEvent.Kind.CLOSED));
        }
    }

    @Test
    void aRestartOnAPortTakenMeanwhileSaysSoAndCanBeRetriedOnceItIsFree() throws Exception {
        try (ChaosGateway gateway = ChaosGateway.builder().seed(9).pacing(StreamPacing.immediate()).start()) {
            int port = gateway.upstream().port();
            gateway.upstream().stop();

            try (ServerSocket squatter = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
                assertThatThrownBy(() -> gateway.upstream().restart()).isInstanceOf(IllegalStateException.class)
                        .hasMessageStartingWith("cannot restart the fake upstream on 127.0.0.1:" + port
                                + ": the port was taken while it was stopped");
                assertThat(gateway.upstream().running()).isFalse();
            }

            gateway.upstream().restart();
            assertThat(chat(gateway, "back").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void toxiproxyServerSaysOnceThatAnUpstreamIsDownAndAgainWhenItIsBack() throws Exception {
        try (TcpUpstream first = TcpUpstream.listen(0);
             ToxiproxyServerRun server = ToxiproxyServerRun.start("--port", "0", "--seed", "7")) {
            int upstreamPort = first.port();
            HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + "/proxies"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"api\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"127.0.0.1:"
                            + upstreamPort + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            int listenPort = listenPort(created.body());
            assertThat(roundTrip(listenPort, "ping")).isEqualTo("pong ping");

            // When the upstream is killed
            first.close();

            // Then the proxy accepts and closes each client at once, and the server says so once
            assertThat(roundTrip(listenPort, "lost 1")).as("closed without a byte").isNull();
            assertThat(roundTrip(listenPort, "lost 2")).isNull();
            String down = "chaosgate toxiproxy-server: warning: proxy api: upstream 127.0.0.1:" + upstreamPort
                    + " is unreachable (refused or timed out): its clients are accepted and closed at once,"
                    + " as toxiproxy-server does, until it is back";
            await().atMost(Duration.ofSeconds(5)).until(() -> server.err.toString().contains(down));
            assertThat(server.err.toString().lines().filter(line -> line.contains("unreachable"))).hasSize(1);
            assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + "/proxies/api")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).contains("\"enabled\":true");

            // When it comes back on the same port
            try (TcpUpstream second = TcpUpstream.listen(upstreamPort)) {
                // Then the proxy carries traffic again, and the server says so
                assertThat(roundTrip(listenPort, "back")).isEqualTo("pong back");
                await().atMost(Duration.ofSeconds(5)).until(() -> server.err.toString().contains(
                        "chaosgate toxiproxy-server: warning: proxy api: upstream 127.0.0.1:" + upstreamPort + " is reachable again"));
                assertThat(second.accepted()).isEqualTo(1);
            }
        }
    }

    // ---- helpers ----

    private static HttpResponse<String> chat(ChaosGateway gateway, String prompt) throws IOException, InterruptedException {
        String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
        return HTTP.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/chat/completions"))
                .timeout(Duration.ofSeconds(5)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<LinkEvent> unreachable(Journal journal) {
        return journal.linkEvents().stream().filter(e -> e.kind() == LinkEvent.Kind.UPSTREAM_UNREACHABLE).toList();
    }

    private static List<String> json(List<Journal.Entry> entries) {
        return entries.stream().map(entry -> Journal.toJson(entry).toString()).toList();
    }

    /** Sends a streamed chat request by hand on {@code socket}; the answer is read from the returned reader. */
    static BufferedReader sendStreamed(Socket socket, String prompt) throws IOException {
        String body = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Reads until {@code count} {@code data:} lines of an event stream have arrived. */
    static void readDataLines(BufferedReader in, int count) throws IOException {
        int seen = 0;
        while (seen < count) {
            String line = in.readLine();
            if (line == null) {
                throw new IOException("the stream ended after " + seen + " events");
            }
            if (line.startsWith("data: ")) {
                seen++;
            }
        }
    }

    private static int listenPort(String proxyJson) {
        Matcher listen = Pattern.compile("\"listen\":\"127\\.0\\.0\\.1:(\\d+)\"").matcher(proxyJson);
        assertThat(listen.find()).as(proxyJson).isTrue();
        return Integer.parseInt(listen.group(1));
    }

    /** One line to the proxy and the answer line; null when the proxy closed the connection without a byte. */
    private static String roundTrip(int port, String line) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            try {
                return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine();
            } catch (IOException reset) {
                return null;
            }
        }
    }

    /** A plain TCP upstream answering {@code pong <line>} per line, that can be killed and brought back on its port. */
    private static final class TcpUpstream implements AutoCloseable {
        private final ServerSocket server;
        private final Set<Socket> open = ConcurrentHashMap.newKeySet();
        private final Thread acceptor;
        private volatile int accepted;

        private TcpUpstream(ServerSocket server) {
            this.server = server;
            this.acceptor = new Thread(this::accept, "tcp-upstream");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        static TcpUpstream listen(int port) throws IOException {
            ServerSocket server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return new TcpUpstream(server);
        }

        int port() {
            return server.getLocalPort();
        }

        int accepted() {
            return accepted;
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    accepted++;
                    open.add(socket);
                    Thread worker = new Thread(() -> answer(socket), "tcp-upstream-connection");
                    worker.setDaemon(true);
                    worker.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private void answer(Socket socket) {
            try (socket; InputStream in = socket.getInputStream()) {
                BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    socket.getOutputStream().write(("pong " + line + "\n").getBytes(StandardCharsets.UTF_8));
                    socket.getOutputStream().flush();
                }
            } catch (IOException gone) {
                // killed, or the proxy closed the connection
            } finally {
                open.remove(socket);
            }
        }

        /** Kills the server: the listener and every open connection. */
        @Override
        public void close() throws IOException {
            server.close();
            for (Socket socket : open) {
                socket.close();
            }
            try {
                acceptor.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
