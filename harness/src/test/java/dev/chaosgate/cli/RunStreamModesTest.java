package dev.chaosgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chaosgate.testsupport.ParallelSafe;
import dev.chaosgate.verdict.corpus.Corpus;
import dev.chaosgate.verdict.corpus.ExpectedVerdict;
import dev.chaosgate.verdict.corpus.MatrixCell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chaosgate run --all} plays every scenario in the client's streaming and non-streaming code paths,
 * with real clients nobody here wrote for this rule: an app on LangChain4j's two OpenAI models (the plain one
 * retries a 502, the streaming one retries nothing) fails the stream rows only; the style corpus' careful
 * client passes both. The expected verdict of each row comes from the clients' tables (their documented
 * policies, {@code docs/sdk-policies.md} and {@code src/test/corpus}), never from chaosgate's output.
 */
@ParallelSafe
@Timeout(600)
class RunStreamModesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Surefire runs in the harness module; client commands run from the repository root. */
    private static final Path HARNESS = Path.of("").toAbsolutePath();
    private static final Path ROOT = HARNESS.getParent();
    private static final String TAG = "502";

    @TempDir
    Path dir;

    @Test
    void aStreamingPathWithoutRetriesIsCaughtOnTheStreamRowsOnly() throws IOException {
        assumeTrue(Files.exists(HARNESS.resolve("target/sdk-client-classpath.txt")),
                "the Java SDK clients are not compiled: mvn -pl harness -am test-compile");
        // An app that streams when asked with LangChain4j's streaming model, and asks for whole answers with its plain one.
        String app = "if [ \"$CHAOSGATE_STREAM\" = true ]; then exec harness/src/test/sdk/java-client LangChain4jClient streaming;"
                + " else exec harness/src/test/sdk/java-client LangChain4jClient plain; fi";
        Corpus sdk = Corpus.load(HARNESS.resolve("src/test/sdk"));

        JsonNode report = runAll(app);

        List<String> mismatches = new ArrayList<>();
        int streamFailures = 0;
        for (JsonNode row : report.path("scenarios")) {
            boolean streamed = row.path("stream").asBoolean();
            // The table's cell of the model the app used for this row.
            ExpectedVerdict expected = cell(sdk, streamed ? "langchain4j-streaming" : "langchain4j", row.path("name").asText()).expected();
            mismatches.addAll(compare(row, expected));
            if (streamed && row.path("verdict").asText().equals("FAIL")) {
                streamFailures++;
            }
        }
        assertThat(mismatches).as("rows whose verdict is not the SDK table's").isEmpty();
        JsonNode burst = row(report, "bad-gateway-burst", false);
        JsonNode burstStreamed = row(report, "bad-gateway-burst", true);
        assertThat(burst.path("verdict").asText()).as(burst.toString()).isEqualTo("PASS");
        assertThat(burstStreamed.path("verdict").asText()).as(burstStreamed.toString()).isEqualTo("FAIL");
        assertThat(burstStreamed.path("findings").findValuesAsText("code")).containsExactly("NO_RETRY");
        assertThat(streamFailures).as("stream rows that failed").isGreaterThanOrEqualTo(6);
        assertThat(Files.readString(dir.resolve("junit.xml"))).contains("name=\"bad-gateway-burst [stream]\"");
    }

    @Test
    void aClientThatRetriesInBothModesPassesBothRows() throws IOException {
        NodeRuntime.assumeInstalled();
        Corpus corpus = Corpus.load(HARNESS.resolve("src/test/corpus"));

        JsonNode report = runAll("node harness/src/test/corpus/good/full-jitter.mjs");

        List<String> mismatches = new ArrayList<>();
        for (JsonNode row : report.path("scenarios")) {
            mismatches.addAll(compare(row, cell(corpus, "full-jitter", row.path("name").asText()).expected()));
        }
        assertThat(mismatches).as("rows whose verdict is not the corpus table's").isEmpty();
        assertThat(report.path("scenarios").findValuesAsText("verdict")).as(report.toString()).containsOnly("PASS");
    }

    /** {@code run --all --tag 502}: every 502 scenario, non-streamed then streamed; the rows of the report in that order. */
    private JsonNode runAll(String client) throws IOException {
        CliRun run = CliRun.of("run", "--all", "--tag", TAG, "--parallel", "3", "--report-dir", dir.toString(),
                "--client", "cd '" + ROOT + "' && " + client);
        assertThat(run.exit()).as(run.toString()).isIn(0, RunCommand.EXIT_FAILED);
        JsonNode report = JSON.readTree(dir.resolve("report.json").toFile());
        List<String> rows = new ArrayList<>();
        report.path("scenarios").forEach(r -> rows.add(r.path("name").asText() + (r.path("stream").asBoolean() ? " [stream]" : "")));
        List<String> expected = new ArrayList<>();
        dev.chaosgate.scenario.ScenarioCatalog.builtIn().all().stream().filter(s -> s.tags().contains(TAG))
                .forEach(s -> expected.addAll(List.of(s.name(), s.name() + " [stream]")));
        assertThat(rows).as("the rows, in catalog order, each scenario non-streamed then streamed\n" + run).isEqualTo(expected);
        for (String label : expected) {
            assertThat(run.out()).as("a progress line for " + label).containsPattern("\\[ ?\\d+/" + expected.size() + "] "
                    + java.util.regex.Pattern.quote(label) + " +(PASS|FAIL)");
        }
        return report;
    }

    private static MatrixCell cell(Corpus corpus, String client, String scenario) {
        return corpus.cells().stream().filter(c -> c.client().name().equals(client) && c.scenario().equals(scenario) && !c.streamed())
                .findFirst().orElseThrow(() -> new AssertionError("no cell " + client + " x " + scenario + " in " + corpus.dir()));
    }

    private static List<String> compare(JsonNode row, ExpectedVerdict expected) {
        TreeSet<String> codes = new TreeSet<>(row.path("findings").findValuesAsText("code"));
        boolean matches = switch (expected.kind()) {
            case PASS -> row.path("verdict").asText().equals("PASS");
            case FAIL -> codes.equals(new TreeSet<>(expected.codes()));
            case SKIP -> true;
        };
        return matches ? List.of() : List.of(row.path("name").asText() + (row.path("stream").asBoolean() ? " [stream]" : "")
                + ": expected " + expected + ", got " + row.path("verdict").asText() + " " + codes + "; findings: " + row.path("findings"));
    }

    private static JsonNode row(JsonNode report, String name, boolean streamed) {
        for (JsonNode row : report.path("scenarios")) {
            if (row.path("name").asText().equals(name) && row.path("stream").asBoolean() == streamed) {
                return row;
            }
        }
        throw new AssertionError("no row " + name + (streamed ? " [stream]" : "") + " in " + report);
    }
}
