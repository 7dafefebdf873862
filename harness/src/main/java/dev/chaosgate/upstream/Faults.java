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
 * upstream.serve(Faults.streamCutAfter(5));
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

    /** The stream ends cleanly after {@code events} events, with no {@code [DONE]}. */
    public static StreamFault streamCutAfter(int events) {
        return new StreamFault(StreamFault.Kind.CUT, events, Duration.ZERO);
    }

    /** TCP reset after {@code events} events. */
    public static StreamFault streamResetAfter(int events) {
        return new StreamFault(StreamFault.Kind.RESET, events, Duration.ZERO);
    }

    /** An error frame after {@code events} events (chat {@code {"error":…}}, Responses {@code event: error}). */
    public static StreamFault streamErrorAfter(int events) {
        return new StreamFault(StreamFault.Kind.ERROR, events, Duration.ZERO);
    }

    /** Responses streams: {@code event: error} with a nested {@code error} object. */
    public static StreamFault streamNestedErrorAfter(int events) {
        return new StreamFault(StreamFault.Kind.ERROR_NESTED, events, Duration.ZERO);
    }

    /** Responses streams: {@code response.failed} after {@code events} events. */
    public static StreamFault streamFailedAfter(int events) {
        return new StreamFault(StreamFault.Kind.RESPONSE_FAILED, events, Duration.ZERO);
    }

    /** The stream stops for {@code stall} after {@code events} events, then carries on to its end. */
    public static StreamFault streamStallAfter(int events, Duration stall) {
        return new StreamFault(StreamFault.Kind.STALL, events, stall);
    }

    /** A normal answer, but only after {@code delay} (slow first byte). */
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

    /** More than {@code maxInFlight} concurrent requests get {@code shed}, e.g. {@code Faults.status(503).withFixture("nginx/503")}. */
    public static UpstreamFault.Overload overloadAbove(int maxInFlight, ErrorResponse shed) {
        return new UpstreamFault.Overload(maxInFlight, shed);
    }

    public static UpstreamFault.FirstOf firstOf(UpstreamFault... faults) {
        return new UpstreamFault.FirstOf(List.of(faults));
    }
}
