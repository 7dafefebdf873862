package dev.chaosgate.example.chat;

import java.util.Locale;

/** The kinds of failure the user is told apart about; each has its own guidance ({@link GuidanceMessages}). */
public enum FailureClass {
    BAD_GATEWAY(true),
    SERVER_ERROR(true),
    UNAVAILABLE(true),
    GATEWAY_TIMEOUT(true),
    RATE_LIMITED(true),
    QUOTA_EXHAUSTED(false),
    REQUEST_TOO_LARGE(false),
    ACCESS_DENIED(true),
    AUTHENTICATION_FAILED(false),
    INVALID_REQUEST(false),
    CONNECTION_FAILURE(true),
    STREAM_INTERRUPTED(true);

    private final boolean userMayRetry;

    FailureClass(boolean userMayRetry) {
        this.userMayRetry = userMayRetry;
    }

    /**
     * Whether the page offers its Retry button: a later try by hand can help (after a wait, on another network, or a
     * Regenerate after a cut), unlike a used-up quota, a refused key or a request the API will never take.
     */
    public boolean userMayRetry() {
        return userMayRetry;
    }

    /** The name sent to the page, e.g. {@code stream_interrupted}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
