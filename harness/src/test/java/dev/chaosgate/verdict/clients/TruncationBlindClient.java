package dev.chaosgate.verdict.clients;

import dev.chaosgate.cli.bundled.WellBehavedClient;

/**
 * Bug: takes the end of a stream, however it ends (clean EOF without {@code [DONE]}, an error frame it skips, a
 * reset, its idle timeout), as the end of the answer: the partial text is shown as a complete answer without any
 * mark and the composer is cleared. HTTP errors before the stream are handled as by {@link WellBehavedClient}.
 * Shows on {@code stream-cut-mid-answer} (streamed): {@code TRUNCATION_UNDETECTED}.
 */
public class TruncationBlindClient extends WellBehavedClient implements ReferenceClient {
    public TruncationBlindClient() {
        super();
    }

    public TruncationBlindClient(Timeouts timeouts) {
        super(timeouts);
    }

    @Override
    public String name() {
        return "truncation-blind";
    }

    @Override
    protected boolean acceptsAsComplete(StreamEnd end) {
        return true;
    }
}
