package dev.chaosgate.verdict;

import static dev.chaosgate.verdict.FindingCode.CLIENT_HUNG;
import static dev.chaosgate.verdict.FindingCode.NO_GUIDANCE;
import static dev.chaosgate.verdict.FindingCode.NO_RETRY;
import static dev.chaosgate.verdict.FindingCode.RETRIED_NON_RETRYABLE;
import static dev.chaosgate.verdict.FindingCode.SLOW_ANSWER_ABANDONED;
import static dev.chaosgate.verdict.FindingCode.TOO_MANY_ATTEMPTS;
import static dev.chaosgate.verdict.FindingCode.USER_KEPT_WAITING;
import static dev.chaosgate.verdict.JudgesTest.assertCodes;
import static dev.chaosgate.verdict.JudgesTest.journal;
import static dev.chaosgate.verdict.JudgesTest.judge;
import static dev.chaosgate.verdict.JudgesTest.shown;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chaosgate.scenario.Chaos;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.upstream.Faults;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The judges of issue 14's expectations, from hand-made journals: alternatives, a hung client, the user's
 * wait, an abandoned slow answer. Each with the near misses where it must not fire; the end-to-end runs
 * are in {@code Issue14VerdictCasesTest}.
 */
class ExpectationJudgesTest {
    static final String BUSY = "The AI service is busy and asks us to wait. Your message is kept; please try again later.";

    static final Scenario HUGE_WAIT = Chaos.scenario("retry-after-huge")
            .then(Chaos.phase("unavailable").forRequests(1).serving(Faults.overloaded()))
            .then(Chaos.phase("recovered"))
            .expect(Chaos.anyOf(Chaos.recovers().withMaxAttempts(3).withHonourRetryAfter(false),
                    Chaos.stopsWith("unavailable")))
            .build();
    static final Scenario HANGS = Chaos.scenario("origin-hangs-once")
            .then(Chaos.phase("hung").forRequests(1).serving(Faults.slowAnswer(Duration.ofHours(1))))
            .then(Chaos.phase("healthy"))
            .expect(Chaos.recovers().withMaxAttempts(2).withUserWaitsAtMost(Duration.ofSeconds(60)))
            .build();
    static final Scenario SLOW = Chaos.scenario("slow-first-byte")
            .then(Chaos.phase("slow").forRequests(1).serving(Faults.slowAnswer(Duration.ofSeconds(10))))
            .then(Chaos.phase("quick"))
            .expect(Chaos.recovers().withRetry(false))
            .build();

    @Nested
    class Alternatives {
        @Test
        void passesWhenAnyAlternativePasses() {
            Verdict verdict = judge(HUGE_WAIT, journal().first().failing(503, "unavailable").phase("unavailable").add(),
                    shown(JudgesTest.PROMPT, BUSY));

            assertCodes(verdict);
            assertThat(verdict.alternatives()).extracting(Verdict.Alternative::passed).containsExactly(false, true);
            assertThat(verdict.closest()).isEqualTo(1);
            assertThat(verdict.explain()).contains("Expected any of 2 alternatives:").contains("-> PASS (passed)");
        }

        @Test
        void reportsTheClosestAlternativeWhenNonePasses() {
            Verdict verdict = judge(HUGE_WAIT, journal().first().failing(503, "unavailable").phase("unavailable").add(),
                    shown(JudgesTest.PROMPT, "Oops."));

            assertCodes(verdict, NO_GUIDANCE);
            assertThat(verdict.alternatives().get(0).findings()).extracting(Finding::code).contains(NO_RETRY, NO_GUIDANCE);
            assertThat(verdict.explain()).contains("FAIL [NO_RETRY, NO_GUIDANCE]").contains("(closest: its findings below)");
        }

        @Test
        void aRetryAfterACappedWaitPassesTheFirstAlternativeAndItsFindingsAreNotReported() {
            // The retry breaks only the give-up alternative (RETRIED_NON_RETRYABLE, TOO_MANY_ATTEMPTS).
            Verdict verdict = judge(HUGE_WAIT, journal().first().failing(503, "unavailable").phase("unavailable").add()
                    .after(400).ok().phase("recovered").add(), shown("", "Sure, here it is."));

            assertCodes(verdict);
            assertThat(verdict.alternatives().get(1).findings()).extracting(Finding::code)
                    .contains(RETRIED_NON_RETRYABLE, TOO_MANY_ATTEMPTS);
            assertThat(verdict.closest()).isZero();
        }
    }

    @Nested
    class Hung {
        @Test
        void firesForAClientStoppedWhileItsAttemptWasOpen() {
            Verdict verdict = judge(HANGS, journal().first().phase("hung").failing(200, null, "slow answer 3600000 ms")
                    .incomplete().add(), shown("").withStoppedAfter(Duration.ofSeconds(120)));

            assertCodes(verdict, CLIENT_HUNG);
            assertThat(verdict.findings().get(0).message()).startsWith("the client was still waiting on attempt 1");
            assertThat(verdict.explain()).contains("the client was still running when it was stopped after 120 s");
        }

        @Test
        void namesWhatWasLeftOnScreenAndSinceWhen() {
            Instant start = Instant.parse("2026-01-01T00:00:00Z");
            ClientReport report = ClientReport.builder(JudgesTest.PROMPT).started(start)
                    .line("SHOWN: Still thinking…", start.plusMillis(300))
                    .line("PARTIAL: Sure. Slow", start.plusMillis(1200))
                    .line("PARTIAL: Sure. Slow start doubles", start.plusMillis(2500))
                    .build().withStoppedAfter(Duration.ofSeconds(120));

            Verdict verdict = judge(HANGS, journal().first().phase("hung").failing(200, null, "slow answer 3600000 ms")
                    .incomplete().add(), report);

            assertCodes(verdict, CLIENT_HUNG);
            assertThat(verdict.findings().get(0).evidence())
                    .contains("on screen when stopped: \"Sure. Slow start doubles\" (at 1.2 s, grew until 2.5 s, partial)");
            assertThat(verdict.explain()).contains("""
                      shown to the user (seconds after the client started):
                        "Still thinking…"  (at 0.3 s)
                        "Sure. Slow start doubles"  (at 1.2 s, grew until 2.5 s, partial)
                    """);
        }

        @Test
        void saysNothingWasOnScreenWhenNothingWasShown() {
            Verdict verdict = judge(HANGS, journal().first().phase("hung").failing(200, null, "slow answer 3600000 ms")
                    .incomplete().add(), shown("").withStoppedAfter(Duration.ofSeconds(120)));

            assertThat(verdict.findings().get(0).evidence()).contains("on screen when stopped: nothing");
            assertThat(verdict.explain()).contains("shown to the user: nothing");
        }

        @Test
        void notForAClientThatGotItsAnswerAndMerelyDidNotExit() {
            Verdict verdict = judge(HANGS, journal().first().phase("hung").failing(200, null, "slow answer 3600000 ms")
                            .incomplete().add().after(200).ok().phase("healthy").add(),
                    shown("", "Sure, here it is.").withStoppedAfter(Duration.ofSeconds(120)));

            assertCodes(verdict);
        }

        @Test
        void notForAClientThatEndedByItself() {
            Verdict verdict = judge(HANGS, journal().first().phase("hung").failing(200, null, "slow answer 3600000 ms")
                    .incomplete().add(), shown(JudgesTest.PROMPT, "The AI service took too long to respond (timed out). Try again."));

            assertThat(verdict.codes()).doesNotContain(CLIENT_HUNG).contains(NO_RETRY);
        }
    }

    @Nested
    class UserWait {
        static Exchanges hungThenAnswered(long gapMillis) {
            return journal().first().phase("hung").failing(200, null, "slow answer 3600000 ms").incomplete().add()
                    .after(gapMillis).ok().phase("healthy").add();
        }

        @Test
        void firesWhenTheAnswerCameAfterTheLimit() {
            Verdict verdict = judge(HANGS, hungThenAnswered(301_000), shown("", "Sure, here it is."));

            assertCodes(verdict, USER_KEPT_WAITING);
            assertThat(verdict.findings().get(0).message()).startsWith("the user waited 301.0 s for an answer (attempt 2) where"
                    + " this scenario allows 60.0 s, 301.0 s of it between attempt 1 and attempt 2");
        }

        @Test
        void notWithinTheLimit() {
            assertCodes(judge(HANGS, hungThenAnswered(30_000), shown("", "Sure, here it is.")));
        }

        @Test
        void notWithoutALimit() {
            Scenario noLimit = Chaos.scenario("origin-hangs-once").then(HANGS.phases().get(0)).then(HANGS.phases().get(1))
                    .expect(Chaos.recovers().withMaxAttempts(2)).build();
            assertCodes(judge(noLimit, hungThenAnswered(301_000), shown("", "Sure, here it is.")));
        }
    }

    @Nested
    class SlowAnswerAbandoned {
        @Test
        void firesInsteadOfARetryFindingWhereTheAnswerWasComing() {
            Verdict verdict = judge(SLOW, journal().first().phase("slow").failing(200, null, "slow answer 10000 ms").incomplete()
                    .add().after(8_000).ok().phase("quick").add(), shown("", "Sure, here it is."));

            assertCodes(verdict, SLOW_ANSWER_ABANDONED);
            assertThat(verdict.findings().get(0).message()).startsWith("the client abandoned attempt 1 while its answer was"
                    + " still coming (this scenario's service answers after 10.0 s) and sent attempt 2");
        }

        @Test
        void notForAClientThatWaited() {
            assertCodes(judge(SLOW, journal().first().phase("slow").failing(200, null, "slow answer 10000 ms").took(10_000)
                    .add(), shown("", "Sure, here it is.")));
        }

        @Test
        void notWhereRetryingIsExpected() {
            Verdict verdict = judge(HANGS, journal().first().phase("hung").failing(200, null, "slow answer 3600000 ms")
                    .incomplete().add().after(10_000).ok().phase("healthy").add(), shown("", "Sure, here it is."));

            assertCodes(verdict);
        }
    }
}
