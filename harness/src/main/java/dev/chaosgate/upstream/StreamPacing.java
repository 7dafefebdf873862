package dev.chaosgate.upstream;

import java.time.Duration;

/**
 * How a streamed answer is spaced in time, like a model producing tokens: the first event after
 * {@code firstEvent}, each following one after {@code betweenEvents}.
 */
public record StreamPacing(Duration firstEvent, Duration betweenEvents) {

    public StreamPacing {
        if (firstEvent.isNegative() || betweenEvents.isNegative()) {
            throw new IllegalArgumentException("pacing durations must be >= 0");
        }
    }

    /** Roughly a hosted chat model: 150 ms to the first token, then 25 ms per chunk. */
    public static StreamPacing realistic() {
        return new StreamPacing(Duration.ofMillis(150), Duration.ofMillis(25));
    }

    /** No waiting at all, for tests that only look at content. */
    public static StreamPacing immediate() {
        return new StreamPacing(Duration.ZERO, Duration.ZERO);
    }
}
