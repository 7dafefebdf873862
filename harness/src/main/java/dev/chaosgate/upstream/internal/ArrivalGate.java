package dev.chaosgate.upstream.internal;

import java.time.Duration;

/**
 * Gathers a crowd's first requests so they arrive together: the first {@code size} generation requests wait
 * until {@code size} have come, or until {@code timeout} after the first one, then all go on at once; every
 * request after them passes. Client processes take different times to start (an interpreter, a JVM, a busy
 * machine), so "all users at once" is made true at the upstream, where overload and rate limits decide.
 */
final class ArrivalGate {
    private final int size;
    private final long timeoutNanos;
    private int arrived;
    private long firstNanos;
    private boolean open;

    ArrivalGate(int size, Duration timeout) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be >= 1, got " + size);
        }
        this.size = size;
        this.timeoutNanos = timeout.toNanos();
    }

    /** Returns when this request may go on: at once once the gate is open, else when it opens. */
    synchronized void pass() throws InterruptedException {
        if (open) {
            return;
        }
        arrived++;
        if (arrived == 1) {
            firstNanos = System.nanoTime();
        }
        if (arrived >= size) {
            open();
            return;
        }
        long deadline = firstNanos + timeoutNanos;
        while (!open) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                open();
                return;
            }
            wait(left / 1_000_000 + 1);
        }
    }

    private void open() {
        open = true;
        notifyAll();
    }
}
