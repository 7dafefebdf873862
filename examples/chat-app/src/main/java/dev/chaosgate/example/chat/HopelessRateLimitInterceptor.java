package dev.chaosgate.example.chat;

import okhttp3.Interceptor;
import okhttp3.Response;

import java.io.IOException;

/**
 * Stops openai-java from retrying the two 429s that waiting cannot fix: a used-up quota and a request larger than the
 * whole token limit. The SDK retries every 429 alike (twice, with backoff), which costs the user two more requests and
 * seconds of spinner before the same error. It honours {@code x-should-retry: false} before anything else, so this
 * OkHttp interceptor reads the 429's body and adds that header to the hopeless ones; rate-limit 429s keep the SDK's
 * retries, which wait as long as {@code Retry-After} says.
 */
final class HopelessRateLimitInterceptor implements Interceptor {
    private static final long PEEK_BYTES = 16 * 1024;

    @Override
    public Response intercept(Chain chain) throws IOException {
        Response response = chain.proceed(chain.request());
        if (response.code() != 429) {
            return response;
        }
        String body = response.peekBody(PEEK_BYTES).string();   // peeked: the SDK still reads the whole body
        FailureClass kind = FailureClassifier.of429(codeIn(body), body);
        if (kind == FailureClass.RATE_LIMITED) {
            return response;
        }
        return response.newBuilder().header("x-should-retry", "false").build();
    }

    /** The {@code "code"} of an OpenAI error body, found without a JSON parser (a wrong guess only means a retry). */
    private static String codeIn(String body) {
        for (String code : new String[] {"insufficient_quota", "credit_balance_exhausted", "billing_hard_limit_reached"}) {
            if (body.contains("\"" + code + "\"")) {
                return code;
            }
        }
        return "";
    }
}
