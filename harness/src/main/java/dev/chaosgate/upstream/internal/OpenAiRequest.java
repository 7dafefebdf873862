package dev.chaosgate.upstream.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chaosgate.upstream.WireDialect;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of an OpenAI-style request the fake upstream answers from: which API, the model, the
 * user's turn, the conversation around it, the tools offered, whether to stream, and a token
 * estimate for rate limits.
 *
 * @param prompt             the user's turn: Chat Completions, the text parts of the last {@code user} message;
 *                           Responses, a string {@code input} or the text of the last input item with role
 *                           {@code user}. Instructions, system and developer messages and history are not part of it.
 * @param turns              the conversation as sent, oldest first (system, developer and instructions left out)
 * @param tool               the first function tool offered (null when none, or when {@code tool_choice} is {@code none})
 * @param previousResponseId Responses {@code previous_response_id}, or null
 * @param limit              the output token limit the request set ({@code max_completion_tokens},
 *                           {@code max_tokens}, {@code max_output_tokens}), or null when it set none
 */
record OpenAiRequest(String method, String path, Api api, String model, String prompt, boolean stream,
                     boolean includeUsage, int maxTokens, String parseError, List<Turn> turns, Tool tool,
                     String previousResponseId, Integer limit) {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String DEFAULT_MODEL = "gpt-4o-mini";
    private static final int DEFAULT_MAX_TOKENS = 64;

    /** The OpenAI APIs served, and {@code DIALECT}: a generation request of another provider's {@link WireDialect}. */
    enum Api { CHAT_COMPLETIONS, RESPONSES, MODELS, UNKNOWN, DIALECT }

    /** Who a turn of the conversation is from. */
    enum Role {
        /** A user message. */
        USER,
        /** A model turn: an assistant message, or a call of a tool. */
        MODEL,
        /** A tool's result sent back to the model. */
        TOOL_RESULT
    }

    /** One turn of the conversation: its author and its text (a model's tool call has none). */
    record Turn(Role role, String text) {
    }

    /**
     * A function tool the request offers, with the parameters a call must fill in.
     *
     * @param required names and JSON types ({@code string}, {@code integer}, ...) of its required parameters
     */
    record Tool(String name, List<Parameter> required) {
    }

    /** A parameter of a tool: its name and JSON type. */
    record Parameter(String name, String type) {
    }

    OpenAiRequest {
        turns = List.copyOf(turns);
    }

    static OpenAiRequest parse(String method, String path, String body) {
        String route = route(path);
        Api api = api(method, route);
        if (api == Api.MODELS || api == Api.UNKNOWN) {
            return new OpenAiRequest(method, route, api, DEFAULT_MODEL, "", false, false, 0, null, List.of(), null, null, null);
        }
        JsonNode root;
        try {
            root = JSON.readTree(body == null || body.isBlank() ? "{}" : body);
        } catch (IOException e) {
            return new OpenAiRequest(method, route, api, DEFAULT_MODEL, "", false, false, 0,
                    "We could not parse the JSON body of your request.", List.of(), null, null, null);
        }
        if (root == null || !root.isObject()) {
            root = JSON.createObjectNode();
        }
        String model = root.path("model").isTextual() ? root.path("model").asText() : DEFAULT_MODEL;
        boolean stream = root.path("stream").asBoolean(false);
        boolean includeUsage = root.path("stream_options").path("include_usage").asBoolean(false);
        JsonNode limitNode = root.path(api == Api.RESPONSES ? "max_output_tokens" : "max_completion_tokens");
        if (!limitNode.isNumber()) {
            limitNode = root.path("max_tokens");
        }
        Integer limit = limitNode.isNumber() ? Math.max(0, limitNode.asInt()) : null;
        int maxTokens = limit != null ? limit : DEFAULT_MAX_TOKENS;
        List<Turn> turns = api == Api.RESPONSES ? responsesTurns(root.path("input")) : chatTurns(root.path("messages"));
        String prompt = "";
        for (Turn turn : turns) {
            if (turn.role() == Role.USER) {
                prompt = turn.text();
            }
        }
        Tool tool = "none".equals(root.path("tool_choice").asText()) ? null : firstFunctionTool(root.path("tools"), api);
        String previous = root.path("previous_response_id").isTextual() ? root.path("previous_response_id").asText() : null;
        return new OpenAiRequest(method, route, api, model, prompt, stream, includeUsage, maxTokens, null, turns, tool,
                previous, limit);
    }

    /** A generation request another provider's dialect read, in the terms the upstream answers from. */
    static OpenAiRequest fromDialect(String method, String route, WireDialect.Request read) {
        List<Turn> turns = new ArrayList<>();
        for (WireDialect.Turn turn : read.turns()) {
            turns.add(new Turn(Role.valueOf(turn.role().name()), turn.text()));
        }
        String prompt = "";
        for (Turn turn : turns) {
            if (turn.role() == Role.USER) {
                prompt = turn.text();
            }
        }
        Tool tool = null;
        if (read.tool() != null) {
            tool = new Tool(read.tool().name(), read.tool().required().stream().map(p -> new Parameter(p.name(), p.type())).toList());
        }
        int maxTokens = read.limit() != null ? read.limit() : DEFAULT_MAX_TOKENS;
        return new OpenAiRequest(method, route, Api.DIALECT, read.model(), prompt, read.stream(), false, maxTokens,
                read.parseError(), turns, tool, null, read.limit());
    }

    /** The path of a request target without its query; an absolute target ({@code http://host/v1/...}) loses its origin too. */
    static String route(String target) {
        String path = target;
        int scheme = path.indexOf("://");
        if (scheme > 0 && path.indexOf('/') > scheme) {
            int slash = path.indexOf('/', scheme + 3);
            path = slash < 0 ? "/" : path.substring(slash);
        }
        int query = path.indexOf('?');
        return query < 0 ? path : path.substring(0, query);
    }

    private static Api api(String method, String route) {
        return switch (method + " " + route) {
            case "POST /v1/chat/completions" -> Api.CHAT_COMPLETIONS;
            case "POST /v1/responses" -> Api.RESPONSES;
            case "GET /v1/models" -> Api.MODELS;
            default -> Api.UNKNOWN;
        };
    }

    /** Whether {@code method} and request {@code target} ask for a model's answer, read without the body. */
    static boolean isGenerationCall(String method, String target) {
        Api api = api(method, route(target));
        return api == Api.CHAT_COMPLETIONS || api == Api.RESPONSES || Dialects.of(method, route(target)) != null;
    }

    /** Prompt tokens (about 4 characters each) plus the completion asked for. */
    int estimatedTokens() {
        return (int) Math.min(Integer.MAX_VALUE, (prompt.length() + 3L) / 4 + maxTokens);
    }

    /** Whether the request asks for a model's answer. */
    boolean generation() {
        return api == Api.CHAT_COMPLETIONS || api == Api.RESPONSES || api == Api.DIALECT;
    }

    /** Index of the last user turn, or -1. */
    int lastUserTurn() {
        for (int i = turns.size() - 1; i >= 0; i--) {
            if (turns.get(i).role() == Role.USER) {
                return i;
            }
        }
        return -1;
    }

    /** Whether a tool's result came after the user's turn: the model must now answer in text. */
    boolean carriesToolResult() {
        for (int i = lastUserTurn() + 1; i < turns.size(); i++) {
            if (turns.get(i).role() == Role.TOOL_RESULT) {
                return true;
            }
        }
        return previousResponseId != null && lastUserTurn() < 0 && !turns.isEmpty();
    }

    private static List<Turn> chatTurns(JsonNode messages) {
        List<Turn> turns = new ArrayList<>();
        for (JsonNode message : messages) {
            switch (message.path("role").asText()) {
                case "user" -> turns.add(new Turn(Role.USER, text(message.path("content"))));
                case "assistant" -> turns.add(new Turn(Role.MODEL, text(message.path("content"))));
                case "tool", "function" -> turns.add(new Turn(Role.TOOL_RESULT, text(message.path("content"))));
                default -> {
                    // system and developer messages are context
                }
            }
        }
        return turns;
    }

    private static List<Turn> responsesTurns(JsonNode input) {
        List<Turn> turns = new ArrayList<>();
        if (input.isTextual()) {
            turns.add(new Turn(Role.USER, input.asText()));
            return turns;
        }
        for (JsonNode item : input) {
            String type = item.path("type").asText("message");
            switch (type) {
                case "message" -> {
                    switch (item.path("role").asText()) {
                        case "user" -> turns.add(new Turn(Role.USER, text(item.path("content"))));
                        case "assistant" -> turns.add(new Turn(Role.MODEL, text(item.path("content"))));
                        default -> {
                            // system and developer items are context
                        }
                    }
                }
                case "function_call", "custom_tool_call" -> turns.add(new Turn(Role.MODEL, ""));
                case "function_call_output", "custom_tool_call_output" -> turns.add(new Turn(Role.TOOL_RESULT,
                        text(item.path("output"))));
                default -> {
                    // reasoning items, references: neither a turn of the user nor an answer
                }
            }
        }
        return turns;
    }

    private static Tool firstFunctionTool(JsonNode tools, Api api) {
        for (JsonNode tool : tools) {
            if (!"function".equals(tool.path("type").asText())) {
                continue;
            }
            // Chat Completions nests the function; Responses puts name and parameters on the tool itself.
            JsonNode function = api == Api.CHAT_COMPLETIONS ? tool.path("function") : tool;
            String name = function.path("name").asText("");
            if (name.isEmpty()) {
                continue;
            }
            JsonNode parameters = function.path("parameters");
            List<Parameter> required = new ArrayList<>();
            for (JsonNode field : parameters.path("required")) {
                String type = parameters.path("properties").path(field.asText()).path("type").asText("string");
                required.add(new Parameter(field.asText(), type));
            }
            return new Tool(name, required);
        }
        return null;
    }

    /** A string, or the text parts of a content array, joined by newlines. */
    private static String text(JsonNode node) {
        if (node.isTextual()) {
            return node.asText();
        }
        List<String> parts = new ArrayList<>();
        for (JsonNode part : node) {
            if (part.isTextual()) {
                parts.add(part.asText());
            } else if (part.path("text").isTextual()) {
                parts.add(part.path("text").asText());
            }
        }
        return String.join("\n", parts);
    }
}
