package dev.chaosgate.verdict;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

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
}
