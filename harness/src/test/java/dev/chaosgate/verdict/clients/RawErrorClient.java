package dev.chaosgate.verdict.clients;

import dev.chaosgate.cli.bundled.WellBehavedClient;

/**
 * Bug: appends "Details:" and the raw response body (HTML page or JSON error) to the banner, or the exception's
 * {@code toString()} when there was no body; for a cut stream, the last raw SSE line. The good message is still
 * there, so the guidance intents are met and only the raw text is wrong. Shows on {@code access-denied-1020}
 * (the Cloudflare HTML page): {@code RAW_ERROR_SHOWN}.
 */
public class RawErrorClient extends WellBehavedClient implements ReferenceClient {
    public RawErrorClient() {
        super();
    }

    public RawErrorClient(Timeouts timeouts) {
        super(timeouts);
    }

    @Override
    public String name() {
        return "raw-error";
    }

    @Override
    protected String messageFor(Failure failure) {
        String raw;
        if (!failure.body().isBlank()) {
            raw = failure.body();
        } else if (failure.error() != null) {
            raw = failure.error().toString();
        } else {
            raw = "stream ended";
        }
        return super.messageFor(failure) + "\nDetails:\n" + raw;
    }
}
