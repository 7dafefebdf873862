package dev.chaosgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chaosgate.testsupport.ParallelSafe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reports are never lost: a run that stops early (a crashed client, Ctrl-C) says so in every report instead of
 * passing for an empty green run, a usage error leaves an earlier run's reports as they were, a run that judged
 * nothing is not green, and a crashed client's reports say why it crashed. Real runs of the command line, real
 * client processes, real files.
 */
@ParallelSafe
class RunReportsKeptTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aRunWhoseClientCrashesMarksTheReportsIncompleteInsteadOfAnEmptyGreenRun() throws IOException {
        CliRun passing = CliRun.of("run", "access-denied-1020", "--report-dir", dir.toString());
        assertThat(passing.exit()).as(passing.toString()).isZero();

        CliRun crashing = CliRun.of("run", "quota-exhausted", "bad-gateway-burst", "--client", "exit 3",
                "--report-dir", dir.toString());

        assertThat(crashing.exit()).as(crashing.toString()).isEqualTo(ChaosgateCli.EXIT_USAGE);
        JsonNode report = JSON.readTree(dir.resolve("report.json").toFile());
        assertThat(report.path("complete").asBoolean(true)).as("report.json complete; %s", report).isFalse();
        assertThat(report.path("stoppedBecause").asText()).isEqualTo("the client crashed in quota-exhausted");
        assertThat(report.path("summary").path("total").asInt()).as("rows in the report, not 0: %s", report).isEqualTo(2);
        assertThat(report.path("summary").path("errors").asInt()).isEqualTo(2);
        assertThat(report.path("summary").path("passed").asInt()).isZero();
        assertThat(report.path("scenarios").findValuesAsText("verdict")).containsExactly("ERROR", "ERROR");
        assertThat(report.path("scenarios").get(0).path("note").asText())
                .startsWith("the client crashed in scenario quota-exhausted (exit code 3)");
        assertThat(report.path("scenarios").get(1).path("note").asText())
                .isEqualTo("not played: the run stopped before it (the client crashed in quota-exhausted)");

        String junit = Files.readString(dir.resolve("junit.xml"));
        assertThat(junit).as("junit.xml").contains("tests=\"2\"", "errors=\"2\"", "failures=\"0\"",
                "<property name=\"complete\" value=\"false\"/>", "<error type=\"not-run\"")
                .doesNotContain("tests=\"0\"", "<failure");
        assertThat(junit.split("<error ", -1)).as("one <error> per row:\n%s", junit).hasSize(3);

        String html = Files.readString(dir.resolve("report.html"));
        assertThat(html).as("report.html header").contains("<span class=\"badge big fail\">INCOMPLETE</span>")
                .contains("This run is incomplete:</strong> the client crashed in quota-exhausted")
                .doesNotContain("badge big pass", "PASSED");
    }

    @Test
    void aUsageErrorLeavesAnEarlierRunsReportsByteForByte() throws IOException {
        CliRun passing = CliRun.of("run", "access-denied-1020", "--report-dir", dir.toString());
        assertThat(passing.exit()).as(passing.toString()).isZero();
        Map<String, byte[]> before = CliProcess.snapshot(dir);
        assertThat(before).containsOnlyKeys("report.json", "junit.xml", "report.html");

        List<List<String>> usageErrors = List.of(
                List.of("run", "access-denied-1020", "--client", "no-such-chat-client --flag"),
                List.of("run", "no-such-scenario"),
                List.of("run", "access-denied-1020", "--parallel", "0"),
                List.of("run", "access-denied-1020", "--stream", "yes"));
        for (List<String> args : usageErrors) {
            List<String> full = new java.util.ArrayList<>(args);
            full.addAll(List.of("--report-dir", dir.toString()));
            CliRun run = CliRun.of(full.toArray(String[]::new));

            assertThat(run.exit()).as("%s\n%s", args, run).isEqualTo(ChaosgateCli.EXIT_USAGE);
            Map<String, byte[]> after = CliProcess.snapshot(dir);
            assertThat(after.keySet()).as("files after %s", args).isEqualTo(before.keySet());
            for (String file : before.keySet()) {
                // As text: the reports are text, and a diff of text reads better than one of bytes.
                assertThat(new String(after.get(file), java.nio.charset.StandardCharsets.UTF_8))
                        .as("%s after `%s`", file, String.join(" ", args))
                        .isEqualTo(new String(before.get(file), java.nio.charset.StandardCharsets.UTF_8));
                assertThat(after.get(file)).as("%s after `%s`, byte for byte", file, String.join(" ", args)).isEqualTo(before.get(file));
            }
        }
    }

    @Test
    void aRunThatJudgedNothingIsNotGreen() throws IOException {
        // One user cannot exercise the crowd scenarios: --all skips them then.
        CliRun run = CliRun.of("run", "--all", "--tag", "load", "--users", "1", "--report-dir", dir.toString());

        assertThat(run.out()).as(run.toString()).contains("0 passed, 0 failed, 2 skipped");
        assertThat(run.exit()).as("a CI job reads the exit code: zero verdicts are not a pass\n" + run).isEqualTo(1);
        assertThat(run.err()).contains("no scenario was judged (2 skipped), so nothing passed");
        String html = Files.readString(dir.resolve("report.html"));
        assertThat(html).as("report.html").contains("<span class=\"badge big skip\">NO SCENARIOS RAN</span>")
                .contains("<title>chaosgate: no scenarios ran")
                .doesNotContain("badge big pass", "PASSED", "all passed");
        JsonNode report = JSON.readTree(dir.resolve("report.json").toFile());
        assertThat(report.path("complete").asBoolean(false)).as("every row was played: skipped on purpose").isTrue();
    }

    @Test
    void aNodeClientMissingItsPackageSaysSoInTheMessageAndTheReports() throws IOException {
        NodeRuntime.assumeInstalled();
        // A client as a team writes it, run from a directory without node_modules: `npm install` was forgotten.
        Path app = Files.createDirectories(dir.resolve("app"));
        Files.writeString(app.resolve("client.mjs"), """
                import OpenAI from 'openai';
                const client = new OpenAI();
                const answer = await client.chat.completions.create({model: 'gpt-4o-mini',
                    messages: [{role: 'user', content: process.env.CHAOSGATE_PROMPT}]});
                console.log('SHOWN: ' + answer.choices[0].message.content);
                console.log('DRAFT: ');
                """);
        Path reports = dir.resolve("reports");

        CliRun run = CliRun.of("run", "bad-gateway-single", "--report-dir", reports.toString(),
                "--client", "cd '" + app + "' && node client.mjs");

        assertThat(run.exit()).as(run.toString()).isEqualTo(ChaosgateCli.EXIT_USAGE);
        assertThat(run.errLines()).as(run.toString()).hasSize(1);
        assertThat(run.errLines().get(0)).as("the one-line error")
                .startsWith("chaosgate run: the client crashed in scenario bad-gateway-single (exit code 1: ")
                .contains("Cannot find package 'openai'")
                .doesNotContain("exit code 1: Node.js v");
        JsonNode row = JSON.readTree(reports.resolve("report.json").toFile()).path("scenarios").get(0);
        assertThat(row.path("verdict").asText()).isEqualTo("ERROR");
        assertThat(row.path("note").asText()).contains("Cannot find package 'openai'");
        List<String> stderr = JSON.convertValue(row.path("clientStderr"), JSON.getTypeFactory()
                .constructCollectionType(List.class, String.class));
        assertThat(stderr).as("clientStderr").anyMatch(line -> line.contains("Cannot find package 'openai'"))
                .hasSizeLessThanOrEqualTo(ClientStderr.MAX_LINES);
        assertThat(Files.readString(reports.resolve("junit.xml"))).as("junit.xml")
                .containsPattern("<error type=\"client-crashed\" message=\"[^\"]*Cannot find package &apos;openai&apos;|"
                        + "<error type=\"client-crashed\" message=\"[^\"]*Cannot find package 'openai'");
        assertThat(Files.readString(reports.resolve("report.html"))).as("report.html")
                .contains("Cannot find package &#39;openai&#39;").contains("<summary>The client's stderr (last ");
    }

    @Test
    void ctrlCStopsTheRunAndLeavesReportsMarkedIncomplete() throws Exception {
        Path reports = dir.resolve("reports");
        // The client waits far longer than the test: the run is in its first row when Ctrl-C comes.
        try (CliProcess run = CliProcess.start(dir, "run", "bad-gateway-single", "access-denied-1020",
                "--client", "sleep 90", "--report-dir", reports.toString())) {
            run.awaitOut(line -> line.startsWith("[1/2] bad-gateway-single"), Duration.ofSeconds(60), "the first row's line");

            run.interrupt();

            assertThat(run.awaitExit(Duration.ofSeconds(30))).as("exit code after Ctrl-C\n%s", run).isEqualTo(130);
            assertThat(run.err()).as(run.toString()).contains("chaosgate run: stopped (Ctrl-C or SIGTERM) after 0 of 2 rows;"
                    + " the reports in " + reports + " are marked incomplete");
        }
        JsonNode report = JSON.readTree(reports.resolve("report.json").toFile());
        assertThat(report.path("complete").asBoolean(true)).as("%s", report).isFalse();
        assertThat(report.path("stoppedBecause").asText()).isEqualTo("stopped by a signal (Ctrl-C or SIGTERM)");
        assertThat(report.path("scenarios").findValuesAsText("verdict")).containsExactly("ERROR", "ERROR");
        assertThat(Files.readString(reports.resolve("junit.xml"))).contains("errors=\"2\"");
    }
}
