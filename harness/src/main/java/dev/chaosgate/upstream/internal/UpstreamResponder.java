package dev.chaosgate.upstream.internal;

import com.github.tomakehurst.wiremock.extension.ResponseTransformerV2;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.HttpHeaders;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.Response;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.chaosgate.fixtures.ChatFixtures;
import dev.chaosgate.fixtures.FixtureValues;
import dev.chaosgate.fixtures.Fixtures;
import dev.chaosgate.fixtures.SseEvent;
import dev.chaosgate.fixtures.SseStream;
import dev.chaosgate.fixtures.WireResponse;
import dev.chaosgate.upstream.StreamPacing;
import dev.chaosgate.upstream.UpstreamFault;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Answers every request to the fake upstream: parses it, asks the current fault what to do, and
 * renders either the fake model's answer or the fault, from the fixtures.
 */
final class UpstreamResponder implements ResponseTransformerV2 {
    private static final Map<Integer, String> DEFAULT_FIXTURES = Map.of(
            400, "openai/400-invalid-request",
            401, "openai/401-invalid-api-key",
            403, "openai/403-unsupported-region",
            404, "openai/404-model-not-found",
            429, "openai/429-rate-limit-requests",
            500, "openai/500-server-error",
            502, "cloudflare/502-branded",
            503, "openai/503-overloaded",
            504, "nginx/504");

    private final Function<RequestFacts, Decision> decide;
    private final Supplier<FixtureValues> values;
    private final Supplier<StreamPacing> pacing;

    UpstreamResponder(Function<RequestFacts, Decision> decide, Supplier<FixtureValues> values, Supplier<StreamPacing> pacing) {
        this.decide = decide;
        this.values = values;
        this.pacing = pacing;
    }

    @Override
    public String getName() {
        return "chaosgate-upstream";
    }

    @Override
    public Response transform(Response stubbed, ServeEvent event) {
        RequestScope scope = RequestScope.current();
        Request request = event.getRequest();
        String body = request.getBodyAsString();
        OpenAiRequest parsed = OpenAiRequest.parse(request.getMethod().getName(), request.getUrl(), body);
        Decision decision = decide.apply(new RequestFacts(scope.arrivedNanos, scope.inFlight, parsed.estimatedTokens(), parsed.stream()));
        String host = request.getHeader("Host");
        FixtureValues requestValues = values.get().withModel(parsed.model());
        if (host != null && !host.isBlank()) {
            requestValues = requestValues.withHost(host.replaceFirst(":\\d+$", ""));
        }
        Response response = respond(parsed, decision, requestValues, scope);
        scope.body = body;
        scope.faultLabel = decision.label();
        scope.answered = true;
        Map<String, String> sent = new LinkedHashMap<>();
        for (HttpHeader header : response.getHeaders().all()) {
            sent.put(header.key().toLowerCase(java.util.Locale.ROOT), header.firstValue());
        }
        scope.responseHeaders = sent;
        return response;
    }

    private Response respond(OpenAiRequest request, Decision decision, FixtureValues values, RequestScope scope) {
        UpstreamFault fault = decision.fault();
        if (fault instanceof UpstreamFault.ConnectionFault connection) {
            return Response.response().status(200).fault(wireMockFault(connection.kind())).build();
        }
        if (fault instanceof UpstreamFault.ErrorResponse error) {
            return error(error, values, decision.headers());
        }
        Response.Builder answer = answer(request, values, decision, scope);
        if (fault instanceof UpstreamFault.SlowAnswer slow) {
            answer.incrementInitialDelay(slow.delay().toMillis());
        }
        return answer.build();
    }

    private static Fault wireMockFault(UpstreamFault.ConnectionFault.Kind kind) {
        return switch (kind) {
            case RESET -> Fault.CONNECTION_RESET_BY_PEER;
            case EMPTY_RESPONSE -> Fault.EMPTY_RESPONSE;
            case MALFORMED_CHUNK -> Fault.MALFORMED_RESPONSE_CHUNK;
            case RANDOM_DATA -> Fault.RANDOM_DATA_THEN_CLOSE;
        };
    }

    private static Response error(UpstreamFault.ErrorResponse error, FixtureValues values, Map<String, String> extra) {
        String fixture = error.fixture() != null ? error.fixture() : DEFAULT_FIXTURES.getOrDefault(error.status(), "openai/500-server-error");
        if (error.retryAfter() != null) {
            values = values.withRetryAfterSeconds(Math.max(0, error.retryAfter().delay().toSeconds()));
        }
        WireResponse wire = Fixtures.load(fixture).render(values);
        if (wire.status() != error.status()) {
            wire = wire.withStatus(error.status());
        }
        Map<String, String> headers = new LinkedHashMap<>(extra);
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
        Response.Builder builder = Response.response().status(wire.status()).statusMessage(wire.reason())
                .headers(headers(wire)).body(wire.body());
        if (!error.delay().isZero()) {
            builder.incrementInitialDelay(error.delay().toMillis());
        }
        return builder.build();
    }

    private Response.Builder answer(OpenAiRequest request, FixtureValues values, Decision decision, RequestScope scope) {
        String content = Answers.contentFor(request.prompt());
        if (request.parseError() != null) {
            return plain(Fixtures.load("openai/400-invalid-request").render(values), decision.headers());
        }
        switch (request.api()) {
            case MODELS:
                return plain(Fixtures.load("openai/models").render(values), decision.headers());
            case UNKNOWN:
                return plain(Fixtures.load("openai/404-model-not-found").render(values), decision.headers());
            default:
                break;
        }
        boolean responses = request.api() == OpenAiRequest.Api.RESPONSES;
        if (!request.stream()) {
            WireResponse wire = responses
                    ? ChatFixtures.response(request.model(), content, values)
                    : ChatFixtures.completion(request.model(), content, values);
            return plain(wire, decision.headers());
        }
        List<String> deltas = ChatFixtures.deltas(content);
        SseStream stream = responses
                ? ChatFixtures.responseStream(request.model(), deltas, values)
                : ChatFixtures.stream(request.model(), deltas, values);
        UpstreamFault.StreamFault fault = decision.fault() instanceof UpstreamFault.StreamFault s ? s : null;
        List<EventStream.Step> steps = steps(stream.events(), fault, responses, request.model(), values);
        scope.streamed = true;
        WireResponse head = new WireResponse(stream.status(), "OK", stream.headers(), new byte[0], "text/event-stream");
        for (Map.Entry<String, String> header : decision.headers().entrySet()) {
            head = head.withHeader(header.getKey(), header.getValue());
        }
        StreamPacing streamPacing = pacing.get();
        // A fresh stream each time WireMock asks: it opens the body once to log it (reading nothing) and once to send it.
        return Response.response().status(head.status()).headers(headers(head))
                .body(() -> new EventStream(steps, streamPacing, scope));
    }

    /** The events of a stream as steps, with the stream fault (if any) applied after its event count. */
    private static List<EventStream.Step> steps(List<SseEvent> events, UpstreamFault.StreamFault fault, boolean responses,
                                                String model, FixtureValues values) {
        List<EventStream.Step> steps = new ArrayList<>();
        int keep = fault == null ? events.size() : Math.min(fault.afterEvents(), events.size());
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
            case RESET -> steps.add(new EventStream.Reset());
            case STALL -> {
                steps.add(new EventStream.Pause(fault.stall()));
                for (int i = keep; i < events.size(); i++) {
                    steps.add(emit(events.get(i)));
                }
            }
            case ERROR, ERROR_NESTED, RESPONSE_FAILED -> steps.add(emit(errorEvent(fault.kind(), responses, keep, model, values)));
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

    private static Response.Builder plain(WireResponse wire, Map<String, String> extra) {
        for (Map.Entry<String, String> header : extra.entrySet()) {
            wire = wire.withHeader(header.getKey(), header.getValue());
        }
        return Response.response().status(wire.status()).statusMessage(wire.reason()).headers(headers(wire)).body(wire.body());
    }

    private static HttpHeaders headers(WireResponse wire) {
        List<HttpHeader> headers = new ArrayList<>();
        for (dev.chaosgate.fixtures.HttpHeader header : wire.headers()) {
            headers.add(new HttpHeader(header.name(), header.value()));
        }
        return new HttpHeaders(headers);
    }

}
