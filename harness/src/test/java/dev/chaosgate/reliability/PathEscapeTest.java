package dev.chaosgate.reliability;

import dev.chaosgate.cli.ChaosgateCli;
import dev.chaosgate.cli.CliRun;
import dev.chaosgate.console.ConsoleServer;
import dev.chaosgate.console.ServeSession;
import dev.chaosgate.fixtures.YamlFileException;
import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.junit.ChaosTest;
import dev.chaosgate.junit.PlayScenario;
import dev.chaosgate.scenario.ScenarioCatalog;
import dev.chaosgate.scenario.ScenarioLoader;
import dev.chaosgate.upstream.StreamPacing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * Issue 9, item 5: names cannot reach outside their roots. A scenario name is looked up in the
 * catalog and never becomes a class-path resource or a file, wherever it is given (the catalog, the
 * JUnit extension's {@code @PlayScenario}, the console's admin API, {@code serve --scenario},
 * {@code run NAME}); a class-path resource name must be plain; the console serves its three page
 * files and nothing else, however the path is spelt; and reports are not written through a symbolic
 * link planted in the report directory. (Fixture body files: {@code FixtureDescriptorsTest} in the
 * fixtures module.)
 */
class PathEscapeTest {
    /** Names that try to leave the catalog, as a path, a resource, an encoded path or a Windows path. */
    static final List<String> ESCAPING_NAMES = List.of("../../../etc/passwd", "/etc/passwd", "..%2f..%2f..%2fetc%2fpasswd",
            "%2e%2e/%2e%2e/etc/passwd", "dev/chaosgate/scenarios/bad-gateway-single.yaml", "bad-gateway-single.yaml",
            "bad-gateway-single/../bad-gateway-burst", "..\\..\\..\\etc\\passwd", "C:\\Windows\\win.ini", "file:///etc/passwd");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    // ---- scenario names ----

    @Test
    void theCatalogKnowsNamesOnly() {
        ScenarioCatalog catalog = ScenarioCatalog.builtIn();

        for (String name : ESCAPING_NAMES) {
            assertThat(catalog.find(name)).as(name).isEmpty();
            assertThatThrownBy(() -> catalog.get(name)).as(name).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("no scenario named '" + name + "'");
        }
        assertThat(catalog.find("bad-gateway-single")).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev/chaosgate/scenarios/../scenarios/bad-gateway-single.yaml", "/dev/chaosgate/scenarios/bad-gateway-single.yaml",
            "dev\\chaosgate\\scenarios\\bad-gateway-single.yaml", "../../../../../etc/passwd", "dev/chaosgate/scenarios//bad-gateway-single.yaml",
            "dev/chaosgate/scenarios/./bad-gateway-single.yaml", ""})
    void aResourceNameThatIsNotPlainIsRefusedBeforeTheClassPathIsAsked(String resource) {
        assertThatThrownBy(() -> ScenarioLoader.standard().loadResource(resource))
                .isInstanceOf(YamlFileException.class).hasMessageContaining("not a plain class-path resource name");
    }

    @Test
    void aPlainResourceNameLoads() {
        assertThat(ScenarioLoader.standard().loadResource("dev/chaosgate/scenarios/bad-gateway-single.yaml").name())
                .isEqualTo("bad-gateway-single");
    }

    @ChaosTest
    static class EscapingNameTestCases {
        @Test
        @PlayScenario("../../../etc/passwd")
        void escapingName(ChaosGateway gateway) {
        }
    }

    @Test
    void aJunitScenarioNameIsACatalogName() {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter").enableImplicitConfigurationParameters(false)
                .selectors(selectClass(EscapingNameTestCases.class)).execute();

        Throwable thrown = results.testEvents().failed().stream().findFirst().orElseThrow()
                .getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
        assertThat(thrown).hasMessageContaining("@PlayScenario(\"../../../etc/passwd\")")
                .hasMessageContaining("no scenario named '../../../etc/passwd'");
    }

    @Test
    void theAdminApiSwitchesToCatalogNamesOnly() throws Exception {
        try (ServeSession session = ServeSession.builder().scenario("bad-gateway-single").listen("127.0.0.1", 0)
                .pacing(StreamPacing.immediate()).start();
             ConsoleServer console = ConsoleServer.start(session, "127.0.0.1", 0)) {
            for (String name : ESCAPING_NAMES) {
                HttpResponse<String> refused = switchScenario(console, name);
                assertThat(refused.statusCode()).as("%s: %s", name, refused.body()).isEqualTo(404);
                assertThat(refused.body()).as(name).contains("no scenario named").doesNotContain("root:");
            }
            assertThat(session.state().scenario()).isEqualTo("bad-gateway-single");

            assertThat(switchScenario(console, "bad-gateway-burst").statusCode()).isEqualTo(200);
            assertThat(session.state().scenario()).isEqualTo("bad-gateway-burst");
        }
    }

    @Test
    void serveTakesACatalogNameOnly() {
        for (String name : ESCAPING_NAMES) {
            CliRun result = CliRun.of("serve", "--scenario", name, "--port", "0", "--record", dir.resolve("r.json").toString());
            assertThat(result.exit()).as("%s: %s", name, result.err()).isEqualTo(ChaosgateCli.EXIT_USAGE);
            assertThat(result.err()).as(name).contains("no scenario named '" + name + "'").doesNotContain("root:");
        }
    }

    /**
     * {@code run} also takes scenario files: a name ending in {@code .yaml} is the user's own file
     * (relative to the working directory, never the class path); anything else is a catalog name.
     */
    @Test
    void runReadsOnlyYamlFilesAndTakesEverythingElseAsACatalogName() {
        for (String name : ESCAPING_NAMES) {
            CliRun result = CliRun.of("run", name, "--report-dir", dir.resolve("report").toString());
            assertThat(result.exit()).as("%s: %s", name, result.err()).isEqualTo(ChaosgateCli.EXIT_USAGE);
            assertThat(result.err()).as(name).contains(name.endsWith(".yaml") ? name + ": no such file" : "no scenario named '" + name + "'")
                    .doesNotContain("root:");
        }
        assertThat(CliRun.of("run", "/etc/passwd", "--report-dir", dir.resolve("report").toString()).err())
                .contains("; a scenario file must end in .yaml or .yml");
    }

    // ---- the console's page files ----

    @Test
    void theConsoleServesItsPageFilesAndNothingElse() throws Exception {
        try (ServeSession session = ServeSession.builder().scenario("bad-gateway-single").listen("127.0.0.1", 0).start();
             ConsoleServer console = ConsoleServer.start(session, "127.0.0.1", 0)) {
            int port = console.port();
            for (String path : List.of("/__chaosgate/../../../../../../etc/passwd", "/__chaosgate/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
                    "/__chaosgate/..%2f..%2f..%2fetc%2fpasswd", "/__chaosgate/%2e%2e%2f%2e%2e%2fpom.xml", "/__chaosgate//etc/passwd",
                    "/__chaosgate/..%5c..%5cpom.xml", "/__chaosgate/dev/chaosgate/console/console.js",
                    "/__chaosgate/../../harness/pom.xml", "/__chaosgate/console.js/../../pom.xml", "/__chaosgate/%00console.js",
                    "/__chaosgate/META-INF/MANIFEST.MF", "/__chaosgate/ConsoleServer.class")) {
                String answer = rawGet(port, path);
                assertThat(answer).as(path).matches("(?s)HTTP/1\\.1 (400|404) .*").doesNotContain("root:").doesNotContain("<project");
            }
            assertThat(rawGet(port, "/__chaosgate/console.js")).startsWith("HTTP/1.1 200");
        }
    }

    // ---- reports ----

    @Test
    void reportsAreNotWrittenThroughALinkInTheReportDirectory() throws Exception {
        Path reports = Files.createDirectories(dir.resolve("shared-report"));
        Path victim = Files.writeString(dir.resolve("victim.txt"), "precious\n");
        Files.createSymbolicLink(reports.resolve("report.html"), victim);

        CliRun result = CliRun.of("run", "bad-gateway-single", "--report-dir", reports.toString());

        assertThat(Files.readString(victim)).isEqualTo("precious\n");
        assertThat(result.err()).contains("report.html: it is a symbolic link, and reports are not written through links");
        assertThat(result.out()).contains("bad-gateway-single");
    }

    @Test
    void aLinkPlantedAsTheTemporaryFileIsNotWrittenThroughEither() throws Exception {
        Path reports = Files.createDirectories(dir.resolve("shared-report-tmp"));
        Path victim = Files.writeString(dir.resolve("victim-tmp.txt"), "precious\n");
        Files.createSymbolicLink(reports.resolve("report.json.tmp"), victim);

        CliRun result = CliRun.of("run", "bad-gateway-single", "--report-dir", reports.toString());

        assertThat(Files.readString(victim)).isEqualTo("precious\n");
        assertThat(result.err()).contains("cannot write the report file " + reports.resolve("report.json"));
        assertThat(result.out()).contains("bad-gateway-single");
    }

    // ---- helpers ----

    private static HttpResponse<String> switchScenario(ConsoleServer console, String name) throws Exception {
        String origin = "http://127.0.0.1:" + console.port();
        String json = "{\"name\": \"" + name.replace("\\", "\\\\") + "\"}";
        return HTTP.send(HttpRequest.newBuilder(URI.create(origin + "/__chaosgate/api/scenario"))
                .header("Content-Type", "application/json").header("Origin", origin)
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A GET written by hand: java.net.http would normalise or refuse some of these paths. */
    private static String rawGet(int port, String path) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
