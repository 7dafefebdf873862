package dev.chaosgate.link;

/**
 * The catalogue of errors the link API answers with: Toxiproxy 2.12's messages and statuses, plus
 * chaosgate's own rejections of inputs that crash or mislead Toxiproxy.
 */
public enum ApiError {
    PROXY_NOT_FOUND(404, "proxy not found"),
    PROXY_ALREADY_EXISTS(409, "proxy already exists"),
    TOXIC_NOT_FOUND(404, "toxic not found"),
    TOXIC_ALREADY_EXISTS(409, "toxic already exists"),
    INVALID_TOXIC_TYPE(400, "invalid toxic type"),
    INVALID_STREAM(400, "stream was invalid, can be either upstream or downstream"),
    MISSING_NAME(400, "missing required field: name"),
    MISSING_UPSTREAM(400, "missing required field: upstream"),
    BAD_REQUEST_BODY(400, "bad request body"),
    /** chaosgate only: a value Toxiproxy would accept and then crash or misbehave on. */
    INVALID_VALUE(400, "invalid value"),
    LISTEN_FAILED(500, "listen failed");

    private final int status;
    private final String message;

    ApiError(int status, String message) {
        this.status = status;
        this.message = message;
    }

    public int status() {
        return status;
    }

    public String message() {
        return message;
    }

    /** This error with its catalogue message. */
    public LinkException exception() {
        return new LinkException(this, message);
    }

    /** This error with a message of its own (Toxiproxy adds context such as the Go decoder's text). */
    public LinkException exception(String detail) {
        return new LinkException(this, detail);
    }
}
