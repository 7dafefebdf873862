package dev.chaosgate.cli;

import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.reliability.Listeners;
import dev.chaosgate.reliability.Listeners.Listener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 9, item 5: every listener the harness opens is on loopback unless the user asks otherwise.
 * Checked against the kernel ({@link Listeners}: the LISTEN sockets of this process in
 * {@code /proc/net/tcp} and {@code tcp6}), sampled every few milliseconds while a gateway, a serve
 * session with its console, a toxiproxy-server with proxies made through its API, and a whole
 * {@code chaosgate run} are up; and, where it must fire, a {@code --host 0.0.0.0} or a proxy told to
 * listen on {@code 0.0.0.0} is seen on the wildcard address, with the CLI's warning.
 */
class LoopbackListenersTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern LISTEN_PORT = Pattern.compile("\"listen\":\"[^\"]*:(\\d+)\"");

    @TempDir
    Path dir;

    private Watch watch;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void watchListeners() {
        assumeTrue(Listeners.available(), "needs Linux's /proc/net/tcp");
        watch = new Watch();
    }

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        if (watch != null) {
            watch.close();
        }
    }

    @Test
    void everyListenerTheHarnessOpensIsOnLoopback() throws Exception {
        Set<Integer> expected = new TreeSet<>();

        // A gateway: link, fake upstream (WireMock's Jetty), Toxiproxy API.
        ChaosGateway gateway = ChaosGateway.builder().start();
        open.add(gateway);
        expected.add(URI.create(gateway.baseUrl()).getPort());
        expected.add(gateway.upstream().port());
        expected.add(URI.create(gateway.toxiproxyUrl()).getPort());

        // chaosgate serve: the app's gateway and the console (page and admin API).
        ServeRun serve = ServeRun.start("--scenario", "bad-gateway-single", "--port", "0", "--console-port", "0",
                "--record", dir.resolve("recording.json").toString());
        open.add(serve);
        expected.add(URI.create(serve.command.session().baseUrl()).getPort());
        expected.add(serve.command.console().port());
        assertThat(serve.err.toString()).as("no warning on loopback").doesNotContain("warning");

        // chaosgate toxiproxy-server and proxies made through its API with loopback or no host.
        int apiPort = freePort();
        ToxiproxyServerRun toxiproxy = ToxiproxyServerRun.start("--port", String.valueOf(apiPort));
        open.add(toxiproxy);
        expected.add(apiPort);
        assertThat(toxiproxy.err.toString()).as("no warning on loopback").doesNotContain("warning");
        List<String> listens = new ArrayList<>(List.of("localhost:0", "127.0.0.1:0", ":0", ""));
        if (ipv6Loopback()) {
            listens.add("[::1]:0");
        }
        for (int i = 0; i < listens.size(); i++) {
            expected.add(createProxy(apiPort, "p" + i, listens.get(i)));
        }

        // chaosgate run: its gateway lives while the client runs.
        Set<Listener> beforeRun = watch.now();
        CommandLine cli = ChaosgateCli.commandLine();
        StringWriter runOut = new StringWriter();
        cli.setOut(new PrintWriter(runOut, true));
        cli.setErr(new PrintWriter(runOut, true));
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> cli.execute("run", "bad-gateway-single",
                "--client", "sleep 1; echo 'DRAFT: '", "--report-dir", dir.resolve("report").toString()));
        assertThat(run.get(30, TimeUnit.SECONDS)).as("exit of run: %s", runOut).isEqualTo(RunCommand.EXIT_FAILED);
        Set<Listener> ofRun = new TreeSet<>(watch.seen());
        ofRun.removeAll(beforeRun);
        ofRun.removeIf(l -> expected.contains(l.port()));

        Set<Listener> seen = watch.seen();
        System.out.printf("LoopbackListenersTest: %d listeners seen, %d of them of `run`: %s%n", seen.size(), ofRun.size(), seen);
        assertThat(ports(seen)).as("listeners seen").containsAll(expected);
        assertThat(ofRun).as("the listeners of `chaosgate run` (link, upstream, Toxiproxy API)").hasSizeGreaterThanOrEqualTo(3);
        assertThat(seen.stream().filter(l -> !l.loopback()).map(Listener::toString).collect(Collectors.toList()))
                .as("listeners beyond loopback (all seen: %s)", seen).isEmpty();
    }

    @Test
    void aHostBeyondLoopbackIsBoundAsAskedAndWarnedAbout() throws Exception {
        // chaosgate serve --host 0.0.0.0: the app's gateway and the console on every interface, the
        // fake upstream and the link's API (which the app never needs) still on loopback.
        ServeRun serve = ServeRun.start("--scenario", "bad-gateway-single", "--host", "0.0.0.0", "--port", "0",
                "--console-port", "0", "--record", dir.resolve("recording.json").toString());
        open.add(serve);
        int app = URI.create(serve.command.session().baseUrl()).getPort();
        int console = serve.command.console().port();
        assertThat(serve.err.toString()).contains("warning: the gateway and the console on 0.0.0.0 are reachable from other machines");

        // chaosgate toxiproxy-server --host 0.0.0.0, and a proxy a user asks to listen on 0.0.0.0 through the
        // API (Toxiproxy's semantics: the address given is the address bound).
        int apiPort = freePort();
        ToxiproxyServerRun toxiproxy = ToxiproxyServerRun.start("--host", "0.0.0.0", "--port", String.valueOf(apiPort));
        open.add(toxiproxy);
        assertThat(toxiproxy.err.toString()).contains("warning: the API on 0.0.0.0 is reachable from other machines");
        int everywhere = createProxy(apiPort, "everywhere", "0.0.0.0:0");

        Set<Listener> wildcard = watch.now().stream().filter(l -> !l.loopback()).collect(Collectors.toCollection(TreeSet::new));
        assertThat(ports(wildcard)).as("listeners beyond loopback: %s", wildcard).containsExactlyInAnyOrder(app, console, apiPort, everywhere);
        assertThat(wildcard).allSatisfy(l -> assertThat(l.address().isAnyLocalAddress()).as("%s", l).isTrue());
    }

    // ---- helpers ----

    /** {@code POST /proxies} on the Toxiproxy API at {@code apiPort}; returns the port the proxy listens on. */
    private static int createProxy(int apiPort, String name, String listen) throws IOException, InterruptedException {
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/proxies"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\",\"listen\":\"" + listen
                        + "\",\"upstream\":\"127.0.0.1:9\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as("create %s listening on '%s': %s", name, listen, created.body()).isEqualTo(201);
        Matcher port = LISTEN_PORT.matcher(created.body());
        assertThat(port.find()).as(created.body()).isTrue();
        return Integer.parseInt(port.group(1));
    }

    private static Set<Integer> ports(Set<Listener> listeners) {
        return listeners.stream().map(Listener::port).collect(Collectors.toCollection(TreeSet::new));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    private static boolean ipv6Loopback() {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getByName("::1"))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Samples this process's listeners every 5 ms, keeping every one seen that was not there at the start. */
    private static final class Watch implements AutoCloseable {
        private final Set<Listener> before = Listeners.ofThisProcess();
        private final Set<Listener> seen = new ConcurrentSkipListSet<>();
        private final Thread sampler = new Thread(this::sample, "listener-watch");
        private volatile boolean stopped;

        Watch() {
            sampler.setDaemon(true);
            sampler.start();
        }

        private void sample() {
            while (!stopped) {
                now();
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** The listeners now, not counting those of before the watch; they are added to {@link #seen()}. */
        Set<Listener> now() {
            Set<Listener> current = new TreeSet<>(Listeners.ofThisProcess());
            current.removeAll(before);
            seen.addAll(current);
            return current;
        }

        Set<Listener> seen() {
            now();
            return new TreeSet<>(seen);
        }

        @Override
        public void close() throws InterruptedException {
            stopped = true;
            sampler.join(1000);
        }
    }
}
