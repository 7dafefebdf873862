package dev.chaosgate.link.backend;

import dev.chaosgate.link.LinkServer;
import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The same small scenario on every backend that runs here: a proxy to a loopback echo server, a
 * 200 ms downstream latency toxic added and removed on a live connection, round trips timed.
 * The container backend runs it in {@link ContainerToxiproxyBackendTest}.
 */
class LinkBackendTest {
    private static final Duration LATENCY = Duration.ofMillis(200);
    private static final Duration SLOW_AT_LEAST = Duration.ofMillis(180);
    private static final Duration FAST_BELOW = Duration.ofMillis(150);

    @Test
    void embedded() throws IOException {
        try (EmbeddedLinkBackend backend = EmbeddedLinkBackend.start(42)) {
            assertThat(backend.apiUrl()).isEqualTo(backend.server().url()).startsWith("http://127.0.0.1:");
            assertThat(backend.listenAddress(0)).isEqualTo("127.0.0.1:0");
            assertThat(backend.upstreamAddress("127.0.0.1", 8080)).isEqualTo("127.0.0.1:8080");
            assertThat(backend.reachableHost()).isEqualTo("127.0.0.1");
            assertThat(backend.reachablePort(18080)).isEqualTo(18080);
            assertThat(backend.server().engine().seed()).isEqualTo(42L);

            latencyScenario(backend);
        }
    }

    @Test
    void remoteServerByUrl() throws IOException {
        try (LinkServer server = LinkServer.builder().start();
             RemoteToxiproxyBackend backend = RemoteToxiproxyBackend.connect(server.url())) {
            assertThat(backend.apiUrl()).isEqualTo(server.url());
            assertThat(backend.version()).contains("2.12.0");
            assertThat(backend.listenAddress(0)).isEqualTo("127.0.0.1:0");
            assertThat(backend.reachableHost()).isEqualTo("127.0.0.1");
            assertThat(backend.reachablePort(18080)).isEqualTo(18080);

            latencyScenario(backend);
        }
    }

    @Test
    void choosesTheBackendByName() throws IOException {
        try (LinkBackend embedded = LinkBackends.from(null)) {
            assertThat(embedded).isInstanceOf(EmbeddedLinkBackend.class);
        }
        try (LinkBackend embedded = LinkBackends.from(" Embedded ")) {
            assertThat(embedded).isInstanceOf(EmbeddedLinkBackend.class);
        }
        try (LinkServer server = LinkServer.builder().start();
             LinkBackend remote = LinkBackends.from(server.url())) {
            assertThat(remote).isInstanceOf(RemoteToxiproxyBackend.class);
            assertThat(remote.client().version()).contains("2.12.0");
        }
        assertThatThrownBy(() -> LinkBackends.from("docker"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("embedded, container or a Toxiproxy API URL");
    }

    @Test
    void anUnreachableRemoteServerFailsClearly() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        assertThatThrownBy(() -> RemoteToxiproxyBackend.connect("http://127.0.0.1:" + port))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no Toxiproxy API at http://127.0.0.1:" + port)
                .hasMessageContaining("connection refused")
                .hasMessageContaining("./chaosgate toxiproxy-server");
        assertThatThrownBy(() -> RemoteToxiproxyBackend.connect("ftp://127.0.0.1:8474"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("http://127.0.0.1:8474");
    }

    @Test
    void containerWithoutDockerExplainsWhy() {
        assumeTrue(!ContainerToxiproxyBackend.isAvailable(), "a Docker engine is present here");

        assertThat(ContainerToxiproxyBackend.unavailableReason()).isNotBlank();
        assertThatThrownBy(() -> LinkBackends.from("container"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("cannot start a Toxiproxy container: ");
    }

    @Test
    void theBackendTheSystemPropertyChooses() throws IOException {
        String choice = System.getProperty(LinkBackends.PROPERTY, "embedded");
        assumeTrue(!choice.strip().equalsIgnoreCase("container") || ContainerToxiproxyBackend.isAvailable(),
                "-Dchaosgate.link=container, but " + ContainerToxiproxyBackend.unavailableReason());
        try (LinkBackend backend = LinkBackends.fromSystemProperty()) {
            latencyScenario(backend);
        }
    }

    /** Create a proxy, add 200 ms of downstream latency on a live connection, remove it: slow, then fast. */
    static void latencyScenario(LinkBackend backend) throws IOException {
        try (EchoServer echo = new EchoServer()) {
            latencyScenario(backend, echo);
        }
    }

    private static void latencyScenario(LinkBackend backend, EchoServer echo) throws IOException {
        Proxy proxy = backend.client().createProxy("echo-" + UUID.randomUUID().toString().substring(0, 8),
                backend.listenAddress(0), backend.upstreamAddress("127.0.0.1", echo.port()));
        try (Socket socket = new Socket()) {
            int port = backend.reachablePort(LinkBackend.portOf(proxy.getListen()));
            socket.connect(new InetSocketAddress(backend.reachableHost(), port), 5_000);
            socket.setSoTimeout(10_000);
            roundTrip(socket); // warm up: connection set up, upstream dialled

            assertThat(roundTrip(socket)).as("round trip without toxics").isLessThan(FAST_BELOW);

            proxy.toxics().latency("slow", ToxicDirection.DOWNSTREAM, LATENCY.toMillis());
            assertThat(roundTrip(socket)).as("round trip with 200 ms downstream latency").isGreaterThanOrEqualTo(SLOW_AT_LEAST);

            proxy.toxics().get("slow").remove();
            assertThat(roundTrip(socket)).as("round trip after removing the toxic").isLessThan(FAST_BELOW);
        } finally {
            proxy.delete();
        }
    }

    /** Writes a few bytes and times until the same bytes are back. */
    private static Duration roundTrip(Socket socket) throws IOException {
        byte[] ping = "ping\n".getBytes(StandardCharsets.US_ASCII);
        long start = System.nanoTime();
        socket.getOutputStream().write(ping);
        socket.getOutputStream().flush();
        byte[] pong = socket.getInputStream().readNBytes(ping.length);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        assertThat(pong).as("echoed bytes").isEqualTo(ping);
        return elapsed;
    }

    /** Echoes every byte back on 127.0.0.1, one thread per connection. */
    static final class EchoServer implements AutoCloseable {
        private final ServerSocket socket;

        EchoServer() throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
            Thread acceptor = new Thread(this::accept, "echo-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket connection = socket.accept();
                    Thread thread = new Thread(() -> echo(connection), "echo");
                    thread.setDaemon(true);
                    thread.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private static void echo(Socket connection) {
            try (connection; InputStream in = connection.getInputStream(); OutputStream out = connection.getOutputStream()) {
                byte[] buffer = new byte[8192];
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException ignored) {
                // The client went away.
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
