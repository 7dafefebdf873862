package dev.chaosgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chaosgate.testsupport.ParallelSafe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chaosgate run --client} against chat clients written in Node with the official {@code openai}
 * npm package (harness/src/test/node; `.ci/run` installs it with {@code npm ci}).
 */
@ParallelSafe
@Timeout(180)
class NodeClientRunTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Surefire runs in the harness module directory. */
    static final Path NODE_CLIENTS = Path.of("src/test/node").toAbsolutePath();
    static final String GOOD = "node " + NODE_CLIENTS.resolve("chaosgate-client.mjs");
    static final String NAIVE = "node " + NODE_CLIENTS.resolve("naive-client.mjs");

    @TempDir
    Path dir;

    @BeforeAll
    static void nodeAndTheOpenAiPackageAreThere() throws Exception {
        NodeRuntime.assumeInstalled();
        assumeTrue(Files.isDirectory(NODE_CLIENTS.resolve("node_modules/openai")),
                "the openai npm package is not installed: run `npm ci --prefix harness/src/test/node` (`.ci/run` does)");
    }

    @Test
    void aCarefulNodeClientPassesRetryableNonRetryableAndStreamScenarios() throws IOException {
        CliRun run = CliRun.of("run", "bad-gateway-burst", "access-denied-1020", "rate-limited-tokens",
                "quota-exhausted", "stream-cut-mid-answer", "--client", GOOD, "--report-dir", dir.toString());

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("5 passed, 0 failed, 0 skipped");
        JsonNode report = JSON.readTree(dir.resolve("report.json").toFile());
        assertThat(report.path("client").asText()).isEqualTo(GOOD);
        List<String> verdicts = new ArrayList<>();
        report.path("scenarios").forEach(scenario -> verdicts.add(scenario.path("verdict").asText()));
        assertThat(verdicts).containsExactly("PASS", "PASS", "PASS", "PASS", "PASS");
        JsonNode burst = report.path("scenarios").get(0);
        assertThat(burst.path("timeline").findValuesAsText("status")).as("the SDK retried both 502s")
                .containsExactly("502", "502", "200");
        assertThat(burst.path("clientOutput").toString()).contains("DRAFT:");
    }

    @Test
    void aNaiveNodeClientFailsWithTheFindingsOfItsBugs() throws IOException {
        CliRun run = CliRun.of("run", "bad-gateway-burst", "stream-cut-mid-answer", "--client", NAIVE,
                "--report-dir", dir.toString());

        assertThat(run.exit()).as(run.toString()).isEqualTo(RunCommand.EXIT_FAILED);
        assertThat(run.out()).contains("0 passed, 2 failed")
                .containsPattern("bad-gateway-burst +FAIL +\\d+ +[\\d.]+ s +NO_RETRY, PROMPT_LOST, RAW_ERROR_SHOWN")
                .containsPattern("stream-cut-mid-answer +FAIL .*TRUNCATION_UNDETECTED");
        JsonNode report = JSON.readTree(dir.resolve("report.json").toFile());
        assertThat(report.path("summary").path("failed").asInt()).isEqualTo(2);
        JsonNode burst = report.path("scenarios").get(0);
        assertThat(burst.path("verdict").asText()).isEqualTo("FAIL");
        assertThat(burst.path("attempts").asInt()).isEqualTo(1);
        assertThat(burst.path("findings").findValuesAsText("code")).containsExactly("NO_RETRY", "PROMPT_LOST", "RAW_ERROR_SHOWN");
        assertThat(Files.readString(dir.resolve("junit.xml"))).contains("failures=\"2\"").contains("type=\"NO_RETRY,");
    }
}
