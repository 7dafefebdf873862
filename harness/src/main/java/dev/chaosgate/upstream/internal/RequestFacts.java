package dev.chaosgate.upstream.internal;

/**
 * What a fault needs to know about a request when it decides.
 *
 * @param nanos    arrival on the {@link System#nanoTime()} clock
 * @param inFlight requests being answered at arrival, this one included
 * @param tokens   estimated tokens (prompt plus requested completion) for token rate limits
 * @param streamed whether the request asks for an event stream
 */
record RequestFacts(long nanos, int inFlight, int tokens, boolean streamed) {
}
