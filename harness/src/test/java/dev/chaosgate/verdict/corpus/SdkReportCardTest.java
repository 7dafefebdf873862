package dev.chaosgate.verdict.corpus;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The report card writes what the run said, marks where it differs from the SDK's policy, and says what the app must add. */
class SdkReportCardTest {
    private final Corpus sdk = Corpus.load(Path.of("src/test/sdk"));

    private MatrixCell cell(String client, String scenario) {
        return sdk.cells().stream().filter(c -> c.client().name().equals(client) && c.scenarioId().equals(scenario)).findFirst()
                .orElseThrow();
    }

    private static CellResult judged(MatrixCell cell, String... codes) {
        return new CellResult(cell, codes.length == 0 ? "PASS" : "FAIL", new TreeSet<>(List.of(codes)), "", List.of(), Duration.ofSeconds(1));
    }

    @Test
    void aCardOfAgreeingCellsSaysSoAndNamesWhatTheAppMustAdd() {
        // openai6's policy (expected.tsv): a 502 burst passes; a quota 429 is retried (RNR+TMA).
        SdkReportCard card = new SdkReportCard(sdk, List.of(judged(cell("openai6", "bad-gateway-burst")),
                judged(cell("openai6", "quota-exhausted"), "RETRIED_NON_RETRYABLE", "TOO_MANY_ATTEMPTS")),
                LocalDate.of(2026, 12, 7), "scripts/sdk-report-card");

        String markdown = card.markdown();
        assertThat(markdown).contains("on 2026-12-07").contains("and all 2 agree.")
                .contains("| `openai6` | openai npm 6.49.0 | 1 of 2 | ")
                .contains("stop on errors a retry cannot fix").contains("(`RETRIED_NON_RETRYABLE`: 1)")
                .contains("| bad-gateway-burst |").contains(" PASS |").contains(" RNR+TMA |");
        assertThat(card.html()).contains("<td class=\"pass\"").contains("<td class=\"fail\"").doesNotContain("differs\"");
    }

    @Test
    void eachSdkIsNamedByItsDescriptionUpToItsSettings() {
        assertThat(sdk.clients()).extracting(SdkReportCard::sdk).contains("openai npm 6.49.0", "openai npm 6.49.0 with maxRetries: 0",
                "@langchain/openai 1.5.8 ChatOpenAI (@langchain/core 1.4.0 AsyncCaller, default maxRetries 6)",
                "openai npm 6.49.0 AzureOpenAI (api-version 2024-10-21, deployment gpt-4o-mini)");
    }

    @Test
    void aCellThatDiffersFromThePolicyIsMarkedWithWhatThePolicyGives() {
        SdkReportCard card = new SdkReportCard(sdk, List.of(judged(cell("openai6", "bad-gateway-burst"), "NO_RETRY")),
                LocalDate.of(2026, 12, 7), "scripts/sdk-report-card");

        assertThat(card.markdown()).contains("and 1 of 1 differ").contains(" NR (policy: PASS) |");
        assertThat(card.html()).contains("class=\"fail differs\"");
    }
    @Test
    void aHangIsGivenTheFixItsCauseNeeds() {
        // anthropic-java waits out any Retry-After (CLIENT_HUNG on retry-after-huge); LangChain4j's streaming Anthropic model
        // never completes a stream cut before message_stop; a client without a timeout hangs on a black hole.
        assertThat(SdkReportCard.advice("CLIENT_HUNG", List.of("black-hole-timeout")))
                .isEqualTo("a request timeout of its own (the SDK's default waits minutes)");
        assertThat(SdkReportCard.advice("CLIENT_HUNG", List.of("origin-hangs-once", "retry-after-huge", "retry-after-huge[stream]")))
                .isEqualTo("a request timeout of its own (the SDK's default waits minutes);"
                        + " a cap on how long it waits for a server's Retry-After");
        assertThat(SdkReportCard.advice("CLIENT_HUNG", List.of("stream-cut-mid-answer")))
                .isEqualTo("an end to the action when a stream breaks off before its end event (the SDK never completes it)");
        assertThat(SdkReportCard.advice("NO_RETRY", List.of("stream-cut-mid-answer")))
                .isEqualTo("retry transient failures (5xx, resets, 429 with a wait) itself");
    }
}
