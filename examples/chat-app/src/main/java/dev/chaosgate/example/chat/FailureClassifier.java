package dev.chaosgate.example.chat;

import com.openai.core.http.Headers;
import com.openai.errors.OpenAIIoException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.SseException;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Sorts what openai-java threw into a {@link FailureClass}, from the status and the error body, never from the
 * exception type alone: one {@code RateLimitException} can be a rate limit (wait and retry), a used-up quota or a
 * request too large (both hopeless), and a 502 arrives as HTML the SDK cannot read.
 */
final class FailureClassifier {
    private FailureClassifier() {
    }

    /**
     * @param failure      what the SDK threw
     * @param streamOpened whether the streamed answer had started (its 200 had arrived) when it was thrown
     */
    static ApiFailure classify(Throwable failure, boolean streamOpened) {
        String raw = failure instanceof OpenAIServiceException error && !error.body().isMissing()
                ? failure + " " + error.body() : failure.toString();
        if (failure instanceof SseException || (streamOpened && !(failure instanceof OpenAIServiceException))) {
            // An error frame, a reset or a timeout after the answer began: the answer is cut, whatever the cause.
            return new ApiFailure(FailureClass.STREAM_INTERRUPTED, 0, Optional.empty(), Optional.empty(), raw);
        }
        if (failure instanceof OpenAIServiceException error) {
            int status = error.statusCode();
            return new ApiFailure(ofStatus(status, error), status, rayId(error.headers()), waitFor(error.headers()), raw);
        }
        if (failure instanceof OpenAIIoException) {
            return new ApiFailure(FailureClass.CONNECTION_FAILURE, 0, Optional.empty(), Optional.empty(), raw);
        }
        // Anything else (an answer the SDK could not read, say) is the service's fault as far as the user can tell.
        return new ApiFailure(FailureClass.SERVER_ERROR, 0, Optional.empty(), Optional.empty(), raw);
    }

    /** A stream that ended without a {@code finish_reason}: the SDK ends it quietly, only the app can tell. */
    static ApiFailure cutStream() {
        return new ApiFailure(FailureClass.STREAM_INTERRUPTED, 0, Optional.empty(), Optional.empty(),
                "the stream ended without a finish_reason");
    }

    private static FailureClass ofStatus(int status, OpenAIServiceException error) {
        if (status == 429) {
            return of429(errorCode(error), error.getMessage());
        }
        if (status == 401) {
            return FailureClass.AUTHENTICATION_FAILED;
        }
        if (status == 403) {
            return FailureClass.ACCESS_DENIED;               // Cloudflare 1020, a WAF block, an unsupported region
        }
        if (status == 408 || status == 504 || status == 524) {
            return FailureClass.GATEWAY_TIMEOUT;
        }
        if (status == 503 || status == 529) {
            return FailureClass.UNAVAILABLE;
        }
        if (status == 502 || (status >= 520 && status <= 523) || status == 530) {
            return FailureClass.BAD_GATEWAY;
        }
        if (status >= 500 || status == 409) {
            return FailureClass.SERVER_ERROR;
        }
        return FailureClass.INVALID_REQUEST;                 // 400, 404, 422: the request itself is refused
    }

    /** The three 429s: used-up quota and too-large requests never succeed by waiting; a rate limit does. */
    static FailureClass of429(String code, String message) {
        if (List.of("insufficient_quota", "credit_balance_exhausted", "billing_hard_limit_reached").contains(code)) {
            return FailureClass.QUOTA_EXHAUSTED;
        }
        if (message != null && message.toLowerCase(Locale.ROOT).contains("request too large")) {
            return FailureClass.REQUEST_TOO_LARGE;
        }
        return FailureClass.RATE_LIMITED;
    }

    private static String errorCode(OpenAIServiceException error) {
        try {
            return error.code().orElse("");
        } catch (RuntimeException notAString) {
            return "";                                        // Cloudflare's edge JSON has a numeric code
        }
    }

    private static Optional<String> rayId(Headers headers) {
        return headers.values("cf-ray").stream().findFirst()
                .map(ray -> ray.replaceFirst("-[A-Z]{3}$", ""))   // "8c2f0a1b3d4e5f60-SJC": the colo is not needed
                .filter(ray -> ray.matches("[0-9a-fA-F]{8,32}"));
    }

    /** {@code retry-after-ms}, else {@code Retry-After} in seconds; dates and odd values are left out. */
    private static Optional<Duration> waitFor(Headers headers) {
        Optional<Duration> ms = number(headers, "retry-after-ms").map(v -> Duration.ofMillis(v.longValue()));
        return ms.isPresent() ? ms : number(headers, "retry-after").map(v -> Duration.ofMillis((long) (v * 1000)));
    }

    private static Optional<Double> number(Headers headers, String name) {
        return headers.values(name).stream().findFirst().map(String::strip)
                .filter(v -> v.matches("\\d+(\\.\\d+)?")).map(Double::parseDouble).filter(v -> v > 0);
    }
}
