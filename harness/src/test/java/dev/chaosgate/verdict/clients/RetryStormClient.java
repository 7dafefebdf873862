package dev.chaosgate.verdict.clients;

import dev.chaosgate.cli.bundled.WellBehavedClient;

import java.time.Duration;

/**
 * Bug: a "make it resilient" setting of 10 attempts per action with a short, slowly growing delay (260 ms × 1.2^n,
 * no jitter: it exists and grows, so the bug is the attempt count, not missing backoff). It retries the same
 * classes as {@link WellBehavedClient}, honours Retry-After and still retries a timeout only once. Shows on
 * {@code full-outage}: 10 attempts, {@code TOO_MANY_ATTEMPTS}.
 */
public class RetryStormClient extends WellBehavedClient implements ReferenceClient {
    public static final int STORM_ATTEMPTS = 10;

    public RetryStormClient() {
        super();
    }

    public RetryStormClient(Timeouts timeouts) {
        super(timeouts);
    }

    @Override
    public String name() {
        return "retry-storm";
    }

    @Override
    protected int maxAttempts() {
        return STORM_ATTEMPTS;
    }

    @Override
    protected Duration backoff(int retry) {
        return Duration.ofMillis((long) (260 * Math.pow(1.2, retry - 1)));
    }
}
