package dev.chaosgate.verdict.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chaosgate.cli.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Runs matrix cells through the real {@code chaosgate run --client} (in process, one gateway per cell,
 * {@code parallel} cells at a time) and reads each verdict back from the cell's report.json.
 */
public final class MatrixRunner {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path repositoryRoot;
    private final Path reportRoot;
    private final int parallel;
    private final int clientTimeoutSeconds;

    /**
     * @param repositoryRoot       where the clients' commands run from
     * @param reportRoot           each cell's reports go to reportRoot/client/scenario (kept for reading report.html)
     * @param clientTimeoutSeconds passed as --client-timeout
     */
    public MatrixRunner(Path repositoryRoot, Path reportRoot, int parallel, int clientTimeoutSeconds) {
        this.repositoryRoot = repositoryRoot;
        this.reportRoot = reportRoot;
        this.parallel = parallel;
        this.clientTimeoutSeconds = clientTimeoutSeconds;
    }

    /** Runs the cells that are not SKIP, in order of submission; progress gets each result as it ends. */
    public List<CellResult> run(List<MatrixCell> cells, Consumer<CellResult> progress) {
        ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> {
            Thread thread = new Thread(r, "client-matrix");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<CellResult>> futures = new ArrayList<>();
            List<MatrixCell> alone = new ArrayList<>();
            for (MatrixCell cell : cells) {
                if (cell.expected().kind() == ExpectedVerdict.Kind.SKIP) {
                    continue;
                }
                if (timingSensitive(cell)) {
                    alone.add(cell);
                    continue;
                }
                futures.add(pool.submit(() -> {
                    CellResult result = runCell(cell);
                    progress.accept(result);
                    return result;
                }));
            }
            List<CellResult> results = new ArrayList<>();
            for (Future<CellResult> future : futures) {
                results.add(future.get());
            }
            for (MatrixCell cell : alone) {
                CellResult result;
                try {
                    result = runCell(cell);
                } catch (IOException e) {
                    throw new IllegalStateException("a matrix cell could not be run: " + e, e);
                }
                progress.accept(result);
                results.add(result);
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the matrix run was interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a matrix cell could not be run: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Whether the cell's verdict turns on a gap under 100 ms ({@code NO_BACKOFF}: a retry at once). Such a cell runs
     * alone, after the others: beside other cells' client start-ups on a busy 2-core machine, an SDK's immediate
     * retry (Node's 1 ms timer) was measured 106 to 323 ms after the failure, and so read as a backoff.
     */
    static boolean timingSensitive(MatrixCell cell) {
        return cell.expected().codes().contains("NO_BACKOFF");
    }

    CellResult runCell(MatrixCell cell) throws IOException {
        Path reports = reportRoot.resolve(cell.client().name()).resolve(cell.scenarioId());
        Files.createDirectories(reports);
        Files.deleteIfExists(reports.resolve("report.json"));
        List<String> args = new ArrayList<>(List.of("run", cell.scenario(),
                "--client", "cd " + shellQuoted(repositoryRoot.toString()) + " && " + cell.client().command(),
                "--report-dir", reports.toString(), "--client-timeout", String.valueOf(clientTimeoutSeconds)));
        if (cell.streamed()) {
            args.addAll(List.of("--stream", "true"));
        }
        if (!cell.client().prompt().isEmpty()) {
            args.addAll(List.of("--prompt", cell.client().prompt()));
        }
        long start = System.nanoTime();
        CliRun run = CliRun.of(args.toArray(String[]::new));
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        Path json = reports.resolve("report.json");
        if (run.exit() == 2 || !Files.exists(json)) {
            return new CellResult(cell, "ERROR", new TreeSet<>(), "chaosgate run could not judge the cell:\n" + run, List.of(), elapsed);
        }
        return resultFrom(cell, json, elapsed);
    }

    /**
     * The verdict an earlier run of this runner's report directory left for {@code cell}, if any: so a report card can
     * be written from a full run completed by later runs of some clients (a client added since).
     */
    java.util.Optional<CellResult> recorded(MatrixCell cell) throws IOException {
        Path json = reportRoot.resolve(cell.client().name()).resolve(cell.scenarioId()).resolve("report.json");
        return Files.exists(json) ? java.util.Optional.of(resultFrom(cell, json, Duration.ZERO)) : java.util.Optional.empty();
    }

    private static CellResult resultFrom(MatrixCell cell, Path json, Duration elapsed) throws IOException {
        JsonNode scenario = JSON.readTree(json.toFile()).path("scenarios").path(0);
        TreeSet<String> codes = new TreeSet<>();
        StringBuilder explanation = new StringBuilder();
        explanation.append("expected by the scenario: ").append(scenario.path("expected").asText()).append('\n');
        for (JsonNode attempt : scenario.path("timeline")) {
            explanation.append(String.format("  #%d  +%d ms%s  %s  %s  [%s]  prompt: %s%n", attempt.path("number").asInt(),
                    attempt.path("offsetMs").asLong(),
                    attempt.path("gapMs").isNull() ? "" : " (" + attempt.path("gapMs").asLong() + " ms after the last ended)",
                    attempt.path("status").asText(), attempt.path("fault").asText(), attempt.path("phase").asText(),
                    attempt.path("prompt").asText()));
        }
        if (scenario.path("otherCalls").asInt() > 0) {
            explanation.append("  (").append(scenario.path("otherCalls").asInt()).append(" other call(s))\n");
        }
        for (JsonNode finding : scenario.path("findings")) {
            codes.add(finding.path("code").asText());
            explanation.append(finding.path("code").asText()).append(": ").append(finding.path("message").asText()).append('\n');
            for (JsonNode evidence : finding.path("evidence")) {
                explanation.append("    - ").append(evidence.asText()).append('\n');
            }
        }
        if (!scenario.path("note").asText().isEmpty()) {
            explanation.append("note: ").append(scenario.path("note").asText()).append('\n');
        }
        List<String> output = new ArrayList<>();
        scenario.path("clientOutput").forEach(line -> output.add(line.asText()));
        return new CellResult(cell, scenario.path("verdict").asText(), codes, explanation.toString(), output, elapsed);
    }

    private static String shellQuoted(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
