package dev.chaosgate.load.client;

import dev.chaosgate.load.figures.Latencies;

import java.util.concurrent.atomic.LongAdder;

/**
 * What one client model did in a run, counted by the model itself: logical requests (what the user
 * asked for), the attempts they took, how they ended, and their end-to-end times (backoff included).
 */
public final class ClientCounters {
    private final LongAdder started = new LongAdder();
    private final LongAdder succeeded = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder attempts = new LongAdder();
    private final Latencies endToEnd = new Latencies();
    private final Latencies endToEndSucceeded = new Latencies();

    void started() {
        started.increment();
    }

    void attempted() {
        attempts.increment();
    }

    void ended(boolean success, long millis) {
        (success ? succeeded : failed).increment();
        endToEnd.record(millis);
        if (success) {
            endToEndSucceeded.record(millis);
        }
    }

    public long logicalRequests() {
        return started.sum();
    }

    public long attempts() {
        return attempts.sum();
    }

    public long succeeded() {
        return succeeded.sum();
    }

    public long failed() {
        return failed.sum();
    }

    /** Logical requests started but not ended yet. */
    public long inFlight() {
        return started.sum() - succeeded.sum() - failed.sum();
    }

    /** Attempts per logical request: 1.0 when nothing was retried. */
    public double amplification() {
        long ended = succeeded() + failed();
        return ended == 0 ? 0 : (double) attempts() / ended;
    }

    /** The share of logical requests that got an answer in the end. */
    public double successRate() {
        long ended = succeeded() + failed();
        return ended == 0 ? 0 : (double) succeeded() / ended;
    }

    /** End-to-end time of every logical request, however it ended. */
    public Latencies endToEnd() {
        return endToEnd;
    }

    /** End-to-end time of the logical requests that got an answer. */
    public Latencies endToEndSucceeded() {
        return endToEndSucceeded;
    }
}
