package dev.chaosgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chaosgate run black-hole-timeout} with a shell client on curl (any language, as the CLI promises):
 * the link counts the attempts the black hole swallowed, which used to give a hammering client "PASS, 0 attempts".
 */
@Timeout(120)
class RunLinkOnlyAttemptsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** One chat request with curl, abandoned after {@code $1} seconds (curl closes its connection). */
    private static final String SEND = "send() { curl -s -o /dev/null -m \"$1\" -H 'content-type: application/json'"
            + " -d \"{\\\"model\\\":\\\"gpt-4o-mini\\\",\\\"messages\\\":[{\\\"role\\\":\\\"user\\\",\\\"content\\\":\\\"$CHAOSGATE_PROMPT\\\"}]}\""
            + " \"$CHAOSGATE_BASE_URL/chat/completions\"; }; ";
    private static final String GIVE_UP = "printf 'SHOWN: The connection to the AI service timed out. Your message is kept, try again shortly.\\nDRAFT: %s\\n'"
            + " \"$CHAOSGATE_PROMPT\"";

    @TempDir
    Path dir;

    @BeforeAll
    static void curlIsThere() throws Exception {
        boolean found;
        try {
            found = new ProcessBuilder("curl", "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException e) {
            found = false;
        }
        assumeTrue(found, "curl is not installed: these tests drive the CLI with a curl client");
    }

    @Test
    void aClientHammeringTheBlackHoleFailsWithTooManyAttemptsAndNoBackoff() throws IOException {
        CliRun run = CliRun.of("run", "black-hole-timeout", "--report-dir", dir.toString(),
                "--client", SEND + "for i in 1 2 3 4 5 6; do send 2; done; " + GIVE_UP);

        assertThat(run.exit()).as(run.toString()).isEqualTo(RunCommand.EXIT_FAILED);
        assertThat(run.out()).as(run.toString()).contains("FAIL  NO_BACKOFF, TOO_MANY_ATTEMPTS");
        JsonNode scenario = JSON.readTree(dir.resolve("report.json").toFile()).path("scenarios").get(0);
        assertThat(scenario.path("attempts").asInt()).isEqualTo(6);
        assertThat(Files.readString(dir.resolve("junit.xml"))).contains("TOO_MANY_ATTEMPTS");
    }

    @Test
    void aClientThatTriesTwiceWithAPauseAndGivesUpWithConnectionGuidancePasses() {
        CliRun run = CliRun.of("run", "black-hole-timeout", "--report-dir", dir.toString(),
                "--client", SEND + "send 2; sleep 0.6; send 2; " + GIVE_UP);

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).as(run.toString()).contains("PASS  2 attempts");
    }
}
