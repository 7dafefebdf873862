package dev.chaosgate.upstream;

import dev.chaosgate.upstream.UpstreamFault.ConnectionFault;
import dev.chaosgate.upstream.UpstreamFault.ErrorResponse;
import dev.chaosgate.upstream.UpstreamFault.StreamFault;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The one entry point for building upstream faults, one readable call per fault:
 *
 * <pre>{@code
 * upstream.serve(Faults.badGateway());                                   // Cloudflare's 502 page
 * upstream.serve(Faults.firstRequests(2, Faults.status(503).withRetryAfter(RetryAfter.seconds(1))));
 * upstream.serve(Faults.withProbability(0.3, Faults.badGateway()));      // seeded
 * upstream.serve(Faults.rateLimit(3, 0, Duration.ofSeconds(2)));
 * upstream.serve(Faults.streamCut().afterTextDeltas(5));      // mid-answer, Chat or Responses
 * }</pre>
 */
public final class Faults {
    private Faults() {
    }

    /** Any status, with an OpenAI-style JSON error body; add a fixture with {@link ErrorResponse#withFixture}. */
    public static ErrorResponse status(int status) {
        return new ErrorResponse(status, null, null, null, null, Map.of(), Duration.ZERO);
    }

    /** Cloudflare's branded 502 "Bad gateway" HTML page. */
    public static ErrorResponse badGateway() {
        return status(502).withFixture("cloudflare/502-branded");
    }

    /** OpenAI's 503 "overloaded" JSON error. */
    public static ErrorResponse overloaded() {
        return status(503).withFixture("openai/503-overloaded");
    }

    /** A 504 from nginx in front of the API. */
    public static ErrorResponse gatewayTimeout() {
        return status(504).withFixture("nginx/504");
    }

    /** Cloudflare's 524 "A timeout occurred" page. */
    public static ErrorResponse originTimeout() {
        return status(524).withFixture("cloudflare/524-timeout");
    }

    /** Cloudflare error 1020, "Access denied" (HTTP 403): retrying cannot help. */
    public static ErrorResponse accessDenied() {
        return status(403).withFixture("cloudflare/1020-access-denied");
    }

    /** OpenAI's 429 {@code rate_limit_exceeded} (requests per minute). */
    public static ErrorResponse rateLimited() {
        return status(429).withFixture("openai/429-rate-limit-requests");
    }

    /** OpenAI's 429 {@code insufficient_quota}: retrying cannot help. */
    public static ErrorResponse quotaExhausted() {
        return status(429).withFixture("openai/429-insufficient-quota");
    }

    /** OpenAI's 429 for a request larger than the tokens-per-minute limit: retrying cannot help. */
    public static ErrorResponse requestTooLarge() {
        return status(429).withFixture("openai/429-request-too-large");
    }

    public static ConnectionFault connectionReset() {
        return new ConnectionFault(ConnectionFault.Kind.RESET);
    }

    public static ConnectionFault emptyResponse() {
        return new ConnectionFault(ConnectionFault.Kind.EMPTY_RESPONSE);
    }

    public static ConnectionFault malformedChunk() {
        return new ConnectionFault(ConnectionFault.Kind.MALFORMED_CHUNK);
    }

    public static ConnectionFault randomDataThenClose() {
        return new ConnectionFault(ConnectionFault.Kind.RANDOM_DATA);
    }

    /**
     * A streamed answer that ends cleanly, with no {@code [DONE]} or {@code response.completed}, after two
     * pieces of answer text; aim it elsewhere with {@link StreamFault#afterTextDeltas(int)},
     * {@link StreamFault#beforeText()} or {@link StreamFault#afterEvents(int)}.
     */
    public static StreamFault streamCut() {
        return new StreamFault(StreamFault.Kind.CUT, StreamFault.DEFAULT_POINT, Duration.ZERO);
    }

    /** A streamed answer whose TCP connection is reset (SO_LINGER 0) after two pieces of answer text. */
    public static StreamFault streamReset() {
        return new StreamFault(StreamFault.Kind.RESET, StreamFault.DEFAULT_POINT, Duration.ZERO);
    }

    /**
     * A streamed answer whose server ends the connection after two pieces of answer text: over HTTP/2 a
     * {@code GOAWAY} (NO_ERROR unless {@link StreamFault#withHttp2Error}) with the stream still in flight, over
     * HTTP/1.1 a TCP reset.
     */
    public static StreamFault streamGoAway() {
        return new StreamFault(StreamFault.Kind.GOAWAY, StreamFault.DEFAULT_POINT, Duration.ZERO);
    }

    /**
     * A streamed answer delivered in full on a connection the server retires: over HTTP/2 a {@code GOAWAY NO_ERROR}
     * with the answer's headers, over HTTP/1.1 {@code Connection: close}. The next request needs a new connection.
     */
    public static StreamFault streamGoAwayGracefully() {
        return new StreamFault(StreamFault.Kind.GOAWAY_GRACEFUL, StreamFault.DEFAULT_POINT, Duration.ZERO);
    }

    /** A streamed answer that carries an error frame after two pieces of answer text (Responses: flat {@code event: error}). */
    public static StreamFault streamError() {
        return new StreamFault(StreamFault.Kind.ERROR, StreamFault.DEFAULT_POINT, Duration.ZERO);
    }

    /** Responses streams: {@code event: error} with a nested {@code error} object after two pieces of answer text. */
    public static StreamFault streamNestedError() {
        return new StreamFault(StreamFault.Kind.ERROR_NESTED, StreamFault.DEFAULT_POINT, Duration.ZERO);
    }

    /** Responses streams: {@code response.failed} after two pieces of answer text. */
    public static StreamFault streamFailed() {
        return new StreamFault(StreamFault.Kind.RESPONSE_FAILED, StreamFault.DEFAULT_POINT, Duration.ZERO);
    }

    /** A streamed answer that stops for {@code stall} after two pieces of answer text, then carries on to its end. */
    public static StreamFault streamStall(Duration stall) {
        return new StreamFault(StreamFault.Kind.STALL, StreamFault.DEFAULT_POINT, stall);
    }

    /** The stream ends cleanly after {@code events} events of any kind, with no {@code [DONE]} ({@link #streamCut()} aims at text). */
    public static StreamFault streamCutAfter(int events) {
        return streamCut().afterEvents(events);
    }

    /** TCP reset (SO_LINGER 0) after {@code events} events of any kind. */
    public static StreamFault streamResetAfter(int events) {
        return streamReset().afterEvents(events);
    }

    /** An error frame after {@code events} events of any kind (Responses: flat {@code event: error}). */
    public static StreamFault streamErrorAfter(int events) {
        return streamError().afterEvents(events);
    }

    /** Responses streams: {@code event: error} with a nested {@code error} object after {@code events} events. */
    public static StreamFault streamNestedErrorAfter(int events) {
        return streamNestedError().afterEvents(events);
    }

    /** Responses streams: {@code response.failed} after {@code events} events. */
    public static StreamFault streamFailedAfter(int events) {
        return streamFailed().afterEvents(events);
    }

    /** The stream stops for {@code stall} after {@code events} events of any kind, then carries on to its end. */
    public static StreamFault streamStallAfter(int events, Duration stall) {
        return streamStall(stall).afterEvents(events);
    }

    public static UpstreamFault.SlowAnswer slowAnswer(Duration delay) {
        return new UpstreamFault.SlowAnswer(delay);
    }

    public static UpstreamFault.FirstRequests firstRequests(int count, UpstreamFault fault) {
        return new UpstreamFault.FirstRequests(count, fault);
    }

    public static UpstreamFault.WithProbability withProbability(double probability, UpstreamFault fault) {
        return new UpstreamFault.WithProbability(probability, fault);
    }

    public static UpstreamFault.Outage outageFor(Duration duration, UpstreamFault fault) {
        return new UpstreamFault.Outage(duration, fault);
    }

    public static UpstreamFault.Flapping flapping(Duration down, Duration up, UpstreamFault fault) {
        return new UpstreamFault.Flapping(down, up, fault);
    }

    public static UpstreamFault.RateLimitWindow rateLimit(int requests, int tokens, Duration window) {
        return new UpstreamFault.RateLimitWindow(requests, tokens, window);
    }

    /** More than {@code maxInFlight} concurrent requests get OpenAI's 503 with {@code Retry-After: 1}. */
    public static UpstreamFault.Overload overloadAbove(int maxInFlight) {
        return overloadAbove(maxInFlight, overloaded().withRetryAfter(RetryAfter.seconds(1)));
    }

    /**
     * More than {@code maxInFlight} concurrent requests get {@code shed}, e.g. {@code Faults.status(503).withFixture("nginx/503")}.
     * Shedding is free; give the overload a cost with {@link UpstreamFault.Overload#withServiceTime},
     * {@link UpstreamFault.Overload#withQueue} and {@link UpstreamFault.Overload#withShedCost}:
     * {@code Faults.overloadAbove(8).withServiceTime(Duration.ofMillis(200)).withShedCost(Duration.ofMillis(100))}.
     */
    public static UpstreamFault.Overload overloadAbove(int maxInFlight, ErrorResponse shed) {
        return new UpstreamFault.Overload(maxInFlight, shed);
    }

    public static UpstreamFault.FirstOf firstOf(UpstreamFault... faults) {
        return new UpstreamFault.FirstOf(List.of(faults));
    }
}
