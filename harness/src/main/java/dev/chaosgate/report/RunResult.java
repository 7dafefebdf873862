package dev.chaosgate.report;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A whole {@code chaosgate run}: the client judged and every scenario's outcome, in run order.
 *
 * @param client   the client command, or {@code bundled well-behaved reference client}
 * @param seed     the seed given with {@code --seed}, or null when each scenario used its own
 * @param started  when the run started
 * @param elapsed  how long it took
 * @param outcomes every row: judged, skipped, or in error (the client crashed in it, or the run stopped before it)
 * @param stoppedBecause null for a run that played every row; else why it stopped early (a client crash, Ctrl-C,
 *                 an internal error), and the reports say the run is incomplete
 */
public record RunResult(String client, Long seed, Instant started, Duration elapsed, List<ScenarioOutcome> outcomes,
                        String stoppedBecause) {

    public RunResult {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(elapsed, "elapsed");
        outcomes = List.copyOf(outcomes);
    }

    /** A run that played every row. */
    public RunResult(String client, Long seed, Instant started, Duration elapsed, List<ScenarioOutcome> outcomes) {
        this(client, seed, started, elapsed, outcomes, null);
    }

    /** Whether every row was played (judged or skipped on purpose); false when the run stopped early. */
    public boolean complete() {
        return stoppedBecause == null;
    }

    /** Rows that got a verdict (PASS or FAIL). Zero means nothing was judged, and a run that judged nothing is not green. */
    public long judged() {
        return count(ScenarioOutcome.Status.PASS) + count(ScenarioOutcome.Status.FAIL);
    }

    public long count(ScenarioOutcome.Status status) {
        return outcomes.stream().filter(o -> o.status() == status).count();
    }

    /**
     * The client as a short identifier for report names (JUnit class names): lower-case letters and digits
     * joined by dashes, at most 60 characters; {@code node ./client.js --fast} gives {@code node-client-js-fast}.
     */
    public String clientSlug() {
        String slug = client.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (slug.length() > 60) {
            slug = slug.substring(0, 60).replaceAll("-+$", "");
        }
        return slug.isEmpty() ? "client" : slug;
    }

    /** Whether any verdict failed, a row is in error, or the run stopped early (skipped scenarios do not fail a run). */
    public boolean failed() {
        return !complete() || outcomes.stream().anyMatch(ScenarioOutcome::failed);
    }

    /** The run's one-word state, as the reports' headers say it: FAILED, INCOMPLETE, NO SCENARIOS RAN or PASSED. */
    public String headline() {
        if (!complete()) {
            return "INCOMPLETE";
        }
        if (failed()) {
            return "FAILED";
        }
        return judged() == 0 ? "NO SCENARIOS RAN" : "PASSED";
    }
}
