package dev.chaosgate.cli;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ToxiproxyServerCommandTest {
    private static final String LOOPBACK = "127.0.0.1";

    @TempDir
    Path dir;

    private final List<Running> running = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void stopEverything() throws Exception {
        for (Running run : running) {
            run.command.stop();
            run.exit.get(10, TimeUnit.SECONDS);
        }
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
    }

    // ---- serving ----

    @Test
    void servesTheProxiesOfTheConfigFileAndTheToxiproxyApi() throws Exception {
        EchoServer echo = echoServer();
        Path config = write("proxies.json", "[" +
                "{\"name\":\"echo\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"127.0.0.1:" + echo.port() + "\"}," +
                "{\"name\":\"off\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"127.0.0.1:9\",\"enabled\":false}," +
                "{\"name\":\"nolisten\",\"upstream\":\"127.0.0.1:" + echo.port() + "\"}]");
        int port = freePort();

        Running run = start("toxiproxy-server", "--port", String.valueOf(port), "--config", config.toString(), "--seed", "42");

        assertThat(run.out.toString())
                .contains("API http://127.0.0.1:" + port)
                .contains("seed 42")
                .contains("3 proxies loaded")
                .containsPattern("transport (EPOLL|NIO)");
        ToxiproxyClient client = new ToxiproxyClient(LOOPBACK, port);
        assertThat(client.version()).contains("2.12.0");
        assertThat(client.getProxies()).extracting(Proxy::getName).containsExactly("echo", "nolisten", "off");
        assertThat(client.getProxy("off").isEnabled()).isFalse();
        assertThat(client.getProxy("nolisten").getListen()).as("no listen: a free port on loopback").startsWith("127.0.0.1:");
        assertThat(run.command.server().engine().seed()).isEqualTo(42L);

        Proxy proxy = client.getProxy("echo");
        assertThat(roundTrip(portOf(proxy.getListen()), "hello")).isEqualTo("hello");

        Proxy created = client.createProxy("made", "127.0.0.1:0", "127.0.0.1:" + echo.port());
        assertThat(created.isEnabled()).isTrue();
        assertThat(roundTrip(portOf(created.getListen()), "again")).isEqualTo("again");
        assertThat(client.getProxies()).extracting(Proxy::getName).containsExactly("echo", "made", "nolisten", "off");
    }

    @Test
    void stopClosesTheApiAndReturnsZero() throws Exception {
        int port = freePort();
        Running run = start("toxiproxy-server", "--port", String.valueOf(port));
        assertThat(run.out.toString()).contains("0 proxies loaded").containsPattern("seed -?\\d+");

        run.command.stop();

        assertThat(run.exit.get(10, TimeUnit.SECONDS)).isZero();
        assertThat(run.command.server()).isNull();
        assertThatThrownBy(() -> new Socket(LOOPBACK, port).close()).isInstanceOf(IOException.class);
    }

    @Test
    void acceptsTheGoStyleFlagsOfToxiproxyServer() throws Exception {
        int port = freePort();
        Running run = start("toxiproxy-server", "-host", LOOPBACK, "-port=" + port, "-seed", "7",
                "-proxy-metrics", "-runtime-metrics");

        assertThat(run.out.toString())
                .contains("proxy and runtime metrics at http://127.0.0.1:" + port + "/metrics")
                .contains("seed 7")
                .contains("http://127.0.0.1:" + port);
        assertThat(new ToxiproxyClient(LOOPBACK, port).getProxies()).isEmpty();
    }

    @Test
    void proxyMetricsServeTheLineToxiproxysEndToEndScriptLooksFor() throws Exception {
        EchoServer echo = echoServer();
        int port = freePort();
        Running run = start("toxiproxy-server", "-port", String.valueOf(port), "-proxy-metrics");
        ToxiproxyClient client = new ToxiproxyClient(LOOPBACK, port);
        Proxy proxy = client.createProxy("shopify_http", "127.0.0.1:0", "localhost:" + echo.port());
        assertThat(roundTrip(portOf(proxy.getListen()), "hello metrics")).isEqualTo("hello metrics");

        java.net.http.HttpResponse<String> scrape = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());

        // The line Toxiproxy's scripts/test-e2e greps for (labels in Go's order, by name), with our listen address.
        assertThat(scrape.body()).as("GET /metrics of toxiproxy-server -proxy-metrics (%s)", run.out)
                .containsPattern("(?m)^toxiproxy_proxy_sent_bytes_total\\{direction=\"downstream\",listener=\""
                        + java.util.regex.Pattern.quote(proxy.getListen()) + "\",proxy=\"shopify_http\",upstream=\"localhost:"
                        + echo.port() + "\"\\} [0-9]+");
    }

    @Test
    void withoutMetricsFlagsThereIsNoMetricsEndpoint() throws Exception {
        int port = freePort();
        start("toxiproxy-server", "-port", String.valueOf(port));

        java.net.http.HttpResponse<String> scrape = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());

        assertThat(scrape.statusCode()).isEqualTo(404);
        assertThat(scrape.body()).isEqualTo("404 page not found\n");
    }

    @Test
    void warnsWhenTheApiIsReachableFromOtherMachines() throws Exception {
        int port = freePort();
        Running run = start("toxiproxy-server", "--host", "0.0.0.0", "--port", String.valueOf(port));

        assertThat(run.err.toString()).contains("reachable from other machines").contains("--host 127.0.0.1");
        assertThat(new ToxiproxyClient(LOOPBACK, port).version()).contains("version");
    }

    @Test
    void loopbackHostsGiveNoWarning() {
        assertThat(ToxiproxyServerCommand.isLoopback("127.0.0.1")).isTrue();
        assertThat(ToxiproxyServerCommand.isLoopback("localhost")).isTrue();
        assertThat(ToxiproxyServerCommand.isLoopback("::1")).isTrue();
        assertThat(ToxiproxyServerCommand.isLoopback("0.0.0.0")).isFalse();
        assertThat(ToxiproxyServerCommand.isLoopback("10.1.2.3")).isFalse();
    }

    // ---- bad config: exit 2, one line naming the file and the fix, no stack trace ----

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not json           | [{"name":"a",                                        | is not valid JSON at line
            trailing garbage   | [] x                                                 | is not valid JSON
            empty file         | ''                                                   | is empty
            an object          | {"name":"a","listen":"127.0.0.1:0","upstream":"x:1"} | must hold a JSON array of proxies, found an object: wrap it in [ ]
            entry not object   | [1]                                                  | entry [0] is a number, expected an object
            missing name       | [{"listen":"127.0.0.1:0","upstream":"127.0.0.1:9"}]  | entry [0]: missing required field "name"
            empty name         | [{"name":"","listen":":0","upstream":"127.0.0.1:9"}] | entry [0]: missing required field "name"
            missing upstream   | [{"name":"a","listen":"127.0.0.1:0"}]                | entry [0] ("a"): missing required field "upstream": add "upstream"
            listen not string  | [{"name":"a","listen":18080,"upstream":"127.0.0.1:9"}] | entry [0] ("a"): field "listen" must be a string like "127.0.0.1:18080", got a number
            name not string    | [{"name":5,"listen":"127.0.0.1:0","upstream":"x:1"}] | field "name" must be a string, got a number
            enabled not bool   | [{"name":"a","listen":"127.0.0.1:0","upstream":"x:1","enabled":"yes"}] | field "enabled" must be true or false, got a string
            """)
    void aBadConfigFileIsAUsageError(String description, String content, String expected) throws Exception {
        Path config = write("bad.json", content);

        Finished result = runToEnd("toxiproxy-server", "--port", String.valueOf(freePort()), "--config", config.toString());

        assertThat(result.exit).as(description).isEqualTo(2);
        assertOneLineError(result.err, config.toString(), expected);
    }

    @Test
    void aMissingConfigFileIsAUsageError() throws Exception {
        Path config = dir.resolve("nowhere.json");

        Finished result = runToEnd("toxiproxy-server", "--port", String.valueOf(freePort()), "-config", config.toString());

        assertThat(result.exit).isEqualTo(2);
        assertOneLineError(result.err, config.toString(), "does not exist: check the path");
    }

    @Test
    void aProxyThatCannotBindNamesItsEntry() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName(LOOPBACK))) {
            Path config = write("taken.json", "[" +
                    "{\"name\":\"fine\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"127.0.0.1:9\"}," +
                    "{\"name\":\"clash\",\"listen\":\"127.0.0.1:" + taken.getLocalPort() + "\",\"upstream\":\"127.0.0.1:9\"}]");
            int port = freePort();

            Finished result = runToEnd("toxiproxy-server", "--port", String.valueOf(port), "--config", config.toString());

            assertThat(result.exit).isEqualTo(2);
            assertOneLineError(result.err, config.toString(), "entry [1] (\"clash\")");
            assertThat(result.err).contains("address already in use").contains("change its \"listen\"");
            assertThatThrownBy(() -> new Socket(LOOPBACK, port).close())
                    .as("the API is closed again").isInstanceOf(IOException.class);
        }
    }

    @Test
    void anApiPortInUseIsAUsageError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName(LOOPBACK))) {
            Finished result = runToEnd("toxiproxy-server", "--port", String.valueOf(taken.getLocalPort()));

            assertThat(result.exit).isEqualTo(2);
            assertThat(result.err).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort())
                    .contains("already in use").doesNotContain("Exception");
        }
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertThat(runToEnd("toxiproxy-server", "--nope").exit).isEqualTo(2);
        assertThat(runToEnd("toxiproxy-server", "--port", "eighty").exit).isEqualTo(2);
        Finished outOfRange = runToEnd("toxiproxy-server", "--port", "70000");
        assertThat(outOfRange.exit).isEqualTo(2);
        assertThat(outOfRange.err).contains("--port must be in 0..65535, got 70000");
        assertThat(runToEnd("toxiproxy-server", "-seed", "x").exit).isEqualTo(2);
    }

    // ---- help, version, completion ----

    @Test
    void helpMentionsEveryOption() {
        Finished help = runToEnd("toxiproxy-server", "--help");

        assertThat(help.exit).isZero();
        assertThat(help.out).contains("--host", "-host", "--port", "-port", "--config", "-config", "--seed", "-seed",
                "-proxy-metrics", "-runtime-metrics", "--help", "--version", "127.0.0.1", "8474");
        assertThat(help.out).as("the metrics flags say what they serve")
                .contains("toxiproxy_proxy_received_bytes_total", "jvm_*", "404")
                .doesNotContain("ignored");
        assertThat(runToEnd("toxiproxy-server", "-help").exit).isZero();
    }

    @Test
    void topLevelCommandListsSubcommandsAndNeedsOne() {
        Finished help = runToEnd("--help");
        assertThat(help.exit).isZero();
        assertThat(help.out).contains("toxiproxy-server", "generate-completion");

        assertThat(runToEnd("--version").out).contains("chaosgate 0.1.0");

        Finished none = runToEnd();
        assertThat(none.exit).isEqualTo(2);
        assertThat(none.err).contains("Missing subcommand");
    }

    @Test
    void generatesAShellCompletionScript() {
        Finished completion = runToEnd("generate-completion");

        assertThat(completion.exit).isZero();
        assertThat(completion.out).contains("toxiproxy-server").contains("complete");
    }

    // ---- helpers ----

    private record Running(ToxiproxyServerCommand command, StringWriter out, StringWriter err,
                           CompletableFuture<Integer> exit) {
    }

    private record Finished(int exit, String out, String err) {
    }

    /** Runs the CLI on a background thread and waits until the server serves (or the command ended). */
    private Running start(String... args) throws Exception {
        CommandLine cli = new CommandLine(new ChaosgateCli());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        ToxiproxyServerCommand command = cli.getSubcommands().get("toxiproxy-server").getCommand();
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread thread = new Thread(() -> exit.complete(cli.execute(args)), "toxiproxy-server-under-test");
        thread.setDaemon(true);
        thread.start();
        Running run = new Running(command, out, err, exit);
        running.add(run);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!command.awaitStarted(50, TimeUnit.MILLISECONDS)) {
            if (exit.isDone()) {
                throw new AssertionError("the command ended with " + exit.get() + " before serving: " + err);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the command did not start in 20 s: " + err);
            }
        }
        return run;
    }

    /** Runs the CLI in this thread, for commands that end by themselves. */
    private static Finished runToEnd(String... args) {
        CommandLine cli = new CommandLine(new ChaosgateCli());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Finished(exit, out.toString(), err.toString());
    }

    private static void assertOneLineError(String err, String file, String expected) {
        List<String> lines = err.lines().filter(line -> !line.isBlank()).toList();
        assertThat(lines).as("stderr: %s", err).hasSize(1);
        assertThat(lines.get(0))
                .startsWith("chaosgate toxiproxy-server: ")
                .contains("config file " + file)
                .contains(expected)
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getByName(LOOPBACK))) {
            return socket.getLocalPort();
        }
    }

    private static int portOf(String listen) {
        return Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
    }

    private static String roundTrip(int port, String text) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(LOOPBACK, port), 2_000);
            socket.setSoTimeout(5_000);
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            byte[] answer = socket.getInputStream().readNBytes(bytes.length);
            return new String(answer, StandardCharsets.UTF_8);
        }
    }

    private EchoServer echoServer() throws IOException {
        EchoServer echo = new EchoServer();
        closeables.add(echo);
        return echo;
    }

    /** Echoes every byte back, one thread per connection. */
    private static final class EchoServer implements AutoCloseable {
        private final ServerSocket socket;

        EchoServer() throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getByName(LOOPBACK));
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
                    Thread echo = new Thread(() -> echo(connection), "echo");
                    echo.setDaemon(true);
                    echo.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private static void echo(Socket connection) {
            try (connection; InputStream in = connection.getInputStream(); OutputStream out = connection.getOutputStream()) {
                in.transferTo(out);
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
