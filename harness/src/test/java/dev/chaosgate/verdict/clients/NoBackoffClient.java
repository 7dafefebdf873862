package dev.chaosgate.verdict.clients;

import dev.chaosgate.cli.bundled.WellBehavedClient;

import java.time.Duration;

/**
 * Bug: its own backoff is zero, so it retries the moment a failure comes back (a {@code for} loop around the
 * call). It still honours an explicit {@code Retry-After} and keeps the budget of 3 attempts. Shows on
 * {@code bad-gateway-burst}: {@code NO_BACKOFF}.
 */
public class NoBackoffClient extends WellBehavedClient implements ReferenceClient {
    public NoBackoffClient() {
        super();
    }

    public NoBackoffClient(Timeouts timeouts) {
        super(timeouts);
    }

    @Override
    public String name() {
        return "no-backoff";
    }

    @Override
    protected Duration backoff(int retry) {
        return Duration.ZERO;
    }
}
