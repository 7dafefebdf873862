package dev.chaosgate.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chaosgate.upstream.RetryAfter;
import dev.chaosgate.upstream.UpstreamFault;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The single-answer faults a decision can serve, as JSON and back, so a recording carries the exact
 * answers it served rather than the scenario that chose them (a replay then does not depend on
 * the random draws, windows or in-flight counts that chose them).
 */
final class FaultJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private FaultJson() {
    }

    static ObjectNode write(UpstreamFault fault) {
        ObjectNode node = NODES.objectNode();
        if (fault instanceof UpstreamFault.ErrorResponse error) {
            node.put("type", "error");
            node.put("status", error.status());
            node.put("fixture", error.fixture());
            if (error.retryAfter() != null) {
                ObjectNode retryAfter = node.putObject("retryAfter");
                retryAfter.put("kind", error.retryAfter().kind().name());
                retryAfter.put("delayMs", error.retryAfter().delay().toMillis());
            }
            if (error.retryAfterMs() != null) {
                node.put("retryAfterMs", error.retryAfterMs());
            }
            if (error.shouldRetry() != null) {
                node.put("shouldRetry", error.shouldRetry());
            }
            ObjectNode headers = node.putObject("headers");
            error.headers().forEach(headers::put);
            node.put("delayMs", error.delay().toMillis());
        } else if (fault instanceof UpstreamFault.ConnectionFault connection) {
            node.put("type", "connection");
            node.put("kind", connection.kind().name());
        } else if (fault instanceof UpstreamFault.StreamFault stream) {
            node.put("type", "stream");
            node.put("kind", stream.kind().name());
            // One of three fields says where it struck; recordings made before text-aimed faults carry afterEvents.
            if (stream.at() instanceof UpstreamFault.StreamFault.Point.AfterTextDeltas after) {
                node.put("afterTextDeltas", after.deltas());
            } else if (stream.at() instanceof UpstreamFault.StreamFault.Point.AfterEvents after) {
                node.put("afterEvents", after.events());
            } else {
                node.put("beforeText", true);
            }
            node.put("stallMs", stream.stall().toMillis());
        } else if (fault instanceof UpstreamFault.SlowAnswer slow) {
            node.put("type", "slow");
            node.put("delayMs", slow.delay().toMillis());
        } else {
            // Decisions only ever serve single answers; a wrapper here is a bug of ours.
            throw new IllegalArgumentException("not a single answer: " + fault.label());
        }
        return node;
    }

    /** @param where names the decision for error messages, e.g. {@code decisions[3].fault} */
    static UpstreamFault read(JsonNode node, String where) {
        String type = text(node, "type", where);
        try {
            return switch (type) {
                case "error" -> {
                    Map<String, String> headers = new LinkedHashMap<>();
                    node.path("headers").properties().forEach(e -> headers.put(e.getKey(), e.getValue().asText()));
                    RetryAfter retryAfter = null;
                    if (node.hasNonNull("retryAfter")) {
                        JsonNode value = node.get("retryAfter");
                        retryAfter = new RetryAfter(RetryAfter.Kind.valueOf(text(value, "kind", where + ".retryAfter").toUpperCase(Locale.ROOT)),
                                Duration.ofMillis(number(value, "delayMs", where + ".retryAfter")));
                    }
                    yield new UpstreamFault.ErrorResponse((int) number(node, "status", where),
                            node.hasNonNull("fixture") ? node.get("fixture").asText() : null, retryAfter,
                            node.hasNonNull("retryAfterMs") ? node.get("retryAfterMs").asLong() : null,
                            node.hasNonNull("shouldRetry") ? node.get("shouldRetry").asBoolean() : null,
                            headers, Duration.ofMillis(node.path("delayMs").asLong(0)));
                }
                case "connection" -> new UpstreamFault.ConnectionFault(
                        UpstreamFault.ConnectionFault.Kind.valueOf(text(node, "kind", where).toUpperCase(Locale.ROOT)));
                case "stream" -> new UpstreamFault.StreamFault(
                        UpstreamFault.StreamFault.Kind.valueOf(text(node, "kind", where).toUpperCase(Locale.ROOT)),
                        streamPoint(node, where), Duration.ofMillis(node.path("stallMs").asLong(0)));
                case "slow" -> new UpstreamFault.SlowAnswer(Duration.ofMillis(number(node, "delayMs", where)));
                default -> throw new RecordingException(where + ".type: unknown fault type '" + type
                        + "'; expected error, connection, stream or slow");
            };
        } catch (IllegalArgumentException e) {
            throw new RecordingException(where + ": " + e.getMessage());
        }
    }

    private static UpstreamFault.StreamFault.Point streamPoint(JsonNode node, String where) {
        List<String> given = Stream.of("afterTextDeltas", "beforeText", "afterEvents").filter(node::has).toList();
        if (given.size() != 1) {
            throw new RecordingException(where + ": a stream fault needs exactly one of afterTextDeltas, beforeText"
                    + " or afterEvents" + (given.isEmpty() ? "" : ", got " + String.join(" and ", given)));
        }
        return switch (given.get(0)) {
            case "afterTextDeltas" -> new UpstreamFault.StreamFault.Point.AfterTextDeltas((int) number(node, "afterTextDeltas", where));
            case "afterEvents" -> new UpstreamFault.StreamFault.Point.AfterEvents((int) number(node, "afterEvents", where));
            default -> {
                if (!node.get("beforeText").asBoolean(false)) {
                    throw new RecordingException(where + ".beforeText: must be true when present");
                }
                yield new UpstreamFault.StreamFault.Point.BeforeText();
            }
        };
    }

    private static String text(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new RecordingException(where + "." + field + ": missing or not a string");
        }
        return value.asText();
    }

    private static long number(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.canConvertToLong()) {
            throw new RecordingException(where + "." + field + ": missing or not a whole number");
        }
        return value.asLong();
    }
}
