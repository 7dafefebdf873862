package dev.chaosgate.tls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chaosgate.cli.CliRun;
import dev.chaosgate.cli.NodeRuntime;
import dev.chaosgate.testsupport.ParallelSafe;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code chaosgate run tls-inspection-untrusted} end to end: the gateway serves HTTPS, and the client is told to
 * trust its authority the usual ways (CHAOSGATE_CA_CERT, SSL_CERT_FILE, NODE_EXTRA_CA_CERTS, REQUESTS_CA_BUNDLE).
 * The bundled client refuses the inspecting proxy's certificate once and says who can help: PASS. The openai npm
 * SDK refuses it and retries twice (its {@code makeRequest} retries every failed fetch): RETRIED_NON_RETRYABLE.
 * The same SDK run the way people "fix" a certificate error, {@code NODE_TLS_REJECT_UNAUTHORIZED=0}, gets its
 * answer through the proxy: TLS_VERIFICATION_DISABLED. Two clients of the style corpus: one on {@code node:http}
 * never connects to an HTTPS URL, so the scenario tested nothing (FAULT_NOT_EXERCISED, never a pass); one on
 * {@code fetch} is refused at each of its three handshakes, so it met the fault.
 */
@ParallelSafe
@Timeout(120)
class RunOverHttpsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OPENAI_NODE = "node src/test/sdk/openai-node.mjs openai6";

    @TempDir
    Path dir;

    @Test
    void theBundledClientRefusesTheCertificateOnceAndPasses() throws IOException {
        CliRun run = CliRun.of("run", "tls-inspection-untrusted", "--report-dir", dir.toString());
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("PASS  1 attempt");
    }

    @Test
    void theBundledClientRefusesAMisnamedAndAnExpiredCertificateAndPasses() throws IOException {
        CliRun run = CliRun.of("run", "tls-wrong-host", "tls-certificate-expired", "--stream", "false", "--report-dir", dir.toString());
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("2 passed, 0 failed");
    }

    @Test
    void theOpenaiNpmSdkWithVerificationSwitchedOffTakesAMisnamedAndAnExpiredCertificateAndIsCaught() throws IOException {
        requireNodeSdk();
        CliRun run = CliRun.of("run", "tls-wrong-host", "tls-certificate-expired", "--client",
                "NODE_TLS_REJECT_UNAUTHORIZED=0 " + OPENAI_NODE, "--stream", "false", "--report-dir", dir.toString());
        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        JsonNode rows = JSON.readTree(Files.readString(dir.resolve("report.json"))).path("scenarios");
        assertThat(rows).hasSize(2);
        for (JsonNode row : rows) {
            assertThat(row.path("findings").findValuesAsText("code")).as(row.path("name").asText() + ": " + run)
                    .contains("TLS_VERIFICATION_DISABLED");
        }
    }

    @Test
    void theOpenaiNpmSdkRetriesTheRefusedCertificate() throws IOException {
        requireNodeSdk();
        CliRun run = CliRun.of("run", "tls-inspection-untrusted", "--client", OPENAI_NODE, "--stream", "false",
                "--report-dir", dir.toString());
        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(codes()).contains("RETRIED_NON_RETRYABLE").doesNotContain("TLS_VERIFICATION_DISABLED");
    }

    @Test
    void theOpenaiNpmSdkWithVerificationSwitchedOffIsCaught() throws IOException {
        requireNodeSdk();
        CliRun run = CliRun.of("run", "tls-inspection-untrusted", "--client", "NODE_TLS_REJECT_UNAUTHORIZED=0 " + OPENAI_NODE,
                "--stream", "false", "--report-dir", dir.toString());
        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(codes()).contains("TLS_VERIFICATION_DISABLED");
        assertThat(run.out()).contains("TLS_VERIFICATION_DISABLED");
    }

    /**
     * A client of the style corpus on {@code node:http}: {@code http.request} refuses an {@code https:} URL
     * ({@code ERR_INVALID_PROTOCOL}) before it opens a connection, so the handshake fault met nobody. A pass here
     * would be vacuous.
     */
    @Test
    void aClientThatNeverConnectsToTheHttpsGatewayDidNotExerciseTheScenario() throws IOException {
        Played played = playWrongHost("node src/test/corpus/good/equal-jitter-keepalive.mjs");
        assertThat(played.codes()).as(played.output()).containsExactly("FAULT_NOT_EXERCISED");
        assertThat(played.row().path("findings").findValuesAsText("message")).as(played.output())
                .anyMatch(m -> m.contains("never sent the user's prompt through the gateway"));
    }

    /**
     * A client of the style corpus on {@code fetch}: its careful app takes the refused certificate for a connection
     * failure and tries the handshake three times. It met the fault on each, so the scenario was exercised, and it
     * is judged for the retries and the message.
     */
    @Test
    void aClientRefusedAtTheHandshakeExercisedTheScenario() throws IOException {
        Played played = playWrongHost("node src/test/corpus/good/full-jitter.mjs");
        assertThat(played.row().path("attempts").asInt()).as(played.output()).isEqualTo(3);
        assertThat(played.codes()).as(played.output()).contains("RETRIED_NON_RETRYABLE").doesNotContain("FAULT_NOT_EXERCISED");
    }

    /** What {@code run} printed and the scenario's row of report.json. */
    private record Played(CliRun run, JsonNode row) {
        List<String> codes() {
            return row.path("findings").findValuesAsText("code");
        }

        String output() {
            return run.toString();
        }
    }

    /** {@code tls-wrong-host} played once, not streamed, with a Node client of the style corpus. */
    private Played playWrongHost(String client) throws IOException {
        NodeRuntime.assumeInstalled();
        CliRun run = CliRun.of("run", "tls-wrong-host", "--client", client, "--stream", "false", "--report-dir", dir.toString());
        return new Played(run, JSON.readTree(Files.readString(dir.resolve("report.json"))).path("scenarios").path(0));
    }

    private String codes() throws IOException {
        JsonNode report = JSON.readTree(Files.readString(dir.resolve("report.json")));
        return report.toString();
    }

    private static void requireNodeSdk() {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("src/test/sdk/node_modules/openai6")),
                "npm packages of src/test/sdk are not installed (run npm ci there)");
    }
}
