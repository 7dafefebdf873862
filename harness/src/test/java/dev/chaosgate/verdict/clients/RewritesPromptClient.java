package dev.chaosgate.verdict.clients;

import dev.chaosgate.cli.bundled.WellBehavedClient;

/**
 * Bug: on a retry it sends {@code "Please answer: " + prompt.strip()} instead of the prompt (a "helpful" retry
 * wrapper that re-asks more firmly). The first attempt, the draft and the report keep the user's own prompt.
 * Shows on {@code bad-gateway-single}: {@code PROMPT_CHANGED}.
 */
public class RewritesPromptClient extends WellBehavedClient implements ReferenceClient {
    public static final String PREFIX = "Please answer: ";

    public RewritesPromptClient() {
        super();
    }

    public RewritesPromptClient(Timeouts timeouts) {
        super(timeouts);
    }

    @Override
    public String name() {
        return "rewrites-prompt";
    }

    @Override
    protected String promptForAttempt(String prompt, int attempt) {
        return attempt == 1 ? prompt : PREFIX + prompt.strip();
    }
}
