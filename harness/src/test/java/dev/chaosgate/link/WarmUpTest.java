package dev.chaosgate.link;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaosgate.link.testing.EchoServer;
import dev.chaosgate.link.testing.LinkTestSupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The data-path warm-up a server runs before its API listens ({@link LinkEngine#warmUp()}) leaves
 * no trace a client could see: no proxy, no counter, no event, no changed seeded draw, and the
 * server's first real connection works. Speed is measured by {@code scripts/bench-link first}, not here.
 */
class WarmUpTest {
    private static final long SEED = 20240611L;

    @Test
    void aWarmedServerShowsNoProxyAndItsFirstConnectionWorks() throws IOException {
        try (LinkServer server = LinkServer.builder().seed(SEED).proxyMetrics(true).start(); EchoServer echo = EchoServer.start()) {
            assertThat(server.config().warmUp()).as("warm-up is on by default").isTrue();
            String proxies = get(server, "/proxies");
            assertThat(proxies).as("GET /proxies right after start, warm-up done").endsWith("\r\n\r\n{}");
            String metrics = get(server, "/metrics");
            assertThat(metrics).as("GET /metrics right after start, warm-up done").startsWith("HTTP/1.1 200")
                    .doesNotContain("proxy=\"");
            assertThat(server.engine().proxies()).isEmpty();

            int port = server.engine().createProxy("api", "127.0.0.1:0", "127.0.0.1:" + echo.port(), true).listenPort();
            assertThat(server.engine().counters("api")).as("counters of a new proxy after the warm-up")
                    .isEqualTo(new ProxyCounters(0, 0, 0, 0, 0, 0));
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
                client.setSoTimeout(10_000);
                byte[] payload = "first bytes through a fresh server".getBytes(StandardCharsets.US_ASCII);
                LinkTestSupport.roundTripMillis(client, payload);
            }
            ProxyCounters after = server.engine().counters("api");
            assertThat(after.connectionsAccepted()).as("connections counted: only the test's own").isEqualTo(1);
            assertThat(after.upstreamBytesIn()).as("bytes counted: only the test's own").isEqualTo(34);
            assertThat(echo.accepted()).as("upstream connections the echo server saw").isEqualTo(1);
            // The same scrape does show a proxy once one carried traffic, so the check above can fail.
            long deadline = System.nanoTime() + 10_000_000_000L;
            String later = get(server, "/metrics");
            while (!later.contains("proxy=\"api\"") && System.nanoTime() < deadline) {
                later = get(server, "/metrics");
            }
            assertThat(later).as("GET /metrics after the test's connection through proxy api").contains("proxy=\"api\"");
        }
    }

    @Test
    void warmingUpAnEngineTellsItsListenersNothing() {
        try (LinkEngine engine = new LinkEngine(SEED, 2)) {
            List<Object> heard = new CopyOnWriteArrayList<>();
            engine.onEvent(heard::add);
            engine.onTraffic(heard::add);
            engine.warmUp();
            engine.warmUp();
            assertThat(heard).as("events and traffic reported during two warm-ups").isEmpty();
            assertThat(engine.proxies()).isEmpty();
        }
    }

    /**
     * Toxicity rolls come from the seed, per proxy and connection number: a server that warmed up
     * and one that did not, with the same seed and the same connections, roll the same way.
     */
    @Test
    void theWarmUpChangesNoSeededDraw() throws IOException {
        List<Boolean> warmed = delayedConnections(true);
        List<Boolean> cold = delayedConnections(false);
        assertThat(warmed).as("the rolls must differ between connections, or this test could not fail")
                .contains(true, false);
        assertThat(warmed).as("which of 12 connections met a latency toxic of toxicity 0.5 (warmed server vs not, same seed)")
                .isEqualTo(cold);
    }

    /** For each of 12 sequential connections, whether its echo met a 400 ms latency toxic of toxicity 0.5. */
    private static List<Boolean> delayedConnections(boolean warmUp) throws IOException {
        try (LinkServer server = LinkServer.builder().seed(SEED).warmUp(warmUp).start(); EchoServer echo = EchoServer.start()) {
            LinkEngine engine = server.engine();
            int port = engine.createProxy("rolls", "127.0.0.1:0", "127.0.0.1:" + echo.port(), true).listenPort();
            engine.addToxic("rolls", "slow", "latency", ToxicStream.DOWNSTREAM, 0.5f, Map.of("latency", 400L, "jitter", 0L));
            List<Boolean> delayed = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    client.setSoTimeout(10_000);
                    // Generous: an echo that met the toxic takes >= 400 ms, one that did not a few ms.
                    delayed.add(LinkTestSupport.roundTripMillis(client, new byte[] {(byte) i}) >= 300);
                }
            }
            return delayed;
        }
    }

    private static String get(LinkServer server, String path) throws IOException {
        try (Socket socket = new Socket(server.host(), server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + server.host() + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
