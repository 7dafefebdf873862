package dev.chaosgate.upstream.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.extension.ResponseTransformerV2;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.HttpHeaders;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.Response;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.chaosgate.fixtures.ChatFixtures;
import dev.chaosgate.fixtures.FailureClass;
import dev.chaosgate.fixtures.Fixture;
import dev.chaosgate.fixtures.FixtureValues;
import dev.chaosgate.fixtures.Fixtures;
import dev.chaosgate.fixtures.HttpDate;
import dev.chaosgate.fixtures.SseEvent;
import dev.chaosgate.fixtures.SseStream;
import dev.chaosgate.fixtures.ToolCall;
import dev.chaosgate.fixtures.WireResponse;
import dev.chaosgate.link.LinkEngine;
import dev.chaosgate.upstream.ActionStep;
import dev.chaosgate.upstream.StreamPacing;
import dev.chaosgate.upstream.UpstreamFault;
import dev.chaosgate.upstream.WireDialect;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Answers every request to the fake upstream: parses it, asks the current fault what to do, and
 * renders either the fake model's answer or the fault, from the fixtures. Whatever goes wrong in
 * here becomes a JSON 500 of type {@code chaosgate_error} (logged once), never Jetty's HTML page.
 */
final class UpstreamResponder implements ResponseTransformerV2 {
    private static final System.Logger LOG = System.getLogger("dev.chaosgate.upstream");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** IMF-fixdate, as servers write {@code Date}: two-digit day. */
    private static final Pattern HOST = Pattern.compile("[^\\s/]+");
    private static final Pattern PORT = Pattern.compile(":\\d+$");

    /** The fixture of {@link dev.chaosgate.upstream.Faults#status(int)} when none is named; others get OpenAI's 500 body. */
    static final Map<Integer, String> DEFAULT_FIXTURES = Map.ofEntries(
            Map.entry(400, "openai/400-invalid-request"),
            Map.entry(401, "openai/401-invalid-api-key"),
            Map.entry(403, "openai/403-unsupported-region"),
            Map.entry(404, "openai/404-model-not-found"),
            Map.entry(429, "openai/429-rate-limit-requests"),
            Map.entry(500, "openai/500-server-error"),
            Map.entry(502, "cloudflare/502-branded"),
            Map.entry(503, "openai/503-overloaded"),
            Map.entry(504, "nginx/504"),
            Map.entry(520, "cloudflare/520-unknown-error"),
            Map.entry(521, "cloudflare/521-web-server-down"),
            Map.entry(522, "cloudflare/522-connection-timed-out"),
            Map.entry(523, "cloudflare/523-origin-unreachable"),
            Map.entry(524, "cloudflare/524-timeout"));

    private final Function<RequestFacts, Decision> decide;
    private final Supplier<FixtureValues> values;
    private final Supplier<StreamPacing> pacing;
    private final ActionSteps actionSteps = new ActionSteps();
    /** Answers what meets no fault when a real API (or a replay of its answers) is there. */
    private final LiveResponder live;
    /** Added before every answer's first byte (a crowd's answers take a model's time), not before errors; see FakeUpstream.answerTime. */
    private volatile long answerMillis;

    UpstreamResponder(Function<RequestFacts, Decision> decide, Supplier<FixtureValues> values, Supplier<StreamPacing> pacing,
                      LiveResponder live) {
        this.decide = decide;
        this.live = live;
        this.values = values;
        this.pacing = pacing;
    }

    void answerTime(java.time.Duration answerTime) {
        answerMillis = answerTime.toMillis();
    }

    @Override
    public String getName() {
        return "chaosgate-upstream";
    }

    @Override
    public Response transform(Response stubbed, ServeEvent event) {
        return answer(RequestScope.current(), event.getRequest());
    }

    /**
     * The answer to {@code request}, decided and noted in {@code scope}: what WireMock's pipeline asks for
     * through {@link #transform}, and what {@link DirectAnswers} writes without it.
     */
    Response answer(RequestScope scope, Request request) {
        try {
            scope.body = request.getBodyAsString();
            return sent(scope, respond(scope, request));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "chaosgate upstream failed to answer " + request.getMethod().getName()
                    + " " + dev.chaosgate.upstream.live.Redaction.target(request.getUrl()) + "; answered with a JSON 500 (chaosgate_error)", e);
            scope.faultLabel = "chaosgate error";
            scope.streamed = false;
            return sent(scope, failure(e, scope));
        }
    }

    /** Notes what is about to be sent in the scope, for the journal. */
    private static Response sent(RequestScope scope, Response response) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (HttpHeader header : response.getHeaders().all()) {
            headers.put(header.key().toLowerCase(Locale.ROOT), header.firstValue());
        }
        scope.responseHeaders = headers;
        scope.status = response.getFault() != null ? 0 : response.getStatus();
        scope.answer();
        if (response.getFault() != null) {
            // Nothing to write: the exchange is complete as far as the upstream goes.
            scope.finish();
        }
        return response;
    }

    private Response respond(RequestScope scope, Request request) {
        String method = request.getMethod().getName();
        String route = OpenAiRequest.route(request.getUrl());
        WireDialect dialect = Dialects.of(method, route);
        WireDialect.Request read = dialect == null ? null : dialect.read(method, route, scope.body);
        OpenAiRequest parsed = dialect == null ? OpenAiRequest.parse(method, request.getUrl(), scope.body)
                : OpenAiRequest.fromDialect(method, route, read);
        // By path, as UpstreamExchange.isGeneration() and failNext judge it: a gateway fails a malformed body too.
        boolean generation = parsed.generation();
        ActionStep step = !generation ? null
                : parsed.parseError() != null ? ActionStep.first("", null) : actionSteps.stepOf(parsed);
        Decision decision = decide.apply(new RequestFacts(scope.arrivedNanos, parsed.estimatedTokens(), parsed.stream(),
                generation, step == null ? 0 : step.step(), scope));
        scope.faultLabel = decision.label();
        scope.phase = decision.phase();
        scope.prompt = parsed.prompt();
        scope.action = step;
        FixtureValues requestValues = values.get().withModel(parsed.model());
        String host = request.getHeader("Host");
        if (host != null) {
            host = PORT.matcher(host).replaceFirst("");
            if (HOST.matcher(host).matches()) {
                requestValues = requestValues.withHost(host);
            }
        }
        for (Map.Entry<String, String> value : decision.values().entrySet()) {
            requestValues = requestValues.with(value.getKey(), value.getValue());
        }
        UpstreamFault fault = decision.fault();
        if (live.answers(scope) && answeredNormally(fault, parsed.stream())) {
            // Live mode: what the scenario does not fault, the real API answers (or its recorded answer, in a replay).
            return delayed(live.answer(request, scope, pacing.get()), fault, decision, generation).build();
        }
        if (fault instanceof UpstreamFault.ConnectionFault connection) {
            scope.failureClass = FailureClass.CONNECTION_FAILURE.name();
            return Response.response().status(200).fault(wireMockFault(connection.kind())).build();
        }
        if (fault instanceof UpstreamFault.ErrorResponse error) {
            return error(error, dialect, requestValues, scope);
        }
        if (fault instanceof UpstreamFault.StreamFault && parsed.stream()) {
            scope.failureClass = FailureClass.STREAM_INTERRUPTED.name();
        }
        Response.Builder answer = answer(parsed, dialect, read, requestValues, decision, scope);
        return delayed(answer, fault, decision, generation).build();
    }

    /** Whether the request came from an HTTP/2 stream: the link in front relays each stream as HTTP/1.1 and names it. */
    private static boolean overHttp2(RequestScope scope) {
        return scope.request != null && scope.request.getHeader(LinkEngine.HTTP2_STREAM_HEADER) != null;
    }

    /** Whether a request with this fault gets the model's answer: no fault, a slow answer, or a stream fault it does not stream. */
    private static boolean answeredNormally(UpstreamFault fault, boolean streamed) {
        return fault == null || fault instanceof UpstreamFault.SlowAnswer || (fault instanceof UpstreamFault.StreamFault && !streamed);
    }

    /** A normal answer with the waits before its first byte: a slow answer's, an overload's service time, a model's time. */
    private Response.Builder delayed(Response.Builder answer, UpstreamFault fault, Decision decision, boolean generation) {
        if (fault instanceof UpstreamFault.SlowAnswer slow) {
            answer.incrementInitialDelay(slow.delay().toMillis());
        }
        if (!decision.serviceTime().isZero()) {
            // An overload's admitted request holds its slot this long before its answer starts.
            answer.incrementInitialDelay(decision.serviceTime().toMillis());
        } else if (generation && answerMillis > 0) {
            // A model's time to answer: accepted requests stay in flight meanwhile; errors (a shed 503) stay quick.
            answer.incrementInitialDelay(answerMillis);
        }
        return answer;
    }

    private static Fault wireMockFault(UpstreamFault.ConnectionFault.Kind kind) {
        return switch (kind) {
            case RESET -> Fault.CONNECTION_RESET_BY_PEER;
            case EMPTY_RESPONSE -> Fault.EMPTY_RESPONSE;
            case MALFORMED_CHUNK -> Fault.MALFORMED_RESPONSE_CHUNK;
            case RANDOM_DATA -> Fault.RANDOM_DATA_THEN_CLOSE;
        };
    }

    private static Response error(UpstreamFault.ErrorResponse error, WireDialect dialect, FixtureValues values, RequestScope scope) {
        boolean ownFixture = error.fixture() != null || DEFAULT_FIXTURES.containsKey(error.status());
        String fixture = error.fixture() != null ? error.fixture() : DEFAULT_FIXTURES.getOrDefault(error.status(), "openai/500-server-error");
        if (error.retryAfter() != null) {
            // Drives the "try again in" texts and resets of fixtures that were not given their own.
            values = values.withRetryAfterSeconds(Math.max(0, error.retryAfter().delay().toSeconds()));
        }
        Fixture used = Fixtures.load(fixture);
        FailureClass meaning = used.failureClass().orElse(null);
        WireResponse wire;
        if (dialect != null && fixture.startsWith("openai/")) {
            // The provider's own error body in the dialect's words; a gateway's page (Cloudflare, nginx) stays as it is.
            if (!ownFixture) {
                meaning = error.status() == 503 || error.status() == 529 ? FailureClass.UNAVAILABLE
                        : error.status() >= 500 ? FailureClass.SERVER_ERROR : meaning;
            }
            wire = dialect.error(error.status(), meaning, values);
            if (wire != null && error.retryAfter() != null) {
                wire = dialect.withRetryAfter(wire, error.retryAfter());
            }
        } else {
            wire = null;
        }
        if (wire == null) {
            wire = used.render(values);
        }
        scope.failureClass = meaning == null ? null : meaning.name();
        if (wire.status() != error.status()) {
            wire = wire.withStatus(error.status());
        }
        Map<String, String> headers = new LinkedHashMap<>();
        if (error.retryAfter() != null) {
            headers.put("retry-after", error.retryAfter().headerValue(Instant.now()));
        }
        if (error.retryAfterMs() != null) {
            headers.put("retry-after-ms", Long.toString(error.retryAfterMs()));
        }
        if (error.shouldRetry() != null) {
            headers.put("x-should-retry", Boolean.toString(error.shouldRetry()));
        }
        headers.putAll(error.headers());
        for (Map.Entry<String, String> header : headers.entrySet()) {
            wire = wire.withHeader(header.getKey(), header.getValue());
        }
        Response.Builder builder = plain(wire, scope);
        if (!error.delay().isZero()) {
            builder.incrementInitialDelay(error.delay().toMillis());
        }
        return builder.build();
    }

    private Response.Builder answer(OpenAiRequest request, WireDialect dialect, WireDialect.Request read, FixtureValues values,
                                    Decision decision, RequestScope scope) {
        if (request.parseError() != null) {
            WireResponse invalid = dialect == null ? null : dialect.error(400, FailureClass.INVALID_REQUEST, values);
            return plain(invalid != null ? invalid : Fixtures.load("openai/400-invalid-request").render(values), scope);
        }
        switch (request.api()) {
            case MODELS:
                return plain(Fixtures.load("openai/models").render(values), scope);
            case UNKNOWN:
                return plain(invalidUrl(request, values), scope);
            default:
                break;
        }
        boolean responses = request.api() == OpenAiRequest.Api.RESPONSES;
        ActionStep step = scope.action;
        String content = Answers.contentFor(request.prompt());
        ToolCall call = null;
        ActionStep.Ending ending = ActionStep.Ending.ANSWER;
        if (request.tool() != null && !request.carriesToolResult()) {
            call = Answers.toolCall(request.tool(), request.prompt(), step.step());
            ending = ActionStep.Ending.TOOL_CALL;
        } else if (Answers.exceeds(content, request.limit())) {
            content = Answers.cutAt(content, request.limit());
            ending = ActionStep.Ending.LENGTH;
        }
        UpstreamFault.StreamFault fault = decision.fault() instanceof UpstreamFault.StreamFault s && request.stream() ? s : null;
        // A stream broken on purpose never delivers the answer; a stalled one still ends.
        boolean whole = fault == null || fault.kind() == UpstreamFault.StreamFault.Kind.STALL
                || fault.kind() == UpstreamFault.StreamFault.Kind.GOAWAY_GRACEFUL;
        scope.action = step.endingWith(whole ? ending : null);
        if (whole) {
            actionSteps.answered(scope.action, call == null ? content : null,
                    responses ? values.get("responseId").orElse(null) : null);
        }
        WireDialect.Reply reply = null;
        if (dialect != null) {
            reply = new WireDialect.Reply(call == null ? content : "", call == null ? ChatFixtures.deltas(content) : List.of(),
                    call, ending == ActionStep.Ending.LENGTH);
        }
        if (!request.stream()) {
            WireResponse wire;
            if (dialect != null) {
                wire = dialect.answer(read, reply, values);
            } else if (call != null) {
                wire = responses ? ChatFixtures.toolCallResponse(request.model(), call, values)
                        : ChatFixtures.toolCallCompletion(request.model(), call, values);
            } else if (ending == ActionStep.Ending.LENGTH) {
                wire = responses ? ChatFixtures.incompleteResponse(request.model(), content, values)
                        : ChatFixtures.completionCutAtLimit(request.model(), content, values);
            } else {
                wire = responses ? ChatFixtures.response(request.model(), content, values)
                        : ChatFixtures.completion(request.model(), content, values);
            }
            return plain(wire, scope);
        }
        List<String> deltas = ChatFixtures.deltas(content);
        SseStream stream;
        if (dialect != null) {
            stream = dialect.stream(read, reply, values);
        } else if (call != null) {
            stream = responses ? ChatFixtures.toolCallResponseStream(request.model(), call, values)
                    : ChatFixtures.toolCallStream(request.model(), call, values, request.includeUsage());
        } else if (ending == ActionStep.Ending.LENGTH) {
            stream = responses ? ChatFixtures.incompleteResponseStream(request.model(), deltas, values)
                    : ChatFixtures.streamCutAtLimit(request.model(), deltas, values, request.includeUsage());
        } else {
            stream = responses ? ChatFixtures.responseStream(request.model(), deltas, values)
                    : ChatFixtures.stream(request.model(), deltas, values, request.includeUsage());
        }
        List<EventStream.Step> steps = steps(stream.events(), fault, responses, dialect, request.model(), values);
        if (fault != null) {
            scope.failureClass = failureClass(fault, stream.events(), dialect);
        }
        scope.streamed = true;
        StreamPacing streamPacing = pacing.get();
        // A fresh stream each time WireMock asks: it opens the body once to log it (reading nothing) and once to send it.
        HttpHeaders streamHeaders = headers(stream.headers());
        if (fault != null && fault.http2Ending() != null) {
            streamHeaders = overHttp2(scope) ? streamHeaders.plus(new HttpHeader(LinkEngine.HTTP2_ENDING_HEADER, fault.http2Ending()))
                    : fault.kind() == UpstreamFault.StreamFault.Kind.GOAWAY_GRACEFUL ? streamHeaders.plus(new HttpHeader("Connection", "close"))
                    : streamHeaders;
        }
        return Response.response().status(stream.status()).headers(streamHeaders)
                .body(() -> new EventStream(steps, streamPacing, scope));
    }

    /**
     * A stream cut after answer text was sent is {@code stream_interrupted}: replaying it would repeat what
     * the user saw. Before any text it is a plain failure of its kind, which a client may retry like any
     * other: a cut or reset is a connection failure, an error frame a server error, and a stall before the
     * first word is only a slow start (a client that leaves it timed out).
     */
    static String failureClass(UpstreamFault.StreamFault fault, List<SseEvent> events) {
        return failureClass(fault, events, null);
    }

    /** {@link #failureClass(UpstreamFault.StreamFault, List)} of a stream in {@code dialect} (null: OpenAI's). */
    static String failureClass(UpstreamFault.StreamFault fault, List<SseEvent> events, WireDialect dialect) {
        if (fault.kind() == UpstreamFault.StreamFault.Kind.GOAWAY_GRACEFUL) {
            return null; // the answer is whole: retiring the connection is no failure
        }
        int keep = StreamPoints.eventsBefore(fault.at(), events, dialect);
        boolean textSent = events.subList(0, keep).stream().anyMatch(e -> StreamPoints.carriesText(e, dialect));
        if (textSent) {
            return FailureClass.STREAM_INTERRUPTED.name();
        }
        return switch (fault.kind()) {
            case CUT, RESET, GOAWAY -> FailureClass.CONNECTION_FAILURE.name();
            case ERROR, ERROR_NESTED, RESPONSE_FAILED -> FailureClass.SERVER_ERROR.name();
            case STALL, GOAWAY_GRACEFUL -> null; // GOAWAY_GRACEFUL: returned above
        };
    }

    /** OpenAI's 404 for a path it does not serve. */
    private static WireResponse invalidUrl(OpenAiRequest request, FixtureValues values) {
        WireResponse notFound = Fixtures.load("openai/404-model-not-found").render(values);
        ObjectNode root = JSON.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", "Invalid URL (" + request.method() + " " + request.path() + ")");
        error.put("type", "invalid_request_error");
        error.putNull("param");
        error.putNull("code");
        return new WireResponse(404, "Not Found", notFound.headers(), json(root), notFound.contentType());
    }

    /**
     * The events of a stream as steps, with the stream fault (if any) applied at its point
     * ({@link StreamPoints#eventsBefore}): a faulted stream never reaches {@code [DONE]} or {@code response.completed}.
     */
    static List<EventStream.Step> steps(List<SseEvent> events, UpstreamFault.StreamFault fault, boolean responses,
                                        String model, FixtureValues values) {
        return steps(events, fault, responses, null, model, values);
    }

    /** {@link #steps(List, UpstreamFault.StreamFault, boolean, String, FixtureValues)} of a stream in {@code dialect} (null: OpenAI's). */
    static List<EventStream.Step> steps(List<SseEvent> events, UpstreamFault.StreamFault fault, boolean responses,
                                        WireDialect dialect, String model, FixtureValues values) {
        List<EventStream.Step> steps = new ArrayList<>();
        boolean cuts = fault != null && fault.kind() != UpstreamFault.StreamFault.Kind.GOAWAY_GRACEFUL;
        int keep = !cuts ? events.size() : StreamPoints.eventsBefore(fault.at(), events, dialect);
        for (int i = 0; i < keep; i++) {
            steps.add(emit(events.get(i)));
        }
        if (fault == null) {
            return steps;
        }
        switch (fault.kind()) {
            case CUT -> {
                // A clean end: the last event is the one before the cut; no [DONE] or response.completed.
            }
            // Over HTTP/2 the link in front turns the reset into RST_STREAM or GOAWAY, as the answer's header asks.
            case RESET, GOAWAY -> steps.add(new EventStream.Reset());
            case GOAWAY_GRACEFUL -> {
                // The answer is whole; its header (HTTP/2) or Connection: close (HTTP/1.1) retires the connection.
            }
            case STALL -> {
                steps.add(new EventStream.Pause(fault.stall()));
                for (int i = keep; i < events.size(); i++) {
                    steps.add(emit(events.get(i)));
                }
            }
            case ERROR, ERROR_NESTED, RESPONSE_FAILED -> steps.add(dialect != null ? new EventStream.Emit(dialect.streamErrorBytes(values))
                    : emit(errorEvent(fault.kind(), responses, keep, model, values)));
        }
        return steps;
    }

    private static SseEvent errorEvent(UpstreamFault.StreamFault.Kind kind, boolean responses, int sequence, String model, FixtureValues values) {
        if (!responses) {
            return ChatFixtures.streamError();
        }
        return switch (kind) {
            case ERROR_NESTED -> ChatFixtures.responseError(ChatFixtures.ErrorShape.NESTED, sequence);
            case RESPONSE_FAILED -> ChatFixtures.responseFailed(model, values, sequence);
            default -> ChatFixtures.responseError(ChatFixtures.ErrorShape.FLAT, sequence);
        };
    }

    private static EventStream.Step emit(SseEvent event) {
        return new EventStream.Emit(event.encode().getBytes(StandardCharsets.UTF_8));
    }

    /** A whole body; the exchange is recorded when its last byte has been handed to Jetty. */
    private static Response.Builder plain(WireResponse wire, RequestScope scope) {
        byte[] body = wire.body();
        return Response.response().status(wire.status()).statusMessage(wire.reason())
                .headers(headers(wire.headers()))
                .body(() -> new FinishingBody(body, scope));
    }

    /** A JSON 500 naming what failed, without a stack trace. */
    private static Response failure(RuntimeException e, RequestScope scope) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode error = root.putObject("error");
        String message = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
        error.put("message", "chaosgate upstream failed: " + message);
        error.put("type", "chaosgate_error");
        WireResponse wire = new WireResponse(500, "Internal Server Error",
                List.of(new dev.chaosgate.fixtures.HttpHeader("content-type", "application/json")),
                json(root), "application/json");
        return plain(wire, scope).build();
    }

    static HttpHeaders headers(List<dev.chaosgate.fixtures.HttpHeader> wire) {
        List<HttpHeader> headers = new ArrayList<>();
        boolean dated = false;
        for (dev.chaosgate.fixtures.HttpHeader header : wire) {
            headers.add(new HttpHeader(header.name(), header.value()));
            dated |= header.is("date");
        }
        if (!dated) {
            // Jetty (as WireMock sets it up) sends no Date; every real gateway does.
            headers.add(0, new HttpHeader("date", HttpDate.format(Instant.now())));
        }
        return new HttpHeaders(headers);
    }

    private static byte[] json(ObjectNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /** A body that finishes its request's scope once its last byte has been read. */
    static final class FinishingBody extends ByteArrayInputStream {
        private final RequestScope scope;

        FinishingBody(byte[] body, RequestScope scope) {
            super(body);
            this.scope = scope;
        }

        @Override
        public synchronized int read(byte[] buffer, int offset, int length) {
            if (length == 0) {
                return 0;
            }
            int read = super.read(buffer, offset, length);
            if (read < 0) {
                scope.finish();
            }
            return read;
        }

        @Override
        public synchronized int read() {
            int read = super.read();
            if (read < 0) {
                scope.finish();
            }
            return read;
        }

        @Override
        public synchronized long transferTo(java.io.OutputStream out) throws java.io.IOException {
            // The rest of the body in one write, straight from its array (no 8 KiB buffer per answer), then the
            // end, which ByteArrayInputStream's own transferTo would not report.
            int length = count - pos;
            out.write(buf, pos, length);
            pos = count;
            scope.finish();
            return length;
        }
    }
}
