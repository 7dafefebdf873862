package dev.chaosgate.upstream;

import java.time.Duration;
import java.util.Objects;

/**
 * One step of a timeline the upstream plays: {@code fault} (null: normal answers) for
 * {@code requests} generation requests or for {@code duration}; the last step may have neither and
 * lasts for the rest of the run. Requests that are not generations (a model list, a warm-up) are
 * answered normally and do not count.
 *
 * @param actionStep when set, the step's fault is aimed at that step of the user's action (see
 *                   {@link ActionStep}): only generation requests that are that step meet it and count
 *                   toward {@code requests}; the others are answered normally. Null: every generation request.
 */
public record TimelineStep(String name, Integer requests, Duration duration, UpstreamFault fault, Integer actionStep) {

    /** A step aimed at every generation request. */
    public TimelineStep(String name, Integer requests, Duration duration, UpstreamFault fault) {
        this(name, requests, duration, fault, null);
    }

    public TimelineStep {
        if (actionStep != null && actionStep < 1) {
            throw new IllegalArgumentException("step '" + name + "' aims at action step " + actionStep + "; steps count from 1");
        }
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
