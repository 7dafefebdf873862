package dev.chaosgate.example.chat;

/**
 * What the user is told for each failure: what happened in plain words, whether waiting helps, what to do, and that
 * the prompt is still there. Never the error body, an exception or a status line.
 */
final class GuidanceMessages {
    private GuidanceMessages() {
    }

    static String forFailure(ApiFailure failure) {
        return switch (failure.failureClass()) {
            case BAD_GATEWAY -> "Can't reach the AI service right now (bad gateway). Your prompt is saved — please try "
                    + "again shortly.";
            case SERVER_ERROR -> "Something went wrong on the AI service's server. Your prompt is saved — try again in a "
                    + "moment.";
            case UNAVAILABLE -> "The AI service is busy right now (overloaded). Your prompt is saved — try again in a few "
                    + "minutes.";
            case GATEWAY_TIMEOUT -> "The AI service took too long to answer and timed out. Your prompt is saved — try "
                    + "again in a moment.";
            case RATE_LIMITED -> "Too many requests right now: the AI service's rate limit was reached. Your prompt is "
                    + "saved — wait " + failure.waitFor().map(d -> Math.max(1, (d.toMillis() + 999) / 1000) + " s")
                    .orElse("a few seconds") + " and try again.";
            case QUOTA_EXHAUSTED -> "This app has reached its usage limit (its quota is used up). Please contact the "
                    + "administrator about the plan and billing. Your prompt is saved.";
            case REQUEST_TOO_LARGE -> "This message is too long for the current token limit — shorten it or split it "
                    + "into parts. Your draft is kept.";
            case ACCESS_DENIED -> "Access was blocked by the service's security rules ("
                    + "HTTP " + failure.status()
                    + failure.rayId().map(ray -> ", Ray ID " + ray).orElse("") + "). Try turning off a VPN or proxy, "
                    + "or use a different network; if it persists, contact support"
                    + (failure.rayId().isPresent() ? " with the Ray ID" : "") + ". Your prompt is saved.";
            case AUTHENTICATION_FAILED -> "The app's API key was not accepted (invalid API key). Please ask the "
                    + "administrator to check the key in the settings. Your prompt is saved.";
            case INVALID_REQUEST -> "The AI service did not accept the request: the model or a parameter is not "
                    + "supported. Please ask the administrator to check the app's configuration. Your prompt is saved.";
            case CONNECTION_FAILURE -> "The connection to the AI service was interrupted. Your prompt is saved — try "
                    + "again in a moment.";
            case STREAM_INTERRUPTED -> "Response interrupted — the answer stopped before its end. The partial answer "
                    + "and your prompt are kept; press Regenerate to try again.";
        };
    }
}
