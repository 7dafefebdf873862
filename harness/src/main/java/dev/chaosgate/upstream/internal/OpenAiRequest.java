package dev.chaosgate.upstream.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of an OpenAI-style request the fake upstream answers from: which API, the model, the
 * prompt, whether to stream, and a token estimate for rate limits.
 */
record OpenAiRequest(String method, String path, Api api, String model, String prompt, boolean stream,
                     boolean includeUsage, int maxTokens, String parseError) {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String DEFAULT_MODEL = "gpt-4o-mini";
    private static final int DEFAULT_MAX_TOKENS = 64;

    enum Api { CHAT_COMPLETIONS, RESPONSES, MODELS, UNKNOWN }

    static OpenAiRequest parse(String method, String path, String body) {
        String route = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        Api api = switch (method + " " + route) {
            case "POST /v1/chat/completions" -> Api.CHAT_COMPLETIONS;
            case "POST /v1/responses" -> Api.RESPONSES;
            case "GET /v1/models" -> Api.MODELS;
            default -> Api.UNKNOWN;
        };
        if (api == Api.MODELS || api == Api.UNKNOWN) {
            return new OpenAiRequest(method, route, api, DEFAULT_MODEL, "", false, false, 0, null);
        }
        JsonNode root;
        try {
            root = JSON.readTree(body == null || body.isBlank() ? "{}" : body);
        } catch (IOException e) {
            return new OpenAiRequest(method, route, api, DEFAULT_MODEL, "", false, false, 0,
                    "We could not parse the JSON body of your request.");
        }
        String model = root.path("model").isTextual() ? root.path("model").asText() : DEFAULT_MODEL;
        boolean stream = root.path("stream").asBoolean(false);
        boolean includeUsage = root.path("stream_options").path("include_usage").asBoolean(false);
        JsonNode limit = root.path(api == Api.RESPONSES ? "max_output_tokens" : "max_completion_tokens");
        int maxTokens = Math.max(0, (limit.isNumber() ? limit : root.path("max_tokens")).asInt(DEFAULT_MAX_TOKENS));
        String prompt = api == Api.RESPONSES ? text(root.path("input")) : lastUserMessage(root.path("messages"));
        return new OpenAiRequest(method, route, api, model, prompt, stream, includeUsage, maxTokens, null);
    }

    /** Prompt tokens (about 4 characters each) plus the completion asked for. */
    int estimatedTokens() {
        return (int) Math.min(Integer.MAX_VALUE, (prompt.length() + 3L) / 4 + maxTokens);
    }

    private static String lastUserMessage(JsonNode messages) {
        String last = "";
        for (JsonNode message : messages) {
            if ("user".equals(message.path("role").asText())) {
                last = text(message.path("content"));
            }
        }
        return last;
    }

    /** A string, or the text parts of a content array or of input messages, joined by newlines. */
    private static String text(JsonNode node) {
        if (node.isTextual()) {
            return node.asText();
        }
        List<String> parts = new ArrayList<>();
        for (JsonNode part : node) {
            if (part.isTextual()) {
                parts.add(part.asText());
            } else if (part.has("text")) {
                parts.add(part.path("text").asText());
            } else if (part.has("content")) {
                parts.add(text(part.path("content")));
            }
        }
        return String.join("\n", parts);
    }
}
