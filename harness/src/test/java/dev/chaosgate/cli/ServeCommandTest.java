package dev.chaosgate.cli;

import dev.chaosgate.console.Recording;
import dev.chaosgate.scenario.ScenarioCatalog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code chaosgate serve} in-process: what it prints, what it serves, and every way of starting it wrongly. */
class ServeCommandTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;
    private final List<ServeRun> running = new ArrayList<>();

    @AfterEach
    void stopAll() {
        running.forEach(ServeRun::close);
    }

    private ServeRun start(String... args) throws InterruptedException {
        ServeRun run = ServeRun.start(args);
        running.add(run);
        return run;
    }

    // ---- serving ----

    @Test
    void printsTheAppBaseUrlTheConsoleAndTheRecordingThenServesThem() throws Exception {
        int port = ServeRun.freePortPair();
        Path recording = dir.resolve("qa.json");

        ServeRun run = start("--scenario", "bad-gateway-burst", "--port", String.valueOf(port), "--seed", "2",
                "--record", recording.toString());

        assertThat(run.out.toString().lines()).containsExactly(
                "chaosgate serve: scenario bad-gateway-burst (seed 2)",
                "  app base URL:  http://127.0.0.1:" + port + "/v1   (set OPENAI_BASE_URL to this)",
                "  console:       http://127.0.0.1:" + (port + 1) + "/__chaosgate/",
                "  recording to:  " + recording.toAbsolutePath(),
                "Press Ctrl-C to stop.");
        assertThat(run.err.toString()).isEmpty();
        assertThat(get(run.consoleUrl()).statusCode()).isEqualTo(200);
        assertThat(get(run.consoleUrl() + "api/state").body()).contains("\"scenario\":\"bad-gateway-burst\"");
        assertThat(chat(run.baseUrl())).isEqualTo(502);
        assertThat(recording).exists();
    }

    @Test
    void stoppingWritesTheRecordingAndFreesBothPorts() throws Exception {
        int port = ServeRun.freePort();
        int consolePort = ServeRun.freePort();
        Path recording = dir.resolve("stopped.json");
        ServeRun run = ServeRun.start("--scenario", "bad-gateway-single", "--port", String.valueOf(port),
                "--console-port", String.valueOf(consolePort), "--record", recording.toString());
        assertThat(chat(run.baseUrl())).isEqualTo(502);

        run.close();

        assertThat(run.exit.join()).isZero();
        assertThat(run.command.session()).isNull();
        assertThat(Recording.read(recording, ScenarioCatalog.builtIn()).decisions()).hasSize(1);
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> new Socket("127.0.0.1", consolePort).close()).isInstanceOf(IOException.class);
    }

    @Test
    void httpsServesTheAppOverTlsAndNamesTheAuthorityFileAClientTrusts() throws Exception {
        ServeRun run = start("--scenario", "bad-gateway-single", "--https", "--port", "0", "--console-port", "0",
                "--record", dir.resolve("r.json").toString());

        assertThat(run.baseUrl()).matches("https://127\\.0\\.0\\.1:\\d+/v1");
        String line = run.out.toString().lines().filter(l -> l.startsWith("  trust this CA: ")).findFirst().orElseThrow(
                () -> new AssertionError("no CA line in the banner:\n" + run.out));
        Path pem = Path.of(line.substring("  trust this CA: ".length()).replaceFirst("\\s{3}\\(.*$", ""));
        // Trust exactly what the file holds, as NODE_EXTRA_CA_CERTS or SSL_CERT_FILE would.
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (var in = Files.newInputStream(pem)) {
            trust.setCertificateEntry("chaosgate", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        javax.net.ssl.TrustManagerFactory trustManagers = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(null, trustManagers.getTrustManagers(), null);
        HttpResponse<String> answer = HttpClient.newBuilder().sslContext(tls).build().send(
                HttpRequest.newBuilder(URI.create(run.baseUrl() + "/chat/completions")).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(502);
    }

    @Test
    void consolePortZeroTakesAnyFreePort() throws Exception {
        ServeRun run = start("--scenario", "bad-gateway-single", "--port", "0", "--console-port", "0",
                "--record", dir.resolve("r.json").toString());

        assertThat(run.baseUrl()).matches("http://127\\.0\\.0\\.1:\\d+/v1");
        assertThat(run.consoleUrl()).matches("http://127\\.0\\.0\\.1:\\d+/__chaosgate/");
        assertThat(get(run.consoleUrl()).statusCode()).isEqualTo(200);
    }

    @Test
    void warnsWhenTheGatewayAndConsoleAreReachableFromOtherMachines() throws Exception {
        ServeRun run = start("--scenario", "bad-gateway-single", "--host", "0.0.0.0", "--port", "0",
                "--console-port", "0", "--record", dir.resolve("r.json").toString());

        assertThat(run.err.toString()).contains("reachable from other machines").contains("--host 127.0.0.1");
        assertThat(run.baseUrl()).startsWith("http://127.0.0.1:");
        assertThat(get(run.consoleUrl() + "api/state").statusCode()).isEqualTo(200);
    }

    @Test
    void replayingRecordsNothingUnlessAskedAndSaysSo() throws Exception {
        Path recording = recordOneRun();

        ServeRun run = start("--replay", recording.toString(), "--port", "0", "--console-port", "0");

        assertThat(run.out.toString()).contains("chaosgate serve: replaying " + recording.toAbsolutePath()
                        + ": scenario bad-gateway-single, 1 recorded decisions (recorded with seed 502)")
                .contains("recording:     off while replaying (add --record FILE to record this run too)");
        assertThat(get(run.consoleUrl() + "api/state").body()).contains("\"replaying\":true").contains("\"replayRemaining\":1");
    }

    // ---- usage errors: exit 2, one line naming the problem and the fix, no stack trace ----

    @Test
    void aPortInUseNamesThePortAndTheOption() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            ServeRun.Finished result = ServeRun.toEnd("--scenario", "bad-gateway-single", "--port",
                    String.valueOf(taken.getLocalPort()), "--console-port", "0", "--record", dir.resolve("r.json").toString());

            assertUsageError(result, "port " + taken.getLocalPort() + " is in use; choose another with --port");
        }
    }

    @Test
    void aConsolePortInUseNamesItsOptionAndReleasesTheAppPort() throws Exception {
        int port = ServeRun.freePort();
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            ServeRun.Finished result = ServeRun.toEnd("--scenario", "bad-gateway-single", "--port", String.valueOf(port),
                    "--console-port", String.valueOf(taken.getLocalPort()), "--record", dir.resolve("r.json").toString());

            assertUsageError(result, "console port " + taken.getLocalPort() + " is in use; choose another with --console-port");
        }
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).as("the gateway is closed again")
                .isInstanceOf(IOException.class);
    }

    @Test
    void anUnknownScenarioNamesTheClosestOnesAndTheList() {
        ServeRun.Finished result = ServeRun.toEnd("--scenario", "bad-gatway-brust", "--port", "0");

        assertUsageError(result, "no scenario named 'bad-gatway-brust'; closest: bad-gateway-burst");
        assertThat(result.err()).contains("`chaosgate list`");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            no scenario             | --port 0                                               | missing --scenario NAME (or --replay FILE)
            unknown option          | --scenario bad-gateway-single --prot 9000              | unknown option '--prot'; did you mean --port?
            unknown option with =   | --scenario bad-gateway-single --sede=4                 | unknown option '--sede'; did you mean --seed?
            bare scenario name      | bad-gateway-single                                     | unexpected argument 'bad-gateway-single'; give the scenario as --scenario bad-gateway-single
            port not a number       | --scenario bad-gateway-single --port eighty            | --port: 'eighty' is not a whole number, e.g. --port 8787
            port out of range       | --scenario bad-gateway-single --port 70000             | --port must be in 0..65535, got 70000
            console port bad        | --scenario bad-gateway-single --console-port -1        | --console-port must be in 0..65535, got -1
            same ports              | --scenario bad-gateway-single --port 9100 --console-port 9100 | --console-port must differ from --port (both 9100)
            seed not a number       | --scenario bad-gateway-single --seed x                 | --seed: 'x' is not a whole number, e.g. --seed 42
            scenario and replay     | --scenario bad-gateway-single --replay r.json          | --scenario and --replay cannot be combined
            upstream not http       | --scenario bad-gateway-single --upstream ftp://api.example.com/v1 | --upstream: 'ftp://api.example.com/v1' is not an http or https URL; give the API's base URL, e.g. https://api.openai.com/v1
            upstream without scheme | --scenario bad-gateway-single --upstream api.openai.com/v1 | --upstream: 'api.openai.com/v1' is not an http or https URL
            upstream not a URL      | --scenario bad-gateway-single --upstream http://bad^host/v1 | --upstream: 'http://bad^host/v1' is not a URL
            upstream with a query   | --scenario bad-gateway-single --upstream https://api.example.com/v1?key=sk-secret-123 | --upstream: 'https://api.example.com/v1?key=[redacted]' has a query or a fragment
            """)
    void badFlagsAreOneLineUsageErrors(String description, String args, String expected) {
        ServeRun.Finished result = ServeRun.toEnd(args.trim().split("\\s+"));

        assertUsageError(result, expected);
    }

    @Test
    void anUpstreamUrlWithCredentialsIsRefusedWithoutPrintingThem() {
        ServeRun.Finished result = ServeRun.toEnd("--scenario", "bad-gateway-single", "--port", "0",
                "--upstream", "https://qa:sk-live-secret-9f3@api.example.com/v1");

        assertUsageError(result, "--upstream: 'https://api.example.com...' carries credentials in the URL; leave them out");
        assertThat(result.err()).doesNotContain("sk-live-secret-9f3");
    }

    @Test
    void aMissingRecordingToReplayIsNamed() {
        Path missing = dir.resolve("nowhere.json");

        ServeRun.Finished result = ServeRun.toEnd("--replay", missing.toString(), "--port", "0");

        assertUsageError(result, "cannot replay " + missing + ": no such file");
    }

    @Test
    void aFileThatIsNotARecordingIsNamed() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"decisions\": [");

        ServeRun.Finished result = ServeRun.toEnd("--replay", bad.toString(), "--port", "0");

        assertUsageError(result, "cannot replay " + bad + ":1:");
        assertThat(result.err()).contains("not valid JSON");
    }

    @Test
    void recordingOverTheReplayedFileIsRefused() throws Exception {
        Path recording = recordOneRun();

        ServeRun.Finished result = ServeRun.toEnd("--replay", recording.toString(), "--record", recording.toString(),
                "--port", "0");

        assertUsageError(result, "--record must not be the --replay file");
    }

    @Test
    void aRecordingPathThatCannotBeWrittenNamesTheFix() throws IOException {
        Path file = Files.writeString(dir.resolve("plain.txt"), "x");

        ServeRun.Finished result = ServeRun.toEnd("--scenario", "bad-gateway-single", "--port", "0", "--console-port", "0",
                "--record", file.resolve("run.json").toString());

        assertUsageError(result, "cannot write the recording to " + file.resolve("run.json"));
        assertThat(result.err()).contains("choose another path with --record");
    }

    // ---- help ----

    @Test
    void helpListsEveryOptionWithItsDefault() {
        ServeRun.Finished help = ServeRun.toEnd("--help");

        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("--scenario", "--port", "--console-port", "--host", "--seed", "--upstream", "--record",
                "--replay", "--segment", "8787", "127.0.0.1", "chaosgate-recording-YYYYMMDD-HHMMSS.json", "docs/console.md");
    }

    @Test
    void serveIsASubcommandOfChaosgate() {
        ServeRun.Finished help = ServeRun.toEnd("--version");
        assertThat(help.out()).contains("chaosgate 0.1.0");
        assertThat(new picocli.CommandLine(new ChaosgateCli()).getSubcommands()).containsKey("serve");
    }

    // ---- helpers ----

    private Path recordOneRun() throws Exception {
        Path recording = dir.resolve("recorded.json");
        ServeRun run = ServeRun.start("--scenario", "bad-gateway-single", "--port", "0", "--console-port", "0",
                "--record", recording.toString());
        try {
            assertThat(chat(run.baseUrl())).isEqualTo(502);
        } finally {
            run.close();
        }
        return recording;
    }

    private static void assertUsageError(ServeRun.Finished result, String expected) {
        assertThat(result.exit()).as("exit code; stderr: %s", result.err()).isEqualTo(2);
        List<String> lines = result.err().lines().filter(line -> !line.isBlank()).toList();
        assertThat(lines).as("stderr: %s", result.err()).hasSize(1);
        assertThat(lines.get(0)).startsWith("chaosgate serve: ").contains(expected)
                .doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(result.out()).isEmpty();
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int chat(String baseUrl) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions"))
                .timeout(Duration.ofSeconds(10)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
