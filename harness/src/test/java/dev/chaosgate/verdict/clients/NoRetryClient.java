package dev.chaosgate.verdict.clients;

import dev.chaosgate.cli.bundled.WellBehavedClient;

/**
 * Bug: never retries ({@code maxRetries = 0}, as in an app that turned the SDK's retries off and added none).
 * Everything else as {@link WellBehavedClient}, so it still stops, keeps the draft and says the right thing.
 * Shows on any scenario that recovers after a failure, e.g. {@code bad-gateway-single}: {@code NO_RETRY}.
 */
public class NoRetryClient extends WellBehavedClient implements ReferenceClient {
    public NoRetryClient() {
        super();
    }

    public NoRetryClient(Timeouts timeouts) {
        super(timeouts);
    }

    @Override
    public String name() {
        return "no-retry";
    }

    @Override
    protected int maxAttempts() {
        return 1;
    }
}
