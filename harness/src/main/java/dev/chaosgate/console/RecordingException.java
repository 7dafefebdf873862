package dev.chaosgate.console;

/** A recording that cannot be read or written; the message names the file, the problem and the fix. */
public final class RecordingException extends RuntimeException {
    public RecordingException(String message) {
        super(message);
    }

    public RecordingException(String message, Throwable cause) {
        super(message, cause);
    }
}
