package dev.chaosgate.verdict;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code NO_BACKOFF}: judged on the whole sequence of the client's own waits, not gap by gap, so that every
 * common backoff family passes (full, equal and decorrelated jitter, exponential with or without jitter, the
 * SDKs' policies, a fixed interval of a second) and what is left is a retry loop without a wait: immediate
 * retries, a retry storm, a fixed tiny interval.
 *
 * <p>A wait is the client's own when the answer before it carried no readable Retry-After, or carried one
 * in a scenario that does not check honouring it ({@code honourRetryAfter: false}). Gaps after a readable
 * Retry-After in a scenario that checks it are the Retry-After judge's business. In a scenario that does not,
 * the server still asked for a pause, so that gap must also be at least {@code f}, or what was asked if less
 * (less 20 ms of timer slack):
 * capped or replaced by the client's own backoff, a wait that was asked for is never a few milliseconds.
 *
 * <p>A scenario with {@code minBackoff: 0s} says retrying at once is right (a Retry-After in the past means
 * "now"), and is not judged. Otherwise the rule ({@link #assess}), with {@code f = max(minBackoff, 100 ms)}:
 * <ol>
 *   <li>a lone wait (one retry) never fires: full jitter's first wait is uniform in 0–200 ms (it may be
 *       0 ms), so one short wait cannot tell an immediate retry from a correct client's draw, and a false red
 *       costs more than a missed one. Only the Retry-After floor above applies to it;</li>
 *   <li>with two or more waits, <b>immediate retries</b> fire: the waits average below {@value #IMMEDIATE_MEAN_PAIR_MS} ms
 *       (two waits) or {@value #IMMEDIATE_MEAN_LONG_MS} ms (three or more), or at least three waits and at least
 *       half of them are below {@value #IMMEDIATE_MS} ms (a loop without a wait with one long pause in it);</li>
 *   <li>with three or more waits, a <b>fixed short interval</b> fires: every wait is below {@code f} and the
 *       longest is at most {@value #CONSTANT_RATIO} times the shortest plus {@value #CONSTANT_SLACK_MS} ms of
 *       scheduling noise (the waits do not grow).</li>
 * </ol>
 * The thresholds are measured, not guessed: {@code BackoffBench} (in the tests) runs 10,000 simulated
 * sequences of each common strategy with scheduling noise through this judge; the table is in
 * {@code docs/verdicts.md}.
 */
final class BackoffJudge implements Judge {
    /** Timer slack on the floor that applies after an answer that asked for a wait. */
    static final Duration SLACK = Duration.ofMillis(20);
    /** Below this a wait in a sequence is an immediate retry. */
    static final long IMMEDIATE_MS = 20;
    /**
     * Below this average over two waits, they are immediate retries: full jitter's first two draws (0-200 and
     * 0-400 ms) total under 36 ms with a chance of 36^2 / (2 x 200 x 400) = 0.8 %.
     */
    static final long IMMEDIATE_MEAN_PAIR_MS = 18;
    /**
     * Below this average over three or more waits, the sequence is a retry loop without a wait. Full jitter's
     * chance of so short a total falls fast with the number of waits (the total of n uniform draws is below s
     * with a chance of the order of s^n / n!), so longer sequences allow a little more scheduling noise.
     */
    static final long IMMEDIATE_MEAN_LONG_MS = 25;
    /** Waits within this factor of each other (plus {@link #CONSTANT_SLACK_MS}) do not grow. */
    static final double CONSTANT_RATIO = 1.5;
    static final long CONSTANT_SLACK_MS = 10;
    /** The least "short" threshold of the fixed-interval rule (a scenario's {@code minBackoff} can raise it). */
    static final Duration SHORT_FLOOR = Duration.ofMillis(100);

    /** Why a sequence of waits is no backoff: the finding's message and evidence. */
    record Assessment(int retryIndex, String message) {
    }

    @Override
    public void judge(VerdictCase c, List<Finding> findings) {
        // minBackoff 0: the scenario says retrying at once is right (a Retry-After in the past means "now").
        if (!c.expect().retry() || c.expect().minBackoff().isZero()) {
            return;
        }
        List<Attempt> attempts = c.attempts();
        List<Duration> waits = new ArrayList<>();
        List<Attempt> after = new ArrayList<>();
        Duration floor = c.expect().minBackoff().compareTo(SHORT_FLOOR) > 0 ? c.expect().minBackoff() : SHORT_FLOOR;
        for (int i = 1; i < attempts.size(); i++) {
            Attempt previous = attempts.get(i - 1);
            Attempt next = attempts.get(i);
            // After an answer the client received in full, the next request is the action's next step, not a retry.
            if (next.gap() == null || (previous.reachedUpstream() && previous.exchange().delivered())) {
                continue;
            }
            if (previous.askedWait() != null) {
                if (c.expect().honourRetryAfter()) {
                    continue;
                }
                // The answer asked for a wait the scenario does not hold the client to (an absurd one, say):
                // capped or replaced by the client's own backoff, it is still a wait, never a few ms.
                // (A client that waited what a short Retry-After asked for did wait.)
                Duration least = previous.askedWait().compareTo(floor) < 0 ? previous.askedWait() : floor;
                if (next.gap().plus(SLACK).compareTo(least) < 0) {
                    findings.add(Finding.of(FindingCode.NO_BACKOFF, "attempt " + next.number() + " came "
                                    + next.gap().toMillis() + " ms after attempt " + previous.number() + "'s answer asked to wait "
                                    + previous.askedWait().toMillis() + " ms; a good client caps such a wait or falls back to"
                                    + " its own backoff (at least " + floor.toMillis() + " ms here), it does not retry at once",
                            previous.describe(), next.describe()));
                    return;
                }
            }
            waits.add(next.gap());
            after.add(next);
        }
        assess(waits, c.expect().minBackoff()).ifPresent(a -> {
            Attempt next = after.get(a.retryIndex());
            Attempt previous = attempts.get(attempts.indexOf(next) - 1);
            findings.add(Finding.of(FindingCode.NO_BACKOFF, "attempt " + next.number() + " came " + next.gap().toMillis()
                            + " ms after attempt " + previous.number() + " ended: " + a.message(),
                    "own waits: " + millis(waits), previous.describe(), next.describe()));
        });
    }

    /**
     * Judges the client's own waits, oldest first.
     *
     * @return why they are no backoff (with the index of the wait the finding points at), or empty when they are one
     */
    static Optional<Assessment> assess(List<Duration> waits, Duration minBackoff) {
        int n = waits.size();
        if (n == 0) {
            return Optional.empty();
        }
        if (n == 1) {
            // One wait cannot tell an immediate retry from full jitter's draw near 0 ms (see the class comment).
            return Optional.empty();
        }
        long total = 0;
        int immediate = 0;
        int firstImmediate = -1;
        for (int i = 0; i < n; i++) {
            long wait = waits.get(i).toMillis();
            total += wait;
            if (wait < IMMEDIATE_MS) {
                immediate++;
                firstImmediate = firstImmediate < 0 ? i : firstImmediate;
            }
        }
        long meanLimit = n == 2 ? IMMEDIATE_MEAN_PAIR_MS : IMMEDIATE_MEAN_LONG_MS;
        if (total < meanLimit * n) {
            return Optional.of(new Assessment(firstImmediate < 0 ? 0 : firstImmediate, "the client waited " + total
                    + " ms in all over " + n + " retries (" + millis(waits) + "), under " + meanLimit
                    + " ms a retry: a retry loop without a wait; a good client backs off exponentially, with jitter"));
        }
        if (immediate >= Math.max(3, (n + 1) / 2)) {
            return Optional.of(new Assessment(firstImmediate, immediate + " of " + n + " retries came within "
                    + IMMEDIATE_MS + " ms of the failure (" + millis(waits) + "): a retry loop without a wait; a good"
                    + " client backs off exponentially, with jitter"));
        }
        if (n >= 3) {
            Duration shortLimit = minBackoff.compareTo(SHORT_FLOOR) > 0 ? minBackoff : SHORT_FLOOR;
            long shortest = Long.MAX_VALUE;
            long longest = 0;
            for (Duration wait : waits) {
                shortest = Math.min(shortest, wait.toMillis());
                longest = Math.max(longest, wait.toMillis());
            }
            if (longest < shortLimit.toMillis() && longest <= shortest * CONSTANT_RATIO + CONSTANT_SLACK_MS) {
                return Optional.of(new Assessment(n - 1, "the waits stay short and do not grow (" + millis(waits)
                        + ", all under " + shortLimit.toMillis() + " ms): a fixed tiny interval; a good client backs"
                        + " off exponentially, with jitter"));
            }
        }
        return Optional.empty();
    }

    private static String millis(List<Duration> waits) {
        return waits.stream().map(w -> w.toMillis() + " ms").toList().toString();
    }
}
