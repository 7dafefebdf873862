package dev.chaosgate.scenario.syntax;

import dev.chaosgate.fixtures.yaml.Closest;
import dev.chaosgate.fixtures.yaml.YamlFields;
import dev.chaosgate.fixtures.yaml.YamlNode;
import dev.chaosgate.upstream.RetryAfter;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a YAML scalar becomes a value of the scenario model, with the errors a person can act on:
 * the file, line and key, what was wrong and the closest valid value. Every {@link Key} reads through here.
 */
public final class Values {
    /** What {@code retryAfter} may say instead of a number. */
    public static final List<String> RETRY_AFTER_KEYWORDS = List.of("past", "negative", "huge", "garbage");

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");
    /** A number and a unit written out, for "did you mean" hints: {@code 5 seconds}, {@code 2 sec}, {@code 100 MS}. */
    private static final Pattern LOOSE_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([A-Za-z]+)");
    private static final Pattern DECIMAL = Pattern.compile("\\d+(\\.\\d+)?");
    private static final String DURATION_HINT = "Write a duration like 250ms, 2s, 1.5s or 1m";

    private Values() {
    }

    /** {@code value} when {@code allowed} holds it; otherwise an error with the closest choice and all of them. */
    public static String choice(YamlNode.Entry at, String value, List<String> allowed) {
        if (allowed.contains(value)) {
            return value;
        }
        throw YamlFields.problem(at.value().location(), at.key(), "`" + at.key() + "` cannot be `" + value + "`",
                suggestion(value, allowed).map(c -> "Did you mean `" + c + "`? ").orElse("") + "Choose one of: " + String.join(", ", allowed));
    }

    /** The candidate {@code input} is most likely a misspelling or a part of, if any. */
    public static Optional<String> suggestion(String input, Collection<String> candidates) {
        Optional<String> containing = Closest.of(input, candidates)
                .filter(c -> !input.isEmpty() && c.toLowerCase(Locale.ROOT).contains(input.toLowerCase(Locale.ROOT)));
        return containing.isPresent() ? containing : Closest.likelyTypo(input, candidates);
    }

    public static long whole(YamlNode.Entry entry, long min, long max, String hint) {
        BigInteger whole = whole(entry.value());
        if (whole != null) {
            boolean low = whole.compareTo(BigInteger.valueOf(min)) < 0;
            if (low || whole.compareTo(BigInteger.valueOf(max)) > 0) {
                // Name the bound that was crossed: "at least 1, got 3000000000" would contradict itself.
                String range = max != Long.MAX_VALUE && max != Integer.MAX_VALUE ? "in " + min + ".." + max
                        : low ? "at least " + min : "at most " + max;
                throw YamlFields.problem(entry.value().location(), entry.key(), "`" + entry.key() + "` must be " + range
                        + ", got " + whole, hint);
            }
            return whole.longValue();
        }
        throw YamlFields.problem(entry.value().location(), entry.key(), "`" + entry.key() + "` must be a whole number, but it is "
                + kind(entry.value()), hint);
    }

    /** A whole-number scalar of any size (a literal beyond 64 bits reads as a BigInteger), or null for anything else. */
    public static BigInteger whole(YamlNode node) {
        if (node instanceof YamlNode.Scalar scalar
                && (scalar.value() instanceof Integer || scalar.value() instanceof Long || scalar.value() instanceof BigInteger)) {
            return new BigInteger(scalar.value().toString());
        }
        return null;
    }

    public static double number(YamlNode.Entry entry, double min, double max, String hint) {
        if (entry.value() instanceof YamlNode.Scalar scalar && scalar.value() instanceof Number number) {
            double value = number.doubleValue();
            if (!(value >= min && value <= max)) {
                throw YamlFields.problem(entry.value().location(), entry.key(), "`" + entry.key() + "` must be in "
                        + plain(min) + ".." + plain(max) + ", got " + number, hint);
            }
            return value;
        }
        throw YamlFields.problem(entry.value().location(), entry.key(), "`" + entry.key() + "` must be a number, but it is "
                + kind(entry.value()), hint);
    }

    private static String plain(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    /** {@code 250ms}, {@code 2s}, {@code 1.5s}, {@code 1m}, {@code 1h}; zero only when {@code zeroAllowed}. */
    public static Duration duration(YamlNode.Entry entry, String where, boolean zeroAllowed) {
        String what = "`" + entry.key() + "` of " + where;
        if (entry.value() instanceof YamlNode.Scalar scalar && scalar.value() instanceof String text) {
            Matcher m = DURATION.matcher(text);
            if (m.matches()) {
                double amount = Double.parseDouble(m.group(1));
                double nanos = amount * switch (m.group(2)) {
                    case "ms" -> 1e6;
                    case "s" -> 1e9;
                    case "m" -> 60e9;
                    default -> 3600e9;
                };
                if (nanos >= Long.MAX_VALUE) {
                    // Beyond what a Duration of nanoseconds holds (292 years): it would silently become that.
                    throw YamlFields.problem(entry.value().location(), entry.key(), what + " is too long (`" + text + "`)", DURATION_HINT);
                }
                Duration value = Duration.ofNanos((long) nanos);
                if (value.isZero() && !zeroAllowed) {
                    throw YamlFields.problem(entry.value().location(), entry.key(), what + " must be more than 0", DURATION_HINT);
                }
                return value;
            }
            throw YamlFields.problem(entry.value().location(), entry.key(), what + " cannot be `" + text + "`",
                    durationFix(text).map(d -> "Did you mean `" + d + "`? ").orElse("") + DURATION_HINT);
        }
        if (entry.value() instanceof YamlNode.Scalar scalar && scalar.value() instanceof Number number) {
            throw YamlFields.problem(entry.value().location(), entry.key(), what + " must be a duration with a unit, but it is a bare number ("
                    + number + ")", "Write `" + number + "s` for seconds or `" + number + "ms` for milliseconds");
        }
        throw YamlFields.problem(entry.value().location(), entry.key(), what + " must be a duration, but it is " + kind(entry.value()), DURATION_HINT);
    }

    /** {@code 5 seconds} → {@code 5s}, {@code 100 MS} → {@code 100ms}, when the unit is recognisable. */
    private static Optional<String> durationFix(String text) {
        Matcher m = LOOSE_DURATION.matcher(text.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        String unit = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "ms", "msec", "msecs", "millis", "millisecond", "milliseconds" -> "ms";
            case "s", "sec", "secs", "second", "seconds" -> "s";
            case "m", "min", "mins", "minute", "minutes" -> "m";
            case "h", "hr", "hrs", "hour", "hours" -> "h";
            default -> null;
        };
        return unit == null ? Optional.empty() : Optional.of(m.group(1) + unit);
    }

    /** {@code 5} (seconds), {@code 1.5}, {@code "1.5"}, {@code past}, {@code negative}, {@code huge}, {@code garbage}, or {@code {date: 30s}}. */
    public static RetryAfter retryAfter(YamlNode.Entry entry) {
        YamlNode value = entry.value();
        String hint = "Write whole seconds (`retryAfter: 5`), a fraction (`1.5`), `{date: 30s}` for an HTTP-date ahead, or one of "
                + String.join(", ", RETRY_AFTER_KEYWORDS);
        if (value instanceof YamlNode.Scalar scalar) {
            Object raw = scalar.value();
            if (raw instanceof Integer || raw instanceof Long) {
                long seconds = ((Number) raw).longValue();
                return seconds < 0 ? RetryAfter.negative() : RetryAfter.seconds(seconds);
            }
            if (raw instanceof Number number) {
                double seconds = number.doubleValue();
                if (!(seconds >= 0) || Double.isInfinite(seconds)) {
                    throw YamlFields.problem(value.location(), entry.key(), "`" + entry.key() + "` cannot be " + raw,
                            "For a negative value write `negative`. " + hint);
                }
                return fraction(entry, seconds, String.valueOf(raw), hint);
            }
            if (raw instanceof String text) {
                switch (text) {
                    case "past": return RetryAfter.pastDate();
                    case "negative": return RetryAfter.negative();
                    case "huge": return RetryAfter.huge();
                    case "garbage": return RetryAfter.garbage();
                    default:
                        if (DECIMAL.matcher(text).matches()) {
                            return fraction(entry, Double.parseDouble(text), text, hint);
                        }
                        throw YamlFields.problem(value.location(), entry.key(), "`" + entry.key() + "` cannot be `" + text + "`",
                                Closest.likelyTypo(text, RETRY_AFTER_KEYWORDS).map(c -> "Did you mean `" + c + "`? ").orElse("") + hint);
                }
            }
        }
        if (value instanceof YamlNode.Mapping) {
            String where = "`" + entry.key() + "`";
            Fields date = ScenarioSyntax.RETRY_AFTER_DATE.read(value, where, where);
            return RetryAfter.httpDate(date.require(ScenarioSyntax.DATE));
        }
        throw YamlFields.problem(value.location(), entry.key(), "`" + entry.key() + "` must be a number, a keyword or `{date: …}`, but it is "
                + kind(value), hint);
    }

    /** Seconds with a fraction; beyond 292 years they would silently become that (a Duration holds nanoseconds in a long). */
    private static RetryAfter fraction(YamlNode.Entry entry, double seconds, String written, String hint) {
        if (seconds * 1e9 >= Long.MAX_VALUE) {
            throw YamlFields.problem(entry.value().location(), entry.key(), "`" + entry.key() + "` is too long (`" + written + "`)",
                    "For a Retry-After far in the future write `huge`. " + hint);
        }
        return RetryAfter.fraction(seconds);
    }

    /** The kind of a node for messages, with a short scalar's value: {@code a string (`abc`)}. */
    public static String kind(YamlNode node) {
        if (node instanceof YamlNode.Scalar scalar && scalar.value() != null) {
            String text = String.valueOf(scalar.value());
            if (text.length() <= 40 && text.indexOf('\n') < 0) {
                return node.kind() + " (`" + text + "`)";
            }
        }
        return node.kind();
    }
}
