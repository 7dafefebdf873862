package dev.chaosgate.link.conformance;

import static eu.rekawek.toxiproxy.model.ToxicDirection.DOWNSTREAM;
import static eu.rekawek.toxiproxy.model.ToxicDirection.UPSTREAM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.chaosgate.link.LinkServer;
import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import eu.rekawek.toxiproxy.model.Toxic;
import eu.rekawek.toxiproxy.model.ToxicList;
import eu.rekawek.toxiproxy.model.toxic.Bandwidth;
import eu.rekawek.toxiproxy.model.toxic.Latency;
import eu.rekawek.toxiproxy.model.toxic.LimitData;
import eu.rekawek.toxiproxy.model.toxic.ResetPeer;
import eu.rekawek.toxiproxy.model.toxic.Slicer;
import eu.rekawek.toxiproxy.model.toxic.SlowClose;
import eu.rekawek.toxiproxy.model.toxic.Timeout;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Drives a {@link LinkServer} with the unchanged {@code toxiproxy-java} 2.1.11 client: the flows of
 * that client's own test-suite ({@code ToxiproxyClientTest}, {@code ToxicsTest}) plus what
 * Testcontainers' {@code ToxiproxyContainer} does (a proxy named {@code host:port}, listen on
 * {@code 0.0.0.0}, {@code setConnectionCut} as two rate-0 bandwidth toxics). Data-path effects are
 * checked with real sockets against a small echo upstream started for each test.
 */
class ToxiproxyJavaClientTest {

    private static LinkServer server;
    private static ToxiproxyClient tp;

    private Echo echo;

    @BeforeAll
    static void startServer() {
        server = LinkServer.builder().seed(7).start();
        tp = new ToxiproxyClient(server.host(), server.port());
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void startEcho() throws IOException {
        echo = new Echo();
    }

    @AfterEach
    void cleanup() throws IOException {
        try {
            for (Proxy proxy : tp.getProxies()) {
                proxy.delete();
            }
        } finally {
            echo.close();
        }
    }

    // ---- ToxiproxyClientTest ----

    @Test
    void createProxy() throws IOException {
        int port = freePort();
        Proxy proxy = tp.createProxy("test-proxy", "127.0.0.1:" + port, "localhost:" + echo.port());
        assertThat(proxy.isEnabled()).isTrue();
        assertThat(proxy.getName()).isEqualTo("test-proxy");
        assertThat(proxy.getListen()).isEqualTo("127.0.0.1:" + port);
        assertThat(proxy.getUpstream()).isEqualTo("localhost:" + echo.port()); // echoed as written, not resolved
        assertThat(roundTrip(port, "hello", 2000)).isEqualTo("hello");
    }

    @Test
    void createProxyOnPortZeroReportsTheBoundPort() throws IOException {
        Proxy proxy = tp.createProxy("test-proxy", "localhost:0", "127.0.0.1:" + echo.port());
        assertThat(proxy.getListen()).matches("127\\.0\\.0\\.1:\\d+").isNotEqualTo("127.0.0.1:0");
        assertThat(roundTrip(portOf(proxy.getListen()), "zero", 2000)).isEqualTo("zero");
    }

    @Test
    void getProxy() throws IOException {
        int port = freePort();
        tp.createProxy("test-proxy", "127.0.0.1:" + port, "localhost:" + echo.port());
        Proxy proxy = tp.getProxy("test-proxy");
        assertThat(proxy.isEnabled()).isTrue();
        assertThat(proxy.getName()).isEqualTo("test-proxy");
        assertThat(proxy.getListen()).isEqualTo("127.0.0.1:" + port);
        assertThat(proxy.getUpstream()).isEqualTo("localhost:" + echo.port());

        assertThat(tp.getProxyOrNull("invalid-proxy")).isNull();
        assertThatThrownBy(() -> tp.getProxy("invalid-proxy"))
                .isInstanceOf(IOException.class)
                .hasMessage("[404] proxy not found");
    }

    @Test
    void listProxiesInCreationOrder() throws IOException {
        int[] ports = TranscriptConformanceTest.freePorts(3);
        for (int i = 0; i < 3; i++) {
            tp.createProxy("test-proxy" + i, "127.0.0.1:" + ports[i], "localhost:" + (i + 6379));
        }
        List<Proxy> proxies = tp.getProxies();
        assertThat(proxies).hasSize(3);
        for (int i = 0; i < 3; i++) {
            Proxy proxy = proxies.get(i);
            assertThat(proxy.isEnabled()).isTrue();
            assertThat(proxy.getName()).isEqualTo("test-proxy" + i);
            assertThat(proxy.getListen()).isEqualTo("127.0.0.1:" + ports[i]);
            assertThat(proxy.getUpstream()).isEqualTo("localhost:" + (i + 6379));
        }
    }

    @Test
    void deleteProxy() throws IOException {
        int port = freePort();
        Proxy proxy = tp.createProxy("test-proxy", "127.0.0.1:" + port, "localhost:" + echo.port());
        assertThat(tp.getProxies()).isNotEmpty();
        proxy.delete();
        assertThat(tp.getProxies()).isEmpty();
        assertRefused(port);
        // The client reads a 404 on DELETE through getInputStream(): FileNotFoundException, an IOException.
        assertThatThrownBy(proxy::delete).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> tp.getProxy("test-proxy")).hasMessage("[404] proxy not found");
    }

    @Test
    void enableDisableProxy() throws IOException {
        int port = freePort();
        Proxy proxy = tp.createProxy("test-proxy", "127.0.0.1:" + port, "localhost:" + echo.port());
        assertThat(proxy.isEnabled()).isTrue();
        try (Socket open = connect(port)) {
            assertThat(exchange(open, "before")).isEqualTo("before");
            proxy.disable();
            assertThat(proxy.isEnabled()).isFalse();
            assertThat(tp.getProxy("test-proxy").isEnabled()).isFalse();
            assertThat(proxy.getListen()).isEqualTo("127.0.0.1:" + port);
            assertRefused(port);
            assertClosed(open); // disabling drops live connections, as in Toxiproxy
        }
        proxy.enable();
        assertThat(proxy.isEnabled()).isTrue();
        assertThat(tp.getProxy("test-proxy").isEnabled()).isTrue();
        assertThat(roundTrip(port, "after", 2000)).isEqualTo("after");
    }

    @Test
    void setListenAndUpstream() throws IOException {
        int first = freePort();
        Proxy proxy = tp.createProxy("test-proxy", "127.0.0.1:" + first, "127.0.0.1:" + echo.port());
        int second = freePort();
        proxy.setListen("127.0.0.1:" + second);
        assertThat(proxy.getListen()).isEqualTo("127.0.0.1:" + second);
        assertThat(proxy.isEnabled()).isTrue();
        assertRefused(first);
        assertThat(roundTrip(second, "moved", 2000)).isEqualTo("moved");

        try (Echo other = new Echo()) {
            proxy.setUpstream("127.0.0.1:" + other.port());
            assertThat(proxy.getUpstream()).isEqualTo("127.0.0.1:" + other.port());
            int before = other.accepted();
            assertThat(roundTrip(second, "other", 2000)).isEqualTo("other");
            assertThat(other.accepted()).isEqualTo(before + 1);
            assertThat(tp.getProxy("test-proxy").getUpstream()).isEqualTo("127.0.0.1:" + other.port());
        }
    }

    @Test
    void version() throws IOException {
        assertThat(tp.version()).isEqualTo("{\"version\": \"2.12.0\"}");
    }

    @Test
    void resetRemovesToxicsAndReenables() throws IOException {
        int port = freePort();
        Proxy proxy = tp.createProxy("test-proxy", "127.0.0.1:" + port, "localhost:" + echo.port());
        proxy.toxics().latency("latency-toxic-down", DOWNSTREAM, 10);
        proxy.toxics().latency("latency-toxic-up", UPSTREAM, 10);
        proxy.toxics().bandwidth("cut", DOWNSTREAM, 0);
        proxy.disable();
        assertThat(proxy.isEnabled()).isFalse();

        tp.reset(); // POST /reset without a body or Content-Length, then GET of every tracked proxy

        assertThat(proxy.toxics().getAll()).isEmpty();
        assertThat(proxy.isEnabled()).isTrue();
        assertThat(proxy.getListen()).isEqualTo("127.0.0.1:" + port);
        assertThat(roundTrip(port, "reset", 2000)).isEqualTo("reset");
    }

    @Test
    void errorCodeAndMessage() throws IOException {
        int port = freePort();
        tp.createProxy("test-proxy", "127.0.0.1:" + port, "localhost:6379");
        assertThatThrownBy(() -> tp.createProxy("test-proxy", "127.0.0.1:" + port, "localhost:6379"))
                .isInstanceOf(IOException.class)
                .hasMessage("[409] proxy already exists");
    }

    @Test
    void bindConflictIsA500AndTheProxyIsNotKept() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> tp.createProxy("test-proxy", "127.0.0.1:" + port, "localhost:6379"))
                    .isInstanceOf(IOException.class)
                    .hasMessage("[500] listen tcp 127.0.0.1:" + port + ": bind: address already in use");
        }
        assertThat(tp.getProxyOrNull("test-proxy")).isNull();
    }

    // ---- ToxicsTest ----

    @Test
    void toxicBasics() throws IOException {
        ToxicList toxics = newProxy().toxics();
        Toxic toxic = toxics.bandwidth("my-toxic", DOWNSTREAM, 100);
        assertThat(toxic.getName()).isEqualTo("my-toxic");
        assertThat(toxic.getToxicity()).isEqualTo(1.0f);
        assertThat(toxic.getStream()).isEqualTo(DOWNSTREAM);

        toxic.setToxicity(0.1f);
        assertThat(toxic.getToxicity()).isEqualTo(0.1f);
        assertThat(toxics.get("my-toxic").getToxicity()).isEqualTo(0.1f);
        assertThat(toxics.get("my-toxic", Bandwidth.class).getRate()).isEqualTo(100); // attributes untouched
    }

    @Test
    void duplicateToxicIs409() throws IOException {
        ToxicList toxics = newProxy().toxics();
        toxics.latency("my-toxic", DOWNSTREAM, 100);
        assertThatThrownBy(() -> toxics.latency("my-toxic", DOWNSTREAM, 100))
                .isInstanceOf(IOException.class)
                .hasMessage("[409] toxic already exists");
        // Names are unique per proxy across both streams.
        assertThatThrownBy(() -> toxics.bandwidth("my-toxic", UPSTREAM, 1))
                .hasMessage("[409] toxic already exists");
    }

    @Test
    void missingToxicAndProxyAre404() throws IOException {
        Proxy proxy = newProxy();
        assertThatThrownBy(() -> proxy.toxics().get("nope")).hasMessage("[404] toxic not found");
        proxy.delete();
        assertThatThrownBy(() -> proxy.toxics().latency("x", DOWNSTREAM, 1)).hasMessage("[404] proxy not found");
        assertThatThrownBy(() -> proxy.toxics().getAll()).hasMessage("[404] proxy not found");
    }

    @Test
    void getAllToxics() throws IOException {
        ToxicList toxics = newProxy().toxics();
        toxics.bandwidth("my-toxic", DOWNSTREAM, 100);
        toxics.bandwidth("my-toxic-2", UPSTREAM, 200);

        List<? extends Toxic> list = toxics.getAll();
        assertThat(list).hasSize(2);
        // Upstream toxics are listed first, as Toxiproxy does.
        assertThat(list.get(0).getName()).isEqualTo("my-toxic-2");
        assertThat(list.get(0).getStream()).isEqualTo(UPSTREAM);
        assertThat(list.get(0)).isInstanceOf(Bandwidth.class);
        assertThat(((Bandwidth) list.get(0)).getRate()).isEqualTo(200);
        assertThat(list.get(0).getToxicity()).isEqualTo(1.0f);
        assertThat(list.get(1).getName()).isEqualTo("my-toxic");
        assertThat(list.get(1).getStream()).isEqualTo(DOWNSTREAM);
        assertThat(((Bandwidth) list.get(1)).getRate()).isEqualTo(100);
    }

    @Test
    void everyToxicTypeReadsBack() throws IOException {
        ToxicList toxics = newProxy().toxics();
        Latency latency = toxics.latency("latency", DOWNSTREAM, 120);
        Bandwidth bandwidth = toxics.bandwidth("bandwidth", UPSTREAM, 300);
        SlowClose slowClose = toxics.slowClose("slow_close", DOWNSTREAM, 40);
        Timeout timeout = toxics.timeout("timeout", UPSTREAM, 5000);
        LimitData limitData = toxics.limitData("limit_data", DOWNSTREAM, 1024);
        ResetPeer resetPeer = toxics.resetPeer("reset_peer", UPSTREAM, 250);
        Slicer slicer = toxics.slicer("slicer", DOWNSTREAM, 64, 10);

        // The objects built from the create answers.
        assertThat(latency.getLatency()).isEqualTo(120);
        assertThat(latency.getJitter()).isZero();
        assertThat(bandwidth.getRate()).isEqualTo(300);
        assertThat(slowClose.getDelay()).isEqualTo(40);
        assertThat(timeout.getTimeout()).isEqualTo(5000);
        assertThat(limitData.getBytes()).isEqualTo(1024);
        assertThat(resetPeer.getTimeout()).isEqualTo(250);
        assertThat(slicer.getAverageSize()).isEqualTo(64);
        assertThat(slicer.getSizeVariation()).isZero();
        assertThat(slicer.getDelay()).isEqualTo(10);

        // Read back one by one, typed.
        assertThat(toxics.get("latency", Latency.class).getLatency()).isEqualTo(120);
        assertThat(toxics.get("latency", Latency.class).getStream()).isEqualTo(DOWNSTREAM);
        assertThat(toxics.get("bandwidth", Bandwidth.class).getRate()).isEqualTo(300);
        assertThat(toxics.get("bandwidth", Bandwidth.class).getStream()).isEqualTo(UPSTREAM);
        assertThat(toxics.get("slow_close", SlowClose.class).getDelay()).isEqualTo(40);
        assertThat(toxics.get("timeout", Timeout.class).getTimeout()).isEqualTo(5000);
        assertThat(toxics.get("limit_data", LimitData.class).getBytes()).isEqualTo(1024);
        assertThat(toxics.get("reset_peer", ResetPeer.class).getTimeout()).isEqualTo(250);
        Slicer slicerBack = toxics.get("slicer", Slicer.class);
        assertThat(slicerBack.getAverageSize()).isEqualTo(64);
        assertThat(slicerBack.getSizeVariation()).isZero();
        assertThat(slicerBack.getDelay()).isEqualTo(10);
        assertThatThrownBy(() -> toxics.get("latency", Bandwidth.class)).isInstanceOf(IllegalArgumentException.class);

        // And all at once: upstream first, then downstream, each in insertion order.
        List<? extends Toxic> all = toxics.getAll();
        assertThat(all).extracting(Toxic::getName).containsExactly(
                "bandwidth", "timeout", "reset_peer", "latency", "slow_close", "limit_data", "slicer");
        Map<String, Toxic> byName = all.stream().collect(Collectors.toMap(Toxic::getName, Function.identity()));
        assertThat(byName.get("latency")).isInstanceOf(Latency.class);
        assertThat(((Timeout) byName.get("timeout")).getTimeout()).isEqualTo(5000);
        assertThat(((ResetPeer) byName.get("reset_peer")).getTimeout()).isEqualTo(250);
        assertThat(((LimitData) byName.get("limit_data")).getBytes()).isEqualTo(1024);
        assertThat(((Slicer) byName.get("slicer")).getAverageSize()).isEqualTo(64);
        assertThat(all).allSatisfy(t -> assertThat(t.getToxicity()).isEqualTo(1.0f));
    }

    @Test
    void settersUpdateOneAttributeEach() throws IOException {
        ToxicList toxics = newProxy().toxics();
        Latency latency = toxics.latency("my-latency", UPSTREAM, 100);
        latency.setLatency(200);
        latency.setJitter(10);
        assertThat(latency.getLatency()).isEqualTo(200);
        assertThat(latency.getJitter()).isEqualTo(10);
        Latency back = toxics.get("my-latency", Latency.class);
        assertThat(back.getLatency()).isEqualTo(200);
        assertThat(back.getJitter()).isEqualTo(10);
        latency.setToxicity(0.5f);
        assertThat(toxics.get("my-latency").getToxicity()).isCloseTo(0.5f, within(0f));
        assertThat(toxics.get("my-latency", Latency.class).getLatency()).isEqualTo(200);

        Bandwidth bandwidth = toxics.bandwidth("my-bandwidth", UPSTREAM, 100);
        bandwidth.setRate(200);
        assertThat(toxics.get("my-bandwidth", Bandwidth.class).getRate()).isEqualTo(200);

        Slicer slicer = toxics.slicer("my-slicer", UPSTREAM, 100, 10);
        slicer.setAverageSize(200);
        slicer.setSizeVariation(50);
        slicer.setDelay(20);
        Slicer slicerBack = toxics.get("my-slicer", Slicer.class);
        assertThat(slicerBack.getAverageSize()).isEqualTo(200);
        assertThat(slicerBack.getSizeVariation()).isEqualTo(50);
        assertThat(slicerBack.getDelay()).isEqualTo(20);

        SlowClose slowClose = toxics.slowClose("my-slow-close", UPSTREAM, 100);
        slowClose.setDelay(200);
        assertThat(toxics.get("my-slow-close", SlowClose.class).getDelay()).isEqualTo(200);

        Timeout timeout = toxics.timeout("my-timeout", UPSTREAM, 100);
        timeout.setTimeout(200);
        assertThat(toxics.get("my-timeout", Timeout.class).getTimeout()).isEqualTo(200);

        LimitData limitData = toxics.limitData("my-limit", DOWNSTREAM, 100);
        limitData.setBytes(200);
        assertThat(toxics.get("my-limit", LimitData.class).getBytes()).isEqualTo(200);

        ResetPeer resetPeer = toxics.resetPeer("my-reset", DOWNSTREAM, 100);
        resetPeer.setTimeout(200);
        assertThat(toxics.get("my-reset", ResetPeer.class).getTimeout()).isEqualTo(200);
    }

    @Test
    void removeToxic() throws IOException {
        ToxicList toxics = newProxy().toxics();
        Toxic t = toxics.bandwidth("my-toxic", DOWNSTREAM, 100);
        assertThat(toxics.getAll()).hasSize(1);
        t.remove();
        assertThat(toxics.getAll()).isEmpty();
        assertThatThrownBy(t::remove).isInstanceOf(IOException.class);
    }

    @Test
    void latencyToxicDelaysTheEcho() throws IOException {
        int port = freePort();
        Proxy proxy = tp.createProxy("test-proxy", "127.0.0.1:" + port, "127.0.0.1:" + echo.port());
        proxy.toxics().latency("slow", DOWNSTREAM, 300);
        long start = System.nanoTime();
        assertThat(roundTrip(port, "late", 3000)).isEqualTo("late");
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(took).isBetween(290L, 1500L);
        proxy.toxics().get("slow").remove();
        start = System.nanoTime();
        assertThat(roundTrip(port, "fast", 3000)).isEqualTo("fast");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(250L);
    }

    // ---- Testcontainers' ToxiproxyContainer ----

    @Test
    void testcontainersStyleProxyNamedHostPort() throws IOException {
        int port = freePort();
        String name = "localhost:" + echo.port(); // ContainerProxy names a proxy "host:port"
        Proxy proxy = tp.createProxy(name, "0.0.0.0:" + port, "localhost:" + echo.port());
        assertThat(proxy.getName()).isEqualTo(name);
        assertThat(proxy.getListen()).isEqualTo("[::]:" + port); // the wildcard, reported as Go does
        assertThat(tp.getProxy(name).getUpstream()).isEqualTo("localhost:" + echo.port());
        assertThat(tp.getProxies()).extracting(Proxy::getName).containsExactly(name);
        assertThat(roundTrip(port, "colon", 2000)).isEqualTo("colon");

        Latency latency = proxy.toxics().latency("latency", DOWNSTREAM, 1100);
        latency.setJitter(100);
        assertThat(tp.getProxy(name).toxics().get("latency", Latency.class).getJitter()).isEqualTo(100);
        latency.remove();
    }

    @Test
    void testcontainersStyleConnectionCut() throws IOException {
        int port = freePort();
        String name = "redis:" + echo.port();
        Proxy proxy = tp.createProxy(name, "0.0.0.0:" + port, "127.0.0.1:" + echo.port());
        try (Socket socket = connect(port)) {
            assertThat(exchange(socket, "up")).isEqualTo("up");

            // setConnectionCut(true)
            proxy.toxics().bandwidth("CUT_CONNECTION_DOWNSTREAM", DOWNSTREAM, 0);
            proxy.toxics().bandwidth("CUT_CONNECTION_UPSTREAM", UPSTREAM, 0);
            socket.setSoTimeout(500);
            socket.getOutputStream().write("held".getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(450L);
            try (Socket fresh = connect(port)) {
                fresh.setSoTimeout(500);
                fresh.getOutputStream().write("new".getBytes(StandardCharsets.US_ASCII));
                assertThatThrownBy(() -> fresh.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            }

            // setConnectionCut(false)
            proxy.toxics().get("CUT_CONNECTION_DOWNSTREAM").remove();
            proxy.toxics().get("CUT_CONNECTION_UPSTREAM").remove();
            socket.setSoTimeout(3000);
            // The held bytes are released, not lost, and the connection lives on.
            assertThat(new String(socket.getInputStream().readNBytes(4), StandardCharsets.US_ASCII)).isEqualTo("held");
            assertThat(exchange(socket, "again")).isEqualTo("again");
        }
        assertThat(roundTrip(port, "restored", 2000)).isEqualTo("restored");
    }

    // ---- helpers ----

    private Proxy newProxy() throws IOException {
        return tp.createProxy("test-proxy", "127.0.0.1:" + freePort(), "localhost:" + echo.port());
    }

    private static int freePort() throws IOException {
        return TranscriptConformanceTest.freePorts(1)[0];
    }

    private static int portOf(String listen) {
        return Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        socket.setSoTimeout(3000);
        return socket;
    }

    private static String exchange(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        return new String(socket.getInputStream().readNBytes(text.length()), StandardCharsets.US_ASCII);
    }

    private static String roundTrip(int port, String text, int timeoutMillis) throws IOException {
        try (Socket socket = connect(port)) {
            socket.setSoTimeout(timeoutMillis);
            return exchange(socket, text);
        }
    }

    private static void assertRefused(int port) {
        assertThatThrownBy(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            }
        }).as("connect to port %d", port).isInstanceOf(ConnectException.class);
    }

    /** The proxy closed a live connection: the client reads EOF (or a reset) promptly. */
    private static void assertClosed(Socket socket) throws IOException {
        socket.setSoTimeout(2000);
        try {
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the connection stayed open", e);
        } catch (IOException reset) {
            // a reset also ends it
        }
    }

    /** An echo upstream on 127.0.0.1: every connection gets its bytes back. Bounded threads, closed after each test. */
    static final class Echo implements AutoCloseable {
        private final ServerSocket listener = new ServerSocket();
        private final ExecutorService threads = Executors.newFixedThreadPool(16);
        private final List<Socket> sockets = new ArrayList<>();
        private int accepted;

        Echo() throws IOException {
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            threads.submit(this::acceptLoop);
        }

        int port() {
            return listener.getLocalPort();
        }

        synchronized int accepted() {
            return accepted;
        }

        private void acceptLoop() {
            while (!listener.isClosed()) {
                try {
                    Socket socket = listener.accept();
                    synchronized (this) {
                        accepted++;
                        sockets.add(socket);
                    }
                    threads.submit(() -> pump(socket));
                } catch (IOException | RejectedExecutionException closed) {
                    return;
                }
            }
        }

        private static void pump(Socket socket) {
            try (socket) {
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                byte[] buffer = new byte[8192];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, n);
                }
            } catch (IOException ignored) {
                // closed by either side
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
            synchronized (this) {
                for (Socket socket : sockets) {
                    socket.close();
                }
            }
            threads.shutdownNow();
        }
    }
}
