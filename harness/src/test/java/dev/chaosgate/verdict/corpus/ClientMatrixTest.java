package dev.chaosgate.verdict.corpus;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.chaosgate.cli.NodeRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Clients nobody here tuned, judged end to end: every (client, scenario) cell of a corpus directory runs
 * through {@code chaosgate run --client} and its verdict must be exactly the one in the corpus's
 * {@code expected.tsv}. One dynamic test per corpus directory: the style corpus ({@code src/test/corpus})
 * and, when present, the real-SDK corpus ({@code src/test/sdk}), or the directories given.
 *
 * <p>System properties: {@code chaosgate.matrix=full} runs every cell (default: the cells of each corpus's
 * {@code fast.tsv}); {@code chaosgate.matrix.dirs} (comma-separated, relative to the harness module);
 * {@code chaosgate.matrix.clients} and {@code chaosgate.matrix.scenarios} narrow the cells (a stream-mode cell is
 * selected as written in the table, {@code bad-gateway-burst[stream]});
 * {@code chaosgate.matrix.parallel} (default 3) cells at a time; {@code chaosgate.matrix.clientTimeout}
 * (default 100 s: a client without an idle timeout waits out stream-stall's 45 s stall and is judged on its answer; one that never times out is stopped on a black hole).
 * {@code chaosgate.reportCard=DIR} (with a full run of the SDK corpus, or of some of its clients after an earlier full
 * run into the same target directory) writes the SDK report card ({@link SdkReportCard}) into DIR from every cell's
 * latest verdict, mismatches marked, before the test fails on them.
 */
class ClientMatrixTest {
    /** Surefire runs in the harness module directory. */
    private static final Path HARNESS = Path.of("").toAbsolutePath();
    private static final List<String> DEFAULT_DIRS = List.of("src/test/corpus", "src/test/sdk");

    @TestFactory
    Stream<DynamicTest> everyCorpusMatchesItsExpectedTable() {
        List<Path> dirs = names("chaosgate.matrix.dirs").stream().map(HARNESS::resolve).toList();
        if (dirs.isEmpty()) {
            dirs = DEFAULT_DIRS.stream().map(HARNESS::resolve).filter(d -> Files.exists(d.resolve(Corpus.CLIENTS))).toList();
        }
        return dirs.stream().map(dir -> DynamicTest.dynamicTest(HARNESS.relativize(dir).toString(), () -> judge(dir)));
    }

    private void judge(Path dir) throws IOException {
        NodeRuntime.assumeInstalled();
        Corpus corpus = Corpus.load(dir);
        boolean full = "full".equals(System.getProperty("chaosgate.matrix"));
        List<MatrixCell> cells = Corpus.select(full ? corpus.cells() : corpus.fastCells(),
                names("chaosgate.matrix.clients"), names("chaosgate.matrix.scenarios"));
        assumeTrue(!cells.isEmpty(), "no cell selected in " + dir);
        int parallel = Integer.getInteger("chaosgate.matrix.parallel", 3);
        int clientTimeout = Integer.getInteger("chaosgate.matrix.clientTimeout", 100);
        Path repositoryRoot = HARNESS.getParent();
        MatrixRunner runner = new MatrixRunner(repositoryRoot, HARNESS.resolve("target/client-matrix").resolve(corpus.name()),
                parallel, clientTimeout);

        long runs = cells.stream().filter(c -> c.expected().kind() != ExpectedVerdict.Kind.SKIP).count();
        System.out.printf("client matrix %s: %d cells (%s), %d at a time%n", corpus.name(), runs, full ? "full" : "fast subset", parallel);
        AtomicInteger done = new AtomicInteger();
        long start = System.nanoTime();
        List<CellResult> results = runner.run(cells, r -> System.out.printf("  [%d/%d] %-55s %-45s %s %.1f s%n",
                done.incrementAndGet(), runs, r.cell().id(), r.actual(), r.matches() ? "ok" : "MISMATCH (expected " + r.cell().expected() + ")",
                r.elapsed().toMillis() / 1000.0));
        MatrixReport report = new MatrixReport(corpus, cells, results);
        System.out.println();
        System.out.println(report.matrix());
        System.out.println(report.accuracy());
        System.out.printf("matrix time: %.0f s%n", (System.nanoTime() - start) / 1e9);
        String cardDir = System.getProperty("chaosgate.reportCard", "");
        if (!cardDir.isBlank() && full && corpus.name().equals("sdk")) {
            Path target = HARNESS.resolve(cardDir).normalize();
            // Every judged cell: this run's, else what an earlier run into the same directory recorded.
            List<CellResult> card = new java.util.ArrayList<>(results);
            for (MatrixCell cell : corpus.cells()) {
                if (cell.expected().kind() != ExpectedVerdict.Kind.SKIP && results.stream().noneMatch(r -> r.cell().equals(cell))) {
                    runner.recorded(cell).ifPresent(card::add);
                }
            }
            new SdkReportCard(corpus, card, java.time.LocalDate.now(), "scripts/sdk-report-card").writeTo(target);
            System.out.println("report card: " + target.resolve("sdk-report-card.md") + ", " + target.resolve("sdk-report-card.html"));
        }
        if (!report.mismatches().isEmpty()) {
            fail(report.mismatches().size() + " cell(s) of " + dir + " are not judged as " + Corpus.EXPECTED + " says.\n"
                    + report.accuracy() + "\n\n" + report.mismatchDetails() + "\n\n" + report.matrix());
        }
    }

    private static Set<String> names(String property) {
        String value = System.getProperty(property, "");
        return Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toCollection(java.util.LinkedHashSet::new));
    }
}
