package dev.chaosgate.upstream.dialect.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chaosgate.fixtures.ChatFixtures;
import dev.chaosgate.fixtures.FailureClass;
import dev.chaosgate.fixtures.FixtureValues;
import dev.chaosgate.fixtures.HttpHeader;
import dev.chaosgate.fixtures.SseEvent;
import dev.chaosgate.fixtures.SseStream;
import dev.chaosgate.fixtures.WireResponse;
import dev.chaosgate.upstream.RetryAfter;
import dev.chaosgate.upstream.WireDialect;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Azure OpenAI's Chat Completions on a deployment URL
 * ({@code POST /openai/deployments/{deployment}/chat/completions?api-version=...}, key in {@code api-key}): the
 * body and answers are OpenAI's Chat Completions, with Azure's content-filter results and its headers
 * ({@code apim-request-id}, {@code x-ms-region}, {@code x-ratelimit-remaining-*}); its own errors are the 429 of a
 * deployment's rate limit (with {@code retry-after-ms} beside the fault's {@code Retry-After}), {@code 401} for a
 * wrong key or endpoint and {@code 404 DeploymentNotFound}. Other statuses keep OpenAI's body, as Azure relays it.
 */
public final class AzureOpenAiDialect implements WireDialect {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PATH = Pattern.compile("/openai/deployments/([^/]+)/chat/completions");
    /** The GA version the messages name; a client's own {@code api-version} is accepted whatever it is. */
    static final String API_VERSION = "2024-10-21";
    /** OpenAI's headers that Azure's answers do not carry. */
    private static final Set<String> OPENAI_ONLY = Set.of("openai-organization", "openai-processing-ms", "openai-version",
            "openai-project", "cf-ray", "cf-cache-status", "server", "alt-svc", "set-cookie", "x-ratelimit-limit-requests",
            "x-ratelimit-limit-tokens", "x-ratelimit-reset-requests", "x-ratelimit-reset-tokens");

    @Override
    public String name() {
        return "azure";
    }

    @Override
    public boolean serves(String method, String path) {
        return "POST".equals(method) && PATH.matcher(path).matches();
    }

    @Override
    public Request read(String method, String path, String body) {
        Matcher deployment = PATH.matcher(path);
        String name = deployment.matches() ? deployment.group(1) : "gpt-4o-mini";
        JsonNode root;
        try {
            root = JSON.readTree(body == null || body.isBlank() ? "{}" : body);
        } catch (IOException e) {
            return Request.unreadable(name, "We could not parse the JSON body of your request.");
        }
        if (root == null || !root.isObject()) {
            return Request.unreadable(name, "We could not parse the JSON body of your request.");
        }
        // Azure routes by the deployment; a model in the body is allowed and ignored.
        String model = root.path("model").isTextual() ? root.path("model").asText() : name;
        JsonNode limitNode = root.path("max_completion_tokens").isNumber() ? root.path("max_completion_tokens") : root.path("max_tokens");
        Integer limit = limitNode.isNumber() ? Math.max(0, limitNode.asInt()) : null;
        List<Turn> turns = new ArrayList<>();
        for (JsonNode message : root.path("messages")) {
            switch (message.path("role").asText()) {
                case "user" -> turns.add(new Turn(Role.USER, text(message.path("content"))));
                case "assistant" -> turns.add(new Turn(Role.MODEL, text(message.path("content"))));
                case "tool", "function" -> turns.add(new Turn(Role.TOOL_RESULT, text(message.path("content"))));
                default -> {
                    // system and developer messages are context, never the prompt
                }
            }
        }
        Tool tool = "none".equals(root.path("tool_choice").asText()) ? null : firstFunction(root.path("tools"));
        return new Request(model, root.path("stream").asBoolean(false), turns, tool, limit, null);
    }

    private static String text(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        List<String> parts = new ArrayList<>();
        for (JsonNode part : content) {
            if (part.path("text").isTextual()) {
                parts.add(part.path("text").asText());
            }
        }
        return String.join("\n", parts);
    }

    private static Tool firstFunction(JsonNode tools) {
        for (JsonNode tool : tools) {
            JsonNode function = tool.path("function");
            String name = function.path("name").asText("");
            if (!"function".equals(tool.path("type").asText()) || name.isEmpty()) {
                continue;
            }
            JsonNode parameters = function.path("parameters");
            List<Parameter> required = new ArrayList<>();
            for (JsonNode field : parameters.path("required")) {
                required.add(new Parameter(field.asText(), parameters.path("properties").path(field.asText()).path("type").asText("string")));
            }
            return new Tool(name, required);
        }
        return null;
    }

    @Override
    public WireResponse answer(Request request, Reply reply, FixtureValues values) {
        WireResponse wire = reply.call() != null ? ChatFixtures.toolCallCompletion(request.model(), reply.call(), values)
                : reply.cut() ? ChatFixtures.completionCutAtLimit(request.model(), reply.text(), values)
                : ChatFixtures.completion(request.model(), reply.text(), values);
        ObjectNode body;
        try {
            body = (ObjectNode) JSON.readTree(wire.body());
        } catch (IOException e) {
            throw new IllegalStateException("the chat completion fixture is not JSON", e);
        }
        body.set("prompt_filter_results", promptFilterResults());
        for (JsonNode choice : body.path("choices")) {
            ((ObjectNode) choice).set("content_filter_results", filterResults());
        }
        return new WireResponse(wire.status(), wire.reason(), headers(wire.headers(), values), bytes(body), wire.contentType());
    }

    @Override
    public SseStream stream(Request request, Reply reply, FixtureValues values) {
        SseStream openAi = reply.call() != null ? ChatFixtures.toolCallStream(request.model(), reply.call(), values, false)
                : reply.cut() ? ChatFixtures.streamCutAtLimit(request.model(), reply.pieces(), values, false)
                : ChatFixtures.stream(request.model(), reply.pieces(), values, false);
        // Azure's first chunk has no choice: it carries the prompt's content-filter results.
        ObjectNode first = JSON.createObjectNode();
        first.putArray("choices");
        first.put("created", 0);
        first.put("id", "");
        first.put("model", "");
        first.put("object", "");
        first.set("prompt_filter_results", promptFilterResults());
        List<SseEvent> events = new ArrayList<>();
        events.add(SseEvent.data(new String(bytes(first), StandardCharsets.UTF_8)));
        events.addAll(openAi.events());
        return new SseStream(openAi.status(), headers(openAi.headers(), values), events);
    }

    @Override
    public WireResponse error(int status, FailureClass meaning, FixtureValues values) {
        String code;
        String message;
        if (status == 429 && (meaning == null || FailureClass.RATE_LIMITED.equals(meaning))) {
            code = "429";
            message = "Requests to the ChatCompletions_Create Operation under Azure OpenAI API version " + API_VERSION
                    + " have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after "
                    + values.retryAfterSeconds() + " seconds. Please go here: https://aka.ms/oai/quotaincrease if you"
                    + " would like to further increase the default rate limit.";
        } else if (status == 401) {
            code = "401";
            message = "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid"
                    + " key for an active subscription and use a correct regional API endpoint for your resource.";
        } else if (status == 404) {
            code = "DeploymentNotFound";
            message = "The API deployment for this resource does not exist. If you created the deployment within the"
                    + " last 5 minutes, please wait a moment and try again.";
        } else {
            return null;
        }
        ObjectNode root = JSON.createObjectNode();
        root.putObject("error").put("code", code).put("message", message);
        List<HttpHeader> headers = headers(List.of(new HttpHeader("content-type", "application/json")), values);
        if (status == 429) {
            headers.removeIf(h -> h.is("x-ratelimit-remaining-tokens"));
            headers.add(new HttpHeader("x-ratelimit-remaining-tokens", "0"));
        }
        return new WireResponse(status, status == 429 ? "Too Many Requests" : status == 401 ? "Unauthorized" : "Not Found",
                headers, bytes(root), "application/json");
    }

    /** Azure writes its Retry-After in whole seconds and the same wait in {@code retry-after-ms}. */
    @Override
    public Map<String, String> besideRetryAfter(RetryAfter retryAfter) {
        if (retryAfter.kind() != RetryAfter.Kind.SECONDS && retryAfter.kind() != RetryAfter.Kind.FRACTION) {
            return Map.of();
        }
        return Map.of("retry-after-ms", new BigDecimal(retryAfter.delay().toNanos()).movePointLeft(6).stripTrailingZeros().toPlainString());
    }

    @Override
    public SseEvent streamError(FixtureValues values) {
        return ChatFixtures.streamError();
    }

    @Override
    public Piece piece(SseEvent event) {
        if (event.isDone()) {
            return Piece.NONE;
        }
        try {
            JsonNode delta = JSON.readTree(event.data()).path("choices").path(0).path("delta");
            if (!delta.path("content").asText("").isEmpty()) {
                return Piece.TEXT;
            }
            for (JsonNode call : delta.path("tool_calls")) {
                if (!call.path("function").path("arguments").asText("").isEmpty()) {
                    return Piece.ARGUMENTS;
                }
            }
            return Piece.NONE;
        } catch (IOException e) {
            return Piece.NONE;
        }
    }

    /** OpenAI's headers less those Azure never sends, plus Azure's own. */
    private static List<HttpHeader> headers(List<HttpHeader> openAi, FixtureValues values) {
        List<HttpHeader> headers = new ArrayList<>();
        for (HttpHeader header : openAi) {
            if (!OPENAI_ONLY.contains(header.name().toLowerCase(Locale.ROOT))) {
                headers.add(header);
            }
        }
        String id = uuid(values.requestId());
        headers.add(new HttpHeader("apim-request-id", id));
        headers.add(new HttpHeader("x-ms-region", "Sweden Central"));
        headers.add(new HttpHeader("x-ratelimit-remaining-requests", "99"));
        headers.add(new HttpHeader("x-ratelimit-remaining-tokens", "99000"));
        headers.add(new HttpHeader("strict-transport-security", "max-age=31536000; includeSubDomains; preload"));
        headers.removeIf(h -> h.is("x-request-id"));
        headers.add(new HttpHeader("x-request-id", id));
        return headers;
    }

    /** A UUID drawn from a fixture id (hex), so the same request gets the same one. */
    private static String uuid(String seed) {
        String hex = (seed.replaceAll("[^0-9a-f]", "") + "0".repeat(32)).substring(0, 32);
        return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-" + hex.substring(16, 20)
                + "-" + hex.substring(20, 32);
    }

    private static ArrayNode promptFilterResults() {
        ArrayNode results = JSON.createArrayNode();
        ObjectNode prompt = results.addObject();
        prompt.put("prompt_index", 0);
        prompt.set("content_filter_results", filterResults());
        return results;
    }

    private static ObjectNode filterResults() {
        ObjectNode results = JSON.createObjectNode();
        for (String category : List.of("hate", "self_harm", "sexual", "violence")) {
            results.putObject(category).put("filtered", false).put("severity", "safe");
        }
        return results;
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}
