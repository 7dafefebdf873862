package dev.chaosgate.verdict;

import dev.chaosgate.upstream.UpstreamExchange;

import java.time.Duration;
import java.time.Instant;

/**
 * One attempt of the user's action, as the upstream saw it.
 *
 * @param number      1 for the first attempt
 * @param offset      arrival time after the first attempt's arrival
 * @param gap         time from the end of the previous attempt's answer to this arrival (null for the first)
 * @param askedWait   how long the answer asked the client to wait before the next attempt (Retry-After,
 *                    retry-after-ms), or null when it did not (or asked something invalid)
 * @param shouldRetry the answer's {@code x-should-retry} header, or null
 * @param link        what the link in front of the upstream saw of this request, or null when it saw nothing
 *                    readable (the gap is then measured from the upstream's end of the answer)
 * @param reachedUpstream whether the upstream received it; when not (a link toxic held or dropped it),
 *                    {@code exchange} is made from the link's record: no status, failure class
 *                    {@code connection_failure}, a fault label that says what happened, no prompt
 */
public record Attempt(int number, Duration offset, Duration gap, UpstreamExchange exchange, Duration askedWait,
                      Boolean shouldRetry, LinkRequest link, boolean reachedUpstream) {

    /** An attempt the upstream received, without a record from the link. */
    public Attempt(int number, Duration offset, Duration gap, UpstreamExchange exchange, Duration askedWait, Boolean shouldRetry) {
        this(number, offset, gap, exchange, askedWait, shouldRetry, null, true);
    }

    /** Whether the upstream served a fault to this attempt. */
    public boolean failed() {
        return exchange.fault() != null;
    }

    /**
     * The class of the failure served, or null for a normal answer. An answer the client received in full
     * ({@link UpstreamExchange#delivered()}) is no failure whatever happened on the way: a stream that
     * stalled and then ended reached a client that waited it out (too long, maybe: {@code USER_KEPT_WAITING}).
     */
    public String failureClass() {
        return exchange.delivered() ? null : exchange.failureClass();
    }

    public int status() {
        return exchange.status();
    }

    /** The user's turn this attempt sent (see {@link UpstreamExchange#prompt()}). */
    public String prompt() {
        return exchange.prompt() == null ? "" : exchange.prompt();
    }

    /** Which step of the user's action this attempt is: 1 for its first call, 2 for the call after a tool call or a cut answer, ... */
    public int step() {
        return exchange.step().step();
    }

    /**
     * When this attempt ended for the client, after the first attempt's arrival: the end of its answer, or the
     * moment the client gave up on it (closed its connection, as the link saw) when that came first.
     */
    public Duration end() {
        return offset.plus(Duration.between(exchange.arrived(), ended()));
    }

    /**
     * When this attempt ended for the client: the upstream's end of the answer, or the end of its connection at
     * the link when the answer never ended (a black hole, an answer still held back) or when the client left
     * before it ended (the upstream saw it go: its own timeout, the user's stop).
     */
    Instant ended() {
        Instant answerEnd = exchange.arrived().plus(exchange.duration());
        Instant linkEnd = link == null || link.ended() == null || link.ended().isBefore(exchange.arrived()) ? null : link.ended();
        if (linkEnd == null) {
            return answerEnd;
        }
        if (!reachedUpstream || !exchange.complete()) {
            return linkEnd;
        }
        return exchange.clientClosed() && linkEnd.isBefore(answerEnd) ? linkEnd : answerEnd;
    }

    /** Whether the client closed the connection on this attempt before its answer ended (its own timeout, say). */
    public boolean clientGaveUp() {
        return link != null && link.clientGaveUp() && link.ended() != null && ended().equals(link.ended());
    }

    /** One line of a timeline: {@code #2  +412 ms (after 180 ms)  502 bad_gateway  502 cloudflare/502-branded  [burst]}. */
    public String describe() {
        StringBuilder line = new StringBuilder("#").append(number).append("  +").append(offset.toMillis()).append(" ms");
        if (gap != null) {
            line.append(" (").append(gap.toMillis()).append(" ms after #").append(number - 1).append(" ended)");
        }
        line.append("  ").append(exchange.status() == 0 ? "no status" : exchange.status());
        if (exchange.fault() != null) {
            String cls = exchange.delivered() ? "answered in full despite" : exchange.failureClass() == null ? "fault" : exchange.failureClass();
            line.append("  ").append(cls).append(": ").append(exchange.fault());
        } else {
            line.append("  answered");
        }
        if (reachedUpstream && clientGaveUp()) {
            line.append("  (the client gave up after ").append(Duration.between(exchange.arrived(), link.ended()).toMillis())
                    .append(" ms)");
        } else if (reachedUpstream && exchange.clientClosed()) {
            line.append("  (the client closed the connection before the end)");
        }
        if (askedWait != null) {
            line.append("  (asked to wait ").append(askedWait.toMillis()).append(" ms)");
        }
        if (Boolean.FALSE.equals(shouldRetry)) {
            line.append("  (x-should-retry: false)");
        }
        if (step() > 1) {
            line.append("  (step ").append(step()).append(" of the action)");
        }
        if (exchange.phase() != null) {
            line.append("  [").append(exchange.phase()).append(']');
        }
        return line.toString();
    }
}
