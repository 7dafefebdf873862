package dev.chaosgate.verdict;

import dev.chaosgate.upstream.RetryAfter;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * What an answer's headers ask of the client: the wait ({@link RetryAfter#requestedWait}, the one
 * reading of {@code retry-after-ms} and {@code Retry-After}) and OpenAI's {@code x-should-retry}.
 */
final class RetryAfterHeaders {
    private RetryAfterHeaders() {
    }

    static Duration askedWait(Map<String, String> headers, Instant sentAt) {
        return RetryAfter.requestedWait(headers.get("retry-after-ms"), headers.get("retry-after"), sentAt).orElse(null);
    }

    static Boolean shouldRetry(Map<String, String> headers) {
        String value = headers.get("x-should-retry");
        if ("true".equalsIgnoreCase(value)) {
            return Boolean.TRUE;
        }
        return "false".equalsIgnoreCase(value) ? Boolean.FALSE : null;
    }
}
