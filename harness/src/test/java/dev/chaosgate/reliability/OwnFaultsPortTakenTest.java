package dev.chaosgate.reliability;

import dev.chaosgate.cli.CliRun;
import dev.chaosgate.cli.ServeRun;
import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.link.LinkException;
import dev.chaosgate.link.LinkServer;
import dev.chaosgate.link.testing.EchoServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Faults of our own: a port already taken by another program. Each way of starting chaosgate on it
 * fails with one line naming the port and the fix (exit code 2 for the CLI, never a stack trace) and
 * leaves nothing listening and no thread behind; the Toxiproxy API answers a proxy on a taken port with
 * its 500 and keeps serving. Real sockets on 127.0.0.1.
 */
@Timeout(60)
class OwnFaultsPortTakenTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    /** Class loading and the JVM's lazily started threads happen here, not between a test's two snapshots. */
    @BeforeAll
    static void warmUp() {
        ChaosGateway.builder().seed(1).start().close();
    }

    @Test
    void serveOnATakenPortSaysWhichAndLeavesNothingBehind() throws Exception {
        int consolePort = ServeRun.freePort();
        try (ServerSocket taken = takePort()) {
            ProcessResources before = ProcessResources.now(false);

            ServeRun.Finished result = ServeRun.toEnd("--scenario", "bad-gateway-single", "--port", String.valueOf(taken.getLocalPort()),
                    "--console-port", String.valueOf(consolePort), "--record", dir.resolve("r.json").toString());

            assertOneLineUsageError(result.exit(), result.err(),
                    "chaosgate serve: port " + taken.getLocalPort() + " is in use; choose another with --port");
            assertNotListening(consolePort);
            assertThat(ProcessResources.awaitBaseline(before, 2, 1, Duration.ofSeconds(5))).isEmpty();
        }
    }

    @Test
    void serveOnATakenConsolePortSaysWhichAndReleasesTheAppPort() throws Exception {
        int appPort = ServeRun.freePort();
        try (ServerSocket taken = takePort()) {
            ProcessResources before = ProcessResources.now(false);

            ServeRun.Finished result = ServeRun.toEnd("--scenario", "bad-gateway-single", "--port", String.valueOf(appPort),
                    "--console-port", String.valueOf(taken.getLocalPort()), "--record", dir.resolve("r.json").toString());

            assertOneLineUsageError(result.exit(), result.err(), "chaosgate serve: console port " + taken.getLocalPort()
                    + " is in use; choose another with --console-port (0: any free port)");
            assertNotListening(appPort);
            assertThat(ProcessResources.awaitBaseline(before, 2, 1, Duration.ofSeconds(5))).isEmpty();
        }
    }

    @Test
    void toxiproxyServerOnATakenPortSaysWhichAndLeavesNothingBehind() throws Exception {
        try (ServerSocket taken = takePort()) {
            ProcessResources before = ProcessResources.now(false);

            CliRun result = CliRun.of("toxiproxy-server", "--port", String.valueOf(taken.getLocalPort()));

            assertOneLineUsageError(result.exit(), result.err(), "chaosgate toxiproxy-server: cannot listen on 127.0.0.1:"
                    + taken.getLocalPort() + ": address already in use; stop the other server or choose another port with"
                    + " --port (0: any free port)");
            assertThat(ProcessResources.awaitBaseline(before, 2, 1, Duration.ofSeconds(5))).isEmpty();
        }
    }

    @Test
    void aGatewayOnATakenPortNamesTheFixAndClosesWhatItStarted() throws Exception {
        try (ServerSocket taken = takePort()) {
            int port = taken.getLocalPort();
            ProcessResources before = ProcessResources.now(false);

            assertThatThrownBy(() -> ChaosGateway.builder().seed(1).listen("127.0.0.1", port).start())
                    .isInstanceOf(LinkException.class)
                    .hasMessage("listen tcp 127.0.0.1:" + port + ": bind: address already in use; stop what holds port " + port
                            + " or choose another in ChaosGateway.builder().listen(host, port) (0: any free port)");

            assertThat(ProcessResources.awaitBaseline(before, 2, 1, Duration.ofSeconds(5)))
                    .as("the upstream and the link it had started are closed again").isEmpty();
        }
    }

    @Test
    void toxiproxyApiProxyOnATakenPortIsA500AndTheServerKeepsServing() throws Exception {
        try (LinkServer server = LinkServer.builder().seed(1).start();
             EchoServer echo = EchoServer.start();
             ServerSocket taken = takePort()) {
            int port = taken.getLocalPort();

            HttpResponse<String> clash = post(server.url() + "/proxies",
                    "{\"name\":\"clash\",\"listen\":\"127.0.0.1:" + port + "\",\"upstream\":\"" + echo.address() + "\"}");

            assertThat(clash.statusCode()).isEqualTo(500);
            assertThat(clash.body()).as("Toxiproxy's error body").isEqualTo("{\"error\":\"listen tcp 127.0.0.1:" + port + ": bind: address already in use\",\"status\":500}\n");
            // The server keeps serving: the failed proxy is not kept, another one carries traffic
            assertThat(get(server.url() + "/version").statusCode()).isEqualTo(200);
            assertThat(get(server.url() + "/proxies").body()).doesNotContain("clash");
            HttpResponse<String> created = post(server.url() + "/proxies",
                    "{\"name\":\"api\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"" + echo.address() + "\"}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            int listen = server.engine().proxy("api").listenPort();
            try (Socket socket = new Socket("127.0.0.1", listen)) {
                socket.setSoTimeout(5_000);
                socket.getOutputStream().write("still serving".getBytes(StandardCharsets.UTF_8));
                assertThat(new String(socket.getInputStream().readNBytes(13), StandardCharsets.UTF_8)).isEqualTo("still serving");
            }
        }
    }

    // ---- helpers ----

    private static ServerSocket takePort() throws IOException {
        return new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    }

    private static void assertOneLineUsageError(int exit, String err, String expected) {
        assertThat(exit).as("exit code; stderr: %s", err).isEqualTo(2);
        List<String> lines = err.lines().filter(line -> !line.isBlank()).toList();
        assertThat(lines).as("stderr").containsExactly(expected);
        assertThat(err).doesNotContain("Exception").doesNotContain("\tat ");
    }

    private static void assertNotListening(int port) {
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).as("nothing listens on %d", port)
                .isInstanceOf(IOException.class);
    }

    private static HttpResponse<String> post(String url, String json) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
