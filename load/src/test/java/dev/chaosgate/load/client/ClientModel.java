package dev.chaosgate.load.client;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Session;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.dummy;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.tryMax;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * A chat client calling {@code POST /chat/completions} (non-streamed) with a {@link RetryPolicy},
 * as a Gatling chain. One call of {@link #chat()} is one <em>logical request</em>, what the user
 * asked for; in the report it shows as:
 *
 * <ul>
 *   <li>{@code <model> attempt}: every HTTP attempt (a 503 or 429 is KO);</li>
 *   <li>group {@code <model>}: one per logical request, KO only when every attempt failed
 *       (the group sits outside the {@code tryMax}, which stops the KO of a retried attempt);</li>
 *   <li>{@code <model> end-to-end}: one per logical request, its time from the first attempt to the
 *       last answer <em>including</em> the waits between attempts, KO when it failed in the end.
 *       Gatling's own group time leaves the pauses out, so this line carries the user's wait.</li>
 * </ul>
 *
 * Retries on any failed attempt (the scenarios played here serve only retryable failures: 503, 429,
 * broken connections). The model counts into its {@link ClientCounters} as it goes.
 */
public final class ClientModel {
    private static final String BODY = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\","
            + "\"content\":\"Summarise the load test in one line.\"}]}";
    private static final String TRY = "chaosgateTry";
    private static final String STARTED = "chaosgateStarted";
    private static final String RETRY_AFTER = "chaosgateRetryAfter";
    private static final String RETRY_AFTER_MS = "chaosgateRetryAfterMs";
    private static final String ELAPSED = "chaosgateElapsedMillis";
    private static final String SUCCEEDED = "chaosgateSucceeded";

    private final RetryPolicy policy;
    private final ClientCounters counters = new ClientCounters();

    public ClientModel(RetryPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy cannot be null");
    }

    public String name() {
        return policy.name();
    }

    public RetryPolicy policy() {
        return policy;
    }

    public ClientCounters counters() {
        return counters;
    }

    /** The name of the report line carrying the end-to-end time of each logical request. */
    public String endToEndName() {
        return policy.name() + " end-to-end";
    }

    /** One logical request; the session leaves it marked as succeeded, ready for the next one. */
    public ChainBuilder chat() {
        return exec(this::start)
                .group(policy.name()).on(
                        tryMax(policy.maxAttempts(), TRY).on(
                                doIf(session -> session.getInt(TRY) > 0).then(pause(this::waitBeforeRetry)),
                                exec(this::attempt),
                                exec(http(policy.name() + " attempt").post("/chat/completions")
                                        .body(StringBody(BODY)).asJson()
                                        // Saved before the status check fails the attempt, so the wait can honour them.
                                        .check(header("retry-after-ms").optional().saveAs(RETRY_AFTER_MS),
                                                header("retry-after").optional().saveAs(RETRY_AFTER),
                                                status().is(200)))))
                .exec(this::end)
                .exec(dummy(endToEndName(), session -> session.getInt(ELAPSED))
                        .withSuccess(session -> session.getBoolean(SUCCEEDED)))
                .exec(Session::markAsSucceeded);
    }

    private Session start(Session session) {
        counters.started();
        return session.set(STARTED, System.nanoTime());
    }

    private Duration waitBeforeRetry(Session session) {
        Duration retryAfter = RetryPolicy.retryAfter(session.getString(RETRY_AFTER_MS), session.getString(RETRY_AFTER));
        return policy.delayBefore(session.getInt(TRY), retryAfter, ThreadLocalRandom.current()::nextDouble);
    }

    /** Counts the attempt and forgets the last answer's Retry-After, so an answer without one is not mistaken for it. */
    private Session attempt(Session session) {
        counters.attempted();
        return session.remove(RETRY_AFTER).remove(RETRY_AFTER_MS);
    }

    private Session end(Session session) {
        long elapsed = (System.nanoTime() - session.getLong(STARTED)) / 1_000_000;
        boolean success = !session.isFailed();
        counters.ended(success, elapsed);
        return session.set(ELAPSED, (int) Math.min(Integer.MAX_VALUE, elapsed)).set(SUCCEEDED, success);
    }
}
