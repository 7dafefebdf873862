package dev.chaosgate.verdict;

import dev.chaosgate.verdict.BackoffStrategies.Strategy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code NO_BACKOFF} on a seeded sample of simulated sequences of every common strategy ({@link BackoffStrategies},
 * the small brother of {@code BackoffBench}): each good family passes in at least 99 % of its sequences, each bad
 * one is caught in at least 99 %, where the length of the sequence makes that possible (see docs/verdicts.md).
 */
class BackoffFamiliesTest {
    private static final int SEQUENCES = 5_000;
    private static final long SEED = 1414;

    @Test
    void goodFamiliesPassAndBadOnesAreCaughtOverThreeRetries() {
        assertRates(3, List.of("immediate retry", "retry storm", "fixed 50 ms"));
    }

    @Test
    void goodFamiliesPassAndImmediateRetriesAreCaughtOverTwoRetries() {
        // Two waits cannot tell a fixed 50 ms from full jitter's first two draws, nor every storm (docs/verdicts.md).
        assertRates(2, List.of("immediate retry"));
    }

    @Test
    void aLoneWaitNeverFiresButTwoWithoutAWaitDo() {
        assertThat(BackoffJudge.assess(List.of(Duration.ofMillis(30)), Duration.ofMillis(100))).isEmpty();
        // one wait near 0 ms is also full jitter's draw near 0 ms
        assertThat(BackoffJudge.assess(List.of(Duration.ofMillis(3)), Duration.ofMillis(100))).isEmpty();
        assertThat(BackoffJudge.assess(List.of(Duration.ofMillis(3), Duration.ofMillis(4)), Duration.ofMillis(100))).isPresent();
        // full jitter's small first draw, then a grown one
        assertThat(BackoffJudge.assess(List.of(Duration.ofMillis(4), Duration.ofMillis(260)), Duration.ofMillis(100))).isEmpty();
    }

    private static void assertRates(int retries, List<String> catchable) {
        List<String> failures = new ArrayList<>();
        StringBuilder table = new StringBuilder();
        for (Strategy strategy : BackoffStrategies.ALL) {
            double rate = BackoffStrategies.noBackoffRate(strategy, retries, SEQUENCES, SEED + strategy.name().hashCode());
            table.append(String.format(Locale.ROOT, "%-24s %-16s %6.2f %%%n", strategy.name(),
                    strategy.good() ? "false positives" : "caught", 100 * rate));
            if (strategy.good() && rate > 0.01) {
                failures.add(strategy.name() + ": NO_BACKOFF on " + 100 * rate + " % of good sequences (at most 1 % allowed)");
            }
            if (!strategy.good() && catchable.contains(strategy.name()) && rate < 0.99) {
                failures.add(strategy.name() + ": caught in only " + 100 * rate + " % of sequences (at least 99 % required)");
            }
        }
        System.out.println("NO_BACKOFF over " + SEQUENCES + " sequences of " + retries + " retries\n" + table);
        assertThat(failures).as("NO_BACKOFF rates over %d retries:%n%s", retries, table).isEmpty();
    }
}
