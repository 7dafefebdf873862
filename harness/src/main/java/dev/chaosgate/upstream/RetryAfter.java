package dev.chaosgate.upstream;

import dev.chaosgate.fixtures.HttpDate;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A {@code Retry-After} header value, including the malformed and misleading ones real gateways
 * send, so a client's handling of each can be judged.
 *
 * @param kind  how the value is written
 * @param delay the wait it stands for (for dates: how far ahead of, or behind, the moment it is sent)
 */
public record RetryAfter(Kind kind, Duration delay) {

    public enum Kind {
        /** Whole seconds: {@code Retry-After: 5}. */
        SECONDS,
        /** Fractional seconds, which RFC 9110 does not allow but some gateways send: {@code 1.5}. */
        FRACTION,
        /** An HTTP-date {@code delay} from now: {@code Sun, 22 Nov 2026 03:40:00 GMT}. */
        HTTP_DATE,
        /** An HTTP-date already in the past. */
        PAST_DATE,
        /** A negative number of seconds. */
        NEGATIVE,
        /** An absurdly large number of seconds a client must cap. */
        HUGE,
        /** Not a number or date at all. */
        GARBAGE
    }


    public RetryAfter {
        Objects.requireNonNull(kind, "kind cannot be null");
        Objects.requireNonNull(delay, "delay cannot be null");
    }

    public static RetryAfter seconds(long seconds) {
        if (seconds < 0) {
            throw new IllegalArgumentException("seconds must be >= 0, got " + seconds + "; use RetryAfter.negative() for a negative value");
        }
        return new RetryAfter(Kind.SECONDS, Duration.ofSeconds(seconds));
    }

    public static RetryAfter fraction(double seconds) {
        return new RetryAfter(Kind.FRACTION, Duration.ofNanos((long) (seconds * 1e9)));
    }

    public static RetryAfter httpDate(Duration ahead) {
        return new RetryAfter(Kind.HTTP_DATE, ahead);
    }

    public static RetryAfter pastDate() {
        return new RetryAfter(Kind.PAST_DATE, Duration.ofMinutes(-10));
    }

    public static RetryAfter negative() {
        return new RetryAfter(Kind.NEGATIVE, Duration.ofSeconds(-5));
    }

    public static RetryAfter huge() {
        return new RetryAfter(Kind.HUGE, Duration.ofSeconds(999_999_999L));
    }

    public static RetryAfter garbage() {
        return new RetryAfter(Kind.GARBAGE, Duration.ZERO);
    }

    /** The header value to send at {@code now}. */
    public String headerValue(Instant now) {
        return switch (kind) {
            case SECONDS, HUGE, NEGATIVE -> Long.toString(delay.toSeconds());
            case FRACTION -> trimFraction(delay.toNanos() / 1e9);
            case HTTP_DATE, PAST_DATE -> HttpDate.format(now.plus(delay));
            case GARBAGE -> "soon, probably";
        };
    }

    /**
     * The wait a well-behaved client should honour: the delay itself where the value is valid, none
     * for a past date, negative or unparseable value (a client then falls back to its own backoff).
     */
    public Duration honouredDelay() {
        return switch (kind) {
            case SECONDS, HTTP_DATE, FRACTION, HUGE -> delay;
            case PAST_DATE, NEGATIVE, GARBAGE -> Duration.ZERO;
        };
    }

    /** A plain decimal: digits with an optional fraction, no sign, exponent or suffix. */
    private static final Pattern DECIMAL = Pattern.compile("\\d{1,18}(\\.\\d{1,9})?");

    /**
     * The wait an answer asks for, read the one way chaosgate reads it everywhere (the verdict, the
     * bundled client, the load clients): {@code retry-after-ms} first, a decimal number of
     * milliseconds (OpenAI's header); else {@code Retry-After} (RFC 9110 §10.2.3) as delay-seconds,
     * with a decimal fraction allowed because gateways send them and SDKs read them, or as an HTTP
     * date in any of its three formats, measured from {@code now}. Empty when neither header is
     * there or usable: a negative, zero, past, signed, exponent or unreadable value asks for nothing
     * (a client then uses its own backoff). How long a wait a client believes is its own policy, not
     * part of reading the header.
     */
    public static Optional<Duration> requestedWait(String retryAfterMs, String retryAfter, Instant now) {
        Objects.requireNonNull(now, "now cannot be null");
        Optional<Duration> millis = decimal(retryAfterMs, 1_000_000L);
        if (millis.isPresent() || retryAfter == null) {
            return millis;
        }
        String value = retryAfter.strip();
        if (DECIMAL.matcher(value).matches()) {
            return decimal(value, 1_000_000_000L);
        }
        return HttpDate.parse(value, now).map(at -> Duration.between(now, at)).filter(wait -> !wait.isNegative() && !wait.isZero());
    }

    private static Optional<Duration> decimal(String text, long nanosPerUnit) {
        if (text == null || !DECIMAL.matcher(text.strip()).matches()) {
            return Optional.empty();
        }
        double nanos = Double.parseDouble(text.strip()) * nanosPerUnit;
        return nanos >= 1 ? Optional.of(Duration.ofNanos((long) Math.min(nanos, Long.MAX_VALUE))) : Optional.empty();
    }

    private static String trimFraction(double seconds) {
        String text = String.format(java.util.Locale.ROOT, "%.3f", seconds);
        text = text.replaceAll("0+$", "");
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }
}
