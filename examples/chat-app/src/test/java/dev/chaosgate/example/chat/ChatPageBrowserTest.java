package dev.chaosgate.example.chat;

import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.junit.ChaosTest;
import dev.chaosgate.junit.PlayScenario;
import dev.chaosgate.junit.ScenarioSource;
import dev.chaosgate.verdict.FindingCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static dev.chaosgate.verdict.ChaosAssertions.assertThat;

/**
 * The chat page in a real headless Chromium: type a prompt, press Send, wait for the answer to end, then hand what
 * the page shows (the answer, the banner) and the prompt box to chaosgate's verdict. A screenshot of each scenario's
 * end is kept in {@code target/browser-screenshots/}.
 */
// tag::browser[]
@ChaosTest
class ChatPageBrowserTest {
    private static final String PROMPT = "Where is my order 1234?";
    private static final Path SCREENSHOTS = Path.of("target", "browser-screenshots");
    private static HeadlessChromium chromium;

    @BeforeAll
    static void startBrowser() throws IOException {
        chromium = HeadlessChromium.startOrSkip();
    }

    @AfterAll
    static void stopBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @ParameterizedTest
    @ScenarioSource({"bad-gateway-burst", "access-denied-1020", "stream-cut-mid-answer"})
    void thePageKeepsThePromptAndShowsTheRightGuidance(String scenario, ChaosGateway gateway) {
        try (RunningChatApp app = RunningChatApp.start(gateway.baseUrl())) {
            ChatPage page = ChatPage.open(chromium.browser(), app.url());
            page.send(PROMPT);
            page.awaitAnswerEnded(Duration.ofSeconds(20));
            chromium.screenshot(SCREENSHOTS, scenario);

            assertThat(gateway).forPrompt(PROMPT).showed(page.shownTexts()).withDraft(page.promptBox()).passes();
        }
    }
    // end::browser[]

    /**
     * "429 window": the catalog's rate-limit-window allows 3 requests per 5 s. Three earlier messages (sent through
     * the app's API, quickly, so they surely share the window with the next one) go through; the question typed in
     * the page meets the 429, the SDK waits until the window resets, and the page shows its answer. The verdict
     * judges that question (the three before are other calls to it).
     */
    @Test
    @PlayScenario("rate-limit-window")
    void aQuestionOverTheRateLimitIsAnsweredOnceTheWindowResets(ChaosGateway gateway) {
        try (RunningChatApp app = RunningChatApp.start(gateway.baseUrl())) {
            ChatPage page = ChatPage.open(chromium.browser(), app.url());
            // The limiter's windows are counted from when the scenario starts: start it now, so the app's start-up
            // and the browser's do not eat into the window, and fill it quickly through the app's own API.
            gateway.restart();
            ChatApiClient earlierMessages = new ChatApiClient(app.url());
            for (String earlier : List.of("What are your opening hours?", "Do you ship abroad?", "How do refunds work?")) {
                earlierMessages.send(earlier);
            }
            page.send(PROMPT);
            page.awaitAnswerEnded(Duration.ofSeconds(20));
            chromium.screenshot(SCREENSHOTS, "rate-limit-window");

            assertThat(gateway).forPrompt(PROMPT).showed(page.shownTexts()).withDraft(page.promptBox()).passes();
            org.assertj.core.api.Assertions.assertThat(gateway.exchanges()).extracting(e -> e.status())
                    .as("the fourth question met the limit").containsExactly(200, 200, 200, 429, 200);
        }
    }

    // tag::planted-bug[]
    @Test
    @PlayScenario("access-denied-1020")
    void aPageThatClearsThePromptOnErrorIsCaught(ChaosGateway gateway) {
        try (RunningChatApp app = RunningChatApp.start(gateway.baseUrl(), "chat.bug=clear-prompt-on-error")) {
            ChatPage page = ChatPage.open(chromium.browser(), app.url());
            page.send(PROMPT);
            page.awaitAnswerEnded(Duration.ofSeconds(20));
            chromium.screenshot(SCREENSHOTS, "planted-bug-clear-prompt-on-error");

            assertThat(gateway).forPrompt(PROMPT).showed(page.shownTexts()).withDraft(page.promptBox())
                    .hasFindings(FindingCode.PROMPT_LOST);
        }
    }
    // end::planted-bug[]

    @Test
    @PlayScenario("access-denied-1020")
    void aPageThatShowsTheRawErrorIsCaught(ChaosGateway gateway) {
        try (RunningChatApp app = RunningChatApp.start(gateway.baseUrl(), "chat.bug=raw-error-body")) {
            ChatPage page = ChatPage.open(chromium.browser(), app.url());
            page.send(PROMPT);
            page.awaitAnswerEnded(Duration.ofSeconds(20));
            chromium.screenshot(SCREENSHOTS, "planted-bug-raw-error-body");

            assertThat(gateway).forPrompt(PROMPT).showed(page.shownTexts()).withDraft(page.promptBox())
                    .hasFinding(FindingCode.RAW_ERROR_SHOWN);
        }
    }
}
