package dev.chaosgate.upstream.dialect.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chaosgate.fixtures.FailureClass;
import dev.chaosgate.fixtures.FixtureValues;
import dev.chaosgate.fixtures.HttpHeader;
import dev.chaosgate.fixtures.SseEvent;
import dev.chaosgate.fixtures.SseStream;
import dev.chaosgate.fixtures.ToolCall;
import dev.chaosgate.fixtures.WireResponse;
import dev.chaosgate.upstream.WireDialect;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Anthropic's Messages API ({@code POST /v1/messages}), plain and streamed: {@code system} outside the messages,
 * {@code tool_use} / {@code tool_result} content blocks, the event stream ({@code message_start},
 * {@code content_block_start}, {@code ping}, {@code content_block_delta} with {@code text_delta} or
 * {@code input_json_delta}, {@code content_block_stop}, {@code message_delta}, {@code message_stop}), and errors as
 * {@code {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":...}} with a
 * {@code request-id} header: 529 {@code overloaded_error}, 429 {@code rate_limit_error} with the
 * {@code anthropic-ratelimit-*} headers, 500 {@code api_error}, 400 {@code invalid_request_error}, 401, 403, 404, 413.
 */
public final class AnthropicDialect implements WireDialect {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    static final String DEFAULT_MODEL = "claude-sonnet-4-5";

    @Override
    public String name() {
        return "anthropic";
    }

    @Override
    public boolean serves(String method, String path) {
        return "POST".equals(method) && "/v1/messages".equals(path);
    }

    @Override
    public Request read(String method, String path, String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body == null || body.isBlank() ? "{}" : body);
        } catch (IOException e) {
            return Request.unreadable(DEFAULT_MODEL, "The request body is not valid JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            return Request.unreadable(DEFAULT_MODEL, "The request body must be a JSON object.");
        }
        String model = root.path("model").isTextual() ? root.path("model").asText() : DEFAULT_MODEL;
        Integer limit = root.path("max_tokens").isNumber() ? Math.max(0, root.path("max_tokens").asInt()) : null;
        List<Turn> turns = new ArrayList<>();
        for (JsonNode message : root.path("messages")) {
            turns.addAll(turns(message));
        }
        Tool tool = "none".equals(root.path("tool_choice").path("type").asText()) ? null : firstTool(root.path("tools"));
        return new Request(model, root.path("stream").asBoolean(false), turns, tool, limit, null);
    }

    /**
     * The turns of one message: a user message is the user's turn when it carries text, a tool's result when it
     * carries {@code tool_result} blocks (both when it has both: results first, as the API orders them); an
     * assistant message is a model turn.
     */
    private static List<Turn> turns(JsonNode message) {
        JsonNode content = message.path("content");
        String role = message.path("role").asText();
        if ("assistant".equals(role)) {
            return List.of(new Turn(Role.MODEL, text(content)));
        }
        if (!"user".equals(role)) {
            return List.of();
        }
        List<Turn> turns = new ArrayList<>();
        for (JsonNode block : content) {
            if ("tool_result".equals(block.path("type").asText())) {
                turns.add(new Turn(Role.TOOL_RESULT, text(block.path("content"))));
            }
        }
        String text = text(content);
        if (!text.isEmpty() || turns.isEmpty()) {
            turns.add(new Turn(Role.USER, text));
        }
        return turns;
    }

    /** A string, or the text blocks of a content array joined by newlines. */
    private static String text(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        List<String> parts = new ArrayList<>();
        for (JsonNode block : content) {
            if ("text".equals(block.path("type").asText()) && block.path("text").isTextual()) {
                parts.add(block.path("text").asText());
            }
        }
        return String.join("\n", parts);
    }

    /** The first custom tool ({@code name} and {@code input_schema}; server tools have a {@code type} of their own). */
    private static Tool firstTool(JsonNode tools) {
        for (JsonNode tool : tools) {
            String type = tool.path("type").asText("custom");
            String name = tool.path("name").asText("");
            if (!"custom".equals(type) || name.isEmpty()) {
                continue;
            }
            JsonNode schema = tool.path("input_schema");
            List<Parameter> required = new ArrayList<>();
            for (JsonNode field : schema.path("required")) {
                required.add(new Parameter(field.asText(), schema.path("properties").path(field.asText()).path("type").asText("string")));
            }
            return new Tool(name, required);
        }
        return null;
    }

    @Override
    public WireResponse answer(Request request, Reply reply, FixtureValues values) {
        ObjectNode message = message(request, values);
        ArrayNode content = message.putArray("content");
        if (reply.call() != null) {
            ObjectNode use = content.addObject();
            use.put("type", "tool_use");
            use.put("id", toolUseId(reply.call()));
            use.put("name", reply.call().name());
            use.set("input", arguments(reply.call()));
        } else {
            content.addObject().put("type", "text").put("text", reply.text());
        }
        message.put("stop_reason", stopReason(reply));
        message.putNull("stop_sequence");
        message.set("usage", usage(request, outputTokens(reply)));
        return new WireResponse(200, "OK", headers(values, "application/json"), bytes(message), "application/json");
    }

    @Override
    public SseStream stream(Request request, Reply reply, FixtureValues values) {
        List<SseEvent> events = new ArrayList<>();
        ObjectNode start = message(request, values);
        start.putArray("content");
        start.putNull("stop_reason");
        start.putNull("stop_sequence");
        start.set("usage", usage(request, 1));
        events.add(event("message_start", node("message_start").set("message", start)));
        ObjectNode block = JSON.createObjectNode();
        if (reply.call() != null) {
            block.put("type", "tool_use").put("id", toolUseId(reply.call())).put("name", reply.call().name()).putObject("input");
        } else {
            block.put("type", "text").put("text", "");
        }
        events.add(event("content_block_start", node("content_block_start").put("index", 0).set("content_block", block)));
        events.add(event("ping", node("ping")));
        List<String> pieces = reply.call() != null ? argumentPieces(reply.call().arguments()) : reply.pieces();
        for (String piece : pieces) {
            ObjectNode delta = JSON.createObjectNode();
            if (reply.call() != null) {
                delta.put("type", "input_json_delta").put("partial_json", piece);
            } else {
                delta.put("type", "text_delta").put("text", piece);
            }
            events.add(event("content_block_delta", node("content_block_delta").put("index", 0).set("delta", delta)));
        }
        events.add(event("content_block_stop", node("content_block_stop").put("index", 0)));
        ObjectNode end = node("message_delta");
        end.putObject("delta").put("stop_reason", stopReason(reply)).putNull("stop_sequence");
        end.putObject("usage").put("output_tokens", outputTokens(reply));
        events.add(event("message_delta", end));
        events.add(event("message_stop", node("message_stop")));
        List<HttpHeader> headers = headers(values, "text/event-stream; charset=utf-8");
        headers.add(new HttpHeader("cache-control", "no-cache"));
        return new SseStream(200, headers, events);
    }

    @Override
    public WireResponse error(int status, FailureClass meaning, FixtureValues values) {
        ErrorKind kind = ErrorKind.of(status, meaning);
        ObjectNode root = node("error");
        root.putObject("error").put("type", kind.type).put("message", kind.message(values));
        root.put("request_id", requestId(values));
        List<HttpHeader> headers = headers(values, "application/json");
        if (kind == ErrorKind.RATE_LIMIT) {
            headers.addAll(rateLimitHeaders(values));
        }
        return new WireResponse(status, kind.reason, headers, bytes(root), "application/json");
    }

    @Override
    public SseEvent streamError(FixtureValues values) {
        ObjectNode root = node("error");
        root.putObject("error").put("type", "overloaded_error").put("message", "Overloaded");
        root.put("request_id", requestId(values));
        return event("error", root);
    }

    @Override
    public Piece piece(SseEvent event) {
        if (!"content_block_delta".equals(event.event())) {
            return Piece.NONE;
        }
        try {
            JsonNode delta = JSON.readTree(event.data()).path("delta");
            return switch (delta.path("type").asText()) {
                case "text_delta" -> delta.path("text").asText("").isEmpty() ? Piece.NONE : Piece.TEXT;
                case "input_json_delta" -> delta.path("partial_json").asText("").isEmpty() ? Piece.NONE : Piece.ARGUMENTS;
                default -> Piece.NONE;
            };
        } catch (IOException e) {
            return Piece.NONE;
        }
    }

    /** The errors of the Messages API, by status; a 503 is written as Anthropic's overload. */
    private enum ErrorKind {
        INVALID("invalid_request_error", "Bad Request", null),
        CREDIT("invalid_request_error", "Bad Request",
                "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits."),
        AUTHENTICATION("authentication_error", "Unauthorized", "invalid x-api-key"),
        PERMISSION("permission_error", "Forbidden", "Your API key does not have permission to use the specified resource."),
        NOT_FOUND("not_found_error", "Not Found", null),
        TOO_LARGE("request_too_large", "Request Entity Too Large", "Request exceeds the maximum allowed number of bytes."),
        RATE_LIMIT("rate_limit_error", "Too Many Requests", null),
        API("api_error", "Internal Server Error", "Internal server error"),
        OVERLOADED("overloaded_error", "Overloaded", "Overloaded");

        final String type;
        final String reason;
        private final String message;

        ErrorKind(String type, String reason, String message) {
            this.type = type;
            this.reason = reason;
            this.message = message;
        }

        static ErrorKind of(int status, FailureClass meaning) {
            if (FailureClass.QUOTA_EXHAUSTED.equals(meaning)) {
                return CREDIT;
            }
            if (FailureClass.REQUEST_TOO_LARGE.equals(meaning) || status == 413) {
                return TOO_LARGE;
            }
            return switch (status) {
                case 401 -> AUTHENTICATION;
                case 403 -> PERMISSION;
                case 404 -> NOT_FOUND;
                case 429 -> RATE_LIMIT;
                case 503, 529 -> OVERLOADED;
                default -> status >= 500 ? API : INVALID;
            };
        }

        String message(FixtureValues values) {
            return switch (this) {
                case INVALID -> "messages: Input does not match the expected shape.";
                case NOT_FOUND -> "model: " + values.model();
                case RATE_LIMIT -> "This request would exceed the rate limit for your organization of "
                        + values.get("limitRequests").orElse("50") + " requests per minute. For details, refer to:"
                        + " https://docs.claude.com/en/api/rate-limits. You can see the response headers for current usage."
                        + " Please reduce the prompt length or the maximum tokens requested, or try again later.";
                default -> message;
            };
        }
    }

    /** The {@code anthropic-ratelimit-*} headers of a 429 on requests per minute: none left, reset at the retry time. */
    private static List<HttpHeader> rateLimitHeaders(FixtureValues values) {
        String limit = values.get("limitRequests").orElse("50");
        String tokens = values.get("limitTokens").orElse("200000");
        String reset = DateTimeFormatter.ISO_INSTANT.format(Instant.now().plusSeconds(values.retryAfterSeconds()).truncatedTo(ChronoUnit.SECONDS));
        return new ArrayList<>(List.of(
                new HttpHeader("anthropic-ratelimit-requests-limit", limit),
                new HttpHeader("anthropic-ratelimit-requests-remaining", "0"),
                new HttpHeader("anthropic-ratelimit-requests-reset", reset),
                new HttpHeader("anthropic-ratelimit-tokens-limit", tokens),
                new HttpHeader("anthropic-ratelimit-tokens-remaining", tokens),
                new HttpHeader("anthropic-ratelimit-tokens-reset", reset)));
    }

    private static ObjectNode message(Request request, FixtureValues values) {
        ObjectNode message = JSON.createObjectNode();
        message.put("id", "msg_01" + from(values.requestId(), 22));
        message.put("type", "message");
        message.put("role", "assistant");
        message.put("model", request.model());
        return message;
    }

    private static String stopReason(Reply reply) {
        return reply.call() != null ? "tool_use" : reply.cut() ? "max_tokens" : "end_turn";
    }

    private static int outputTokens(Reply reply) {
        return reply.call() != null ? Math.max(1, reply.call().arguments().length() / 4) : Math.max(1, reply.pieces().size());
    }

    private static ObjectNode usage(Request request, int outputTokens) {
        int input = 0;
        for (Turn turn : request.turns()) {
            input += (turn.text().length() + 3) / 4;
        }
        ObjectNode usage = JSON.createObjectNode();
        usage.put("input_tokens", Math.max(1, input));
        usage.put("output_tokens", outputTokens);
        return usage;
    }

    /** A {@code toolu_} id from the fake model's call id (the same call, the same id). */
    private static String toolUseId(ToolCall call) {
        return "toolu_01" + from(call.callId().replaceFirst("^call_", ""), 22);
    }

    private static JsonNode arguments(ToolCall call) {
        try {
            return JSON.readTree(call.arguments());
        } catch (IOException e) {
            throw new IllegalStateException("the fake model's tool arguments are not JSON: " + call.arguments(), e);
        }
    }

    /** The arguments' JSON in pieces of up to 12 characters, as {@code input_json_delta}s arrive. */
    private static List<String> argumentPieces(String arguments) {
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < arguments.length(); i += 12) {
            pieces.add(arguments.substring(i, Math.min(arguments.length(), i + 12)));
        }
        return pieces;
    }

    /** A request id in Anthropic's style ({@code req_011C...}), drawn from the fixture values' own. */
    private static String requestId(FixtureValues values) {
        return "req_011C" + from(values.requestId(), 20);
    }

    private static List<HttpHeader> headers(FixtureValues values, String contentType) {
        List<HttpHeader> headers = new ArrayList<>();
        headers.add(new HttpHeader("content-type", contentType));
        headers.add(new HttpHeader("request-id", requestId(values)));
        headers.add(new HttpHeader("anthropic-organization-id", organization(values)));
        headers.add(new HttpHeader("via", "1.1 google"));
        headers.add(new HttpHeader("cf-cache-status", "DYNAMIC"));
        headers.add(new HttpHeader("server", "cloudflare"));
        headers.add(new HttpHeader("cf-ray", values.cfRay()));
        return headers;
    }

    /** An organization UUID drawn from the run's OpenAI-style organization id, so it is stable for a run. */
    private static String organization(FixtureValues values) {
        String hex = String.format("%032x", new java.math.BigInteger(1,
                values.get("organization").orElse("org").getBytes(StandardCharsets.UTF_8)).mod(java.math.BigInteger.TWO.pow(128)));
        return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-" + hex.substring(16, 20)
                + "-" + hex.substring(20, 32);
    }

    /** {@code length} characters of Anthropic's id alphabet, drawn from {@code seed}. */
    private static String from(String seed, int length) {
        StringBuilder id = new StringBuilder();
        long hash = 1125899906842597L;
        for (int i = 0; i < length; i++) {
            hash = 31 * hash + seed.charAt(i % Math.max(1, seed.length())) + i;
            id.append(ALNUM.charAt((int) Math.floorMod(hash ^ (hash >>> 29), ALNUM.length())));
        }
        return id.toString();
    }

    private static ObjectNode node(String type) {
        return JSON.createObjectNode().put("type", type);
    }

    private static SseEvent event(String name, JsonNode data) {
        return SseEvent.of(name, new String(bytes(data), StandardCharsets.UTF_8));
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    private static String firstLine(String text) {
        return text == null ? "" : text.lines().findFirst().orElse("");
    }
}
