package dev.chaosgate.console;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chaosgate.scenario.ScenarioLoader;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The JSON admin API under {@value #PREFIX}: every operation of the console page, for scripts.
 * Errors are {@code {"error": "...", "status": N}} with a 4xx status; writes must be JSON POSTs
 * from the console's own origin (see {@link OriginPolicy}).
 */
final class AdminApi {
    static final String PREFIX = ConsoleServer.PATH + "api/";
    static final int MAX_BODY = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final ServeSession session;
    private final OriginPolicy policy;
    private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
    /** Reads a fail-next `upstream` as a scenario file's; built once, as building one looks up the toxics. */
    private final ScenarioLoader faults = ScenarioLoader.standard();

    AdminApi(ServeSession session, OriginPolicy policy) {
        this.session = session;
        this.policy = policy;
        endpoints.put("state", new Endpoint(Set.of("GET"), request -> session.state()));
        endpoints.put("log", new Endpoint(Set.of("GET"), this::log));
        endpoints.put("scenario", new Endpoint(Set.of("POST"), this::switchScenario));
        endpoints.put("fail-next", new Endpoint(Set.of("POST"), this::failNext));
        endpoints.put("pause", new Endpoint(Set.of("POST"), request -> {
            session.pause();
            return session.state();
        }));
        endpoints.put("resume", new Endpoint(Set.of("POST"), request -> {
            session.resume();
            return session.state();
        }));
        endpoints.put("reset", new Endpoint(Set.of("POST"), request -> {
            session.reset();
            return session.state();
        }));
        endpoints.put("verdict", new Endpoint(Set.of("GET", "POST"), this::verdict));
    }

    /**
     * The answer when the head alone decides it: a read, or a refusal (unknown endpoint, wrong
     * method, a write that is not the console's own JSON or announces a body over the cap). Null
     * when the request is a write that passed its checks: read its body, then call {@link #answer}.
     */
    Responses.Answer early(ConsoleRequest request) {
        try {
            endpoint(request);
            if (!request.method().equals("POST")) {
                return answer(request, null);
            }
            admitWrite(request);
            return null;
        } catch (ApiProblem problem) {
            return error(request, problem);
        }
    }

    /** The answer to a request with its whole body ({@code null} for a read). */
    Responses.Answer answer(ConsoleRequest request, byte[] body) {
        try {
            return json(200, call(request, body));
        } catch (ApiProblem problem) {
            return error(request, problem);
        }
    }

    /** Refuses a request before any endpoint sees it, in the API's JSON error shape. */
    static Responses.Answer refuse(ApiProblem problem) {
        return json(problem.status(), errorBody(problem));
    }

    /** A body that grew over the cap as it arrived (chunked, so no Content-Length said so first). */
    static ApiProblem tooLarge() {
        return new ApiProblem(413, "request body over " + MAX_BODY / 1024 + " KiB");
    }

    private Responses.Answer error(ConsoleRequest request, ApiProblem problem) {
        Responses.Answer answer = refuse(problem);
        return problem.status() == 405 ? answer.with("Allow", String.join(", ", allowed(request))) : answer;
    }

    private static Responses.Answer json(int status, Object body) {
        try {
            return Responses.send(status, "application/json; charset=utf-8", JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the answer as JSON", e);
        }
    }

    private Endpoint endpoint(ConsoleRequest request) {
        String name = request.path().substring(PREFIX.length());
        Endpoint endpoint = endpoints.get(name);
        if (endpoint == null) {
            throw new ApiProblem(404, "no endpoint " + PREFIX + name + "; the endpoints are "
                    + String.join(", ", endpoints.keySet()) + " (see docs/console.md)");
        }
        // Methods are case-sensitive (RFC 9110 9.1): "post" is not POST.
        String method = request.method();
        if (!endpoint.methods().contains(method)) {
            throw new ApiProblem(405, PREFIX + name + " takes " + String.join(" or ", sorted(endpoint.methods()))
                    + ", not " + method);
        }
        return endpoint;
    }

    private Object call(ConsoleRequest head, byte[] bytes) {
        Endpoint endpoint = endpoint(head);
        JsonNode body = null;
        if (head.method().equals("POST")) {
            admitWrite(head);
            body = readJson(bytes == null ? new byte[0] : bytes);
        }
        Request request = new Request(head, body);
        try {
            return endpoint.handler().handle(request);
        } catch (UnknownScenarioException e) {
            throw new ApiProblem(404, e.getMessage(), Map.of("closest", e.closest()));
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest(e.getMessage());
        } catch (IllegalStateException e) {
            throw new ApiProblem(409, e.getMessage());
        }
    }

    private Object log(Request request) {
        String after = request.query("after");
        long from = 0;
        if (after != null) {
            try {
                from = Long.parseLong(after.trim());
            } catch (NumberFormatException e) {
                from = -1;
            }
            if (from < 0) {
                throw ApiProblem.badRequest("after must be a log sequence (a whole number >= 0), got '" + after + "'");
            }
        }
        return new LogPage(session.log(from), session.lastLogSequence());
    }

    private Object switchScenario(Request request) {
        session.switchScenario(request.requiredText("name", "{\"name\": \"bad-gateway-burst\"}"));
        return session.state();
    }

    private Object failNext(Request request) {
        String example = "{\"count\": 2, \"fault\": \"bad-gateway\"}";
        JsonNode count = request.body().get("count");
        if (count == null || count.isNull()) {
            throw ApiProblem.badRequest("missing field \"count\": send " + example);
        }
        if (!count.canConvertToInt() || !count.isIntegralNumber()) {
            throw ApiProblem.badRequest("\"count\" must be a whole number 1.." + ServeSession.MAX_FAIL_NEXT
                    + ", got " + count);
        }
        JsonNode upstream = request.body().get("upstream");
        if (upstream != null && !upstream.isNull()) {
            // Any single-answer fault, written as a scenario phase's `upstream:` (the same binding and errors).
            String written = upstream.isTextual() ? upstream.asText() : upstream.toString();
            session.failNext(count.intValue(), faults.parseFault(written, "fail-next `upstream`"), written);
        } else {
            session.failNext(count.intValue(), request.requiredText("fault", example + " or {\"count\": 1, \"upstream\": {\"status\": 503,"
                    + " \"retryAfter\": 5}}"));
        }
        return session.state();
    }

    private Object verdict(Request request) {
        if (request.body() == null) {
            return session.verdict();
        }
        JsonNode body = request.body();
        return session.verdict(request.optionalText("user"), request.optionalText("prompt"), texts(body.get("shown")),
                request.optionalText("draft"));
    }

    /** {@code shown}: a list of texts, or one text with a text per line. */
    private static List<String> texts(JsonNode shown) {
        List<String> texts = new ArrayList<>();
        if (shown == null || shown.isNull()) {
            return texts;
        }
        if (shown.isTextual()) {
            shown.asText().lines().filter(line -> !line.isBlank()).forEach(texts::add);
            return texts;
        }
        if (!shown.isArray()) {
            throw ApiProblem.badRequest("\"shown\" must be a list of the texts the app showed, like"
                    + " [\"Something went wrong, try again\"]");
        }
        for (JsonNode text : shown) {
            if (!text.isTextual()) {
                throw ApiProblem.badRequest("\"shown\" must hold texts only, got " + text);
            }
            texts.add(text.asText());
        }
        return texts;
    }

    /** Checks a write comes from the console (see {@link OriginPolicy}) and announces no body over the cap. */
    private void admitWrite(ConsoleRequest request) {
        String contentType = request.header("Content-Type");
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).matches("application/json\\s*(;.*)?")) {
            throw ApiProblem.forbidden("refused: a POST must carry Content-Type: application/json"
                    + " (so other web pages cannot steer the console), got " + (contentType == null ? "none" : contentType));
        }
        String origin = request.header("Origin");
        if (!policy.allowsOrigin(origin, request.header("Host"))) {
            throw ApiProblem.forbidden("refused: a POST from origin " + origin + " is not from the console itself");
        }
        String fetchSite = request.header("Sec-Fetch-Site");
        if (!policy.allowsFetchSite(fetchSite)) {
            throw ApiProblem.forbidden("refused: a POST the browser marks Sec-Fetch-Site: " + fetchSite
                    + " comes from another page, not from the console itself");
        }
        String length = request.header("Content-Length");
        if (length != null && declaredOver(length)) {
            // Refused before reading, so a client that waits to be asked for its body is not kept waiting.
            throw new ApiProblem(413, "request body over " + MAX_BODY / 1024 + " KiB (Content-Length: " + length.trim() + ")");
        }
    }

    /** Reads a write's JSON object body, {@code {}} when empty. */
    private static JsonNode readJson(byte[] bytes) {
        if (bytes.length > MAX_BODY) {
            throw tooLarge();
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            return JSON.createObjectNode();
        }
        JsonNode body;
        try {
            body = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw ApiProblem.badRequest("request body is not valid JSON" + (at == null ? "" : " at line " + at.getLineNr()
                    + ", column " + at.getColumnNr()) + " (" + e.getOriginalMessage() + "); send a JSON object");
        }
        if (!body.isObject()) {
            throw ApiProblem.badRequest("request body must be a JSON object, got " + body.getNodeType().name()
                    .toLowerCase(Locale.ROOT));
        }
        return body;
    }

    /** Whether a {@code Content-Length} announces more than {@link #MAX_BODY}; the HTTP decoder has refused one that is not a number. */
    private static boolean declaredOver(String length) {
        try {
            return Long.parseLong(length.trim()) > MAX_BODY;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private Set<String> allowed(ConsoleRequest request) {
        String name = request.path().substring(PREFIX.length());
        Endpoint endpoint = endpoints.get(name);
        return endpoint == null ? Set.of() : sorted(endpoint.methods());
    }

    private static Set<String> sorted(Set<String> methods) {
        return new java.util.TreeSet<>(methods);
    }

    private static Map<String, Object> errorBody(ApiProblem problem) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", problem.getMessage());
        body.put("status", problem.status());
        body.putAll(problem.details());
        return body;
    }

    /** {@code GET log}: the entries after the one asked for, and the newest sequence to ask after next. */
    record LogPage(List<LogEntry> entries, long last) {
    }

    private record Endpoint(Set<String> methods, Handler handler) {
    }

    @FunctionalInterface
    private interface Handler {
        Object handle(Request request);
    }

    /** One call: its query and (for a POST) its JSON object body, {@code {}} when empty. */
    private record Request(ConsoleRequest head, JsonNode body) {
        String query(String name) {
            String query = head.rawQuery();
            if (query == null) {
                return null;
            }
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                if (key.equals(name)) {
                    return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                }
            }
            return null;
        }

        String requiredText(String field, String example) {
            JsonNode value = body.get(field);
            if (value == null || value.isNull()) {
                throw ApiProblem.badRequest("missing field \"" + field + "\": send " + example);
            }
            if (!value.isTextual()) {
                throw ApiProblem.badRequest("\"" + field + "\" must be a string, like " + example + ", got " + value);
            }
            return value.asText();
        }

        String optionalText(String field) {
            JsonNode value = body.get(field);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!value.isTextual()) {
                throw ApiProblem.badRequest("\"" + field + "\" must be a string, got " + value);
            }
            return value.asText();
        }
    }
}
