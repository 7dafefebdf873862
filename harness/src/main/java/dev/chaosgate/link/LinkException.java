package dev.chaosgate.link;

/** A refused link operation, carrying the HTTP status and message the Toxiproxy API answers with. */
public class LinkException extends RuntimeException {
    private final ApiError error;

    public LinkException(ApiError error, String message) {
        super(message);
        this.error = error;
    }

    public ApiError error() {
        return error;
    }

    public int status() {
        return error.status();
    }
}
