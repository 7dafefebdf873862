package dev.chaosgate.verdict;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * The wait an answer asked for, read as a careful client reads it: {@code retry-after-ms} first,
 * then {@code Retry-After} as seconds (fractions allowed) or an HTTP-date. Negative, past or
 * unreadable values ask for nothing (a client then uses its own backoff).
 */
final class RetryAfterHeaders {
    private RetryAfterHeaders() {
    }

    static Duration askedWait(Map<String, String> headers, Instant sentAt) {
        String millis = headers.get("retry-after-ms");
        if (millis != null) {
            try {
                double value = Double.parseDouble(millis.trim());
                if (value > 0 && Double.isFinite(value)) {
                    return Duration.ofNanos((long) (value * 1_000_000));
                }
            } catch (NumberFormatException ignored) {
                // fall back to Retry-After
            }
        }
        String retryAfter = headers.get("retry-after");
        if (retryAfter == null) {
            return null;
        }
        String value = retryAfter.trim();
        try {
            double seconds = Double.parseDouble(value);
            return seconds > 0 && Double.isFinite(seconds) ? Duration.ofNanos((long) (seconds * 1e9)) : null;
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration wait = Duration.between(sentAt, at);
                return wait.isNegative() || wait.isZero() ? null : wait;
            } catch (DateTimeParseException garbage) {
                return null;
            }
        }
    }

    static Boolean shouldRetry(Map<String, String> headers) {
        String value = headers.get("x-should-retry");
        if ("true".equalsIgnoreCase(value)) {
            return Boolean.TRUE;
        }
        return "false".equalsIgnoreCase(value) ? Boolean.FALSE : null;
    }
}
