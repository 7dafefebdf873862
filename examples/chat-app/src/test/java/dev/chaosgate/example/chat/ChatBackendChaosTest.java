package dev.chaosgate.example.chat;

import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.junit.ChaosTest;
import dev.chaosgate.junit.PlayScenario;
import dev.chaosgate.junit.ScenarioSource;
import dev.chaosgate.verdict.FindingCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;

import java.util.List;

import static dev.chaosgate.verdict.ChaosAssertions.assertThat;

/**
 * The chat service's backend judged by chaosgate, through its HTTP API as the page uses it: for each scenario the app
 * is started against the scenario's gateway, one prompt is sent, and the verdict covers the SDK's retries (count,
 * backoff, Retry-After), what the user was shown and the prompt box.
 *
 * <p>The scenarios are those one user action exercises in a few seconds: every failure class of the guidance catalog
 * (502 in its three bodies, 500, 521, 503 with x-should-retry false, 504, resets, 429 rate limit, quota and too large,
 * 1020 and region blocks, 401, 404, and streams cut, reset or ended by an error frame). Left out: those that take
 * tens of seconds by design (slow-first-byte, stream-stall, black-hole-timeout, origin-hangs-once, retry-after-huge,
 * brownout-30-percent, gateway-flapping, slow-trickle) and those that need several users at once
 * (overloaded-under-concurrency); rate-limit-window needs several messages, so it has its own test below.
 */
// tag::backend[]
@ChaosTest(pacing = ChaosTest.Pacing.IMMEDIATE)
class ChatBackendChaosTest {
    private static final String PROMPT = "Where is my order 1234?";

    @ParameterizedTest
    @ScenarioSource({"bad-gateway-burst", "access-denied-1020", "stream-cut-mid-answer", "quota-exhausted"})
    void theAppRetriesKeepsThePromptAndShowsTheRightGuidance(String scenario, ChaosGateway gateway) {
        try (RunningChatApp app = RunningChatApp.start(gateway.baseUrl())) {
            ChatApiClient.Screen screen = new ChatApiClient(app.url()).send(PROMPT);

            assertThat(gateway).forPrompt(PROMPT).showed(screen.shown()).withDraft(screen.draft()).passes();
        }
    }
    // end::backend[]

    @ParameterizedTest
    @ScenarioSource({"bad-gateway-single", "bad-gateway-cloudflare-unbranded", "bad-gateway-edge-json",
        "cloudflare-521-origin-down", "server-error-retry", "connection-reset", "gateway-timeout-504",
        "full-outage", "should-retry-false", "rate-limited-tokens", "retry-after-garbage", "request-too-large",
        "unsupported-region", "invalid-api-key", "model-not-found", "stream-error-event", "stream-reset-mid-answer"})
    void theRestOfTheCatalogThatOneMessageExercises(String scenario, ChaosGateway gateway) {
        try (RunningChatApp app = RunningChatApp.start(gateway.baseUrl())) {
            ChatApiClient.Screen screen = new ChatApiClient(app.url()).send(PROMPT);

            assertThat(gateway).forPrompt(PROMPT).showed(screen.shown()).withDraft(screen.draft()).passes();
        }
    }

    /**
     * 3 requests per 5 s window: three questions go through, the fourth meets the 429 and the SDK waits until the
     * window resets ({@code retry-after-ms}) before its retry. The verdict judges the fourth question; the three before
     * are other calls to it.
     */
    @Test
    @PlayScenario("rate-limit-window")
    void aMessageOverTheRateLimitWaitsForTheWindowToReset(ChaosGateway gateway) {
        try (RunningChatApp app = RunningChatApp.start(gateway.baseUrl())) {
            ChatApiClient chat = new ChatApiClient(app.url());
            gateway.restart(); // windows count from the scenario's start: not from before the app started
            for (String earlier : List.of("What are your opening hours?", "Do you ship abroad?", "How do refunds work?")) {
                chat.send(earlier);
            }
            ChatApiClient.Screen screen = chat.send(PROMPT);

            assertThat(gateway).forPrompt(PROMPT).showed(screen.shown()).withDraft(screen.draft()).passes();
            org.assertj.core.api.Assertions.assertThat(gateway.exchanges()).extracting(e -> e.status())
                    .as("the fourth question met the limit, then got its answer").containsExactly(200, 200, 200, 429, 200);
        }
    }

    /** The planted bug {@code chat.bug=raw-error-body}: the banner shows the SDK's exception and the body as they came. */
    @Test
    @PlayScenario("quota-exhausted")
    void aRawErrorInTheBannerIsCaught(ChaosGateway gateway) {
        try (RunningChatApp app = RunningChatApp.start(gateway.baseUrl(), "chat.bug=raw-error-body")) {
            ChatApiClient.Screen screen = new ChatApiClient(app.url()).send(PROMPT);

            assertThat(gateway).forPrompt(PROMPT).showed(screen.shown()).withDraft(screen.draft())
                    .hasFinding(FindingCode.RAW_ERROR_SHOWN);
        }
    }
}
