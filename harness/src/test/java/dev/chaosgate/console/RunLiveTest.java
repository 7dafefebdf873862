package dev.chaosgate.console;

import dev.chaosgate.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code chaosgate run --upstream URL}: the scenario's faults come from chaosgate, every other request goes to the
 * API at URL (a local stand-in here) with the client's key, and the key is in none of the reports.
 */
@Timeout(120)
class RunLiveTest {
    @TempDir
    Path dir;

    @Test
    void theFaultsComeFromChaosgateAndTheAnswerFromTheRealApiWithTheKeyStoredNowhere() throws IOException {
        try (StandInApi api = new StandInApi()) {
            CliRun run = CliRun.of("run", "bad-gateway-burst", "--stream", "false", "--upstream", api.baseUrl().toString(),
                    "--report-dir", dir.toString());

            assertThat(run.exit()).as(run.toString()).isZero();
            assertThat(run.out()).contains("1 passed, 0 failed");
            // bad-gateway-burst: two 502s from chaosgate, then the answer, which only the stand-in gave.
            assertThat(api.received).as("requests the stand-in API got").hasSize(1);
            assertThat(api.received.get(0).header("authorization")).isEqualTo("Bearer sk-chaosgate-reference");
            for (String report : new String[]{"report.json", "junit.xml", "report.html"}) {
                assertThat(Files.readString(dir.resolve(report))).as(report).doesNotContain("sk-chaosgate-reference");
            }
        }
    }

    @Test
    void anUpstreamThatIsNoUrlIsAUsageError() {
        CliRun run = CliRun.of("run", "bad-gateway-burst", "--upstream", "api.openai.com/v1", "--report-dir", dir.toString());
        assertThat(run.exit()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("--upstream: ");
    }
}
