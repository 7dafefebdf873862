package dev.chaosgate.upstream.internal;

/**
 * What a fault needs to know about a request when it decides.
 *
 * @param nanos    arrival on the {@link System#nanoTime()} clock
 * @param tokens   estimated tokens (prompt plus requested completion) for token rate limits
 * @param streamed whether the request asks for an event stream
 * @param generation whether it asks for a model's answer (chat completions or Responses), not a side call
 * @param step     the step of the user's action a generation request is (1 for a first call; see
 *                 {@link dev.chaosgate.upstream.ActionStep}), 0 for any other request
 * @param scope    the request's scope, to hold something until the request finishes (null in unit use)
 */
record RequestFacts(long nanos, int tokens, boolean streamed, boolean generation, int step, RequestScope scope) {

    /** A request that is step 1 when it is a generation. */
    RequestFacts(long nanos, int tokens, boolean streamed, boolean generation, RequestScope scope) {
        this(nanos, tokens, streamed, generation, generation ? 1 : 0, scope);
    }

    /** Runs {@code action} when the answer to this request is complete (or broken). */
    void onFinish(Runnable action) {
        if (scope == null) {
            action.run();
        } else {
            scope.onFinish(action);
        }
    }
}
