package dev.chaosgate.verdict.clients;

import dev.chaosgate.cli.bundled.WellBehavedClient;
import dev.chaosgate.cli.bundled.WellBehavedClient.Timeouts;

import java.util.List;

/**
 * The reference clients that prove the verdict judges: the well-behaved one and its flawed variants, each the
 * well-behaved client with exactly one realistic bug (one overridden hook).
 *
 * <table>
 *   <caption>client → its one bug → the finding it should trigger (and a scenario that exposes it)</caption>
 *   <tr><th>client</th><th>bug</th><th>finding</th><th>exposed by</th></tr>
 *   <tr><td>{@link WellBehavedClient well-behaved}</td><td>none</td><td>none: PASS on every catalog scenario</td><td>all</td></tr>
 *   <tr><td>{@link NoRetryClient no-retry}</td><td>never retries</td><td>NO_RETRY</td><td>bad-gateway-single, -burst, connection-reset, …</td></tr>
 *   <tr><td>{@link RetriesEverythingClient retries-everything}</td><td>retries 1020, quota, 400/401/404, x-should-retry false</td><td>RETRIED_NON_RETRYABLE</td><td>access-denied-1020, quota-exhausted, request-too-large, should-retry-false, …</td></tr>
 *   <tr><td>{@link IgnoresRetryAfterClient ignores-retry-after}</td><td>own backoff only, Retry-After unread</td><td>RETRY_AFTER_IGNORED</td><td>service-unavailable-maintenance, rate-limited-tokens, retry-after-http-date, cloudflare-1015-rate-limited</td></tr>
 *   <tr><td>{@link NoBackoffClient no-backoff}</td><td>retries at once (still honours Retry-After)</td><td>NO_BACKOFF</td><td>bad-gateway-burst, full-outage, connection-reset</td></tr>
 *   <tr><td>{@link RetryStormClient retry-storm}</td><td>10 attempts per action (short growing delay)</td><td>TOO_MANY_ATTEMPTS</td><td>full-outage</td></tr>
 *   <tr><td>{@link RewritesPromptClient rewrites-prompt}</td><td>sends "Please answer: " + prompt on retries</td><td>PROMPT_CHANGED</td><td>any scenario it retries, e.g. bad-gateway-single</td></tr>
 *   <tr><td>{@link ClearsDraftClient clears-draft}</td><td>composer empty after a failure</td><td>PROMPT_LOST</td><td>every gives-up scenario, e.g. full-outage</td></tr>
 *   <tr><td>{@link RawErrorClient raw-error}</td><td>raw body / exception text appended to the banner</td><td>RAW_ERROR_SHOWN</td><td>every gives-up scenario, e.g. access-denied-1020</td></tr>
 *   <tr><td>{@link GenericMessageClient generic-message}</td><td>"Something went wrong. Please try again." for all</td><td>NO_GUIDANCE (WRONG_GUIDANCE if the judge calls it so); passes on bad_gateway and server_error</td><td>access-denied-1020, quota-exhausted, should-retry-false, stream-*, black-hole-timeout, …</td></tr>
 *   <tr><td>{@link TruncationBlindClient truncation-blind}</td><td>any end of a stream is the end of the answer</td><td>TRUNCATION_UNDETECTED</td><td>stream-cut-mid-answer, stream-error-event, stream-reset-mid-answer, stream-stall (streamed)</td></tr>
 * </table>
 *
 * <p>Where a bug cannot show (e.g. no-retry on access-denied-1020, truncation-blind on non-streamed runs) the
 * flawed client behaves exactly like the well-behaved one and must get no finding. The stream scenarios only
 * fault streamed requests, so the matrix should ask them with {@code stream = true}.
 *
 * <p>Timing: with the default {@link Timeouts} (3 s connect, 12 s to headers, 5 s idle) {@code black-hole-timeout}
 * takes two 12 s attempts, {@code origin-hangs-once} one, {@code stream-stall} 5 s; {@code slow-first-byte} needs a
 * header timeout above its 10 s, so do not go below ~11 s where that scenario runs. {@link #all(Timeouts)}
 * builds the same set with other timeouts.
 */
public final class ReferenceClients {
    private ReferenceClients() {
    }

    /** The well-behaved client first, then every flawed variant, with the default timeouts. */
    public static List<ReferenceClient> all() {
        return all(Timeouts.defaults());
    }

    public static List<ReferenceClient> all(Timeouts timeouts) {
        return List.of(
                new WellBehavedReference(timeouts),
                new NoRetryClient(timeouts),
                new RetriesEverythingClient(timeouts),
                new IgnoresRetryAfterClient(timeouts),
                new NoBackoffClient(timeouts),
                new RetryStormClient(timeouts),
                new RewritesPromptClient(timeouts),
                new ClearsDraftClient(timeouts),
                new RawErrorClient(timeouts),
                new GenericMessageClient(timeouts),
                new TruncationBlindClient(timeouts));
    }

    /** Only the flawed variants. */
    public static List<ReferenceClient> flawed() {
        return all().subList(1, all().size());
    }

    public static ReferenceClient wellBehaved() {
        return new WellBehavedReference();
    }
}
