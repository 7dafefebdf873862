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
 */
public record RunResult(String client, Long seed, Instant started, Duration elapsed, List<ScenarioOutcome> outcomes) {

    public RunResult {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(elapsed, "elapsed");
        outcomes = List.copyOf(outcomes);
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

    /** Whether any verdict failed (skipped scenarios do not fail a run). */
    public boolean failed() {
        return outcomes.stream().anyMatch(ScenarioOutcome::failed);
    }
}
