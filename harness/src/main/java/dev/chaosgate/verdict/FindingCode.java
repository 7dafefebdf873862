package dev.chaosgate.verdict;

/**
 * The stable codes of what the verdict finds wrong with a client. Codes are never renamed; new ones
 * may be added. {@code docs/verdicts.md} explains each with an example.
 */
public enum FindingCode {
    /** A retryable failure, budget left, a scenario that recovers, and the client gave up. */
    NO_RETRY("gave up on a failure that retrying would have fixed"),
    /** Another attempt after a failure retrying cannot fix (1020/403, 400, 401, quota, too large, x-should-retry: false). */
    RETRIED_NON_RETRYABLE("retried a failure that retrying cannot fix"),
    /** The next attempt came before the wait Retry-After (or retry-after-ms) asked for. */
    RETRY_AFTER_IGNORED("came back before Retry-After allowed"),
    /** Attempts too close together, or a backoff that does not grow. */
    NO_BACKOFF("retried without backing off"),
    /** More attempts than the scenario's budget. */
    TOO_MANY_ATTEMPTS("made more attempts than the budget"),
    /** A retry sent a different prompt from the one the user typed. */
    PROMPT_CHANGED("changed the prompt on a retry"),
    /** After giving up, the user's prompt was no longer in the composer. */
    PROMPT_LOST("lost the user's prompt"),
    /** After giving up, the user was told nothing useful about what happened. */
    NO_GUIDANCE("told the user nothing useful"),
    /** The user was told something the guidance catalog forbids for this failure, or only part of what it must say. */
    WRONG_GUIDANCE("told the user the wrong thing"),
    /** Raw HTML, JSON or a stack trace was shown to the user. */
    RAW_ERROR_SHOWN("showed a raw error to the user"),
    /** A stream cut mid-answer was presented as a complete answer. */
    TRUNCATION_UNDETECTED("presented a cut stream as a complete answer"),
    /** No attempt met the scenario's fault, so nothing was tested. */
    FAULT_NOT_EXERCISED("never met the scenario's fault"),
    /**
     * The client abandoned an answer that was still coming (slow to start, or arriving slowly) in a
     * scenario where a good client waits for it: its own timeout was too short for a working service.
     */
    SLOW_ANSWER_ABANDONED("abandoned an answer that was still coming"),
    /**
     * The client neither got an answer nor gave up: it was still waiting when the harness stopped it
     * ({@code run --client-timeout}), because it has no timeout of its own or sleeps on an absurd wait.
     */
    CLIENT_HUNG("never timed out: still waiting when it was stopped"),
    /** The user waited longer than the scenario allows ({@code expect.userWaitsAtMost}) for an answer or a message. */
    USER_KEPT_WAITING("kept the user waiting too long"),
    /**
     * The client sent a request over a TLS connection whose certificate it should have refused (an
     * untrusted issuer, another host's name, expired): certificate verification is off, so anyone on the
     * path (a TLS-inspecting proxy, an attacker) reads the user's prompts and the API key.
     */
    TLS_VERIFICATION_DISABLED("went on past a certificate it should have refused"),
    /**
     * A crowd's finding: its users made more attempts per user action, on average, than the scenario's
     * {@code crowd.maxAmplification}; their retries multiplied the load on a gateway that was already turning requests away.
     */
    RETRY_AMPLIFICATION("a crowd of it multiplied the load with retries"),
    /**
     * A crowd's finding: users turned away together honoured Retry-After with the same wait, no jitter, so their
     * retries came back together (a thundering herd).
     */
    RETRIES_SYNCHRONISED("a crowd of it retried all at once after the same Retry-After"),
    /** A team's own judge (a {@link dev.chaosgate.verdict.spi.Judge}) found something; its message starts with the judge's name. */
    HOUSE_RULE("broke a rule of the team's own judge");

    private final String summary;

    FindingCode(String summary) {
        this.summary = summary;
    }

    /** What the code means in a few words ("retried without backing off"). */
    public String summary() {
        return summary;
    }
}
