package dev.chaosgate.verdict;

import dev.chaosgate.upstream.ActionStep;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static dev.chaosgate.verdict.FindingCode.NO_BACKOFF;
import static dev.chaosgate.verdict.FindingCode.PROMPT_CHANGED;
import static dev.chaosgate.verdict.FindingCode.TOO_MANY_ATTEMPTS;
import static dev.chaosgate.verdict.JudgesTest.ANSWER;
import static dev.chaosgate.verdict.JudgesTest.BURST;
import static dev.chaosgate.verdict.JudgesTest.PROMPT;
import static dev.chaosgate.verdict.JudgesTest.assertCodes;
import static dev.chaosgate.verdict.JudgesTest.journal;
import static dev.chaosgate.verdict.JudgesTest.judge;
import static dev.chaosgate.verdict.JudgesTest.shown;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The grouping rules of {@link ActionGrouping} that the end-to-end cases ({@code ActionsEndToEndTest}) do
 * not reach with a real client, each with a case where it applies and one where it must not, on journals
 * built by hand.
 */
class ActionGroupingTest {

    @Nested
    class Opening {
        @Test
        void aResemblingCallAnsweredInFullBeforeTheTypedPromptIsASideCall() {
            Exchanges exchanges = journal()
                    .first().prompt("Is this message safe to answer? " + PROMPT).add()
                    .after(10).failing(502, "bad_gateway").phase("burst").add()
                    .after(300).ok().phase("recovered").add();
            Verdict verdict = judge(BURST, exchanges, shown("", ANSWER));
            assertCodes(verdict);
            assertThat(verdict.attempts()).extracting(Attempt::prompt).containsExactly(PROMPT, PROMPT);
            assertThat(verdict.otherCalls()).hasSize(1);
        }

        @Test
        void aTemplateAroundThePromptOpensTheActionWhenNothingExactFollows() {
            String template = "Documents: RFC 5681.\nQuestion: " + PROMPT;
            Exchanges exchanges = journal()
                    .first().prompt(template).failing(502, "bad_gateway").phase("burst").add()
                    .after(300).prompt(template).ok().phase("recovered").add();
            Verdict verdict = judge(BURST, exchanges, shown("", ANSWER));
            assertCodes(verdict);
            assertThat(verdict.attempts()).hasSize(2);
        }
    }

    @Nested
    class ResemblingCalls {
        @Test
        void aQuotingCallSentWhileTheAttemptIsStillBeingAnsweredIsAnotherCall() {
            // Attempt 1 fails after 2 s (a 504); the app asked for a title 100 ms in, quoting the prompt.
            Exchanges exchanges = journal()
                    .first().failing(504, "gateway_timeout", "504 nginx/504").took(2000).phase("burst").add()
                    .at(100).prompt("Write a short title for this chat: " + PROMPT).add()
                    .at(2400).ok().phase("recovered").add();
            Verdict verdict = judge(BURST, exchanges, shown("", ANSWER));
            assertThat(verdict.attempts()).as(verdict.explain()).extracting(Attempt::prompt).containsExactly(PROMPT, PROMPT);
            assertThat(verdict.codes()).doesNotContain(PROMPT_CHANGED);
        }

        @Test
        void theSameCallSentAfterTheAttemptFailedIsARewrittenRetry() {
            Exchanges exchanges = journal()
                    .first().failing(504, "gateway_timeout", "504 nginx/504").took(2000).phase("burst").add()
                    .after(300).prompt("Write a short title for this chat: " + PROMPT).ok().phase("recovered").add();
            Verdict verdict = judge(BURST, exchanges, shown("", ANSWER));
            assertThat(verdict.attempts()).hasSize(2);
            assertCodes(verdict, PROMPT_CHANGED);
        }

        @Test
        void nothingIsAnAttemptAfterAnAnswerDeliveredInFull() {
            Exchanges exchanges = journal()
                    .first().failing(502, "bad_gateway").phase("burst").add()
                    .after(300).ok().phase("recovered").add()
                    .after(50).add()
                    .after(50).prompt("Summarise: " + PROMPT).add();
            Verdict verdict = judge(BURST, exchanges, shown("", ANSWER));
            assertCodes(verdict);
            assertThat(verdict.attempts()).hasSize(2);
            assertThat(verdict.otherCalls()).hasSize(2);
        }

        @Test
        void anAnswerNotReceivedInFullLeavesTheActionOpen() {
            Exchanges exchanges = journal()
                    .first().failing(502, "bad_gateway").phase("burst").add()
                    .after(300).ok().notReceived().phase("recovered").add()
                    .after(400).ok().phase("recovered").add();
            Verdict verdict = judge(BURST, exchanges, shown("", ANSWER));
            assertThat(verdict.attempts()).hasSize(3);
        }
    }

    @Nested
    class Steps {
        @Test
        void theBudgetIsPerStep() {
            // Step 1 answered with a tool call; step 2 fails three times and is answered on the fourth try:
            // 5 attempts in all, but 4 of one call, within the budget of 4.
            Exchanges exchanges = journal()
                    .first().step(1, PROMPT, ActionStep.Ending.TOOL_CALL).phase("burst").add()
                    .after(5).step(2, PROMPT, null).failing(502, "bad_gateway").phase("burst").add()
                    .after(200).step(2, PROMPT, null).failing(502, "bad_gateway").phase("burst").add()
                    .after(400).step(2, PROMPT, null).failing(502, "bad_gateway").phase("burst").add()
                    .after(800).step(2, PROMPT, ActionStep.Ending.ANSWER).phase("recovered").add();
            Verdict verdict = judge(BURST, exchanges, shown("", ANSWER));
            assertCodes(verdict);
            assertThat(verdict.attempts()).extracting(Attempt::step).containsExactly(1, 2, 2, 2, 2);
        }

        @Test
        void overTheBudgetOfOneStepIsTooMany() {
            Exchanges exchanges = journal()
                    .first().step(1, PROMPT, ActionStep.Ending.TOOL_CALL).phase("burst").add()
                    .after(5).step(2, PROMPT, null).failing(502, "bad_gateway").phase("burst").add()
                    .after(200).step(2, PROMPT, null).failing(502, "bad_gateway").phase("burst").add()
                    .after(400).step(2, PROMPT, null).failing(502, "bad_gateway").phase("burst").add()
                    .after(800).step(2, PROMPT, null).failing(502, "bad_gateway").phase("burst").add()
                    .after(1600).step(2, PROMPT, ActionStep.Ending.ANSWER).phase("recovered").add();
            assertCodes(judge(BURST, exchanges, shown("", ANSWER)), TOO_MANY_ATTEMPTS);
        }

        @Test
        void theQuickCallAfterAStepThatDidNotFailIsNotABackoff() {
            Exchanges exchanges = journal()
                    .first().step(1, PROMPT, ActionStep.Ending.TOOL_CALL).phase("burst").add()
                    .after(5).step(2, PROMPT, null).failing(502, "bad_gateway").phase("burst").add()
                    .after(300).step(2, PROMPT, ActionStep.Ending.ANSWER).phase("recovered").add();
            assertCodes(judge(BURST, exchanges, shown("", ANSWER)));
        }

        @Test
        void aQuickRetryOfAFailedStepIsNoBackoff() {
            Exchanges exchanges = journal()
                    .first().step(1, PROMPT, ActionStep.Ending.TOOL_CALL).phase("burst").add()
                    .after(5).step(2, PROMPT, null).failing(502, "bad_gateway").phase("burst").add()
                    .after(4).step(2, PROMPT, null).failing(502, "bad_gateway").phase("burst").add()
                    .after(6).step(2, PROMPT, ActionStep.Ending.ANSWER).phase("recovered").add();
            // the tool call's answer to step 2 is a next step, not a wait; the two retries of step 2 came at once
            assertCodes(judge(BURST, exchanges, shown("", ANSWER)), NO_BACKOFF);
        }

        @Test
        void aStepOfAnotherActionIsAnotherCall() {
            Exchanges exchanges = journal()
                    .first().failing(502, "bad_gateway").phase("burst").add()
                    .after(300).step(1, PROMPT, ActionStep.Ending.TOOL_CALL).phase("recovered").add()
                    .after(5).prompt("And in Porto?").step(2, "Plan a trip to Porto", ActionStep.Ending.ANSWER).phase("recovered").add()
                    .after(5).step(2, PROMPT, ActionStep.Ending.ANSWER).phase("recovered").add();
            Verdict verdict = judge(BURST, exchanges, shown("", ANSWER));
            assertThat(verdict.attempts()).extracting(Attempt::step).containsExactly(1, 1, 2);
            assertThat(verdict.otherCalls()).extracting(e -> e.step().openingTurn()).containsExactly("Plan a trip to Porto");
        }
    }
}
