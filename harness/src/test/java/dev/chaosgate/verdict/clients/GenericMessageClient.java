package dev.chaosgate.verdict.clients;

import dev.chaosgate.cli.bundled.WellBehavedClient;

/**
 * Bug: one banner for every failure: "Something went wrong. Please try again." It happens to suit a bad gateway
 * or a 500 (it names a problem and says to try again) but says nothing about a block, a quota, a rate limit, a
 * timeout or an interrupted answer. Retries, waits and the draft are as in {@link WellBehavedClient}. Shows on
 * {@code access-denied-1020}: {@code NO_GUIDANCE} (the class's must-say intents are missing).
 */
public class GenericMessageClient extends WellBehavedClient implements ReferenceClient {
    public static final String MESSAGE = "Something went wrong. Please try again.";

    public GenericMessageClient() {
        super();
    }

    public GenericMessageClient(Timeouts timeouts) {
        super(timeouts);
    }

    @Override
    public String name() {
        return "generic-message";
    }

    @Override
    protected String messageFor(Failure failure) {
        return MESSAGE;
    }
}
