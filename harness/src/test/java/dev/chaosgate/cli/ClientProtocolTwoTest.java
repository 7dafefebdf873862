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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client protocol 2 end to end through {@code chaosgate run --client}: real client processes, the real gateway.
 * A client stopped at {@code --client-timeout} is judged on the texts it had printed; {@code PARTIAL:} lines
 * make a streamed answer the text shown; {@code CHAOSGATE_ORIGIN} is the base URL an SDK that appends
 * {@code /v1} itself needs.
 */
@ParallelSafe
@Timeout(180)
class ClientProtocolTwoTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STREAMING = "node " + NodeClientRunTest.NODE_CLIENTS.resolve("streaming-client.mjs");

    @TempDir
    Path dir;

    @Test
    void aClientStoppedWhileWaitingIsJudgedOnTheTextsItHadPrinted() throws IOException {
        assumeTrue(CommandClientTest.runs("curl", "--version"), "curl is not installed");
        // Shows a raw error, then a notice, starts an answer it never finishes (no newline either), and waits on a
        // stream that stalls for minutes, with no timeout of its own.
        String client = "echo 'SHOWN: {\"error\":{\"message\":\"Bad gateway\",\"type\":\"server_error\",\"code\":502}}';"
                + " echo 'SHOWN: Still thinking…'; printf 'PARTIAL: Half a sen';"
                + " curl -sN \"$CHAOSGATE_BASE_URL/chat/completions\" -H 'content-type: application/json'"
                + " -d \"{\\\"model\\\":\\\"gpt-4o-mini\\\",\\\"stream\\\":true,\\\"messages\\\":[{\\\"role\\\":\\\"user\\\",\\\"content\\\":\\\"$CHAOSGATE_PROMPT\\\"}]}\""
                + " > /dev/null";

        CliRun run = CliRun.of("run", "stream-stall", "--client", client, "--client-timeout", "4", "--report-dir", dir.toString());

        assertThat(run.exit()).as(run.toString()).isEqualTo(RunCommand.EXIT_FAILED);
        JsonNode scenario = scenario(0);
        assertThat(scenario.path("clientStoppedAfterMs").asLong()).isEqualTo(4000);
        assertThat(texts(scenario.path("shown"))).as("every text printed before the kill, the unfinished line too")
                .containsExactly("{\"error\":{\"message\":\"Bad gateway\",\"type\":\"server_error\",\"code\":502}}",
                        "Still thinking…", "Half a sen");
        assertThat(scenario.path("timeline").size()).as("its request reached the gateway").isEqualTo(1);
        assertThat(codes(scenario)).as(run.out()).contains("CLIENT_HUNG", "RAW_ERROR_SHOWN");
        assertThat(evidence(scenario, "CLIENT_HUNG")).anyMatch(e -> e.startsWith("on screen when stopped: \"Half a sen\" (at ")
                && e.endsWith(", partial)"));
        JsonNode screen = scenario.path("screen");
        assertThat(screen.get(2).path("partial").asBoolean()).isTrue();
        assertThat(screen.get(1).path("partial").asBoolean()).isFalse();
        long notice = screen.get(1).path("shownMs").asLong();
        assertThat(notice).as("the notice was on screen before the client was stopped, while it waited")
                .isBetween(0L, 4000L);
    }

    @Test
    void aNodeClientStoppedMidStreamIsJudgedOnItsPartialAnswer() throws IOException {
        nodeClients();

        CliRun run = CliRun.of("run", "stream-stall", "--client", STREAMING, "--client-timeout", "8", "--report-dir", dir.toString());

        assertThat(run.exit()).as(run.toString()).isEqualTo(RunCommand.EXIT_FAILED);
        JsonNode scenario = scenario(0);
        String partial = lastPartial(scenario);
        assertThat(partial).as("the client printed part of the answer before the stall").isNotBlank();
        assertThat(texts(scenario.path("shown"))).containsExactly(partial);
        assertThat(scenario.path("screen").get(0).path("partial").asBoolean()).isTrue();
        assertThat(codes(scenario)).containsExactly("CLIENT_HUNG");
        assertThat(evidence(scenario, "CLIENT_HUNG")).anyMatch(e -> e.startsWith("on screen when stopped: \"" + partial + "\""));
    }

    @Test
    void aCutStreamLeftOnScreenIsJudgedOnItsPartialText() throws IOException {
        nodeClients();

        CliRun run = CliRun.of("run", "stream-cut-mid-answer", "--client", STREAMING, "--report-dir", dir.toString());

        assertThat(run.exit()).as(run.toString()).isEqualTo(RunCommand.EXIT_FAILED);
        JsonNode scenario = scenario(0);
        String partial = lastPartial(scenario);
        assertThat(partial).isNotBlank();
        assertThat(texts(scenario.path("shown"))).as("PARTIAL lines only: the last one is the text shown").containsExactly(partial);
        // taking the cut text for the whole answer, it also cleared the composer
        assertThat(codes(scenario)).containsExactly("PROMPT_LOST", "TRUNCATION_UNDETECTED");
        assertThat(evidence(scenario, "TRUNCATION_UNDETECTED")).contains("shown: \"" + partial + "\"");
    }

    @Test
    void aStreamingClientThatMarksTheCutPassesAndItsCompleteAnswerIsShownOnce() throws IOException {
        nodeClients();

        CliRun run = CliRun.of("run", "stream-cut-mid-answer", "bad-gateway-burst", "--client", STREAMING + " --mark-interrupted",
                "--report-dir", dir.toString());

        assertThat(run.exit()).as(run.toString()).isZero();
        JsonNode cut = scenario(0);
        String partial = lastPartial(cut);
        assertThat(texts(cut.path("shown"))).containsExactly(partial,
                "The response was interrupted before its end. Press Regenerate to try again; your prompt is kept.");
        assertThat(cut.path("screen").get(0).path("partial").asBoolean()).isTrue();
        JsonNode burst = scenario(1);
        assertThat(burst.path("timeline").findValuesAsText("status"))
                .as("built from CHAOSGATE_ORIGIN, the SDK's URL reached the gateway, which it retried")
                .containsExactly("502", "502", "200");
        assertThat(burst.path("shown").size()).as("the SHOWN line equal to the partial text completed it: one text")
                .isEqualTo(1);
        assertThat(burst.path("screen").get(0).path("partial").asBoolean()).isFalse();
        assertThat(burst.path("shown").get(0).asText()).isEqualTo(lastPartial(burst));
    }

    @Test
    void runHelpDescribesVersionTwo() {
        CliRun run = CliRun.of("run", "--help");

        // read as text: where the help wraps its lines is not the point here
        assertThat(run.out().replaceAll("\\s+", " ")).contains("The client protocol (version 2", "CHAOSGATE_ORIGIN", "CHAOSGATE_PROTOCOL=2",
                "`PARTIAL: <text>`", "a client stopped at --client-timeout is judged on what it had printed");
    }

    private static void nodeClients() {
        NodeRuntime.assumeInstalled();
        assumeTrue(Files.isDirectory(NodeClientRunTest.NODE_CLIENTS.resolve("node_modules/openai")),
                "the openai npm package is not installed: run `npm ci --prefix harness/src/test/node` (`.ci/run` does)");
    }

    private JsonNode scenario(int index) throws IOException {
        return JSON.readTree(dir.resolve("report.json").toFile()).path("scenarios").get(index);
    }

    /** The text of the client's last PARTIAL line, as it printed it (clientOutput keeps the last of a run). */
    private static String lastPartial(JsonNode scenario) {
        String last = null;
        for (JsonNode line : scenario.path("clientOutput")) {
            if (line.asText().startsWith("PARTIAL: ")) {
                last = line.asText().substring("PARTIAL: ".length());
            }
        }
        assertThat(last).as("a PARTIAL line in %s", scenario.path("clientOutput")).isNotNull();
        return last;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(node -> out.add(node.asText()));
        return out;
    }

    private static List<String> codes(JsonNode scenario) {
        return scenario.path("findings").findValuesAsText("code");
    }

    private static List<String> evidence(JsonNode scenario, String code) {
        for (JsonNode finding : scenario.path("findings")) {
            if (finding.path("code").asText().equals(code)) {
                return texts(finding.path("evidence"));
            }
        }
        return List.of();
    }
}
