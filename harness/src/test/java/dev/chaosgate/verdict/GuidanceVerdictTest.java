package dev.chaosgate.verdict;

import dev.chaosgate.fixtures.GuidanceCatalog;
import dev.chaosgate.scenario.Chaos;
import dev.chaosgate.scenario.Expectation.Outcome;
import dev.chaosgate.scenario.LinkToxic;
import dev.chaosgate.scenario.Scenario;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.chaosgate.verdict.FindingCode.NO_GUIDANCE;
import static dev.chaosgate.verdict.FindingCode.PROMPT_LOST;
import static dev.chaosgate.verdict.FindingCode.RAW_ERROR_SHOWN;
import static dev.chaosgate.verdict.FindingCode.TRUNCATION_UNDETECTED;
import static dev.chaosgate.verdict.FindingCode.WRONG_GUIDANCE;
import static dev.chaosgate.verdict.JudgesTest.ACCESS_DENIED;
import static dev.chaosgate.verdict.JudgesTest.OUTAGE;
import static dev.chaosgate.verdict.JudgesTest.PROMPT;
import static dev.chaosgate.verdict.JudgesTest.QUOTA;
import static dev.chaosgate.verdict.JudgesTest.STREAM_CUT;
import static dev.chaosgate.verdict.JudgesTest.assertCodes;
import static dev.chaosgate.verdict.JudgesTest.badGateways;
import static dev.chaosgate.verdict.JudgesTest.journal;
import static dev.chaosgate.verdict.JudgesTest.judge;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guidance and prompt judges on what the user is left with: the last message, message keys, the thread,
 * languages the catalog lacks, and a link-only black hole. Hand-made journals; the exact code set each time.
 */
class GuidanceVerdictTest {
    static final Scenario BLACK_HOLE = Chaos.scenario("black-hole-timeout")
            .then(Chaos.phase("black-hole").build().withToxic(LinkToxic.blackHole()))
            .expect(Chaos.recovers().withGuidance("connection_failure").withOutcome(Outcome.GIVES_UP).withMaxAttempts(2))
            .build();

    private static Exchanges blocked() {
        return journal().first().failing(403, "access_denied").phase("blocked").add();
    }

    private static Exchanges noCredit() {
        return journal().first().failing(429, "quota_exhausted").phase("no-credit").add();
    }

    private static ClientReport keyed(String key, String text) {
        return ClientReport.builder(PROMPT).shown("Sending…").shown(key, text).draft(PROMPT).build();
    }

    @Nested
    @DisplayName("what the user is left with")
    class LastMessage {

        @Test
        void anIntermediateRetryingFollowedByAnEmptyApologyIsNoGuidance() {
            Verdict verdict = judge(OUTAGE, badGateways("down", 150, 300, 600),
                    JudgesTest.shown(PROMPT, "Can't reach the AI service. Retrying…", "Sorry, something broke."));
            assertCodes(verdict, NO_GUIDANCE);
            assertThat(verdict.findings().get(0).evidence()).anySatisfy(e -> assertThat(e).startsWith("judged: the last text"));
        }

        @Test
        void aRetryNoticeLeftOnScreenAfterTheClientStoppedIsNoGuidance() {
            // bad_gateway's must-say words are all there ("service", "retrying"), but the client is no longer retrying
            Verdict verdict = judge(OUTAGE, badGateways("down", 150, 300, 600),
                    JudgesTest.shown(PROMPT, "The AI service did not answer. Retrying in 1 s…",
                            "The AI service did not answer. Retrying in 2 s…"));
            assertCodes(verdict, NO_GUIDANCE);
            assertThat(verdict.findings().get(0).message()).contains("notice that the client is retrying").contains("Retrying in 2");
            assertCodes(judge(OUTAGE, badGateways("down", 150, 300, 600),
                    JudgesTest.shown(PROMPT, "Der KI-Dienst antwortet nicht. Erneuter Versuch…")), NO_GUIDANCE);
        }

        @Test
        void aFinalMessageAfterRetryNoticesOrOneThatSaysRetryingWillNotHelpIsNoNotice() {
            assertCodes(judge(OUTAGE, badGateways("down", 150, 300, 600),
                    JudgesTest.shown(PROMPT, "The AI service did not answer. Retrying in 1 s…",
                            "The AI service is down right now. Your message is kept; please try again shortly.")));
            assertCodes(judge(ACCESS_DENIED, blocked(), JudgesTest.shown(PROMPT,
                    "Access was blocked by a firewall (error 1020). Retrying will not help; switch off your VPN.")));
            // sentences about retrying, not notices that it is under way
            assertCodes(judge(OUTAGE, badGateways("down", 150, 300, 600), JudgesTest.shown(PROMPT,
                    "After retrying three times the AI service still did not answer. Your message is kept; try again shortly.")));
            assertCodes(judge(OUTAGE, badGateways("down", 150, 300, 600), JudgesTest.shown(PROMPT,
                    "The AI service is down and asks us to wait before trying again. Your message is kept; please try again later.")));
        }

        @Test
        void aStreamThatBrokeBeforeAnyTextMayBeCalledInterruptedOrByItsOwnFailure() {
            // Responses API: the error frame came after response.created and response.in_progress, before any text
            assertCodes(judge(STREAM_CUT, journal().first().streamBrokeBeforeText("server_error", "stream error after 3 events")
                    .phase("cut").add(), JudgesTest.shown(PROMPT, "La réponse a été interrompue avant la fin. Appuyez sur « Régénérer ».")));
            assertCodes(judge(STREAM_CUT, journal().first().streamBrokeBeforeText("server_error", "stream error after 3 events")
                    .phase("cut").add(), JudgesTest.shown(PROMPT, "The AI service hit an error. Your message is kept; try again shortly.")));
            // a stall the client's idle timeout ended (judged as a timeout) reads as interrupted too
            assertCodes(judge(STREAM_CUT, journal().first().streamBrokeBeforeText("gateway_timeout", "stream stall after 3 events")
                    .phase("cut").add(), JudgesTest.shown(PROMPT, "The answer was interrupted before it was finished. Press Regenerate.")));
            // neither description: still no guidance
            assertCodes(judge(STREAM_CUT, journal().first().streamBrokeBeforeText("server_error", "stream error after 3 events")
                    .phase("cut").add(), JudgesTest.shown(PROMPT, "Oops.")), NO_GUIDANCE);
        }

        @Test
        void aSpanishInterruptedMarkAfterThePartialAnswerPasses() {
            assertCodes(judge(STREAM_CUT, journal().first().streamCut().phase("cut").took(400).add(), JudgesTest.shown(PROMPT,
                    "Buena pregunta.", "La respuesta se interrumpió antes de terminar. Pulsa «Regenerar» para intentarlo de nuevo.")));
        }

        @Test
        void aWrongIntermediateBannerIsForgivenWhenTheLastMessageIsRight() {
            assertCodes(judge(ACCESS_DENIED, blocked(), JudgesTest.shown(PROMPT, "Please try again in a moment…",
                    "Access was blocked by a firewall (error 1020). Retrying will not help; switch off your VPN.")));
        }

        @Test
        void aRawErrorAlongTheWayIsStillCaught() {
            assertCodes(judge(ACCESS_DENIED, blocked(), JudgesTest.shown(PROMPT, "undefined",
                    "Access was blocked by a firewall (error 1020).")), RAW_ERROR_SHOWN);
        }

        @Test
        void blankTextsAfterTheMessageDoNotHideIt() {
            assertCodes(judge(ACCESS_DENIED, blocked(), JudgesTest.shown(PROMPT, "Access was blocked (error 1020).", "", " ")));
        }

        @Test
        void aPartialAnswerWithAMarkAfterItPassesAndAloneIsTruncationUndetected() {
            Exchanges cut = journal().first().streamCut().phase("cut").took(400).add();
            assertCodes(judge(STREAM_CUT, cut, JudgesTest.shown(PROMPT, "Sure. Slow start doubles",
                    "Antwort unterbrochen – neu generieren?")));
            assertCodes(judge(STREAM_CUT, journal().first().streamCut().phase("cut").took(400).add(),
                    JudgesTest.shown(PROMPT, "Response interrupted.", "Sure. Slow start doubles")), TRUNCATION_UNDETECTED);
        }

        @Test
        void aTimeoutWordingAfterALinkOnlyBlackHolePassesAndNothingUsefulDoesNot() {
            assertCodes(judge(BLACK_HOLE, journal(), 2, JudgesTest.shown(PROMPT, "The request timed out.")));
            assertCodes(judge(BLACK_HOLE, journal(), 2, JudgesTest.shown(PROMPT, "Die Anfrage hat zu lange gedauert.")));
            assertCodes(judge(BLACK_HOLE, journal(), 2, JudgesTest.shown(PROMPT, "Oops.")), NO_GUIDANCE);
        }
    }

    @Nested
    @DisplayName("message keys")
    class MessageKeys {

        @Test
        void aKeyOfTheExpectedClassSatisfiesMustSay() {
            assertCodes(judge(QUOTA, noCredit(), keyed("quota_exhausted", "Limite raggiunto.")));
        }

        @Test
        void aKeyOfAnotherClassIsWrongGuidanceNamingBoth() {
            Verdict verdict = judge(QUOTA, noCredit(), keyed("rate_limited", "You have reached your usage limit."));
            assertCodes(verdict, WRONG_GUIDANCE);
            assertThat(verdict.findings().get(0).message()).contains("quota_exhausted").contains("rate_limited");
        }

        @Test
        void rawErrorChecksStillApplyToAKeyedText() {
            assertCodes(judge(QUOTA, noCredit(), keyed("quota_exhausted", "{\"error\":{\"code\":\"insufficient_quota\"}}")),
                    RAW_ERROR_SHOWN);
        }

        @Test
        void aKeyedTextThatPromisesAWaitIsStillWrong() {
            assertCodes(judge(QUOTA, noCredit(), keyed("quota_exhausted", "Quota reached. Retrying in 20 seconds…")),
                    WRONG_GUIDANCE);
        }

        @Test
        void anUnknownKeyIsJudgedOnItsTextAndSaysHowToMapIt() {
            assertCodes(judge(QUOTA, noCredit(), keyed("errors.billing", "You have reached the usage limit.")));
            Verdict verdict = judge(QUOTA, noCredit(), keyed("errors.billing", "Oops."));
            assertCodes(verdict, NO_GUIDANCE);
            assertThat(verdict.findings().get(0).evidence())
                    .anySatisfy(e -> assertThat(e).contains("message key `errors.billing` maps to no failure class"));
        }

        @Test
        void aTeamCatalogMapsItsOwnKeys() {
            GuidanceCatalog team = GuidanceCatalog.builtIn().withOverrides(GuidanceCatalog.parse(
                    "message_keys:\n  errors.billing: quota_exhausted\n  errors.slow: rate_limited\n", "team.yaml"));
            VerdictEngine engine = VerdictEngine.withGuidance(team);
            assertThat(engine.judge(QUOTA, noCredit().list(), 1, keyed("errors.billing", "Oops.")).codes()).isEmpty();
            assertThat(engine.judge(QUOTA, noCredit().list(), 1, keyed("errors.slow", "Oops.")).codes())
                    .containsExactly(WRONG_GUIDANCE);
        }

        @Test
        void theProtocolReadsKeysInBrackets() {
            ClientReport report = ClientReport.parse(PROMPT, """
                    SHOWN: Sending…
                    SHOWN[ quota_exhausted ]: Das Kontingent ist aufgebraucht.
                    SHOWN[]: not a keyed line
                    DRAFT: %s
                    """.formatted(PROMPT));
            assertThat(report.shown()).containsExactly("Sending…", "Das Kontingent ist aufgebraucht.");
            assertThat(report.messageKeys()).containsExactly("", "quota_exhausted");
            assertThat(report.lastMessage()).hasValue(new ClientReport.Message("Das Kontingent ist aufgebraucht.",
                    "quota_exhausted"));
            assertCodes(judge(QUOTA, noCredit(), report));
        }
    }

    @Nested
    @DisplayName("a prompt kept in the thread")
    class Thread {

        @Test
        void aClearedComposerWithTheMessageKeptInTheThreadKeepsThePrompt() {
            ClientReport report = ClientReport.builder(PROMPT).shown("This app has reached its usage limit.")
                    .keptInThread(PROMPT).draft("").build();
            assertCodes(judge(QUOTA, noCredit(), report));
        }

        @Test
        void clearingBothLosesIt() {
            Verdict verdict = judge(QUOTA, noCredit(), ClientReport.builder(PROMPT)
                    .shown("This app has reached its usage limit.").build());
            assertCodes(verdict, PROMPT_LOST);
        }

        @Test
        void aThreadKeepingAnotherMessageDoesNotCount() {
            Verdict verdict = judge(QUOTA, noCredit(), ClientReport.parse(PROMPT,
                    "SHOWN: This app has reached its usage limit.\nTHREAD: hello\nDRAFT:\n"));
            assertCodes(verdict, PROMPT_LOST);
            assertThat(verdict.findings().get(0).evidence()).contains("kept in the thread with Retry: [\"hello\"]");
        }

        @Test
        void theThreadLineIsPartOfTheProtocol() {
            ClientReport report = ClientReport.parse(PROMPT, "SHOWN: x\nTHREAD: " + PROMPT + "\nDRAFT:\n");
            assertThat(report.thread()).containsExactly(PROMPT);
            assertThat(report.draft()).isEmpty();
            assertThat(ClientReport.isReportLine("THREAD: x")).isTrue();
            assertThat(ClientReport.isReportLine("SHOWN[k]: x")).isTrue();
            assertThat(ClientReport.isReportLine("SHOWN[: x")).isFalse();
        }
    }

    @Nested
    @DisplayName("a language the catalog lacks")
    class OtherLanguages {

        @Test
        void isNotFailedAndTheVerdictSaysSoAndHowToAddIt() {
            Verdict verdict = judge(ACCESS_DENIED, blocked(), JudgesTest.shown(PROMPT, "アクセスがブロックされました。VPNをオフにしてください。"));
            assertCodes(verdict);
            assertThat(verdict.notes()).singleElement().asString().contains("Japanese (ja)")
                    .contains("`languages: ja: {negation: [...]}`").contains("SHOWN[access_denied]");
        }

        @Test
        void rawErrorsAreStillCaughtInIt() {
            assertCodes(judge(ACCESS_DENIED, blocked(), JudgesTest.shown(PROMPT,
                    "Accesso negato alla risorsa richiesta: <html><body>1020</body></html>")), RAW_ERROR_SHOWN);
        }

        @Test
        void aSupportedLanguageGetsNoNote() {
            Verdict verdict = judge(ACCESS_DENIED, blocked(), JudgesTest.shown(PROMPT, "Der Zugriff wurde blockiert."));
            assertCodes(verdict);
            assertThat(verdict.notes()).isEmpty();
        }
    }

    @Test
    void theJavaApiKeepsTheThreeArgumentForm() {
        ClientReport report = new ClientReport(PROMPT, List.of("a"), null);
        assertThat(report.messageKeys()).containsExactly("");
        assertThat(report.thread()).isEmpty();
        assertThat(ClientReport.of(PROMPT, List.of("a"), PROMPT).draft()).isEqualTo(PROMPT);
    }
}
