package dev.chaosgate.load.client;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
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
     * What a failed answer asked for: {@code retry-after-ms} (OpenAI's, in milliseconds) when present,
     * else {@code Retry-After} in seconds or as an HTTP date; null when neither is usable.
     */
    public static Duration retryAfter(String retryAfterMs, String retryAfter) {
        Duration millis = parse(retryAfterMs, 1);
        if (millis != null) {
            return millis;
        }
        Duration seconds = parse(retryAfter, 1000);
        if (seconds != null || retryAfter == null) {
            return seconds;
        }
        try {
            Duration untilDate = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(retryAfter.trim(),
                    DateTimeFormatter.RFC_1123_DATE_TIME));
            return untilDate.isNegative() ? Duration.ZERO : untilDate;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Duration parse(String value, int millisPerUnit) {
        if (value == null) {
            return null;
        }
        try {
            double amount = Double.parseDouble(value.trim());
            return amount >= 0 && Double.isFinite(amount) ? Duration.ofMillis(Math.round(amount * millisPerUnit)) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
