package dev.chaosgate.verdict;

import dev.chaosgate.scenario.Chaos;
import dev.chaosgate.scenario.Expectation.Outcome;
import dev.chaosgate.scenario.LinkToxic;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.upstream.Faults;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static dev.chaosgate.verdict.FindingCode.FAULT_NOT_EXERCISED;
import static dev.chaosgate.verdict.FindingCode.NO_BACKOFF;
import static dev.chaosgate.verdict.FindingCode.NO_GUIDANCE;
import static dev.chaosgate.verdict.FindingCode.NO_RETRY;
import static dev.chaosgate.verdict.FindingCode.PROMPT_CHANGED;
import static dev.chaosgate.verdict.FindingCode.PROMPT_LOST;
import static dev.chaosgate.verdict.FindingCode.RAW_ERROR_SHOWN;
import static dev.chaosgate.verdict.FindingCode.RETRIED_NON_RETRYABLE;
import static dev.chaosgate.verdict.FindingCode.RETRY_AFTER_IGNORED;
import static dev.chaosgate.verdict.FindingCode.TOO_MANY_ATTEMPTS;
import static dev.chaosgate.verdict.FindingCode.TRUNCATION_UNDETECTED;
import static dev.chaosgate.verdict.FindingCode.WRONG_GUIDANCE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every judge, from hand-made journals: for each finding code a case where it fires and near misses
 * where it must not (timing at the tolerance edge, jitter, unrelated calls in between, harmless
 * differences in the prompt or the draft). The verdict's exact code set is asserted each time, so a
 * judge that also fires somewhere it should not is caught too.
 */
class JudgesTest {
    static final String PROMPT = "Explain how TCP slow start works";
    static final String ANSWER = "Sure. Slow start doubles the congestion window every round trip until a loss.";

    static final String GOOD_BAD_GATEWAY = "Can't reach the AI service right now (bad gateway). Your prompt is saved, try again shortly.";
    static final String GOOD_ACCESS_DENIED = "Access was blocked by the service's security rules (Error 1020). "
            + "Try a different network, or contact support with the Ray ID.";
    static final String GOOD_QUOTA = "This app has reached its usage limit. Please contact the administrator.";
    static final String GOOD_UNAVAILABLE = "The model is busy right now. Please try again later; your message is kept.";
    static final String GOOD_CONNECTION = "The connection to the AI service was lost. Your message is saved, try again shortly.";

    /** Two Cloudflare 502 pages, then normal answers; a good client retries (4 attempts, 100 ms apart, growing). */
    static final Scenario BURST = Chaos.scenario("bad-gateway-burst")
            .then(Chaos.phase("burst").forRequests(2).serving(Faults.badGateway()))
            .then(Chaos.phase("recovered"))
            .expect(Chaos.recovers())
            .build();
    /** Six 502s: more than the budget, so a good client gives up on a recovering scenario. */
    static final Scenario LONG_BURST = Chaos.scenario("bad-gateway-long-burst")
            .then(Chaos.phase("burst").forRequests(6).serving(Faults.badGateway()))
            .then(Chaos.phase("recovered"))
            .expect(Chaos.recovers())
            .build();
    static final Scenario OUTAGE = Chaos.scenario("full-outage")
            .then(Chaos.phase("down").serving(Faults.badGateway()))
            .expect(Chaos.recovers().withGuidance("bad_gateway").withOutcome(Outcome.GIVES_UP))
            .build();
    static final Scenario OVERLOADED = Chaos.scenario("overloaded-retry-after")
            .then(Chaos.phase("overloaded").forRequests(1).serving(Faults.overloaded()))
            .then(Chaos.phase("recovered"))
            .expect(Chaos.recovers())
            .build();
    /** A 503 that says {@code x-should-retry: false} in a scenario that otherwise allows retries. */
    static final Scenario SHOULD_NOT_RETRY = Chaos.scenario("overloaded-should-not-retry")
            .then(Chaos.phase("overloaded").forRequests(1).serving(Faults.overloaded().withShouldRetry(false)))
            .then(Chaos.phase("recovered"))
            .expect(Chaos.recovers())
            .build();
    /** Mixed 429s in a scenario that allows retries: the failure class decides. */
    static final Scenario LIMITS = Chaos.scenario("mixed-429")
            .then(Chaos.phase("limited").forRequests(1).serving(Faults.rateLimited()))
            .then(Chaos.phase("recovered"))
            .expect(Chaos.recovers())
            .build();
    static final Scenario ACCESS_DENIED = Chaos.scenario("access-denied-1020")
            .then(Chaos.phase("blocked").serving(Faults.accessDenied()))
            .expect(Chaos.stopsWith("access_denied"))
            .build();
    static final Scenario QUOTA = Chaos.scenario("quota-exhausted")
            .then(Chaos.phase("no-credit").serving(Faults.quotaExhausted()))
            .expect(Chaos.stopsWith("quota_exhausted"))
            .build();
    static final Scenario STREAM_CUT = Chaos.scenario("stream-cut-mid-answer")
            .then(Chaos.phase("cut").forRequests(1).serving(Faults.streamCutAfter(3)))
            .then(Chaos.phase("normal"))
            .expect(Chaos.stopsWith("stream_interrupted"))
            .build();
    static final Scenario CONNECTION_DOWN = Chaos.scenario("connection-down")
            .then(Chaos.phase("reset").serving(Faults.connectionReset()))
            .expect(Chaos.recovers().withGuidance("connection_failure").withOutcome(Outcome.GIVES_UP).withMaxAttempts(3))
            .build();
    /** Link toxics only: the upstream serves normal answers, the link resets the client's connections. */
    static final Scenario LINK_RESET = Chaos.scenario("link-reset")
            .then(Chaos.phase("reset").forRequests(2).withToxic(LinkToxic.resetPeer()))
            .then(Chaos.phase("recovered"))
            .expect(Chaos.recovers().withMaxAttempts(3))
            .build();

    private static final VerdictEngine ENGINE = VerdictEngine.standard();

    static Verdict judge(Scenario scenario, Exchanges journal, ClientReport report) {
        return judge(scenario, journal, 1, report);
    }

    static Verdict judge(Scenario scenario, Exchanges journal, long linkConnections, ClientReport report) {
        Verdict verdict = ENGINE.judge(scenario, journal.list(), linkConnections, report);
        System.out.println("---- " + scenario.name() + "\n" + verdict.explain());
        return verdict;
    }

    /** What the client showed, and the composer at the end. */
    static ClientReport shown(String draft, String... texts) {
        return ClientReport.of(PROMPT, List.of(texts), draft);
    }

    static void assertCodes(Verdict verdict, FindingCode... expected) {
        Set<FindingCode> codes = expected.length == 0 ? EnumSet.noneOf(FindingCode.class) : EnumSet.of(expected[0], expected);
        assertThat(verdict.codes()).as("finding codes of\n%s", verdict.explain()).isEqualTo(codes);
        assertThat(verdict.passed()).isEqualTo(expected.length == 0);
    }

    static Exchanges journal() {
        return new Exchanges(PROMPT);
    }

    static Exchanges badGatewayThenAnswer(long gap) {
        return journal()
                .first().failing(502, "bad_gateway").phase("burst").add()
                .after(gap).ok().phase("recovered").add();
    }

    /** Attempts of 502 separated by {@code gaps}, the last one failed too. */
    static Exchanges badGateways(String phase, long... gaps) {
        Exchanges journal = journal().first().failing(502, "bad_gateway").phase(phase).add();
        for (long gap : gaps) {
            journal.after(gap).failing(502, "bad_gateway").phase(phase).add();
        }
        return journal;
    }

    @Nested
    class FaultExercised {
        @Test
        void firesWhenEveryAttemptWasAnsweredNormally() {
            Verdict verdict = judge(BURST, journal().first().ok().add(), shown("", ANSWER));
            assertCodes(verdict, FAULT_NOT_EXERCISED);
            assertThat(verdict.findings().get(0).evidence()).contains("1 attempt(s), all answered normally");
        }

        @Test
        void firesWhenNothingReachedTheGateway() {
            Verdict verdict = judge(BURST, journal(), 0, shown(PROMPT));
            assertCodes(verdict, FAULT_NOT_EXERCISED);
            assertThat(verdict.findings().get(0).message()).contains("never sent the user's prompt through the gateway");
        }

        @Test
        void firesWhenOnlyAnotherCallMetTheFault() {
            // The model list met the 502; the user's prompt went out later and was answered.
            Exchanges journal = journal()
                    .first().get("/v1/models").failing(502, "bad_gateway").phase("burst").add()
                    .after(100).ok().phase("recovered").add();
            assertCodes(judge(BURST, journal, shown("", ANSWER)), FAULT_NOT_EXERCISED);
        }

        @Test
        void notWhenALinkOnlyScenarioSawConnections() {
            // Every connection was reset before a request reached the upstream: the journal is empty.
            Verdict verdict = judge(LINK_RESET, journal(), 2, shown(PROMPT, GOOD_CONNECTION));
            assertCodes(verdict);
        }

        @Test
        void notWhenAnAttemptFellInALinkPhase() {
            // The upstream answered #1 in full, the link reset it on the way back (so the client did not
            // receive it: the link reports the bytes it lost), the client retried.
            Exchanges journal = journal()
                    .first().ok().notReceived().phase("reset").add()
                    .after(200).ok().phase("recovered").add();
            Verdict verdict = judge(LINK_RESET, journal, 2, shown("", ANSWER));
            assertCodes(verdict);
            assertThat(verdict.attempts()).hasSize(2);
        }

        @Test
        void notWhenAnAttemptMetTheFault() {
            assertCodes(judge(BURST, badGatewayThenAnswer(150), shown("", ANSWER)));
        }
    }

    @Nested
    class NoRetry {
        @Test
        void firesWhenTheClientGaveUpWithBudgetLeft() {
            Verdict verdict = judge(BURST, journal().first().failing(502, "bad_gateway").phase("burst").add(),
                    shown(PROMPT, GOOD_BAD_GATEWAY));
            assertCodes(verdict, NO_RETRY);
            assertThat(verdict.findings().get(0).message()).contains("3 attempt(s) of budget left");
        }

        @Test
        void notWhenTheBudgetWasUsedUp() {
            assertCodes(judge(LONG_BURST, badGateways("burst", 150, 300, 600), shown(PROMPT, GOOD_BAD_GATEWAY)));
        }

        @Test
        void notWhenTheAnswerSaidShouldNotRetry() {
            Exchanges journal = journal().first().failing(503, "unavailable").phase("overloaded")
                    .responseHeader("x-should-retry", "false").add();
            assertCodes(judge(SHOULD_NOT_RETRY, journal, shown(PROMPT, GOOD_UNAVAILABLE)));
        }

        @Test
        void notWhenTheFailureIsNotRetryable() {
            Exchanges journal = journal().first().failing(429, "quota_exhausted").phase("limited").add();
            assertCodes(judge(LIMITS, journal, shown(PROMPT, GOOD_QUOTA)));
        }
    }

    @Nested
    class RetriedNonRetryable {
        @Test
        void firesOnARetried1020() {
            Exchanges journal = journal()
                    .first().failing(403, "access_denied").phase("blocked").add()
                    .after(500).failing(403, "access_denied").phase("blocked").add();
            Verdict verdict = judge(ACCESS_DENIED, journal, shown(PROMPT, GOOD_ACCESS_DENIED));
            assertCodes(verdict, RETRIED_NON_RETRYABLE, TOO_MANY_ATTEMPTS);
            assertThat(verdict.findings().get(0).evidence()).contains("access_denied is not retryable (guidance catalog)");
        }

        @Test
        void notOnARetried502() {
            assertCodes(judge(BURST, badGatewayThenAnswer(200), shown("", ANSWER)));
        }

        @Test
        void firesWhenA503SaidShouldNotRetry() {
            Exchanges journal = journal()
                    .first().failing(503, "unavailable").phase("overloaded").responseHeader("x-should-retry", "false").add()
                    .after(300).ok().phase("recovered").add();
            Verdict verdict = judge(SHOULD_NOT_RETRY, journal, shown("", ANSWER));
            assertCodes(verdict, RETRIED_NON_RETRYABLE);
            assertThat(verdict.findings().get(0).evidence()).contains("the answer said x-should-retry: false");
        }

        @Test
        void notWhenA503SaidShouldRetry() {
            Exchanges journal = journal()
                    .first().failing(503, "unavailable").phase("overloaded").responseHeader("x-should-retry", "true").add()
                    .after(300).ok().phase("recovered").add();
            assertCodes(judge(OVERLOADED, journal, shown("", ANSWER)));
        }

        @Test
        void firesOnARetriedQuota429() {
            Exchanges journal = journal()
                    .first().failing(429, "quota_exhausted").phase("limited").add()
                    .after(300).ok().phase("recovered").add();
            assertCodes(judge(LIMITS, journal, shown("", ANSWER)), RETRIED_NON_RETRYABLE);
        }

        @Test
        void firesOnARetriedRequestTooLarge429() {
            Exchanges journal = journal()
                    .first().failing(429, "request_too_large").phase("limited").add()
                    .after(300).ok().phase("recovered").add();
            assertCodes(judge(LIMITS, journal, shown("", ANSWER)), RETRIED_NON_RETRYABLE);
        }

        @Test
        void notOnARetriedRateLimit429() {
            Exchanges journal = journal()
                    .first().failing(429, "rate_limited").phase("limited").responseHeader("retry-after", "1").add()
                    .after(1000).ok().phase("recovered").add();
            assertCodes(judge(LIMITS, journal, shown("", ANSWER)));
        }

        @Test
        void firesOnAnyRetryWhereTheScenarioForbidsRetries() {
            Exchanges journal = journal()
                    .first().failing(429, "quota_exhausted").phase("no-credit").add()
                    .after(1000).failing(429, "quota_exhausted").phase("no-credit").add();
            assertCodes(judge(QUOTA, journal, shown(PROMPT, GOOD_QUOTA)), RETRIED_NON_RETRYABLE, TOO_MANY_ATTEMPTS);
        }
    }

    @Nested
    class TooManyAttempts {
        @Test
        void firesOverBudget() {
            Verdict verdict = judge(LONG_BURST, badGateways("burst", 150, 300, 600, 1200), shown(PROMPT, GOOD_BAD_GATEWAY));
            assertCodes(verdict, TOO_MANY_ATTEMPTS);
            assertThat(verdict.findings().get(0).evidence()).containsExactly("attempts 5..5 were over budget");
        }

        @Test
        void notExactlyAtBudget() {
            Exchanges journal = badGateways("burst", 150, 300);
            journal.after(600).ok().phase("recovered").add();
            Verdict verdict = judge(LONG_BURST, journal, shown("", ANSWER));
            assertCodes(verdict);
            assertThat(verdict.attempts()).hasSize(4);
        }
    }

    @Nested
    class RetryAfterIgnored {
        static Exchanges overloadedThenAnswer(String header, String value, long gap) {
            return journal()
                    .first().failing(503, "unavailable").phase("overloaded").responseHeader(header, value).add()
                    .after(gap).ok().phase("recovered").add();
        }

        @Test
        void notJustInsideTheTolerance() {
            // Retry-After: 2 → tolerance min(250, max(50, 10 %)) = 200 ms: 1850 ms is close enough.
            assertCodes(judge(OVERLOADED, overloadedThenAnswer("retry-after", "2", 1850), shown("", ANSWER)));
        }

        @Test
        void firesBeyondTheTolerance() {
            Verdict verdict = judge(OVERLOADED, overloadedThenAnswer("retry-after", "2", 1700), shown("", ANSWER));
            assertCodes(verdict, RETRY_AFTER_IGNORED);
            assertThat(verdict.findings().get(0).message())
                    .startsWith("attempt 2 came 1700 ms after attempt 1's answer, which asked for 2000 ms");
        }

        @Test
        void retryAfterMsWinsOverRetryAfter() {
            Exchanges journal = journal()
                    .first().failing(503, "unavailable").phase("overloaded")
                    .responseHeader("retry-after-ms", "500").responseHeader("retry-after", "30").add()
                    .after(470).ok().phase("recovered").add();
            assertCodes(judge(OVERLOADED, journal, shown("", ANSWER)));
        }

        @Test
        void firesOnRetryAfterMs() {
            // 500 ms asked → tolerance 50 ms: 430 ms is too early.
            assertCodes(judge(OVERLOADED, overloadedThenAnswer("retry-after-ms", "500", 430), shown("", ANSWER)),
                    RETRY_AFTER_IGNORED);
        }

        @Test
        void notWhenRetryAfterIsGarbage() {
            // Nothing readable was asked; the client's own backoff applies (150 ms ≥ 100 ms).
            assertCodes(judge(OVERLOADED, overloadedThenAnswer("retry-after", "soon", 150), shown("", ANSWER)));
        }

        @Test
        void notWhenTheScenarioDoesNotAskForIt() {
            Scenario relaxed = Chaos.scenario("overloaded-relaxed")
                    .then(Chaos.phase("overloaded").forRequests(1).serving(Faults.overloaded()))
                    .then(Chaos.phase("recovered"))
                    .expect(Chaos.recovers().withHonourRetryAfter(false))
                    .build();
            assertCodes(judge(relaxed, overloadedThenAnswer("retry-after", "2", 150), shown("", ANSWER)));
        }
    }

    @Nested
    class NoBackoff {
        @Test
        void notForALoneSmallJitteredDraw() {
            // Full jitter draws its first wait from 0-200 ms: one 30 ms wait is a draw, not a missing backoff.
            assertCodes(judge(BURST, badGatewayThenAnswer(30), shown("", ANSWER)));
        }

        @Test
        void notForALoneRetryWithoutAnyWait() {
            // One 3 ms wait is as likely full jitter's draw near 0 ms as a missing timer: one wait is not a sequence.
            assertCodes(judge(BURST, badGatewayThenAnswer(3), shown("", ANSWER)));
        }

        @Test
        void notWhenTheScenarioSaysRetryingAtOnceIsRight() {
            // retry-after-past: a Retry-After in the past means "retry now" (minBackoff: 0s).
            Scenario now = Chaos.scenario("retry-after-past")
                    .then(Chaos.phase("burst").forRequests(1).serving(Faults.badGateway()))
                    .then(Chaos.phase("recovered"))
                    .expect(Chaos.recovers().withMaxAttempts(3).withMinBackoff(Duration.ZERO))
                    .build();
            assertCodes(judge(now, badGatewayThenAnswer(3), shown("", ANSWER)));
        }

        @Test
        void notWithJitteredWaitsThatGrow() {
            Exchanges journal = badGateways("burst", 400, 300);
            journal.after(900).ok().phase("recovered").add();
            assertCodes(judge(LONG_BURST, journal, shown("", ANSWER)));
        }

        @Test
        void notForFullJitterWhoseFirstDrawWasTiny() {
            Exchanges journal = badGateways("burst", 4, 260);
            journal.after(90).ok().phase("recovered").add();
            assertCodes(judge(LONG_BURST, journal, shown("", ANSWER)));
        }

        @Test
        void firesOnImmediateRetries() {
            Exchanges journal = badGateways("burst", 2, 6);
            journal.after(3).ok().phase("recovered").add();
            Verdict verdict = judge(LONG_BURST, journal, shown("", ANSWER));
            assertCodes(verdict, NO_BACKOFF);
            assertThat(verdict.findings().get(0).message()).startsWith("attempt 2 came 2 ms after attempt 1 ended: the client"
                    + " waited 11 ms in all over 3 retries");
        }

        @Test
        void firesOnAFixedTinyInterval() {
            Exchanges journal = badGateways("burst", 50, 52);
            journal.after(50).ok().phase("recovered").add();
            Verdict verdict = judge(LONG_BURST, journal, shown("", ANSWER));
            assertCodes(verdict, NO_BACKOFF);
            assertThat(verdict.findings().get(0).evidence().get(0)).isEqualTo("own waits: [50 ms, 52 ms, 50 ms]");
        }

        @Test
        void notOnAFixedSecond() {
            Exchanges journal = badGateways("burst", 1000, 1000);
            journal.after(1000).ok().phase("recovered").add();
            assertCodes(judge(LONG_BURST, journal, shown("", ANSWER)));
        }

        @Test
        void firesOnAnAtOnceRetryAfterARetryAfterTheScenarioDoesNotCheck() {
            // openai npm 6.x: Retry-After 999999999 overflows its timer, so it retries 19 ms later.
            Scenario huge = Chaos.scenario("retry-after-huge")
                    .then(Chaos.phase("overloaded").forRequests(1).serving(Faults.overloaded()))
                    .then(Chaos.phase("recovered"))
                    .expect(Chaos.recovers().withMaxAttempts(3).withHonourRetryAfter(false))
                    .build();
            Exchanges tooSoon = RetryAfterIgnored.overloadedThenAnswer("retry-after", "999999999", 19);
            Verdict verdict = judge(huge, tooSoon, shown("", ANSWER));
            assertCodes(verdict, NO_BACKOFF);
            assertThat(verdict.findings().get(0).message()).startsWith("attempt 2 came 19 ms after attempt 1's answer asked to wait");
            // its own backoff instead of the absurd wait (openai-node >= 4 ignores waits over 60 s): fine
            assertCodes(judge(huge, RetryAfterIgnored.overloadedThenAnswer("retry-after", "999999999", 480), shown("", ANSWER)));
        }

        @Test
        void notWhenTheWaitWasDictatedByRetryAfter() {
            // Two waits of 1 s each, both asked by Retry-After: not a fixed-interval loop of the client's own.
            Exchanges journal = journal()
                    .first().failing(429, "rate_limited").phase("burst").responseHeader("retry-after", "1").add()
                    .after(1000).failing(429, "rate_limited").phase("burst").responseHeader("retry-after", "1").add()
                    .after(1000).failing(429, "rate_limited").phase("burst").responseHeader("retry-after", "1").add()
                    .after(1000).ok().phase("recovered").add();
            assertCodes(judge(LONG_BURST, journal, shown("", ANSWER)));
        }

        @Test
        void notFooledByUnrelatedCallsInBetween() {
            // A model list and a title generation sent right after the failure are not attempts: the
            // gap of attempt 2 is measured from attempt 1, not from them.
            Exchanges journal = journal()
                    .first().failing(502, "bad_gateway").phase("burst").add()
                    .after(5).get("/v1/models").ok().phase("burst").add()
                    .after(5).prompt("Write a four-word title for this conversation").failing(502, "bad_gateway").phase("burst").add()
                    .at(20 + 300).ok().phase("recovered").add();
            Verdict verdict = judge(BURST, journal, shown("", ANSWER));
            assertCodes(verdict);
            assertThat(verdict.attempts()).hasSize(2);
            assertThat(verdict.attempts().get(1).gap()).isEqualTo(Duration.ofMillis(300));
            assertThat(verdict.otherCalls()).extracting(e -> e.path()).containsExactly("/v1/models", "/v1/chat/completions");
        }

        @Test
        void notFooledByAnSdkRetryingATitleGeneration() {
            // openai-java retries both the chat call and the app's title call; each keeps its own
            // idempotency key and body. The title call's retry count must not make it an attempt.
            String title = "Write a four-word title for this conversation";
            Exchanges journal = journal()
                    .first().failing(502, "bad_gateway").phase("burst")
                    .requestHeader("idempotency-key", "stainless-java-retry-a").requestHeader("x-stainless-retry-count", "0").add()
                    .after(2).prompt(title).failing(502, "bad_gateway").phase("burst")
                    .requestHeader("idempotency-key", "stainless-java-retry-b").requestHeader("x-stainless-retry-count", "0").add()
                    .at(20 + 600).ok().phase("recovered")
                    .requestHeader("idempotency-key", "stainless-java-retry-a").requestHeader("x-stainless-retry-count", "1").add()
                    .after(2).prompt(title).ok().phase("recovered")
                    .requestHeader("idempotency-key", "stainless-java-retry-b").requestHeader("x-stainless-retry-count", "1").add();
            Verdict verdict = judge(BURST, journal, shown("", ANSWER));
            assertCodes(verdict);
            assertThat(verdict.attempts()).hasSize(2);
            assertThat(verdict.otherCalls()).hasSize(2);
        }

        @Test
        void notFooledByATitleGenerationQuotingThePromptAfterTheAnswer() {
            Exchanges journal = badGatewayThenAnswer(200)
                    .after(5).prompt("Write a four-word title for: " + PROMPT).ok().phase("recovered").add();
            Verdict verdict = judge(BURST, journal, shown("", ANSWER));
            assertCodes(verdict);
            assertThat(verdict.attempts()).hasSize(2);
            assertThat(verdict.otherCalls()).hasSize(1);
        }
    }

    @Nested
    class PromptChanged {
        @Test
        void firesOnARewrittenRetry() {
            Exchanges journal = journal()
                    .first().failing(502, "bad_gateway").phase("burst").add()
                    .after(300).prompt("Please answer again: " + PROMPT).ok().phase("recovered").add();
            Verdict verdict = judge(BURST, journal, shown("", ANSWER));
            assertCodes(verdict, PROMPT_CHANGED);
            assertThat(verdict.attempts()).hasSize(2);
            assertThat(verdict.findings().get(0).evidence())
                    .containsExactly("typed: \"" + PROMPT + "\"", "attempt 1 sent: \"" + PROMPT + "\"",
                            "attempt 2 sent: \"Please answer again: " + PROMPT + "\"");
        }

        @Test
        void notOnWhitespaceOrCase() {
            Exchanges journal = journal()
                    .first().failing(502, "bad_gateway").phase("burst").add()
                    .after(300).prompt("  explain how TCP  slow start\nworks ").ok().phase("recovered").add();
            assertCodes(judge(BURST, journal, shown("", ANSWER)));
        }
    }

    @Nested
    class PromptLost {
        @Test
        void firesWhenTheDraftWasCleared() {
            Verdict verdict = judge(QUOTA, journal().first().failing(429, "quota_exhausted").phase("no-credit").add(),
                    shown("", GOOD_QUOTA));
            assertCodes(verdict, PROMPT_LOST);
            assertThat(verdict.findings().get(0).evidence()).contains("composer at the end: empty");
        }

        @Test
        void notWhenTheDraftHoldsThePromptWithExtraWhitespace() {
            assertCodes(judge(QUOTA, journal().first().failing(429, "quota_exhausted").phase("no-credit").add(),
                    shown("\n  Explain how TCP slow start   works ", GOOD_QUOTA)));
        }

        @Test
        void notWhenTheClientGotAnAnswer() {
            assertCodes(judge(BURST, badGatewayThenAnswer(150), shown("", ANSWER)));
        }
    }

    @Nested
    class Guidance {
        static Exchanges blocked() {
            return journal().first().failing(403, "access_denied").phase("blocked").add();
        }

        @Test
        void goodAccessDeniedMessagePasses() {
            assertCodes(judge(ACCESS_DENIED, blocked(), shown(PROMPT, GOOD_ACCESS_DENIED)));
        }

        @Test
        void noGuidanceWhenNothingWasShown() {
            Verdict verdict = judge(ACCESS_DENIED, blocked(), shown(PROMPT));
            assertCodes(verdict, NO_GUIDANCE);
            assertThat(verdict.findings().get(0).message()).startsWith("the user was shown nothing");
        }

        @Test
        void noGuidanceForAMessageWithoutAnyMustSayIntent() {
            assertCodes(judge(ACCESS_DENIED, blocked(), shown(PROMPT, "Sorry, that didn't work.")), NO_GUIDANCE);
        }

        @Test
        void wrongGuidanceForAPromisedWaitOnA1020() {
            Verdict verdict = judge(ACCESS_DENIED, blocked(), shown(PROMPT, "Access denied. Please try again in a moment."));
            assertCodes(verdict, WRONG_GUIDANCE);
            assertThat(verdict.findings().get(0).evidence()).contains("must not say: [promise_wait]");
        }

        @Test
        void wrongGuidanceForAPromisedWaitOnQuota() {
            assertCodes(judge(QUOTA, journal().first().failing(429, "quota_exhausted").phase("no-credit").add(),
                    shown(PROMPT, "Usage limit reached. Please try again in a moment.")), WRONG_GUIDANCE);
        }

        @Test
        void wrongGuidanceForAPartialMessage() {
            Verdict verdict = judge(OUTAGE, badGateways("down", 150, 300, 600), shown(PROMPT, "Bad gateway."));
            assertCodes(verdict, WRONG_GUIDANCE);
            assertThat(verdict.findings().get(0).message()).startsWith("the user was told only part of what they need");
        }

        @Test
        void goodMessageAfterAnOutagePasses() {
            assertCodes(judge(OUTAGE, badGateways("down", 150, 300, 600), shown(PROMPT, GOOD_BAD_GATEWAY)));
        }

        @Test
        void notJudgedWhenTheClientRecovered() {
            // "Retrying…" is fine while the client recovers; guidance is judged only when it gives up.
            assertCodes(judge(BURST, badGatewayThenAnswer(200), shown("", "Retrying…", ANSWER)));
        }
    }

    @Nested
    class RawErrorShown {
        @Test
        void firesOnTheHtmlPage() {
            Verdict verdict = judge(OUTAGE, badGateways("down", 150, 300, 600), shown(PROMPT,
                    "Error 502 <html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center>"));
            // The user is left with the raw page itself: RAW_ERROR_SHOWN says so once, no second finding repeats it.
            assertCodes(verdict, RAW_ERROR_SHOWN);
        }

        @Test
        void firesOnJsonShownWhileRetrying() {
            Verdict verdict = judge(BURST, badGatewayThenAnswer(200), shown("",
                    "{\"error\":{\"message\":\"Bad gateway\",\"type\":\"cf_bad_gateway\"}}", ANSWER));
            assertCodes(verdict, RAW_ERROR_SHOWN);
        }

        @Test
        void firesOnAStackTrace() {
            Exchanges journal = journal().first().failing(0, "connection_failure").phase("reset").add()
                    .after(200).failing(0, "connection_failure").phase("reset").add()
                    .after(400).failing(0, "connection_failure").phase("reset").add();
            Verdict verdict = judge(CONNECTION_DOWN, journal, shown(PROMPT,
                    "java.net.SocketException: Connection reset\n\tat com.example.chat.ChatService.send(ChatService.java:42)"));
            assertCodes(verdict, RAW_ERROR_SHOWN);
        }

        @Test
        void notOnACleanMessage() {
            Exchanges journal = journal().first().failing(0, "connection_failure").phase("reset").add()
                    .after(200).failing(0, "connection_failure").phase("reset").add()
                    .after(400).failing(0, "connection_failure").phase("reset").add();
            assertCodes(judge(CONNECTION_DOWN, journal, shown(PROMPT, GOOD_CONNECTION)));
        }
    }

    @Nested
    class TruncationUndetected {
        static final String PARTIAL = "Sure. Slow start doubles the congestion";

        @Test
        void firesWhenThePartialAnswerIsShownUnmarked() {
            Verdict verdict = judge(STREAM_CUT, journal().first().streamCut().phase("cut").took(400).add(), shown(PROMPT, PARTIAL));
            assertCodes(verdict, TRUNCATION_UNDETECTED);
        }

        @Test
        void notWhenMarkedInterrupted() {
            assertCodes(judge(STREAM_CUT, journal().first().streamCut().phase("cut").took(400).add(),
                    shown(PROMPT, PARTIAL, "Response interrupted — the partial answer is kept. Regenerate?")));
        }

        @Test
        void nothingShownIsNoGuidanceRatherThanTruncation() {
            assertCodes(judge(STREAM_CUT, journal().first().streamCut().phase("cut").took(400).add(), shown(PROMPT)),
                    NO_GUIDANCE);
        }
    }

    @Nested
    class Explain {
        @Test
        void retryAfterIgnored() {
            Verdict verdict = judge(OVERLOADED, RetryAfterIgnored.overloadedThenAnswer("retry-after", "2", 1700), shown("", ANSWER));
            assertThat(verdict.explain()).isEqualTo("""
                    chaosgate verdict for scenario 'overloaded-retry-after': FAIL (1 finding)
                    Expected: retry, at most 4 attempts, backing off (waits that grow from a 100 ms floor, never retries at once), honouring Retry-After; \
                    the user gets an answer; the prompt is kept (composer or thread) on failure
                    Observed: 2 attempts of "Explain how TCP slow start works"
                      #1  +0 ms  503  unavailable: 503 openai/503-overloaded  (asked to wait 2000 ms)  [overloaded]
                      #2  +1720 ms (1700 ms after #1 ended)  200  answered  [recovered]
                      shown to the user: "Sure. Slow start doubles the congestion window every round trip until a loss."
                      composer at the end: empty
                    RETRY_AFTER_IGNORED: attempt 2 came 1700 ms after attempt 1's answer, which asked for 2000 ms; \
                    a good client waits at least as long as Retry-After says
                        - #1  +0 ms  503  unavailable: 503 openai/503-overloaded  (asked to wait 2000 ms)  [overloaded]
                        - #2  +1720 ms (1700 ms after #1 ended)  200  answered  [recovered]
                    """);
        }

        @Test
        void retriedAccessDeniedWithOtherCalls() {
            Exchanges journal = journal()
                    .first().get("/v1/models").ok().add()
                    .after(10).failing(403, "access_denied").phase("blocked").add()
                    .after(250).failing(403, "access_denied").phase("blocked").add();
            Verdict verdict = judge(ACCESS_DENIED, journal, shown("", "Access denied. Please try again in a moment."));
            assertThat(verdict.explain()).isEqualTo("""
                    chaosgate verdict for scenario 'access-denied-1020': FAIL (4 findings)
                    Expected: no retry (1 attempt); then give up with access_denied guidance; the prompt is kept (composer or thread) on failure
                    Observed: 2 attempts of "Explain how TCP slow start works"
                      #1  +0 ms  403  access_denied: 403 cloudflare/1020-access-denied  [blocked]
                      #2  +270 ms (250 ms after #1 ended)  403  access_denied: 403 cloudflare/1020-access-denied  [blocked]
                      (1 other call(s) ignored)
                      shown to the user: "Access denied. Please try again in a moment."
                      composer at the end: empty
                    RETRIED_NON_RETRYABLE: attempt 2 retried attempt 1's 403 although retrying cannot fix it; \
                    a good client stops and tells the user
                        - access_denied is not retryable (guidance catalog)
                        - #1  +0 ms  403  access_denied: 403 cloudflare/1020-access-denied  [blocked]
                        - #2  +270 ms (250 ms after #1 ended)  403  access_denied: 403 cloudflare/1020-access-denied  [blocked]
                    TOO_MANY_ATTEMPTS: 2 attempts where the budget is 1; a good client caps its retries so a failing service is not hammered
                        - attempts 2..2 were over budget
                    PROMPT_LOST: after the failure the composer no longer held the user's prompt; a good client keeps it so the user can resend
                        - typed: "Explain how TCP slow start works"
                        - composer at the end: empty
                    WRONG_GUIDANCE: for access_denied the user was told something a good message must not say (promise_wait: "in a moment")
                        - expected: A security rule blocked the request: Cloudflare 1020 (HTTP 403), a WAF block, or the API's \
                    unsupported_country_region_territory. Not retryable: waiting changes nothing. Say access was blocked and what \
                    can help (another network or VPN setting, support with the Ray ID).
                        - shown: "Access denied. Please try again in a moment."
                        - must not say: [promise_wait]
                    """);
        }
    }
}
