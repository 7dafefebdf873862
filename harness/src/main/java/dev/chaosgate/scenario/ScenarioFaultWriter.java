package dev.chaosgate.scenario;

import dev.chaosgate.upstream.RetryAfter;
import dev.chaosgate.upstream.UpstreamFault;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A single-answer fault written as a scenario phase writes its {@code upstream:}, the inverse of
 * {@link ScenarioLoader#parseFault}: reading what this writes gives the same fault back. Recordings store
 * the faults they served this way, so a recording, a scenario file and the console's {@code fail-next}
 * speak one syntax, bound by one loader.
 */
public final class ScenarioFaultWriter {
    private ScenarioFaultWriter() {
    }

    /**
     * The fault as plain values (maps, strings, numbers, booleans) in the scenario syntax, keys in the
     * order a file writes them.
     *
     * @throws IllegalArgumentException for a fault that decides over several requests: those are a
     *     phase's, never one answer's
     */
    public static Map<String, Object> write(UpstreamFault fault) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (fault instanceof UpstreamFault.ErrorResponse error) {
            out.put("status", error.status());
            if (error.fixture() != null) {
                out.put("fixture", error.fixture());
            }
            if (error.retryAfter() != null) {
                out.put("retryAfter", retryAfter(error.retryAfter()));
            }
            if (error.retryAfterMs() != null) {
                out.put("retryAfterMs", error.retryAfterMs());
            }
            if (error.shouldRetry() != null) {
                out.put("shouldRetry", error.shouldRetry());
            }
            if (!error.headers().isEmpty()) {
                out.put("headers", new LinkedHashMap<>(error.headers()));
            }
            if (error.delay().compareTo(Duration.ZERO) > 0) {
                out.put("delay", duration(error.delay()));
            }
        } else if (fault instanceof UpstreamFault.ConnectionFault connection) {
            out.put("connection", keyword(connection.kind()));
        } else if (fault instanceof UpstreamFault.StreamFault stream) {
            out.put("stream", keyword(stream.kind()));
            if (stream.at() instanceof UpstreamFault.StreamFault.Point.AfterTextDeltas after) {
                out.put("afterTextDeltas", after.deltas());
            } else if (stream.at() instanceof UpstreamFault.StreamFault.Point.AfterEvents after) {
                out.put("afterEvents", after.events());
            } else {
                out.put("beforeText", true);
            }
            if (stream.kind() == UpstreamFault.StreamFault.Kind.STALL) {
                out.put("stall", duration(stream.stall()));
            }
        } else if (fault instanceof UpstreamFault.SlowAnswer slow) {
            out.put("slow", duration(slow.delay()));
        } else {
            throw new IllegalArgumentException("not a single answer: " + fault.label());
        }
        return out;
    }

    private static Object retryAfter(RetryAfter value) {
        return switch (value.kind()) {
            case SECONDS -> value.delay().toSeconds();
            case FRACTION -> value.delay().toNanos() / 1e9;
            case HTTP_DATE -> Map.of("date", duration(value.delay()));
            case PAST_DATE -> "past";
            case NEGATIVE -> "negative";
            case HUGE -> "huge";
            case GARBAGE -> "garbage";
        };
    }

    /** Milliseconds, with a fraction where the duration has one: the loader's {@code 1500ms}, {@code 0.25ms}. */
    private static String duration(Duration duration) {
        long nanos = duration.toNanos();
        if (nanos % 1_000_000 == 0) {
            return (nanos / 1_000_000) + "ms";
        }
        return new java.math.BigDecimal(nanos).movePointLeft(6).stripTrailingZeros().toPlainString() + "ms";
    }

    private static String keyword(Enum<?> kind) {
        return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
