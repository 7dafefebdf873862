package dev.chaosgate.load.figures;

import java.util.Arrays;

/** Recorded durations in milliseconds, and their percentiles. Thread-safe; a run records at most a few hundred thousand. */
public final class Latencies {
    private long[] millis = new long[1024];
    private int size;

    public synchronized void record(long durationMillis) {
        if (size == millis.length) {
            millis = Arrays.copyOf(millis, size * 2);
        }
        millis[size++] = durationMillis;
    }

    public synchronized int count() {
        return size;
    }

    /** The nearest-rank percentile ({@code p} in 0..100), 0 when nothing was recorded. */
    public synchronized long percentile(double p) {
        if (size == 0) {
            return 0;
        }
        long[] sorted = Arrays.copyOf(millis, size);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * size);
        return sorted[Math.max(0, Math.min(size - 1, rank - 1))];
    }

    /** p50, p95 and p99 together. */
    public Percentiles percentiles() {
        return new Percentiles(percentile(50), percentile(95), percentile(99));
    }

    /** The percentiles of a set of durations, in milliseconds. */
    public record Percentiles(long p50, long p95, long p99) {
    }
}
