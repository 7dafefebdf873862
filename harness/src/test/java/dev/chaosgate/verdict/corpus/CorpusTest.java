package dev.chaosgate.verdict.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.scenario.ScenarioCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The corpus files, the cell comparison and the accuracy counts of the client matrix, and one real cell. */
@Timeout(120)
class CorpusTest {
    private static final List<String> SCENARIOS = ScenarioCatalog.builtIn().all().stream().map(Scenario::name).toList();

    @TempDir
    Path dir;

    @Test
    void anExpectedVerdictIsPassAnExactCodeSetOrASkip() {
        assertThat(ExpectedVerdict.parse("PASS").matches(Set.of())).isTrue();
        assertThat(ExpectedVerdict.parse("PASS").matches(Set.of("NO_RETRY"))).isFalse();
        ExpectedVerdict two = ExpectedVerdict.parse("FAIL:TOO_MANY_ATTEMPTS+RETRIED_NON_RETRYABLE");
        assertThat(two.matches(Set.of("RETRIED_NON_RETRYABLE", "TOO_MANY_ATTEMPTS"))).as("order does not matter").isTrue();
        assertThat(two.matches(Set.of("RETRIED_NON_RETRYABLE"))).as("a code missing").isFalse();
        assertThat(two.matches(Set.of("RETRIED_NON_RETRYABLE", "TOO_MANY_ATTEMPTS", "PROMPT_LOST"))).as("a code too many").isFalse();
        assertThat(two.matches(Set.of())).isFalse();
        assertThat(ExpectedVerdict.parse("SKIP:needs several users").skipReason()).isEqualTo("needs several users");
        assertThat(ExpectedVerdict.parse("SKIP:x").matches(Set.of())).as("a skip is never run, so never matched").isFalse();
        assertThatThrownBy(() -> ExpectedVerdict.parse("FAIL:no_retry")).hasMessageContaining("upper snake case");
        assertThatThrownBy(() -> ExpectedVerdict.parse("OK")).hasMessageContaining("write PASS, FAIL:CODE+CODE");
    }

    @Test
    void aCorpusLoadsWithEveryCellAndItsFastSubset() throws IOException {
        writeCorpus("a\tgood\techo a\t\tthe first\nb\tflawed\techo b\thi\tthe second\n", cell -> "PASS\t");
        Files.writeString(dir.resolve(Corpus.FAST), "# client\tscenario\nb\tbad-gateway-burst\n");

        Corpus corpus = Corpus.load(dir);

        assertThat(corpus.clients()).extracting(CorpusClient::name).containsExactly("a", "b");
        assertThat(corpus.clients().get(1).prompt()).isEqualTo("hi");
        assertThat(corpus.clients().get(1).good()).isFalse();
        assertThat(corpus.cells()).hasSize(2 * SCENARIOS.size());
        assertThat(corpus.fastCells()).extracting(MatrixCell::id).containsExactly("b x bad-gateway-burst");
        assertThat(Corpus.select(corpus.cells(), Set.of("a"), Set.of("quota-exhausted", "full-outage")))
                .extracting(MatrixCell::id).containsExactly("a x quota-exhausted", "a x full-outage");
    }

    @Test
    void withoutAFastFileTheFirstCellThatRunsOfEachClientIsTheSubset() throws IOException {
        writeCorpus("a\tgood\techo a\t\td\n", cell -> cell.equals(SCENARIOS.get(0)) ? "SKIP:not this one\tbecause" : "PASS\t");

        assertThat(Corpus.load(dir).fastCells()).extracting(MatrixCell::scenario).containsExactly(SCENARIOS.get(1));
    }

    @Test
    void badCorpusFilesAreRefusedWithFileLineAndFix() throws IOException {
        writeCorpus("a\tnice\techo a\t\td\n", cell -> "PASS\t");
        assertThatThrownBy(() -> Corpus.load(dir)).hasMessageContaining("clients.tsv:2: kind is 'nice': write good, flawed or sdk");

        writeCorpus("a\tgood\techo a\t\td\n", cell -> cell.equals("full-outage") ? "FAIL:NO_RETRY\t" : "PASS\t");
        assertThatThrownBy(() -> Corpus.load(dir)).hasMessageMatching("(?s).*expected.tsv:\\d+: a FAIL cell needs a one-line justification.*");

        writeCorpus("a\tgood\techo a\t\td\n", cell -> "PASS\t");
        Files.writeString(dir.resolve(Corpus.EXPECTED), "a\tno-such-scenario\tPASS\t\n", java.nio.file.StandardOpenOption.APPEND);
        assertThatThrownBy(() -> Corpus.load(dir)).hasMessageContaining("'no-such-scenario' is not a catalog scenario");

        Files.writeString(dir.resolve(Corpus.EXPECTED), "a\tfull-outage\tPASS\t\n");
        assertThatThrownBy(() -> Corpus.load(dir)).hasMessageContaining(SCENARIOS.size() - 1 + " cell(s) missing")
                .hasMessageContaining("SKIP:<reason> where it does not apply");
    }

    @Test
    void aStreamModeCellIsTheScenarioWithStreamAfterItAndOptional() throws IOException {
        writeCorpus("a\tgood\techo a\t\td\n", cell -> "PASS\t");
        Files.writeString(dir.resolve(Corpus.EXPECTED), "a\tbad-gateway-burst[stream]\tFAIL:NO_RETRY\tits streaming call is never retried\n",
                java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(dir.resolve(Corpus.FAST), "a\tbad-gateway-burst[stream]\n");

        Corpus corpus = Corpus.load(dir);

        MatrixCell stream = find(corpus.cells(), "a x bad-gateway-burst[stream]");
        assertThat(stream.scenario()).isEqualTo("bad-gateway-burst");
        assertThat(stream.streamed()).isTrue();
        assertThat(stream.expected().codes()).containsExactly("NO_RETRY");
        assertThat(find(corpus.cells(), "a x bad-gateway-burst").streamed()).isFalse();
        assertThat(corpus.fastCells()).containsExactly(stream);
        assertThat(Corpus.select(corpus.cells(), Set.of(), Set.of("bad-gateway-burst[stream]"))).containsExactly(stream);
        assertThat(Corpus.select(corpus.cells(), Set.of(), Set.of("bad-gateway-burst"))).extracting(MatrixCell::id)
                .containsExactly("a x bad-gateway-burst");
    }

    @Test
    void aStreamModeCellOfAStreamOnlyScenarioOrAnotherModeIsRefused() throws IOException {
        writeCorpus("a\tgood\techo a\t\td\n", cell -> "PASS\t");
        Path expected = dir.resolve(Corpus.EXPECTED);
        String complete = Files.readString(expected);

        Files.writeString(expected, complete + "a\tstream-cut-mid-answer[stream]\tPASS\t\n");
        assertThatThrownBy(() -> Corpus.load(dir)).hasMessageMatching("(?s).*expected.tsv:\\d+: 'stream-cut-mid-answer' is always"
                + " played streamed \\(its faults exist only in a stream\\): write it without \\[stream].*");

        Files.writeString(expected, complete + "a\tbad-gateway-burst[plain]\tPASS\t\n");
        assertThatThrownBy(() -> Corpus.load(dir)).hasMessageContaining("the only mode a cell can name is [stream]");

        Files.writeString(expected, complete);
        Files.writeString(dir.resolve(Corpus.FAST), "a\tbad-gateway-burst[stream]\n");
        assertThatThrownBy(() -> Corpus.load(dir)).hasMessageContaining("fast.tsv:1: the cell a x bad-gateway-burst[stream] has no line"
                + " in expected.tsv");
    }

    /** The stream mode reaches the client: CHAOSGATE_STREAM is true in a [stream] cell and false in the plain one. */
    @Test
    void aStreamModeCellRunsTheClientAskedToStream() throws IOException {
        writeCorpus("echo\tgood\tprintf 'SHOWN: stream=%s\\nDRAFT: \\n' \"$CHAOSGATE_STREAM\"\t\tsays its mode\n", cell -> "PASS\t");
        Files.writeString(dir.resolve(Corpus.EXPECTED), "echo\tbad-gateway-single[stream]\tPASS\t\n", java.nio.file.StandardOpenOption.APPEND);
        Corpus corpus = Corpus.load(dir);
        Path root = Path.of("").toAbsolutePath().getParent();

        List<CellResult> results = new MatrixRunner(root, dir.resolve("reports"), 2, 30).run(List.of(
                find(corpus.cells(), "echo x bad-gateway-single"), find(corpus.cells(), "echo x bad-gateway-single[stream]")), r -> { });

        assertThat(results).extracting(r -> r.output().get(0)).containsExactly("SHOWN: stream=false", "SHOWN: stream=true");
        assertThat(dir.resolve("reports/echo/bad-gateway-single[stream]/report.json")).content().contains("\"stream\" : true");
    }

    @Test
    void theAccuracyCountsFalsePositivesAndFalseNegativesApart() throws IOException {
        writeCorpus("good\tgood\techo\t\td\nflawed\tflawed\techo\t\td\n", cell -> cell.equals("quota-exhausted")
                ? "FAIL:PROMPT_LOST\tclears the composer" : "PASS\t");
        Corpus corpus = Corpus.load(dir);
        List<MatrixCell> chosen = Corpus.select(corpus.cells(), Set.of(), Set.of("quota-exhausted", "full-outage"));
        MatrixCell goodQuota = find(chosen, "good x quota-exhausted");   // expected FAIL (a table may say so)
        MatrixCell goodOutage = find(chosen, "good x full-outage");
        MatrixCell flawedQuota = find(chosen, "flawed x quota-exhausted");
        MatrixCell flawedOutage = find(chosen, "flawed x full-outage");
        List<CellResult> results = List.of(
                result(goodQuota, "PROMPT_LOST"),
                result(goodOutage, "NO_RETRY"),                      // a false positive on a good client
                result(flawedQuota, "NO_GUIDANCE"),                  // the flaw missed and another code: both kinds
                result(flawedOutage));

        MatrixReport report = new MatrixReport(corpus, chosen, results);

        assertThat(report.mismatches()).extracting(r -> r.cell().id())
                .containsExactly("good x full-outage", "flawed x quota-exhausted");
        assertThat(report.accuracy()).contains("4 cells run (2 good, 2 flawed or sdk; 0 skipped), 2 as expected, 2 not")
                .contains("false positives: 1 of 2 good cells failed, 1 flawed or sdk cells got a code the table does not name")
                .contains("false negatives: 1 of 1 cells expected to fail");
        assertThat(report.matrix()).contains("PL ").contains("NR!").contains("NG!")
                .contains("c1   good   good: d").contains("PL=PROMPT_LOST");
        assertThat(report.mismatchDetails()).contains("good x full-outage (expected.tsv:")
                .contains("expected PASS").contains("got      FAIL:NO_RETRY");
    }

    @Test
    void anUnknownCodeIsAbbreviatedByTheInitialsOfItsWords() {
        assertThat(MatrixReport.abbreviate("NO_RETRY")).isEqualTo("NR");
        assertThat(MatrixReport.abbreviate("CLIENT_KEPT_USER_WAITING")).isEqualTo("CKUW");
    }

    /** A real cell through chaosgate run: a client that shows an answer without asking for one is caught, and the table notices. */
    @Test
    void aCellWhoseVerdictDiffersFromTheTableIsAMismatchWithTheClientsOutput() throws IOException {
        writeCorpus("liar\tgood\tprintf 'SHOWN: Sure, here it is.\\nDRAFT: \\n'\t\tanswers without asking the API\n", cell -> "PASS\t");
        Corpus corpus = Corpus.load(dir);
        MatrixCell cell = find(corpus.cells(), "liar x bad-gateway-single");
        Path root = Path.of("").toAbsolutePath().getParent();

        List<CellResult> results = new MatrixRunner(root, dir.resolve("reports"), 1, 30).run(List.of(cell), r -> { });

        assertThat(results).hasSize(1);
        CellResult result = results.get(0);
        assertThat(result.codes()).as(result.explanation()).containsExactly("FAULT_NOT_EXERCISED");
        assertThat(result.matches()).isFalse();
        assertThat(result.output()).containsExactly("SHOWN: Sure, here it is.", "DRAFT: ");
        MatrixReport report = new MatrixReport(corpus, List.of(cell), results);
        assertThat(report.mismatchDetails()).contains("liar x bad-gateway-single").contains("| SHOWN: Sure, here it is.")
                .contains("FAULT_NOT_EXERCISED: ");
        assertThat(report.matrix()).contains("FNE!");
    }

    private static MatrixCell find(List<MatrixCell> cells, String id) {
        return cells.stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
    }

    private static CellResult result(MatrixCell cell, String... codes) {
        return new CellResult(cell, codes.length == 0 ? "PASS" : "FAIL", new TreeSet<>(List.of(codes)), "", List.of(), Duration.ofSeconds(1));
    }

    /** clients.tsv as given, and expected.tsv with a line per client and catalog scenario (expected + why). */
    private void writeCorpus(String clients, java.util.function.Function<String, String> expected) throws IOException {
        Files.writeString(dir.resolve(Corpus.CLIENTS), "# name\tkind\tcommand\tprompt\tdescription\n" + clients);
        String table = clients.lines().map(l -> l.split("\t")[0])
                .flatMap(client -> SCENARIOS.stream().map(s -> client + "\t" + s + "\t" + expected.apply(s)))
                .collect(Collectors.joining("\n", "", "\n"));
        Files.writeString(dir.resolve(Corpus.EXPECTED), table);
        Files.deleteIfExists(dir.resolve(Corpus.FAST));
    }
}
