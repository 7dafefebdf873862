package dev.chaosgate.upstream;

import java.time.Duration;
import java.util.Objects;

/**
 * One step of a timeline the upstream plays: {@code fault} (null: normal answers) for
 * {@code requests} requests or for {@code duration}; the last step may have neither and lasts for
 * the rest of the run.
 */
public record TimelineStep(String name, Integer requests, Duration duration, UpstreamFault fault) {

    public TimelineStep {
        Objects.requireNonNull(name, "name cannot be null");
        if (requests != null && duration != null) {
            throw new IllegalArgumentException("step '" + name + "' lasts requests or a duration, not both");
        }
        if (requests != null && requests < 1) {
            throw new IllegalArgumentException("step '" + name + "' must last at least 1 request");
        }
        if (duration != null && (duration.isZero() || duration.isNegative())) {
            throw new IllegalArgumentException("step '" + name + "' must last more than 0");
        }
    }
}
