package dev.chaosgate.tls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chaosgate.cli.CliRun;
import dev.chaosgate.testsupport.ParallelSafe;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code chaosgate run --http2} end to end. The bundled client (java.net.http, which asks for {@code h2} over
 * HTTPS) plays a stream reset, a 502 burst and an inspecting proxy's certificate over HTTP/2 and passes, each
 * attempt marked {@code "http": "2"} in the report. openai-java (OkHttp, HTTP/2 by ALPN) gets the verdict its
 * retry policy gives over HTTP/1.1 too. The openai npm SDK (Node's fetch offers only HTTP/1.1) is served over
 * HTTP/1.1 by the same gateway.
 */
@ParallelSafe
@Timeout(180)
class RunOverHttp2Test {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theBundledClientPlaysAResetABurstAndABadCertificateOverHttp2AndPasses() throws IOException {
        CliRun run = CliRun.of("run", "stream-reset-mid-answer", "bad-gateway-burst", "tls-inspection-untrusted", "--http2",
                "--stream", "true", "--report-dir", dir.toString());
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("3 passed, 0 failed");
        List<String> versions = httpVersions();
        // The refused certificate never reached the upstream (no version); every other attempt came on an HTTP/2 stream.
        assertThat(versions).as(run.toString()).contains("2").containsOnly("2", null);
    }

    @Test
    void openaiJavaOverHttp2GetsTheVerdictItsRetryPolicyGives() throws IOException {
        requireJavaClients();
        // openai-java 4.101.0 RetryingHttpClient: retries status >= 500 and IOExceptions, 2 retries (docs/sdk-policies.md):
        // the 502 burst and the connection reset are covered, as over HTTP/1.1 (expected.tsv).
        CliRun run = CliRun.of("run", "bad-gateway-burst", "connection-reset", "--http2", "--stream", "false",
                "--client", "src/test/sdk/java-client OpenAiJavaClient", "--report-dir", dir.toString());
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("2 passed, 0 failed");
        assertThat(httpVersions()).as("OkHttp asks for h2 by ALPN").contains("2").doesNotContain("1.1");
    }

    @Test
    void theOpenaiNpmSdkIsServedOverHttp1ByTheSameGateway() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("src/test/sdk/node_modules/openai6")),
                "npm packages of src/test/sdk are not installed (run npm ci there)");
        CliRun run = CliRun.of("run", "bad-gateway-burst", "--http2", "--stream", "false",
                "--client", "node src/test/sdk/openai-node.mjs openai6", "--report-dir", dir.toString());
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(httpVersions()).as("Node's fetch offers only http/1.1 by ALPN").contains("1.1").doesNotContain("2");
    }

    private List<String> httpVersions() throws IOException {
        JsonNode report = JSON.readTree(Files.readString(dir.resolve("report.json")));
        List<String> versions = new ArrayList<>();
        for (JsonNode row : report.path("scenarios")) {
            for (JsonNode attempt : row.path("timeline")) {
                versions.add(attempt.path("http").isNull() ? null : attempt.path("http").asText());
            }
        }
        return versions;
    }

    private static void requireJavaClients() {
        Assumptions.assumeTrue(Files.isRegularFile(Path.of("target/sdk-client-classpath.txt")),
                "the Java SDK clients' class path is not written (mvn -pl harness -am test-compile writes it)");
    }
}
