package dev.chaosgate.upstream.internal;

/**
 * What a fault needs to know about a request when it decides.
 *
 * @param nanos    arrival on the {@link System#nanoTime()} clock
 * @param tokens   estimated tokens (prompt plus requested completion) for token rate limits
 * @param streamed whether the request asks for an event stream
 * @param generation whether it asks for a model's answer (chat completions or Responses), not a side call
 * @param scope    the request's scope, to hold something until the request finishes (null in unit use)
 */
record RequestFacts(long nanos, int tokens, boolean streamed, boolean generation, RequestScope scope) {

    /** Runs {@code action} when the answer to this request is complete (or broken). */
    void onFinish(Runnable action) {
        if (scope == null) {
            action.run();
        } else {
            scope.onFinish(action);
        }
    }
}
