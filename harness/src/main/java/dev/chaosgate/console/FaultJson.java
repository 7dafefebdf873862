package dev.chaosgate.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chaosgate.scenario.syntax.FaultForms;
import dev.chaosgate.scenario.ScenarioLoader;
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
 * the random draws, windows or in-flight counts that chose them). Written in the scenario syntax, as a
 * phase's {@code upstream:} ({@code {"status": 503, "retryAfter": 5}}) and read back by the scenario
 * loader; recordings made before carry {@code {"type": "error", ...}}, which is still read.
 */
final class FaultJson {

    private FaultJson() {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Reads each fault of a recording; one loader for all, as building one looks up the toxics. */
    private static final ScenarioLoader LOADER = ScenarioLoader.standard();

    /** The fault in the scenario syntax ({@link FaultForms#write}), as a phase's {@code upstream:} writes it. */
    static ObjectNode write(UpstreamFault fault) {
        return JSON.valueToTree(FaultForms.write(fault));
    }

    /** @param where names the decision for error messages, e.g. {@code decisions[3].fault} */
    static UpstreamFault read(JsonNode node, String where) {
        if (!node.has("type")) {
            if (!node.isObject()) {
                throw new RecordingException(where + ": a fault is an object, e.g. {\"status\": 502}; got " + node);
            }
            try {
                return LOADER.parseFault(node.toString(), where);
            } catch (IllegalArgumentException e) {
                throw new RecordingException(where + ": " + e.getMessage());
            }
        }
        // Recordings written before faults took the scenario syntax.
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
                        UpstreamFault.StreamFault.Kind.valueOf(text(node, "kind", where).toUpperCase(Locale.ROOT).replace('-', '_')),
                        streamPoint(node, where), Duration.ofMillis(node.path("stallMs").asLong(0)),
                        node.hasNonNull("http2Error") ? UpstreamFault.StreamFault.Http2Error.valueOf(text(node, "http2Error", where)) : null);
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
