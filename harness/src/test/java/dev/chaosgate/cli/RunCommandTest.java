package dev.chaosgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.scenario.ScenarioCatalog;
import dev.chaosgate.testsupport.ParallelSafe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code chaosgate list} and {@code chaosgate run}, end to end in process: real gateways, real clients. */
@ParallelSafe
@Timeout(120)
class RunCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;

    @Test
    void listPrintsEveryBuiltInScenarioOnOneLineNameFirst() {
        CliRun list = CliRun.of("list");

        assertThat(list.exit()).isZero();
        List<String> lines = list.out().lines().toList();
        List<Scenario> catalog = ScenarioCatalog.builtIn().all();
        assertThat(lines).hasSize(catalog.size());
        for (int i = 0; i < catalog.size(); i++) {
            Scenario scenario = catalog.get(i);
            assertThat(lines.get(i)).startsWith(scenario.name() + " ")
                    .contains(scenario.description().replaceAll("\\s+", " ").strip() + "  [");
        }
    }

    @Test
    void listFiltersByTag() {
        CliRun list = CliRun.of("list", "--tag", "stream");

        assertThat(list.exit()).isZero();
        assertThat(list.out().lines().map(l -> l.split(" ")[0]).toList())
                .contains("stream-cut-mid-answer", "stream-stall").doesNotContain("bad-gateway-burst");
    }

    @Test
    void runJudgesTheBundledWellBehavedClientAndPasses() throws IOException {
        CliRun run = CliRun.of("run", "bad-gateway-burst", "access-denied-1020", "stream-cut-mid-answer",
                "--report-dir", dir.toString());

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("against bundled well-behaved reference client")
                .contains("[1/3] bad-gateway-burst").contains("PASS  3 attempts")
                .contains("[2/3] access-denied-1020").contains("PASS  1 attempt,")
                .contains("3 passed, 0 failed, 0 skipped")
                .contains("reports: " + dir.resolve("report.json"));
        assertThat(run.err()).isEmpty();

        JsonNode report = JSON.readTree(dir.resolve("report.json").toFile());
        assertThat(report.path("client").asText()).isEqualTo("bundled well-behaved reference client");
        assertThat(report.path("summary").path("passed").asInt()).isEqualTo(3);
        JsonNode burst = report.path("scenarios").get(0);
        assertThat(burst.path("name").asText()).isEqualTo("bad-gateway-burst");
        assertThat(burst.path("verdict").asText()).isEqualTo("PASS");
        assertThat(burst.path("attempts").asInt()).isEqualTo(3);
        assertThat(burst.path("findings")).isEmpty();
        assertThat(burst.path("timeline").findValuesAsText("status")).containsExactly("502", "502", "200");
        assertThat(Files.readString(dir.resolve("junit.xml"))).contains("tests=\"3\"").contains("failures=\"0\"");
        assertThat(Files.readString(dir.resolve("report.html"))).contains("<svg").contains("bad-gateway-burst");
    }

    @Test
    void streamBothPlaysEachScenarioInBothModesAsRowsOfTheirOwnAndTheClientIsAskedAccordingly() throws IOException {
        // The client says which mode it was asked for; each row must have been asked for its own.
        CliRun run = CliRun.of("run", "bad-gateway-single", "stream-cut-mid-answer", "--stream", "both", "--parallel", "3",
                "--report-dir", dir.toString(), "--client", "printf 'SHOWN: stream=%s\\nDRAFT: \\n' \"$CHAOSGATE_STREAM\"");

        assertThat(run.out()).as(run.toString()).contains("2 scenarios, 3 rows (non-streamed and streamed; 1 stream-specific,"
                + " played streamed only)").contains(", 3 rows at a time");
        assertThat(run.out()).containsPattern("\\[1/3] bad-gateway-single +FAIL").containsPattern("\\[2/3] bad-gateway-single \\[stream] +FAIL")
                .containsPattern("\\[3/3] stream-cut-mid-answer +FAIL");
        JsonNode rows = JSON.readTree(dir.resolve("report.json").toFile()).path("scenarios");
        assertThat(rows.findValuesAsText("name")).containsExactly("bad-gateway-single", "bad-gateway-single", "stream-cut-mid-answer");
        assertThat(rows.findValues("stream")).extracting(JsonNode::asBoolean).containsExactly(false, true, true);
        assertThat(rows.findValues("clientOutput")).extracting(o -> o.get(0).asText())
                .containsExactly("SHOWN: stream=false", "SHOWN: stream=true", "SHOWN: stream=true");
        assertThat(Files.readString(dir.resolve("junit.xml"))).contains("name=\"bad-gateway-single\"")
                .contains("name=\"bad-gateway-single [stream]\"").contains("name=\"stream-cut-mid-answer\"");
        assertThat(Files.readString(dir.resolve("report.html"))).contains(">bad-gateway-single [stream]</a>")
                .contains("CHAOSGATE_STREAM=true").contains("CHAOSGATE_STREAM=false");
    }

    @Test
    void namedScenariosArePlayedOnceByDefaultNotStreamedUnlessTheirFaultsAreStreamOnly() throws IOException {
        CliRun run = CliRun.of("run", "bad-gateway-single", "stream-cut-mid-answer", "--report-dir", dir.toString(),
                "--client", "printf 'SHOWN: stream=%s\\nDRAFT: \\n' \"$CHAOSGATE_STREAM\"");

        assertThat(run.out()).as(run.toString()).startsWith("chaosgate run: 2 scenarios against printf")
                .contains("[1/2] bad-gateway-single  ").contains("[2/2] stream-cut-mid-answer  ");
        JsonNode rows = JSON.readTree(dir.resolve("report.json").toFile()).path("scenarios");
        assertThat(rows.findValues("clientOutput")).extracting(o -> o.get(0).asText())
                .containsExactly("SHOWN: stream=false", "SHOWN: stream=true");
    }

    @Test
    void streamTrueAsksEveryRowForAStream() throws IOException {
        CliRun run = CliRun.of("run", "bad-gateway-single", "--stream", "TRUE", "--report-dir", dir.toString());

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("1 scenario, 1 row (streamed)").contains("[1/1] bad-gateway-single [stream]");
        JsonNode row = JSON.readTree(dir.resolve("report.json").toFile()).path("scenarios").get(0);
        assertThat(row.path("stream").asBoolean()).isTrue();
        // The bundled client honoured the mode: the answer that ended the action was a stream.
        assertThat(row.path("timeline").findValuesAsText("status")).containsExactly("502", "200");
    }

    @Test
    void allPlaysInParallelButReportsInCatalogOrderWithEveryRowOnce() throws IOException {
        CliRun run = CliRun.of("run", "--all", "--tag", "429", "--parallel", "4", "--report-dir", dir.toString());

        List<String> expected = new java.util.ArrayList<>();
        for (Scenario scenario : ScenarioCatalog.builtIn().all()) {
            if (!scenario.tags().contains("429")) {
                continue;
            }
            expected.add(scenario.name());
            if (!dev.chaosgate.scenario.StreamMode.streamOnly(scenario)) {
                expected.add(scenario.name() + " [stream]");
            }
        }
        JsonNode rows = JSON.readTree(dir.resolve("report.json").toFile()).path("scenarios");
        List<String> labels = new java.util.ArrayList<>();
        rows.forEach(r -> labels.add(dev.chaosgate.scenario.StreamMode.of(r.path("stream").asBoolean())
                .label(ScenarioCatalog.builtIn().get(r.path("name").asText()))));
        assertThat(labels).as(run.toString()).isEqualTo(expected);
        // Each row's progress line once, whole: position, label, verdict on one line.
        for (int i = 0; i < expected.size(); i++) {
            String position = String.format("[%" + String.valueOf(expected.size()).length() + "d/%d] ", i + 1, expected.size());
            assertThat(run.out().lines().filter(l -> l.startsWith(position)).toList()).as(run.out()).singleElement().asString()
                    .containsPattern(java.util.regex.Pattern.quote(position + expected.get(i)) + " +(PASS|FAIL|SKIPPED)");
        }
        assertThat(run.exit()).as(run.toString()).isZero();
    }

    /** A client that ignores CHAOSGATE_STREAM plays its one code path twice: the stream row says so, without failing. */
    @Test
    void aStreamRowWhoseRequestsNeverAskedForAStreamCarriesANote() throws IOException {
        NodeRuntime.assumeInstalled();
        String neverStreams = "node -e \"fetch(process.env.CHAOSGATE_BASE_URL + '/chat/completions', {method: 'POST',"
                + " headers: {'content-type': 'application/json', authorization: 'Bearer ' + process.env.OPENAI_API_KEY},"
                + " body: JSON.stringify({model: 'gpt-4o-mini', messages: [{role: 'user', content: process.env.CHAOSGATE_PROMPT}]})})"
                + ".then(r => r.text()).then(() => console.log('SHOWN: Access to the service is blocked.\\\\nDRAFT: ' + process.env.CHAOSGATE_PROMPT))\"";

        CliRun run = CliRun.of("run", "access-denied-1020", "--stream", "both", "--report-dir", dir.toString(), "--client", neverStreams);

        JsonNode rows = JSON.readTree(dir.resolve("report.json").toFile()).path("scenarios");
        assertThat(rows.findValuesAsText("attempts")).as(run.toString()).containsExactly("1", "1");
        assertThat(rows.get(0).path("note").asText()).as(run.toString()).isEmpty();
        assertThat(rows.get(1).path("note").asText()).isEqualTo("the client was asked to stream (CHAOSGATE_STREAM=true), but none"
                + " of its requests asked for a stream (\"stream\": true): this row played its non-streamed code path");
        assertThat(run.out()).contains("        note: the client was asked to stream");
    }

    @Test
    void aClientThatCrashesOnlyWhenStreamingIsAUsageErrorNamingTheStreamRow() {
        CliRun run = CliRun.of("run", "bad-gateway-single", "--stream", "both", "--report-dir", dir.toString(),
                "--client", "if [ \"$CHAOSGATE_STREAM\" = true ]; then echo 'stream: boom' >&2; exit 3; fi; printf 'SHOWN: hi\\nDRAFT: \\n'");

        assertThat(run.exit()).as(run.toString()).isEqualTo(ChaosgateCli.EXIT_USAGE);
        assertThat(run.errLines()).containsExactly("chaosgate run: the client crashed in scenario bad-gateway-single (exit code 3:"
                + " stream: boom) without a SHOWN: or DRAFT: line; the reports keep the last lines of its stderr"
                + " (in the stream row: CHAOSGATE_STREAM=true)");
    }

    @Test
    void aClientThatNeverSendsThePromptFailsTheRunWithExitCode1() throws IOException {
        CliRun run = CliRun.of("run", "bad-gateway-single", "--report-dir", dir.toString(),
                "--client", "printf 'SHOWN: Something went wrong\\nDRAFT: \\n'");

        assertThat(run.exit()).as(run.toString()).isEqualTo(RunCommand.EXIT_FAILED);
        assertThat(run.out()).contains("FAIL  FAULT_NOT_EXERCISED").contains("0 passed, 1 failed");
        assertThat(Files.readString(dir.resolve("junit.xml"))).contains("<failure").contains("FAULT_NOT_EXERCISED");
    }

    @Test
    void allWithOneUserSkipsTheScenariosThatNeedConcurrentUsersAndSaysWhy() throws IOException {
        CliRun run = CliRun.of("run", "--all", "--tag", "load", "--users", "1", "--report-dir", dir.toString());

        assertThat(run.exit()).as("nothing was judged, so nothing passed\n" + run).isEqualTo(1);
        assertThat(run.out()).contains("overloaded-under-concurrency", "rate-limit-window")
                .contains("SKIPPED  needs several users at once").contains("0 passed, 0 failed, 2 skipped");
        assertThat(JSON.readTree(dir.resolve("report.json").toFile()).path("scenarios").findValuesAsText("verdict"))
                .containsExactly("SKIPPED", "SKIPPED");
    }

    @Test
    void aScenarioNeedingConcurrentUsersNamedWithOneUserIsPlayedAndJudgedVacuous() {
        CliRun run = CliRun.of("run", "rate-limit-window", "--users", "1", "--report-dir", dir.toString());

        assertThat(run.out()).as(run.toString()).contains("[1/1] rate-limit-window").doesNotContain("SKIPPED");
        assertThat(run.exit()).isEqualTo(RunCommand.EXIT_FAILED);
        assertThat(run.out()).contains("FAULT_NOT_EXERCISED");
    }

    @Test
    void aScenarioFileCanBeRunByPath() throws IOException {
        Path file = Files.writeString(dir.resolve("my-burst.yaml"), """
                name: my-burst
                description: Two 503s, then normal answers.
                phases:
                  - name: burst
                    requests: 2
                    upstream:
                      status: 503
                  - name: recovered
                expect:
                  outcome: succeeds
                  retry: true
                """);
        CliRun run = CliRun.of("run", file.toString(), "--report-dir", dir.resolve("reports").toString());

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("[1/1] my-burst").contains("PASS  3 attempts");
    }

    @Test
    void aClientStillRunningAtItsTimeoutIsStoppedAndJudgedOnWhatItDid() {
        long start = System.nanoTime();
        CliRun run = CliRun.of("run", "bad-gateway-single", "--report-dir", dir.toString(),
                "--client", "echo 'SHOWN: thinking'; sleep 30", "--client-timeout", "1");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        assertThat(run.exit()).as(run.toString()).isEqualTo(RunCommand.EXIT_FAILED);
        assertThat(run.out()).contains("note: the client was stopped after 1 s (--client-timeout)");
    }

    // ---- bad input: one line on stderr naming the problem and the fix, exit code 2, no stack trace

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "unknown scenario         | run bad-gatway                      | no scenario named 'bad-gatway'; did you mean 'bad-gateway-burst'?",
            "unknown option           | run --al                            | Unknown option: '--al'; did you mean --all?",
            "nothing chosen           | run                                 | Give scenario names (see `chaosgate list`) or --all",
            "names and --all          | run --all bad-gateway-burst         | Give scenario names or --all, not both",
            "tag without --all        | run bad-gateway-burst --tag 429     | --tag selects among --all; give --all with it",
            "unknown tag              | run --all --tag nope                | no built-in scenario has the tag 'nope'",
            "seed not a number        | run bad-gateway-burst --seed x      | --seed: 'x' is not a whole number, e.g. --seed 42",
            "timeout below one second | run bad-gateway-burst --client-timeout 0 | --client-timeout must be at least 1 second, got 0",
            "missing scenario file    | run /nowhere/missing.yaml           | /nowhere/missing.yaml",
            "stream mode unknown      | run bad-gateway-burst --stream yes  | --stream takes true, false or both, got 'yes'",
            "parallel zero            | run bad-gateway-burst --parallel 0  | --parallel must be between 1 and 32, got 0",
    })
    void badInputIsAOneLineUsageError(String description, String command, String expected) {
        CliRun run = CliRun.of(command.split(" "));

        assertThat(run.exit()).as(run.toString()).isEqualTo(ChaosgateCli.EXIT_USAGE);
        assertThat(run.errLines()).as(run.toString()).hasSize(1);
        assertThat(run.errLines().get(0)).startsWith("chaosgate run: ").contains(expected)
                .doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aReportDirThatCannotBeMadeIsAUsageErrorBeforeAnythingRuns() throws IOException {
        Path file = Files.writeString(dir.resolve("taken"), "a file, not a directory");

        CliRun run = CliRun.of("run", "bad-gateway-single", "--report-dir", file.toString());

        assertThat(run.exit()).as(run.toString()).isEqualTo(ChaosgateCli.EXIT_USAGE);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.errLines().get(0)).startsWith("chaosgate run: the report directory " + file)
                .contains("a file is in the way").contains("choose another with --report-dir");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aClientCommandThatDoesNotExistIsAUsageError() {
        CliRun run = CliRun.of("run", "bad-gateway-single", "--report-dir", dir.toString(),
                "--client", "no-such-chat-client --flag");

        assertThat(run.exit()).as(run.toString()).isEqualTo(ChaosgateCli.EXIT_USAGE);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.errLines().get(0)).startsWith("chaosgate run: the client command was not found")
                .contains("no-such-chat-client: not found").contains("check the command given to --client");
    }

    @Test
    void aClientThatCrashesWithoutReportingIsAUsageErrorNamingTheScenario() {
        CliRun run = CliRun.of("run", "bad-gateway-single", "access-denied-1020", "--report-dir", dir.toString(),
                "--client", "echo 'TypeError: boom' >&2; exit 3");

        assertThat(run.exit()).as(run.toString()).isEqualTo(ChaosgateCli.EXIT_USAGE);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.errLines().get(0)).isEqualTo("chaosgate run: the client crashed in scenario bad-gateway-single"
                + " (exit code 3: TypeError: boom) without a SHOWN: or DRAFT: line; the reports keep the last lines of its stderr");
        assertThat(run.out()).doesNotContain("access-denied-1020");
    }

    @Test
    void aClientThatExitsNonZeroAfterReportingIsJudgedWithANote() {
        CliRun run = CliRun.of("run", "access-denied-1020", "--report-dir", dir.toString(),
                "--client", "printf 'SHOWN: x\\nDRAFT: \\n'; exit 4");

        assertThat(run.out()).as(run.toString()).contains("note: the client exited with code 4");
        assertThat(run.exit()).isEqualTo(RunCommand.EXIT_FAILED);
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : List.of("list", "run", "serve", "validate", "toxiproxy-server", "help")) {
            CliRun help = CliRun.of(command, "--help");
            assertThat(help.exit()).as(command).isZero();
            assertThat(help.out()).as(command).contains("Usage: chaosgate " + command).contains("--help");
        }
        assertThat(CliRun.of("generate-completion").out()).contains("list", "run", "validate", "toxiproxy-server", "help");
    }
}
