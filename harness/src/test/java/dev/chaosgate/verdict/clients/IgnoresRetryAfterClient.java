package dev.chaosgate.verdict.clients;

import dev.chaosgate.cli.bundled.WellBehavedClient;

import java.time.Duration;
import java.util.Optional;

/**
 * Bug: never reads {@code Retry-After} or {@code retry-after-ms}; it waits its own exponential backoff (0.5 s,
 * 1 s, …) whatever the server asked. Shows on {@code service-unavailable-maintenance} (Retry-After 3):
 * {@code RETRY_AFTER_IGNORED}.
 */
public class IgnoresRetryAfterClient extends WellBehavedClient implements ReferenceClient {
    public IgnoresRetryAfterClient() {
        super();
    }

    public IgnoresRetryAfterClient(Timeouts timeouts) {
        super(timeouts);
    }

    @Override
    public String name() {
        return "ignores-retry-after";
    }

    @Override
    protected Optional<Duration> serverDelay(Failure failure) {
        return Optional.empty();
    }
}
