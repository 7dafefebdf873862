package dev.chaosgate.load.client;

import dev.chaosgate.upstream.RetryAfter;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * When a client model tries a failed call again, and how long it waits first. Pure arithmetic, no
 * Gatling type, so the two models can be read (and tested) apart from the simulations.
 *
 * @param name              the model's name in reports: {@code naive}, {@code well-behaved}
 * @param maxAttempts       attempts per logical request, the first one included
 * @param base              the wait before the first retry, doubled for each further one
 * @param cap               the longest backoff
 * @param honoursRetryAfter whether {@code retry-after-ms} / {@code Retry-After} set the least wait
 * @param jitter            upward jitter: each wait is stretched by a random 0..jitter of itself
 */
public record RetryPolicy(String name, int maxAttempts, Duration base, Duration cap, boolean honoursRetryAfter,
                          double jitter) {
    /** Retry-After values above this are not honoured (as the OpenAI SDKs do): the backoff applies. */
    public static final Duration LONGEST_RETRY_AFTER = Duration.ofSeconds(60);

    public RetryPolicy {
        Objects.requireNonNull(name, "name cannot be null");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
        }
        if (jitter < 0) {
            throw new IllegalArgumentException("jitter must be >= 0, got " + jitter);
        }
    }

    /** Retries at once, up to 10 attempts: the stampede. */
    public static RetryPolicy naive() {
        return new RetryPolicy("naive", 10, Duration.ZERO, Duration.ZERO, false, 0);
    }

    /**
     * At most 4 attempts; waits 0.5 s, 1 s, 2 s ... (at most 8 s) before retry 1, 2, 3, never less
     * than the server's Retry-After, each wait stretched by up to 100 % so that clients turned away
     * together do not come back together.
     */
    public static RetryPolicy wellBehaved() {
        return new RetryPolicy("well-behaved", 4, Duration.ofMillis(500), Duration.ofSeconds(8), true, 1.0);
    }

    /**
     * The wait before retry {@code retry} (1 for the first retry).
     *
     * @param retryAfter what the failed answer asked for, or null
     * @param random     uniform in [0, 1)
     */
    public Duration delayBefore(int retry, Duration retryAfter, DoubleSupplier random) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry must be >= 1, got " + retry);
        }
        long backoff = Math.min(cap.toMillis(), base.toMillis() << Math.min(retry - 1, 30));
        long floor = backoff;
        if (honoursRetryAfter && retryAfter != null && retryAfter.compareTo(LONGEST_RETRY_AFTER) <= 0) {
            floor = Math.max(floor, retryAfter.toMillis());
        }
        return Duration.ofMillis(Math.round(floor * (1 + jitter * random.getAsDouble())));
    }

    /**
     * What a failed answer asked for, read by chaosgate's one reading of the headers
     * ({@link RetryAfter#requestedWait}: {@code retry-after-ms}, else {@code Retry-After} in seconds or
     * as an HTTP date); null when neither asks for a wait.
     */
    public static Duration retryAfter(String retryAfterMs, String retryAfter) {
        return RetryAfter.requestedWait(retryAfterMs, retryAfter, Instant.now()).orElse(null);
    }
}
