package dev.chaosgate.verdict;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientReportTest {

    @Test
    void readsShownLinesInOrderAndTheLastDraftIgnoringOtherLines() {
        String stdout = String.join("\n",
                "starting app v1.2",
                "SHOWN: The model is busy right now. Retrying…",
                "DRAFT: Plan a trip",
                "debug: attempt 2",
                "SHOWN:   Here is a plan.  ",
                "  SHOWN: indented lines are not protocol lines",
                "shown: lower case neither",
                "DRAFT:",
                "");
        ClientReport report = ClientReport.parse("Plan a trip", stdout);
        assertThat(report.prompt()).isEqualTo("Plan a trip");
        assertThat(report.shown()).containsExactly("The model is busy right now. Retrying…", "Here is a plan.");
        assertThat(report.draft()).isEmpty();
        assertThat(report.shownText()).isEqualTo("The model is busy right now. Retrying…\nHere is a plan.");
    }

    @Test
    void theLastDraftWins() {
        ClientReport report = ClientReport.parse("p", "DRAFT:\nDRAFT: first\nSHOWN: x\nDRAFT: second\n");
        assertThat(report.draft()).isEqualTo("second");
        assertThat(report.shown()).containsExactly("x");
    }

    @Test
    void noDraftLineMeansCleared() {
        assertThat(ClientReport.parse("p", "SHOWN: done").draft()).isEmpty();
    }

    @Test
    void backslashNIsANewlineInShownTextsAndDrafts() {
        ClientReport report = ClientReport.parse("p", "SHOWN: line one\\nline two\nDRAFT: keep\\nthis");
        assertThat(report.shown()).containsExactly("line one\nline two");
        assertThat(report.draft()).isEqualTo("keep\nthis");
    }

    @Test
    void crlfLineEndingsAreRead() {
        ClientReport report = ClientReport.parse("p", "noise\r\nSHOWN: one\r\nSHOWN: two\r\nDRAFT: kept\r\n");
        assertThat(report.shown()).containsExactly("one", "two");
        assertThat(report.draft()).isEqualTo("kept");
    }

    @Test
    void emptyStdoutIsNothingShownAndAClearedComposer() {
        ClientReport report = ClientReport.parse("p", "");
        assertThat(report.shown()).isEmpty();
        assertThat(report.draft()).isEmpty();
        assertThat(ClientReport.of("p", List.of(), null).draft()).isEmpty();
    }

    // ---------------------------------------------------------------- protocol 2: PARTIAL

    @Test
    void eachPartialReplacesThePreviousAndTheLastCountsAsTheTextShown() {
        ClientReport report = ClientReport.parse("p", "PARTIAL: Slow\nPARTIAL: Slow start\nPARTIAL: Slow start doubles\n");
        assertThat(report.shown()).containsExactly("Slow start doubles");
        assertThat(report.appearances()).extracting(ClientReport.Appearance::partial).containsExactly(true);
        assertThat(report.lastMessage()).map(ClientReport.Message::text).contains("Slow start doubles");
    }

    @Test
    void aShownLineEqualToThePartialCompletesItWithoutACopy() {
        ClientReport report = ClientReport.parse("p", "PARTIAL: Slow\nPARTIAL: Slow start.\nSHOWN: Slow start.\nDRAFT:\n");
        assertThat(report.shown()).containsExactly("Slow start.");
        assertThat(report.appearances().get(0).partial()).as("completed by the SHOWN line").isFalse();
    }

    @Test
    void aDifferentShownLineAfterAPartialIsASeparateTextAndThePartialStaysPartial() {
        ClientReport report = ClientReport.parse("p",
                "PARTIAL: Slow start doubles\nSHOWN: The answer was interrupted. Regenerate?\nDRAFT: p");
        assertThat(report.shown()).containsExactly("Slow start doubles", "The answer was interrupted. Regenerate?");
        assertThat(report.appearances()).extracting(ClientReport.Appearance::partial).containsExactly(true, false);
        assertThat(report.lastMessage()).map(ClientReport.Message::text).contains("The answer was interrupted. Regenerate?");
    }

    @Test
    void aPartialAfterAShownLineStartsANewText() {
        ClientReport report = ClientReport.parse("p", String.join("\n",
                "SHOWN: Still thinking…", "PARTIAL: a", "PARTIAL: ab", "SHOWN: Interrupted.", "PARTIAL: x", "PARTIAL: xy"));
        assertThat(report.shown()).containsExactly("Still thinking…", "ab", "Interrupted.", "xy");
        assertThat(report.appearances()).extracting(ClientReport.Appearance::partial).containsExactly(false, true, false, true);
    }

    @Test
    void draftAndThreadLinesDoNotEndAPartialText() {
        ClientReport report = ClientReport.parse("p", "PARTIAL: a\nDRAFT: p\nTHREAD: p\nPARTIAL: ab\nnoise\nPARTIAL: abc");
        assertThat(report.shown()).containsExactly("abc");
        assertThat(report.draft()).isEqualTo("p");
        assertThat(report.thread()).containsExactly("p");
    }

    @Test
    void aKeyedShownLineEqualToThePartialGivesItTheKey() {
        ClientReport report = ClientReport.parse("p", "PARTIAL: Try again later.\nSHOWN[rate_limited]: Try again later.");
        assertThat(report.shown()).containsExactly("Try again later.");
        assertThat(report.messageKeys()).containsExactly("rate_limited");
    }

    @Test
    void anEmptyPartialIsShownNothingUntilItGrows() {
        ClientReport empty = ClientReport.parse("p", "SHOWN: Sending…\nPARTIAL:");
        assertThat(empty.shown()).containsExactly("Sending…", "");
        assertThat(empty.lastMessage()).map(ClientReport.Message::text).as("a blank text is skipped").contains("Sending…");
        assertThat(ClientReport.parse("p", "PARTIAL:\nPARTIAL: Hi").shown()).containsExactly("Hi");
    }

    @Test
    void partialLinesUnescapeNewlinesAndAcceptCrlf() {
        ClientReport report = ClientReport.parse("p", "PARTIAL: one\\ntw\r\nPARTIAL: one\\ntwo\r\nSHOWN: one\\ntwo\r\n");
        assertThat(report.shown()).containsExactly("one\ntwo");
        assertThat(report.appearances().get(0).partial()).isFalse();
    }

    @Test
    void partialIsAReportLineAndLowerCaseOrIndentedIsNot() {
        assertThat(ClientReport.isReportLine("PARTIAL: x")).isTrue();
        assertThat(ClientReport.isReportLine("PARTIAL:")).isTrue();
        assertThat(ClientReport.isReportLine("partial: x")).isFalse();
        assertThat(ClientReport.isReportLine(" PARTIAL: x")).isFalse();
    }

    @Test
    void aVersionOneReportCarriesNoTimes() {
        ClientReport report = ClientReport.parse("p", "SHOWN: one\nSHOWN: two");
        assertThat(report.timed()).isFalse();
        assertThat(report.appearances()).containsExactly(ClientReport.Appearance.UNKNOWN, ClientReport.Appearance.UNKNOWN);
        assertThat(report.when(0)).isEmpty();
        assertThat(new ClientReport("p", List.of("x"), "").appearances()).containsExactly(ClientReport.Appearance.UNKNOWN);
    }

    @Test
    void linesReadWithTheirTimesSayWhenEachTextWasOnScreen() {
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        ClientReport report = ClientReport.builder("p").started(start)
                .line("SHOWN: Still thinking…", start.plusMillis(400))
                .line("PARTIAL: Slow", start.plusMillis(1200))
                .line("PARTIAL: Slow start", start.plusMillis(3000))
                .build()
                .withStoppedAfter(Duration.ofSeconds(5));

        assertThat(report.timed()).isTrue();
        assertThat(report.appearances()).containsExactly(
                new ClientReport.Appearance(start.plusMillis(400), start.plusMillis(400), false),
                new ClientReport.Appearance(start.plusMillis(1200), start.plusMillis(3000), true));
        assertThat(report.when(0)).isEqualTo("at 0.4 s");
        assertThat(report.when(1)).isEqualTo("at 1.2 s, grew until 3.0 s, partial");
        assertThat(report.started()).as("withStoppedAfter keeps the times").isEqualTo(start);
        assertThat(report.sinceStart(start.plusMillis(1200))).contains(Duration.ofMillis(1200));
    }

    @Test
    void theBuilderSaysPartialTextsAsTheProtocolDoes() {
        ClientReport built = ClientReport.builder("p").shown("Sending…").partial("Slow").partial("Slow start")
                .shown("Interrupted. Regenerate?").draft("p").build();
        ClientReport parsed = ClientReport.parse("p",
                "SHOWN: Sending…\nPARTIAL: Slow\nPARTIAL: Slow start\nSHOWN: Interrupted. Regenerate?\nDRAFT: p");
        assertThat(built).isEqualTo(parsed);
        assertThat(built.shown()).containsExactly("Sending…", "Slow start", "Interrupted. Regenerate?");
    }

    @Test
    void moreAppearancesThanTextsIsRefusedWithTheFix() {
        assertThatThrownBy(() -> new ClientReport("p", List.of("x"), "", List.of(), List.of(), null, null,
                List.of(ClientReport.Appearance.UNKNOWN, ClientReport.Appearance.UNKNOWN)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("appearances has 2 entries for 1 shown texts");
    }
}
