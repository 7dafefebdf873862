package dev.chaosgate.link.toxic;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Chunks (and a final end-of-stream) waiting for their release time, released in order by one
 * timer on the link's event loop. Shared by the toxics that delay data.
 */
final class TimedQueue {
    /** Release time of entries held until the toxic is interrupted (bandwidth rate 0). */
    static final long NEVER = Long.MAX_VALUE;

    private record Entry(Chunk chunk, long releaseAtNanos) {
    }

    private final ToxicContext context;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private Runnable timer;
    private long timerDueNanos;

    TimedQueue(ToxicContext context) {
        this.context = context;
    }

    /**
     * {@code nanos + delayNanos} (a delay of at least 0), or {@link #NEVER} when that overflows, so
     * that a huge delay holds data until the toxic is interrupted instead of wrapping into the past.
     */
    static long later(long nanos, long delayNanos) {
        long sum = nanos + delayNanos;
        return sum < nanos ? NEVER : sum;
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Release time of the last entry, or {@code Long.MIN_VALUE} when empty. */
    long lastReleaseNanos() {
        Entry last = entries.peekLast();
        return last == null ? Long.MIN_VALUE : last.releaseAtNanos;
    }

    /** Holds a chunk until {@code releaseAtNanos}; times must not decrease across calls. */
    void add(Chunk chunk, long releaseAtNanos) {
        entries.addLast(new Entry(chunk, releaseAtNanos));
        releaseDue();
    }

    /** Ends the stream once every entry ahead has left, at {@code releaseAtNanos} at the earliest. */
    void addEnd(long releaseAtNanos) {
        entries.addLast(new Entry(null, releaseAtNanos));
        releaseDue();
    }

    /** Forwards everything now, in order (the toxic was interrupted). */
    void flush() {
        cancelTimer();
        Entry entry;
        while ((entry = entries.pollFirst()) != null) {
            emit(entry);
        }
    }

    private void releaseDue() {
        long now = context.nanoTime();
        Entry head;
        while ((head = entries.peekFirst()) != null && head.releaseAtNanos <= now) {
            entries.pollFirst();
            emit(head);
        }
        if (head == null || head.releaseAtNanos == NEVER) {
            cancelTimer();
        } else if (timer == null || timerDueNanos != head.releaseAtNanos) {
            cancelTimer();
            timerDueNanos = head.releaseAtNanos;
            timer = context.schedule(this::onTimer, head.releaseAtNanos - now, TimeUnit.NANOSECONDS);
        }
    }

    private void onTimer() {
        timer = null;
        releaseDue();
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.run();
            timer = null;
        }
    }

    private void emit(Entry entry) {
        if (entry.chunk == null) {
            context.forwardEnd();
        } else {
            if (entry.releaseAtNanos != NEVER && entry.releaseAtNanos > entry.chunk.timestampNanos()) {
                entry.chunk.timestampNanos(entry.releaseAtNanos);
            }
            context.forward(entry.chunk);
        }
    }
}
