package dev.chaosgate.verdict.clients;

import dev.chaosgate.cli.bundled.WellBehavedClient;

/**
 * Bug: retries every failed attempt alike ({@code catch (Exception e) { retry(); }}), so a Cloudflare 1020, an
 * {@code insufficient_quota} 429, a 400/401/404 or an {@code x-should-retry: false} is retried up to the budget.
 * Budget, backoff, Retry-After, the once-only retry of timeouts and the no-replay rule of streams are as in
 * {@link WellBehavedClient}. Shows on {@code access-denied-1020}: {@code RETRIED_NON_RETRYABLE}.
 */
public class RetriesEverythingClient extends WellBehavedClient implements ReferenceClient {
    public RetriesEverythingClient() {
        super();
    }

    public RetriesEverythingClient(Timeouts timeouts) {
        super(timeouts);
    }

    @Override
    public String name() {
        return "retries-everything";
    }

    @Override
    protected boolean retryable(Failure failure) {
        return failure.kind() != Kind.STREAM_CUT;
    }
}
