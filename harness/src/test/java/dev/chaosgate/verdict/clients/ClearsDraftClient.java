package dev.chaosgate.verdict.clients;

import dev.chaosgate.cli.bundled.WellBehavedClient;

/**
 * Bug: clears the composer as soon as the message is sent and does not put it back when the action fails, so
 * the user must retype the prompt. Shows on {@code full-outage} (or any gives-up scenario): {@code PROMPT_LOST}.
 */
public class ClearsDraftClient extends WellBehavedClient implements ReferenceClient {
    public ClearsDraftClient() {
        super();
    }

    public ClearsDraftClient(Timeouts timeouts) {
        super(timeouts);
    }

    @Override
    public String name() {
        return "clears-draft";
    }

    @Override
    protected String draftAfterFailure(String prompt) {
        return "";
    }
}
