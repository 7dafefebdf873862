package dev.chaosgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.scenario.ScenarioCatalog;
import dev.chaosgate.testsupport.ParallelSafe;
import dev.chaosgate.verdict.ClientReport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The client protocol as a command sees it: its environment in, its screen out. */
@ParallelSafe
@Timeout(30)
class CommandClientTest {
    private static final Scenario STREAMED = ScenarioCatalog.builtIn().get("stream-cut-mid-answer");

    @Test
    void theClientGetsTheProtocolEnvironment() {
        CommandClient client = new CommandClient("echo \"SHOWN: $CHAOSGATE_BASE_URL|$OPENAI_BASE_URL|$OPENAI_API_KEY\";"
                + " echo \"SHOWN: $CHAOSGATE_SCENARIO|$CHAOSGATE_STREAM\"; echo \"DRAFT: $CHAOSGATE_PROMPT\"", Duration.ofSeconds(10));

        ClientUnderTest.ClientRun run = client.act("http://127.0.0.1:1234/v1", STREAMED, "Why 502?", true);

        assertThat(run.problem()).isNull();
        assertThat(run.report().shown()).containsExactly(
                "http://127.0.0.1:1234/v1|http://127.0.0.1:1234/v1|" + CommandClient.API_KEY,
                "stream-cut-mid-answer|true");
        assertThat(run.report().draft()).isEqualTo("Why 502?");
        assertThat(run.report().prompt()).isEqualTo("Why 502?");
        assertThat(run.stdout()).hasSize(3);
        assertThat(run.note()).isEmpty();
    }

    @Test
    void otherStdoutLinesAreKeptButIgnoredByTheReport() {
        CommandClient client = new CommandClient("echo debug: starting; echo 'SHOWN: hello'; echo 'DRAFT:'", Duration.ofSeconds(10));

        ClientUnderTest.ClientRun run = client.act("http://127.0.0.1:1/v1", STREAMED, "p", false);

        assertThat(run.report().shown()).containsExactly("hello");
        assertThat(run.report().draft()).isEmpty();
        assertThat(run.stdout()).containsExactly("debug: starting", "SHOWN: hello", "DRAFT:");
    }

    @Test
    void theClientReadsNothingFromStdinAndDoesNotHang() {
        CommandClient client = new CommandClient("cat; echo 'DRAFT: p'", Duration.ofSeconds(10));

        ClientUnderTest.ClientRun run = client.act("http://127.0.0.1:1/v1", STREAMED, "p", false);

        assertThat(run.problem()).isNull();
        assertThat(run.took()).isLessThan(Duration.ofSeconds(5));
    }

    // ---------------------------------------------------------------- protocol 2

    @Test
    void theClientGetsTheOriginAndTheProtocolVersion() {
        CommandClient client = new CommandClient("echo \"SHOWN: $CHAOSGATE_ORIGIN|$CHAOSGATE_PROTOCOL|$PYTHONUNBUFFERED\"",
                Duration.ofSeconds(10));

        ClientUnderTest.ClientRun run = client.act("http://127.0.0.1:1234/v1", STREAMED, "p", true);

        assertThat(run.report().shown()).containsExactly("http://127.0.0.1:1234|2|1");
    }

    @Test
    void theOriginIsTheBaseUrlWithoutItsV1Path() {
        assertThat(CommandClient.origin("http://127.0.0.1:1234/v1")).isEqualTo("http://127.0.0.1:1234");
        assertThat(CommandClient.origin("http://127.0.0.1:1234/v1/")).isEqualTo("http://127.0.0.1:1234");
        assertThat(CommandClient.origin("http://127.0.0.1:1234")).isEqualTo("http://127.0.0.1:1234");
        assertThat(CommandClient.origin("http://127.0.0.1:1234/api/v1")).isEqualTo("http://127.0.0.1:1234/api");
    }

    @Test
    void aClientStoppedAtItsTimeoutIsJudgedOnWhatItHadShownEvenALineWithoutItsNewline() {
        CommandClient client = new CommandClient("echo 'SHOWN: Still thinking…'; printf 'PARTIAL: Half a sen'; sleep 30",
                Duration.ofSeconds(2));

        ClientUnderTest.ClientRun run = client.act("http://127.0.0.1:1/v1", STREAMED, "p", true);

        ClientReport report = run.report();
        assertThat(report.stopped()).isTrue();
        assertThat(report.shown()).as("stdout: %s", run.stdout()).containsExactly("Still thinking…", "Half a sen");
        assertThat(report.appearances().get(1).partial()).as("the user was left with a growing answer").isTrue();
        assertThat(report.lastMessage()).map(ClientReport.Message::text).contains("Half a sen");
        assertThat(run.stdout()).containsExactly("SHOWN: Still thinking…", "PARTIAL: Half a sen");
        assertThat(run.took()).as("stopped at the timeout, not after the sleep").isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void eachLineIsTimedWhenItArrivesNotWhenTheClientEnds() {
        CommandClient client = new CommandClient("echo 'SHOWN: first'; sleep 1; echo 'SHOWN: second'; sleep 1",
                Duration.ofSeconds(20));
        Instant before = Instant.now();

        ClientUnderTest.ClientRun run = client.act("http://127.0.0.1:1/v1", STREAMED, "p", false);

        ClientReport report = run.report();
        assertThat(report.timed()).isTrue();
        Instant first = report.appearances().get(0).shown();
        Instant second = report.appearances().get(1).shown();
        Instant ended = before.plus(run.took());
        assertThat(report.started()).isBetween(before, first);
        assertThat(Duration.between(first, second)).as("the second line came a sleep of 1 s after the first")
                .isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(Duration.between(second, ended)).as("and a sleep of 1 s before the client ended")
                .isGreaterThanOrEqualTo(Duration.ofMillis(900));
    }

    @Test
    void aPythonClientThatPrintsWithoutFlushingIsReadBeforeItIsStopped() {
        assumeTrue(runs("python3", "--version"), "python3 is not installed");
        // print() to a pipe is block-buffered in Python; the client's environment sets PYTHONUNBUFFERED=1
        CommandClient client = new CommandClient("python3 -c \"import time; print('SHOWN: Still thinking…'); time.sleep(30)\"",
                Duration.ofSeconds(3));

        ClientUnderTest.ClientRun run = client.act("http://127.0.0.1:1/v1", STREAMED, "p", false);

        assertThat(run.report().stopped()).isTrue();
        assertThat(run.report().shown()).containsExactly("Still thinking…");
    }

    @Test
    void aNodeClientStoppedAfterWritingIsReadInFull() {
        NodeRuntime.assumeInstalled();
        CommandClient client = new CommandClient("node -e \"console.log('SHOWN: Still thinking…');"
                + " process.stdout.write('PARTIAL: Half'); setInterval(() => {}, 1000)\"", Duration.ofSeconds(3));

        ClientUnderTest.ClientRun run = client.act("http://127.0.0.1:1/v1", STREAMED, "p", false);

        assertThat(run.report().stopped()).isTrue();
        assertThat(run.report().shown()).containsExactly("Still thinking…", "Half");
    }

    @Test
    void aCharacterSplitAcrossTwoWritesAndCrlfEndingsAreReadWhole() {
        // "…" is e2 80 a6 in UTF-8: its first two bytes arrive 300 ms before the third
        CommandClient client = new CommandClient("printf 'SHOWN: Still thinking\\342\\200'; sleep 0.3;"
                + " printf '\\246\\r\\nDRAFT: p\\r\\n'", Duration.ofSeconds(10));

        ClientUnderTest.ClientRun run = client.act("http://127.0.0.1:1/v1", STREAMED, "p", false);

        assertThat(run.report().shown()).containsExactly("Still thinking…");
        assertThat(run.report().draft()).isEqualTo("p");
        assertThat(run.stdout()).containsExactly("SHOWN: Still thinking…", "DRAFT: p");
    }

    @Test
    void aRunOfPartialLinesIsKeptInTheOutputAsItsLastLine() {
        CommandClient client = new CommandClient("printf 'PARTIAL: a\\nPARTIAL: ab\\nSHOWN: x\\nPARTIAL: c\\nDRAFT: p\\n'",
                Duration.ofSeconds(10));

        ClientUnderTest.ClientRun run = client.act("http://127.0.0.1:1/v1", STREAMED, "p", true);

        assertThat(run.stdout()).containsExactly("PARTIAL: ab", "SHOWN: x", "PARTIAL: c", "DRAFT: p");
        assertThat(run.report().shown()).containsExactly("ab", "x", "c");
    }

    @Test
    void aClientThatCrashesAfterPartialLinesHasReported() {
        CommandClient client = new CommandClient("echo 'PARTIAL: Slow start'; exit 3", Duration.ofSeconds(10));

        ClientUnderTest.ClientRun run = client.act("http://127.0.0.1:1/v1", STREAMED, "p", true);

        assertThat(run.problem()).isNull();
        assertThat(run.note()).contains("exit").contains("3");
        assertThat(run.report().shown()).containsExactly("Slow start");
    }

    static boolean runs(String... command) {
        try {
            Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
            return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
