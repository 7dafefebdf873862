package dev.chaosgate.upstream.dialect.gemini;

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
import dev.chaosgate.upstream.RetryAfter;
import dev.chaosgate.upstream.WireDialect;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Google's Gemini API ({@code POST /v1beta/models/{model}:generateContent}, and {@code :streamGenerateContent?alt=sse}
 * whose every {@code data:} line is a whole {@code GenerateContentResponse}): {@code contents[].parts[].text},
 * {@code systemInstruction} outside the contents, tool calls as {@code functionCall} / {@code functionResponse} parts,
 * the output limit in {@code generationConfig.maxOutputTokens}. Errors are Google's
 * {@code {"error":{"code":429,"message":...,"status":"RESOURCE_EXHAUSTED"}}}: 429 {@code RESOURCE_EXHAUSTED} (with a
 * {@code google.rpc.RetryInfo} {@code retryDelay} beside the fault's Retry-After), 503 {@code UNAVAILABLE} "The model
 * is overloaded", 500 {@code INTERNAL}, 504 {@code DEADLINE_EXCEEDED}, 400 {@code INVALID_ARGUMENT}, 401, 403
 * {@code PERMISSION_DENIED}, 404 {@code NOT_FOUND}. The {@code code} is always the HTTP status the fault sends.
 */
public final class GeminiDialect implements WireDialect {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** {@code /v1beta/models/gemini-2.5-flash:generateContent}, the stable {@code /v1} too. */
    private static final Pattern PATH = Pattern.compile("/(v1beta|v1)/models/([^/:]+):(generateContent|streamGenerateContent)");
    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    static final String DEFAULT_MODEL = "gemini-2.5-flash";
    private static final String TYPE = "type.googleapis.com/google.rpc.";
    /** The lead sentence of every Gemini API quota 429, per minute or per day alike. */
    static final String QUOTA_MESSAGE = "You exceeded your current quota, please check your plan and billing details. For more"
            + " information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.";

    @Override
    public String name() {
        return "gemini";
    }

    @Override
    public boolean serves(String method, String path) {
        return "POST".equals(method) && PATH.matcher(path).matches();
    }

    @Override
    public Request read(String method, String path, String body) {
        Matcher route = PATH.matcher(path);
        boolean matched = route.matches();
        String model = matched ? route.group(2) : DEFAULT_MODEL;
        boolean stream = matched && "streamGenerateContent".equals(route.group(3));
        JsonNode root;
        try {
            root = JSON.readTree(body == null || body.isBlank() ? "{}" : body);
        } catch (IOException e) {
            return new Request(model, stream, List.of(), null, null, "Invalid JSON payload received. " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            return new Request(model, stream, List.of(), null, null, "Invalid JSON payload received. Expected an object.");
        }
        JsonNode limitNode = root.path("generationConfig").path("maxOutputTokens");
        Integer limit = limitNode.isNumber() ? Math.max(0, limitNode.asInt()) : null;
        List<Turn> turns = new ArrayList<>();
        for (JsonNode content : root.path("contents")) {
            turns.addAll(turns(content));
        }
        boolean none = "NONE".equalsIgnoreCase(root.path("toolConfig").path("functionCallingConfig").path("mode").asText());
        Tool tool = none ? null : firstFunction(root.path("tools"));
        return new Request(model, stream, turns, tool, limit, null);
    }

    /**
     * The turns of one {@code content}: a {@code model} content is a model turn (text or a {@code functionCall}); a
     * {@code user} (or {@code function}) content with {@code functionResponse} parts is a tool's result, and its text,
     * if any, the user's turn.
     */
    private static List<Turn> turns(JsonNode content) {
        String role = content.path("role").asText("user");
        JsonNode parts = content.path("parts");
        if ("model".equals(role)) {
            return List.of(new Turn(Role.MODEL, text(parts)));
        }
        List<Turn> turns = new ArrayList<>();
        for (JsonNode part : parts) {
            if (part.has("functionResponse")) {
                turns.add(new Turn(Role.TOOL_RESULT, part.path("functionResponse").path("response").toString()));
            }
        }
        String text = text(parts);
        if (!"function".equals(role) && (!text.isEmpty() || turns.isEmpty())) {
            turns.add(new Turn(Role.USER, text));
        }
        return turns;
    }

    /** The {@code text} parts joined by newlines (a thought summary is not the user's words). */
    private static String text(JsonNode parts) {
        List<String> texts = new ArrayList<>();
        for (JsonNode part : parts) {
            if (part.path("text").isTextual() && !part.path("thought").asBoolean(false)) {
                texts.add(part.path("text").asText());
            }
        }
        return String.join("\n", texts);
    }

    /** The first function declared ({@code parameters} as Gemini's schema, or {@code parametersJsonSchema}). */
    private static Tool firstFunction(JsonNode tools) {
        for (JsonNode tool : tools) {
            for (JsonNode function : tool.path("functionDeclarations")) {
                String name = function.path("name").asText("");
                if (name.isEmpty()) {
                    continue;
                }
                JsonNode schema = function.has("parameters") ? function.path("parameters") : function.path("parametersJsonSchema");
                List<Parameter> required = new ArrayList<>();
                for (JsonNode field : schema.path("required")) {
                    String type = schema.path("properties").path(field.asText()).path("type").asText("string");
                    required.add(new Parameter(field.asText(), type.toLowerCase(Locale.ROOT)));
                }
                return new Tool(name, required);
            }
        }
        return null;
    }

    @Override
    public WireResponse answer(Request request, Reply reply, FixtureValues values) {
        ObjectNode response = response(request, values, part(reply, reply.text()), finishReason(reply), outputTokens(reply));
        return new WireResponse(200, "OK", headers("application/json; charset=UTF-8"), bytes(response), "application/json");
    }

    @Override
    public SseStream stream(Request request, Reply reply, FixtureValues values) {
        List<SseEvent> events = new ArrayList<>();
        if (reply.call() != null) {
            // Gemini streams a function call whole, in one chunk.
            events.add(chunk(response(request, values, part(reply, ""), null, 0)));
        } else {
            for (String piece : reply.pieces()) {
                events.add(chunk(response(request, values, textPart(piece), null, 0)));
            }
        }
        // The last chunk ends the candidate: finishReason and the usage, with an empty text part.
        events.add(chunk(response(request, values, textPart(""), finishReason(reply), outputTokens(reply))));
        return new SseStream(200, headers("text/event-stream"), events);
    }

    @Override
    public WireResponse error(int status, FailureClass meaning, FixtureValues values) {
        ErrorKind kind = ErrorKind.of(status, meaning);
        ObjectNode root = JSON.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("code", status);
        error.put("message", kind.message(values));
        error.put("status", kind.status);
        ArrayNode details = kind.details(values);
        if (!details.isEmpty()) {
            error.set("details", details);
        }
        String reason = status == 408 ? "Request Timeout" : status == 529 ? "Overloaded" : kind.reason;
        return new WireResponse(status, reason, headers("application/json; charset=UTF-8"), bytes(root), "application/json");
    }

    /**
     * Google's own error answer carries the wait in its body too: a {@code google.rpc.RetryInfo} detail whose
     * {@code retryDelay} is the fault's Retry-After (as a protobuf Duration, {@code "2s"}), on any status. A value no
     * Duration can say (a past date, a negative or unreadable one) gets none, so the odd header is all a client meets.
     */
    @Override
    public WireResponse withRetryAfter(WireResponse error, RetryAfter retryAfter) {
        if (retryAfter.delay().isNegative() || retryAfter.delay().isZero() || retryAfter.kind() == RetryAfter.Kind.GARBAGE
                || retryAfter.kind() == RetryAfter.Kind.PAST_DATE || retryAfter.kind() == RetryAfter.Kind.NEGATIVE) {
            return error;
        }
        ObjectNode root;
        try {
            root = (ObjectNode) JSON.readTree(error.body());
        } catch (IOException | ClassCastException e) {
            return error;
        }
        ObjectNode body = (ObjectNode) root.path("error");
        ArrayNode details = body.has("details") ? (ArrayNode) body.get("details") : body.putArray("details");
        details.removeIf(d -> (TYPE + "RetryInfo").equals(d.path("@type").asText()));
        details.addObject().put("@type", TYPE + "RetryInfo").put("retryDelay", duration(retryAfter));
        return new WireResponse(error.status(), error.reason(), error.headers(), bytes(root), error.contentType());
    }

    /** Google's overload as the error of an open stream, read as an event (on the wire: {@link #streamErrorBytes}). */
    @Override
    public SseEvent streamError(FixtureValues values) {
        return SseEvent.data(new String(bytes(streamErrorBody()), StandardCharsets.UTF_8));
    }

    /**
     * The Gemini API breaks an open stream with its error object written bare into the body, pretty-printed and
     * without {@code data:} (reported against both Google Gen AI SDKs: googleapis/python-genai#1162,
     * googleapis/js-genai#461); {@code @google/genai} looks for it by parsing each chunk it reads as JSON.
     */
    @Override
    public byte[] streamErrorBytes(FixtureValues values) {
        try {
            return (JSON.writerWithDefaultPrettyPrinter().writeValueAsString(streamErrorBody()) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    private static ObjectNode streamErrorBody() {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("error").put("code", 503).put("message", ErrorKind.OVERLOADED.message).put("status", ErrorKind.OVERLOADED.status);
        return root;
    }

    @Override
    public Piece piece(SseEvent event) {
        try {
            JsonNode parts = JSON.readTree(event.data()).path("candidates").path(0).path("content").path("parts");
            for (JsonNode part : parts) {
                if (!part.path("text").asText("").isEmpty()) {
                    return Piece.TEXT;
                }
                if (part.has("functionCall")) {
                    return Piece.ARGUMENTS;
                }
            }
            return Piece.NONE;
        } catch (IOException e) {
            return Piece.NONE;
        }
    }

    /** Google's canonical errors, by status; the message of a 429 by what it means (a rate, a daily quota, a size). */
    private enum ErrorKind {
        INVALID("INVALID_ARGUMENT", "Bad Request", "Request contains an invalid argument."),
        UNAUTHENTICATED("UNAUTHENTICATED", "Unauthorized", "API key not valid. Please pass a valid API key."),
        PERMISSION("PERMISSION_DENIED", "Forbidden", "User location is not supported for the API use."),
        NOT_FOUND("NOT_FOUND", "Not Found", null),
        TOO_LARGE("INVALID_ARGUMENT", "Payload Too Large", null),
        RATE_LIMIT("RESOURCE_EXHAUSTED", "Too Many Requests", null),
        QUOTA("RESOURCE_EXHAUSTED", "Too Many Requests", null),
        ABORTED("ABORTED", "Conflict", "The operation was aborted."),
        INTERNAL("INTERNAL", "Internal Server Error", "An internal error has occurred. Please retry or report in"
                + " https://developers.generativeai.google/guide/troubleshooting"),
        OVERLOADED("UNAVAILABLE", "Service Unavailable", "The model is overloaded. Please try again later."),
        DEADLINE("DEADLINE_EXCEEDED", "Gateway Timeout", "Deadline expired before operation could complete.");

        final String status;
        final String reason;
        private final String message;

        ErrorKind(String status, String reason, String message) {
            this.status = status;
            this.reason = reason;
            this.message = message;
        }

        static ErrorKind of(int status, FailureClass meaning) {
            if (FailureClass.REQUEST_TOO_LARGE.equals(meaning) || status == 413) {
                return TOO_LARGE;
            }
            if (FailureClass.QUOTA_EXHAUSTED.equals(meaning)) {
                return QUOTA;
            }
            return switch (status) {
                case 401 -> UNAUTHENTICATED;
                case 403 -> PERMISSION;
                case 404 -> NOT_FOUND;
                case 409 -> ABORTED;
                case 429 -> RATE_LIMIT;
                case 503, 529 -> OVERLOADED;
                case 408, 504 -> DEADLINE;
                default -> status >= 500 ? INTERNAL : INVALID;
            };
        }

        String message(FixtureValues values) {
            return switch (this) {
                case NOT_FOUND -> "models/" + values.model() + " is not found for API version v1beta, or is not supported for"
                        + " generateContent. Call ListModels to see the list of available models and their supported methods.";
                case TOO_LARGE -> "The input token count exceeds the maximum number of tokens allowed (1048576).";
                case RATE_LIMIT -> QUOTA_MESSAGE + "\n* Quota exceeded for metric: generativelanguage.googleapis.com/"
                        + "generate_content_free_tier_requests, limit: " + values.get("limitRequests").orElse("10") + ", model: "
                        + values.model() + "\nPlease retry in " + values.retryAfterSeconds() + "s.";
                case QUOTA -> QUOTA_MESSAGE + "\n* Quota exceeded for metric: generativelanguage.googleapis.com/"
                        + "generate_content_free_tier_requests, limit: 250, model: " + values.model();
                default -> message;
            };
        }

        /** The {@code google.rpc} details Google sends with it: which quota a 429 ran into, why a key was refused. */
        ArrayNode details(FixtureValues values) {
            ArrayNode details = JSON.createArrayNode();
            switch (this) {
                case RATE_LIMIT, QUOTA -> {
                    ObjectNode violation = details.addObject().put("@type", TYPE + "QuotaFailure").putArray("violations").addObject();
                    violation.put("quotaMetric", "generativelanguage.googleapis.com/generate_content_free_tier_requests");
                    violation.put("quotaId", this == QUOTA ? "GenerateRequestsPerDayPerProjectPerModel-FreeTier"
                            : "GenerateRequestsPerMinutePerProjectPerModel-FreeTier");
                    violation.putObject("quotaDimensions").put("location", "global").put("model", values.model());
                    violation.put("quotaValue", this == QUOTA ? "250" : values.get("limitRequests").orElse("10"));
                    details.addObject().put("@type", TYPE + "Help").putArray("links").addObject()
                            .put("description", "Learn more about Gemini API quotas")
                            .put("url", "https://ai.google.dev/gemini-api/docs/rate-limits");
                }
                case UNAUTHENTICATED -> {
                    ObjectNode info = details.addObject().put("@type", TYPE + "ErrorInfo");
                    info.put("reason", "API_KEY_INVALID").put("domain", "googleapis.com");
                    info.putObject("metadata").put("service", "generativelanguage.googleapis.com");
                }
                default -> {
                }
            }
            return details;
        }
    }

    /** A delay as a protobuf Duration in JSON: whole seconds as {@code "2s"}, else up to nanoseconds ({@code "1.5s"}). */
    static String duration(RetryAfter retryAfter) {
        return new BigDecimal(retryAfter.delay().toNanos()).movePointLeft(9).stripTrailingZeros().toPlainString() + "s";
    }

    private static ObjectNode response(Request request, FixtureValues values, ObjectNode part, String finishReason, int outputTokens) {
        ObjectNode response = JSON.createObjectNode();
        ObjectNode candidate = response.putArray("candidates").addObject();
        ObjectNode content = candidate.putObject("content");
        content.putArray("parts").add(part);
        content.put("role", "model");
        if (finishReason != null) {
            candidate.put("finishReason", finishReason);
        }
        candidate.put("index", 0);
        ObjectNode usage = response.putObject("usageMetadata");
        int input = inputTokens(request);
        usage.put("promptTokenCount", input);
        if (finishReason != null) {
            usage.put("candidatesTokenCount", outputTokens);
            usage.put("totalTokenCount", input + outputTokens);
        } else {
            usage.put("totalTokenCount", input);
        }
        usage.putArray("promptTokensDetails").addObject().put("modality", "TEXT").put("tokenCount", input);
        response.put("modelVersion", request.model());
        response.put("responseId", from(values.requestId(), 22));
        return response;
    }

    private static ObjectNode part(Reply reply, String text) {
        if (reply.call() == null) {
            return textPart(text);
        }
        ObjectNode part = JSON.createObjectNode();
        part.putObject("functionCall").put("name", reply.call().name()).set("args", arguments(reply.call()));
        return part;
    }

    private static ObjectNode textPart(String text) {
        return JSON.createObjectNode().put("text", text);
    }

    private static SseEvent chunk(ObjectNode response) {
        return SseEvent.data(new String(bytes(response), StandardCharsets.UTF_8));
    }

    private static String finishReason(Reply reply) {
        return reply.call() == null && reply.cut() ? "MAX_TOKENS" : "STOP";
    }

    private static int outputTokens(Reply reply) {
        return reply.call() != null ? Math.max(1, reply.call().arguments().length() / 4) : Math.max(1, reply.pieces().size());
    }

    private static int inputTokens(Request request) {
        int input = 0;
        for (Turn turn : request.turns()) {
            input += (turn.text().length() + 3) / 4;
        }
        return Math.max(1, input);
    }

    private static JsonNode arguments(ToolCall call) {
        try {
            return JSON.readTree(call.arguments());
        } catch (IOException e) {
            throw new IllegalStateException("the fake model's tool arguments are not JSON: " + call.arguments(), e);
        }
    }

    /** The headers of Google's front end (no request id of its own is exposed). */
    private static List<HttpHeader> headers(String contentType) {
        List<HttpHeader> headers = new ArrayList<>();
        headers.add(new HttpHeader("content-type", contentType));
        if (contentType.startsWith("text/event-stream")) {
            headers.add(new HttpHeader("content-disposition", "attachment"));
        }
        headers.add(new HttpHeader("vary", "Origin, X-Origin, Referer"));
        headers.add(new HttpHeader("server", "scaffolding on HTTPServer2"));
        headers.add(new HttpHeader("x-xss-protection", "0"));
        headers.add(new HttpHeader("x-frame-options", "SAMEORIGIN"));
        headers.add(new HttpHeader("x-content-type-options", "nosniff"));
        headers.add(new HttpHeader("alt-svc", "h3=\":443\"; ma=2592000,h3-29=\":443\"; ma=2592000"));
        return headers;
    }

    /** {@code length} characters of an id alphabet, drawn from {@code seed} (the same request, the same id). */
    private static String from(String seed, int length) {
        StringBuilder id = new StringBuilder();
        long hash = 1125899906842597L;
        for (int i = 0; i < length; i++) {
            hash = 31 * hash + seed.charAt(i % Math.max(1, seed.length())) + i;
            id.append(ALNUM.charAt(Math.floorMod(hash ^ (hash >>> 29), ALNUM.length())));
        }
        return id.toString();
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
