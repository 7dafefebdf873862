package dev.chaosgate.example.chat;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;

/** The chat page in a browser, by its stable element ids: what a user types and clicks, and what they see. */
final class ChatPage {
    private final WebDriver browser;

    private ChatPage(WebDriver browser) {
        this.browser = browser;
    }

    static ChatPage open(WebDriver browser, String appUrl) {
        browser.get(appUrl + "/");
        ChatPage page = new ChatPage(browser);
        await().atMost(Duration.ofSeconds(10)).until(() -> page.element("send").isEnabled());
        return page;
    }

    // tag::page-actions[]
    /** Types {@code prompt} into the prompt box and presses Send, as a user would. */
    void send(String prompt) {
        WebElement box = element("prompt");
        box.clear();
        box.sendKeys(prompt);
        element("send").click();
    }

    /**
     * Waits until the answer has ended: complete (the prompt box emptied) or failed (the banner shown). The page works
     * asynchronously, SDK retries and backoff included, so this polls instead of sleeping.
     */
    void awaitAnswerEnded(Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(100))
                .until(() -> element("send").isEnabled() && (bannerShown() || promptBox().isEmpty()));
    }

    // end::page-actions[]

    boolean bannerShown() {
        return element("banner").isDisplayed();
    }

    /** Every text the user sees now: the answer (with its "Answer interrupted" mark) and the banner's message. */
    List<String> shownTexts() {
        List<String> shown = new ArrayList<>();
        String answer = element("answer").getText().strip();
        if (!answer.isEmpty()) {
            shown.add(answer);
        }
        if (bannerShown()) {
            shown.add(element("banner-message").getText().strip());
        }
        return shown;
    }

    /** What the prompt box holds now. */
    String promptBox() {
        return element("prompt").getAttribute("value");
    }

    String retryLabel() {
        return element("retry").getText();
    }

    private WebElement element(String id) {
        return browser.findElement(By.id(id));
    }
}
