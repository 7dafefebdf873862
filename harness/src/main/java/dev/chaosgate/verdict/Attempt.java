package dev.chaosgate.verdict;

import dev.chaosgate.upstream.UpstreamExchange;

import java.time.Duration;

/**
 * One attempt of the user's action, as the upstream saw it.
 *
 * @param number      1 for the first attempt
 * @param offset      arrival time after the first attempt's arrival
 * @param gap         time from the end of the previous attempt's answer to this arrival (null for the first)
 * @param askedWait   how long the answer asked the client to wait before the next attempt (Retry-After,
 *                    retry-after-ms), or null when it did not (or asked something invalid)
 * @param shouldRetry the answer's {@code x-should-retry} header, or null
 */
public record Attempt(int number, Duration offset, Duration gap, UpstreamExchange exchange, Duration askedWait,
                      Boolean shouldRetry) {

    /** Whether the upstream served a fault to this attempt. */
    public boolean failed() {
        return exchange.fault() != null;
    }

    public String failureClass() {
        return exchange.failureClass();
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

    /** When the answer to this attempt ended (arrival plus the time taken to answer). */
    public Duration end() {
        return offset.plus(exchange.duration());
    }

    /** One line of a timeline: {@code #2  +412 ms (after 180 ms)  502 bad_gateway  502 cloudflare/502-branded  [burst]}. */
    public String describe() {
        StringBuilder line = new StringBuilder("#").append(number).append("  +").append(offset.toMillis()).append(" ms");
        if (gap != null) {
            line.append(" (").append(gap.toMillis()).append(" ms after #").append(number - 1).append(" ended)");
        }
        line.append("  ").append(exchange.status() == 0 ? "no status" : exchange.status());
        if (exchange.fault() != null) {
            line.append("  ").append(exchange.failureClass() == null ? "fault" : exchange.failureClass())
                    .append(": ").append(exchange.fault());
        } else {
            line.append("  answered");
        }
        if (exchange.clientClosed()) {
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
