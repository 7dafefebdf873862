package dev.chaosgate.link.testing;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Elapsed-time assertions sized for a loaded 2-core CI machine: timers never fire early, so lower
 * bounds are tight-ish, while upper bounds allow at least twice the expected delay.
 */
public final class Timing {
    private Timing() {
    }

    public static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    public static long millisBetween(long startNanos, long endNanos) {
        return (endNanos - startNanos) / 1_000_000;
    }

    /**
     * Asserts {@code actualMillis} is {@code expectedMillis} within {@code toleranceMillis} below, and
     * within {@code max(expected, tolerance) + tolerance} above (never tighter than 2x the expectation).
     */
    public static void assertElapsed(String what, long actualMillis, long expectedMillis, long toleranceMillis) {
        long lower = expectedMillis - toleranceMillis;
        long upper = expectedMillis + Math.max(expectedMillis, toleranceMillis) + toleranceMillis;
        assertThat(actualMillis)
                .as("%s: expected ~%d ms (accepting %d..%d ms), took %d ms", what, expectedMillis, lower, upper, actualMillis)
                .isBetween(lower, upper);
    }

    /** Asserts the elapsed time is within {@code [min, max]} ms. */
    public static void assertElapsedBetween(String what, long actualMillis, long minMillis, long maxMillis) {
        assertThat(actualMillis)
                .as("%s: expected %d..%d ms, took %d ms", what, minMillis, maxMillis, actualMillis)
                .isBetween(minMillis, maxMillis);
    }
}
