package dev.chaosgate.console;

import java.util.Map;

/** A refused admin API request: the status and a one-line message that names the problem and the fix. */
final class ApiProblem extends RuntimeException {
    private final int status;
    private final Map<String, Object> details;

    ApiProblem(int status, String message) {
        this(status, message, Map.of());
    }

    /** {@code details} are extra fields of the error body, e.g. the closest scenario names. */
    ApiProblem(int status, String message, Map<String, Object> details) {
        super(message);
        this.status = status;
        this.details = Map.copyOf(details);
    }

    int status() {
        return status;
    }

    Map<String, Object> details() {
        return details;
    }

    static ApiProblem badRequest(String message) {
        return new ApiProblem(400, message);
    }

    static ApiProblem forbidden(String message) {
        return new ApiProblem(403, message);
    }
}
