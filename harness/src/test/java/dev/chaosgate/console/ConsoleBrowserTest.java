package dev.chaosgate.console;

import dev.chaosgate.testsupport.HeadlessChromium;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console page in a real headless Chromium (the system's {@code chromium} and
 * {@code chromedriver}; Selenium is never allowed to download a driver or browser): buttons pressed
 * on the page reach the app's requests, and the page shows them. A screenshot of each test's end
 * is kept in {@code target/console-screenshots/}.
 */
class ConsoleBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** The laptop screen the console must fit: 1280 x 800. */
    private static final int WIDTH = 1280;
    private static final int HEIGHT = 800;

    private static HeadlessChromium chromium;
    private static WebDriver browser;

    private RunningConsole console;
    private WebDriverWait wait;

    @BeforeAll
    static void startBrowser() throws IOException {
        chromium = HeadlessChromium.start("--window-size=1280,800");
        browser = chromium.browser();
    }

    @AfterAll
    static void stopBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @BeforeEach
    void prepare() {
        wait = new WebDriverWait(browser, WAIT, Duration.ofMillis(50));
        viewport(WIDTH, HEIGHT);
    }

    /** The page's viewport itself, whatever room the browser's window takes. */
    private static void viewport(int width, int height) {
        chromium.viewport(width, height);
    }

    @AfterEach
    void screenshotAndStop(TestInfo test) throws IOException {
        try {
            if (browser != null && console != null) {
                Path dir = Path.of("target", "console-screenshots");
                Files.createDirectories(dir);
                File shot = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE);
                Files.copy(shot.toPath(), dir.resolve(test.getTestMethod().orElseThrow().getName() + ".png"),
                        StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            if (console != null) {
                console.close();
            }
        }
    }

    @Test
    void failButtonSendsTheChosenFaultToTheAppAndTheLogShowsIt() {
        // Sequential requests are never shed by this scenario, so every fault the app meets is the injected one.
        open("overloaded-under-concurrency");

        WebElement count = browser.findElement(By.id("fail-count"));
        count.clear();
        count.sendKeys("2");
        new Select(browser.findElement(By.id("fail-fault"))).selectByValue("bad-gateway");
        browser.findElement(By.id("fail-button")).click();
        wait.until(ExpectedConditions.textToBe(By.id("injected-state"), "2 injected faults queued"));

        assertThat(console.chat("<b>first</b> try")).isEqualTo(502);
        assertThat(console.chat("<b>first</b> try")).isEqualTo(502);
        assertThat(console.chat("<b>first</b> try")).isEqualTo(200);

        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#log tbody tr"), 3));
        List<WebElement> rows = browser.findElements(By.cssSelector("#log tbody tr"));
        // Newest first: the answered request, then the two injected 502s.
        assertThat(cells(rows.get(0))).contains("200", "answered", "scenario");
        for (WebElement row : rows.subList(1, 3)) {
            assertThat(row.getAttribute("class")).contains("fault").contains("source-injected");
            assertThat(cells(row)).contains("502", "injected");
            assertThat(cells(row).get(4)).isEqualTo("502 bad gateway (Cloudflare page)");
        }
        assertThat(cells(rows.get(0)).get(7)).as("data is shown as text, never as markup").isEqualTo("<b>first</b> try");
        assertThat(browser.findElements(By.cssSelector("#log tbody b"))).isEmpty();
        assertThat(browser.findElement(By.id("injected-state")).getText()).isEmpty();

        wait.until(driver -> !driver.findElement(By.id("verdict-badge")).getText().equals("PENDING"));
        assertThat(browser.findElement(By.id("verdict-badge")).getText()).isIn("PASS", "FAIL");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".prompt-verdict .prompt-head"), "3 attempts"));
    }

    @Test
    void pauseAndResumeButtonsTurnTheScenariosFaultsOffAndOn() {
        open("access-denied-1020");
        assertThat(console.chat("am I blocked")).isEqualTo(403);

        browser.findElement(By.id("pause-button")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("paused-state")));
        wait.until(ExpectedConditions.attributeToBe(By.id("pause-button"), "disabled", "true"));
        assertThat(console.session.state().paused()).isTrue();
        assertThat(console.chat("am I blocked")).isEqualTo(200);
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#log tbody tr"), 2));
        assertThat(cells(browser.findElements(By.cssSelector("#log tbody tr")).get(0))).contains("200", "paused");

        browser.findElement(By.id("resume-button")).click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("paused-state")));
        assertThat(console.chat("am I blocked")).isEqualTo(403);
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#log tbody tr"), 3));
        assertThat(browser.findElements(By.cssSelector("#log tbody tr")).get(0).getAttribute("class")).contains("fault");
    }

    @Test
    void whatQaSaysTheAppShowedIsJudgedAndTheScenarioCanBeSwitched() {
        open("access-denied-1020");
        assertThat(console.chat("why am I blocked")).isEqualTo(403);
        wait.until(ExpectedConditions.textToBe(By.id("verdict-badge"), "PASS"));
        assertThat(browser.findElement(By.id("verdict-ui")).getText()).contains("network behaviour only");

        browser.findElement(By.id("report-shown")).sendKeys("Something went wrong, please try again");
        browser.findElement(By.id("report-button")).click();

        wait.until(ExpectedConditions.textToBe(By.id("verdict-badge"), "FAIL"));
        assertThat(browser.findElement(By.cssSelector(".prompt-verdict .findings")).getText()).contains("PROMPT_LOST");
        assertThat(browser.findElement(By.cssSelector(".prompt-verdict .explain")).getAttribute("textContent"))
                .contains("chaosgate verdict for scenario 'access-denied-1020': FAIL");

        new Select(browser.findElement(By.id("scenario-select"))).selectByValue("bad-gateway-burst");
        browser.findElement(By.id("scenario-button")).click();
        wait.until(ExpectedConditions.textToBe(By.id("scenario-name"), "bad-gateway-burst"));
        wait.until(ExpectedConditions.textToBe(By.id("phase"), "burst"));
        wait.until(ExpectedConditions.textToBe(By.id("verdict-badge"), "PENDING"));
        assertThat(browser.findElement(By.cssSelector("#log tbody tr")).getAttribute("class"))
                .as("requests before the switch are greyed out").contains("before-baseline");
        assertThat(browser.findElement(By.id("report-shown")).getAttribute("value"))
                .as("what was reported for the last action goes with it").isEmpty();
        assertThat(console.chat("again")).isEqualTo(502);
    }

    @Test
    void anyFaultAScenarioCanWriteCanBeTypedAndAMistakeIsNamed() {
        open("bad-gateway-single");
        Select faults = new Select(browser.findElement(By.id("fail-fault")));
        faults.selectByValue("bad-gateway");
        assertThat(browser.findElement(By.id("fail-custom-row")).isDisplayed()).as("the field, with a preset chosen").isFalse();

        faults.selectByValue("other");
        WebElement field = browser.findElement(By.id("fail-custom"));
        assertThat(field.isDisplayed()).as("the field, with other fault chosen").isTrue();
        field.sendKeys("{status: 503, retryAftr: 5}");
        browser.findElement(By.id("fail-button")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "retryAftr"));
        assertThat(browser.findElement(By.id("message")).getText()).contains("retryAfter");
        assertThat(console.session.state().injectedRemaining()).as("nothing queued for a mistake").isZero();

        field.clear();
        field.sendKeys("{status: 529, retryAfter: 5}");
        browser.findElement(By.id("fail-button")).click();
        wait.until(ExpectedConditions.textToBe(By.id("injected-state"), "1 injected fault queued"));
        assertThat(browser.findElement(By.id("status")).getText()).startsWith("Queued: {status: 529, retryAfter: 5} on the next");
        assertThat(browser.findElement(By.id("message")).getText()).isEmpty();

        assertThat(console.chat("a typed fault")).isEqualTo(529);
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#log tbody tr"), 1));
        WebElement row = browser.findElements(By.cssSelector("#log tbody tr")).get(0);
        assertThat(row.getAttribute("class")).contains("source-injected");
        assertThat(cells(row)).contains("529", "injected");
    }

    @Test
    void anErrorFromTheApiIsShownOnThePage() {
        open("bad-gateway-single");
        WebElement count = browser.findElement(By.id("fail-count"));
        count.clear();
        count.sendKeys("0");

        browser.findElement(By.id("fail-button")).click();

        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "count must be 1..1000, got 0"));
        assertThat(console.session.state().injectedRemaining()).isZero();
    }

    @Test
    void atTheWidthOf1280NothingIsWiderThanItsPanelAndTheBaseUrlHintKeepsItsWords() {
        open("bad-gateway-single");
        // A long prompt with a long unbreakable token, as pasted logs or URLs are: it reaches the log, the
        // verdict's prompt line, the findings and the bug report.
        String token = "https://example.com/" + "x".repeat(240);
        String prompt = "Summarise this page for me, with every heading and every link it holds " + token
                + " and then " + "keep going ".repeat(30);
        assertThat(console.chat(prompt)).isEqualTo(502);
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".prompt-verdict"), 1));
        browser.findElement(By.id("report-shown")).sendKeys("Something went wrong " + token);
        browser.findElement(By.id("report-draft")).sendKeys(token);
        browser.findElement(By.id("report-button")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".prompt-verdict .findings"), "PROMPT"));
        browser.findElement(By.cssSelector(".prompt-verdict details summary")).click();

        @SuppressWarnings("unchecked")
        List<String> overflows = (List<String>) ((JavascriptExecutor) browser).executeScript(OVERFLOWS);
        assertThat(overflows).as("elements wider than their panel at 1280x800 (a long prompt and evidence on the page)")
                .isEmpty();
        @SuppressWarnings("unchecked")
        List<String> broken = (List<String>) ((JavascriptExecutor) browser).executeScript(WORDS_BROKEN,
                browser.findElement(By.cssSelector(".urls dd span.muted")));
        assertThat(broken).as("words of the hint '(set OPENAI_BASE_URL to this)' that break across lines").isEmpty();
    }

    @Test
    void eachPromptSinceTheResetHasItsOwnVerdictNewestFirstWithMillisecondOffsetsAndTheWaits() throws Exception {
        open("bad-gateway-burst");
        // Two 502s then answers. The official SDK retries 5xx with exponential backoff from 0.5 s, less up to
        // 25 % jitter (openai-java's retry policy), so its waits are at least 0.375 s.
        String first = "What does the order status page say about my parcel that left the warehouse on Monday"
                + " morning and has not moved since, according to the carrier's tracking?";
        console.app.sdk(2).chat().completions().create(dev.chaosgate.upstream.UpstreamClients.chatParams(first));
        String second = "And when will it arrive?";
        assertThat(console.chat(second)).isEqualTo(200);

        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".prompt-verdict"), 2));
        List<WebElement> verdicts = browser.findElements(By.cssSelector(".prompt-verdict"));
        WebElement newest = verdicts.get(0);
        WebElement oldest = verdicts.get(1);
        assertThat(newest.findElement(By.cssSelector(".prompt")).getText()).as("newest first").isEqualTo(second);
        assertThat(newest.findElement(By.cssSelector(".prompt")).getAttribute("title")).isEqualTo(second);
        assertThat(oldest.findElement(By.cssSelector(".prompt")).getAttribute("title"))
                .as("the full prompt on hover").isEqualTo(first);
        assertThat(((JavascriptExecutor) browser).executeScript("const q = arguments[0];"
                        + " return getComputedStyle(q).textOverflow + ' ' + (q.scrollWidth > q.clientWidth);",
                oldest.findElement(By.cssSelector(".prompt"))))
                .as("the long prompt is shortened on the page with an ellipsis").isEqualTo("ellipsis true");
        assertThat(oldest.findElement(By.cssSelector(".prompt-head")).getText()).contains("3 attempts");
        assertThat(newest.findElement(By.cssSelector(".prompt-head")).getText()).contains("1 attempt");

        List<String> lines = oldest.findElements(By.cssSelector(".attempts li")).stream().map(WebElement::getText).toList();
        assertThat(lines).as("the oldest prompt's attempts").hasSize(3);
        assertThat(lines.get(0)).matches("#1 \\+0\\.000 s 502 .*");
        Pattern retry = Pattern.compile("#(\\d) \\+(\\d+\\.\\d{3}) s waited (\\d+\\.\\d{2}) s · (\\d{3}) .*");
        double previousOffset = 0;
        for (String line : lines.subList(1, 3)) {
            Matcher m = retry.matcher(line);
            assertThat(m.matches()).as("an attempt line with its offset in ms and its wait: " + line + "\nall: " + lines).isTrue();
            double offsetSeconds = Double.parseDouble(m.group(2));
            double waited = Double.parseDouble(m.group(3));
            assertThat(waited).as("the SDK's backoff before " + line).isBetween(0.3, 5.0);
            assertThat(offsetSeconds).as("offsets grow by at least the wait: " + lines).isGreaterThanOrEqualTo(previousOffset + waited - 0.006);
            previousOffset = offsetSeconds;
        }
        assertThat(lines.get(2)).contains("200 answered");
        assertThat(newest.findElement(By.cssSelector(".note")).getText()).contains("met no fault");

        // The log shows times to the millisecond.
        assertThat(cells(browser.findElement(By.cssSelector("#log tbody tr"))).get(1)).matches("\\d{2}:\\d{2}:\\d{2}\\.\\d{3}");
        docsScreenshot("console.png");
    }

    @Test
    void twoUsersGetALaneEachInTheLogAndInTheVerdictWithTheirOwnRunningVerdict() throws Exception {
        open("bad-gateway-burst");
        // Two 502s, then answers. Alice retries hers after a wait; bob gives up on his at once (NO_RETRY), then
        // asks something else. Their first prompts are the same text.
        AppUser alice = new AppUser(console.session.baseUrl(), "alice", AppUser.Marking.HEADER);
        AppUser bob = new AppUser(console.session.baseUrl(), "bob", AppUser.Marking.BODY_USER);
        String same = "Where is my order?";
        assertThat(alice.chat(same)).isEqualTo(502);
        assertThat(bob.chat(same)).isEqualTo(502);
        Thread.sleep(800); // alice's client backs off before its retry, as a good client does
        assertThat(alice.chat(same)).isEqualTo(200);
        assertThat(bob.chat("Cancel it then")).isEqualTo(200);

        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#log tr[data-sequence]"), 4));
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#log tbody.lane"), 2));
        List<WebElement> logLanes = browser.findElements(By.cssSelector("#log tbody.lane"));
        assertThat(logLanes.stream().map(l -> l.findElement(By.cssSelector("tr.lane-head th")).getText()).toList())
                .as("one group of requests per user, in the order they came, headed by the user's id")
                .satisfiesExactly(head -> assertThat(head).startsWith("alice · 2 requests"),
                        head -> assertThat(head).startsWith("bob · 2 requests"));
        for (WebElement lane : logLanes) {
            String user = lane.getAttribute("data-user");
            List<WebElement> rows = lane.findElements(By.cssSelector("tr[data-sequence]"));
            assertThat(rows).as("%s's requests", user).hasSize(2)
                    .allSatisfy(row -> assertThat(row.getAttribute("data-user")).isEqualTo(user));
            assertThat(Integer.parseInt(rows.get(0).getAttribute("data-sequence")))
                    .as("%s's requests newest first", user).isGreaterThan(Integer.parseInt(rows.get(1).getAttribute("data-sequence")));
        }
        assertThat(cells(logLanes.get(0).findElements(By.cssSelector("tr[data-sequence]")).get(1)).get(7)).isEqualTo(same);

        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#verdict-lanes .verdict-lane"), 2));
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#verdict-lanes .prompt-verdict"), 3));
        assertThat(browser.findElement(By.id("verdicts")).isDisplayed()).as("the one list gives way to the lanes").isFalse();
        List<WebElement> verdictLanes = browser.findElements(By.cssSelector("#verdict-lanes .verdict-lane"));
        WebElement aliceLane = verdictLanes.get(0);
        WebElement bobLane = verdictLanes.get(1);
        assertThat(aliceLane.findElement(By.tagName("h3")).getText()).startsWith("alice").contains("one prompt");
        assertThat(aliceLane.getAttribute("aria-labelledby")).isEqualTo(aliceLane.findElement(By.tagName("h3")).getAttribute("id"));
        List<WebElement> alicePrompts = aliceLane.findElements(By.cssSelector(".prompt-verdict"));
        assertThat(alicePrompts).hasSize(1);
        assertThat(alicePrompts.get(0).findElement(By.cssSelector(".prompt-head")).getText())
                .as("alice's prompt holds her two attempts only, not bob's identical one").contains("2 attempts");
        assertThat(bobLane.findElement(By.tagName("h3")).getText()).startsWith("bob").contains("FAIL").contains("2 prompts");
        List<WebElement> bobPrompts = bobLane.findElements(By.cssSelector(".prompt-verdict"));
        assertThat(bobPrompts.get(1).findElement(By.cssSelector(".prompt")).getText()).isEqualTo(same);
        assertThat(bobPrompts.get(1).findElement(By.cssSelector(".prompt-head")).getText()).contains("1 attempt");
        assertThat(bobPrompts.get(1).findElement(By.cssSelector(".findings")).getText()).contains("NO_RETRY");
        wait.until(ExpectedConditions.textToBePresentInElement(logLanes.get(1).findElement(By.cssSelector(".lane-verdict")), "FAIL"));
        assertThat(browser.findElement(By.id("verdict-summary")).getText()).startsWith("2 users, 3 prompts");

        Select reportUser = new Select(browser.findElement(By.id("report-user")));
        assertThat(browser.findElement(By.id("report-user")).isDisplayed()).isTrue();
        assertThat(reportUser.getOptions().stream().map(WebElement::getText).toList()).endsWith("alice", "bob");
        @SuppressWarnings("unchecked")
        List<String> overflows = (List<String>) ((JavascriptExecutor) browser).executeScript(OVERFLOWS);
        assertThat(overflows).as("elements wider than their panel at 1280x800 with two lanes").isEmpty();
        docsScreenshot("console-users.png");
    }

    @Test
    void oneUserWhoseRequestsNameThemKeepsThePageAsItIsWithoutLanes() {
        open("bad-gateway-single");
        AppUser alice = new AppUser(console.session.baseUrl(), "alice", AppUser.Marking.HEADER);
        assertThat(alice.chat("Where is my order?")).isEqualTo(502);
        assertThat(alice.chat("Cancel it then")).isEqualTo(200);

        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#log tbody tr"), 2));
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#verdicts .prompt-verdict"), 2));
        assertThat(browser.findElements(By.cssSelector("#log tbody"))).as("one list of requests").hasSize(1);
        assertThat(browser.findElements(By.cssSelector("#log .lane-head, #log tbody.lane"))).isEmpty();
        assertThat(browser.findElements(By.cssSelector("#log tbody tr")).stream().map(r -> r.getAttribute("data-user")).toList())
                .as("the rows know their user all the same").containsExactly("alice", "alice");
        assertThat(browser.findElement(By.id("verdict-lanes")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.id("verdicts")).isDisplayed()).isTrue();
        assertThat(browser.findElement(By.id("report-user")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.id("log-count")).getText()).isEqualTo("(2, newest first)");
        assertThat(browser.findElement(By.id("verdict-summary")).getText()).isEqualTo("2 prompts since the last reset, newest first");
    }

    @Test
    void everyButtonSaysWhatItDid() {
        open("bad-gateway-burst");
        WebElement count = browser.findElement(By.id("fail-count"));
        count.clear();
        count.sendKeys("2");
        new Select(browser.findElement(By.id("fail-fault"))).selectByValue("rate-limited");
        click("fail-button");
        wait.until(ExpectedConditions.textToBe(By.id("status"), "Queued: rate-limited on the next 2 chat or responses requests"));

        click("pause-button");
        wait.until(ExpectedConditions.textToBe(By.id("status"), "Faults paused — every request is answered normally until Resume faults"));
        click("resume-button");
        wait.until(ExpectedConditions.textToBe(By.id("status"), "Faults resumed — phase burst in force"));
        click("reset-button");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "Reset — "));
        assertThat(browser.findElement(By.id("status")).getText()).contains("bad-gateway-burst starts over from phase burst");

        new Select(browser.findElement(By.id("scenario-select"))).selectByValue("access-denied-1020");
        click("scenario-button");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "Switched to access-denied-1020 — "));

        assertThat(console.chat("am I blocked")).isEqualTo(403);
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".prompt-verdict"), 1));
        browser.findElement(By.id("report-shown")).sendKeys("Access is blocked from your network");
        click("report-button");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "Judged with what the app showed: "));
        assertThat(browser.findElement(By.id("status")).getText()).endsWith("for \"am I blocked\"");
    }

    @Test
    void aQueuedStreamCutSaysItWaitsForAStreamedRequestAndThatThisAppsAreNotStreamed() throws Exception {
        // Sequential requests are never shed by this scenario: every answer is normal unless injected.
        open("overloaded-under-concurrency");
        new Select(browser.findElement(By.id("fail-fault"))).selectByValue("stream-cut");
        click("fail-button");
        wait.until(ExpectedConditions.textToBe(By.id("status"), "Queued: stream-cut on the next streamed answer"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("queue"),
                "1 × stream-cut waits for the next streamed chat or responses request"));
        assertThat(browser.findElement(By.id("queue")).getText()).doesNotContain("waiting:");

        // This app does not stream: its request is answered normally and the cut stays queued.
        assertThat(console.chat("hello")).isEqualTo(200);
        assertThat(console.chat("hello again")).isEqualTo(200);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("queue"),
                "waiting: this app's requests so far are not streamed (2 since it was queued"));
        assertThat(console.session.state().injectedRemaining()).isEqualTo(1);

        // A streamed request meets it; the queue and its explanation go.
        console.app.chatStreamed("now streamed");
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("queue")));
        assertThat(console.session.state().injectedRemaining()).isZero();
    }

    @Test
    void faultsAreNamedInPlainWordsWithTheFixtureIdOnHover() {
        open("bad-gateway-single");
        new Select(browser.findElement(By.id("fail-fault"))).selectByValue("rate-limited");
        click("fail-button");
        wait.until(ExpectedConditions.textToBe(By.id("injected-state"), "1 injected fault queued"));
        assertThat(console.chat("busy?")).isEqualTo(429);

        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#log tbody tr"), 1));
        WebElement answer = browser.findElement(By.cssSelector("#log tbody tr td.answer"));
        assertThat(answer.getText()).isEqualTo("429 rate limit (requests)");
        assertThat(answer.getAttribute("title")).contains("429 openai/429-rate-limit-requests (injected)", "rate_limited");
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".prompt-verdict .attempts li"), 1));
        String attempt = browser.findElement(By.cssSelector(".prompt-verdict .attempts li")).getText();
        assertThat(attempt).contains("429 rate limit (requests)").doesNotContain("openai/");
        assertThat(browser.findElement(By.id("verdict-panel")).getText()).as("no fixture id on the verdict")
                .doesNotContain("openai/429", "cloudflare/");
    }

    @Test
    void theFaviconIsServed() {
        open("bad-gateway-single");
        Object status = ((JavascriptExecutor) browser).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "fetch('/favicon.ico').then(r => r.text().then(t => done(r.status + ' ' + r.headers.get('content-type') + ' ' + t.length)),"
                        + " e => done('error ' + e));");
        assertThat(String.valueOf(status)).as("GET /favicon.ico from the page").startsWith("200 image/svg+xml ");
        assertThat(browser.findElement(By.cssSelector("link[rel=icon]")).getAttribute("href"))
                .isEqualTo(console.origin() + "/__chaosgate/favicon.svg");
        assertThat(console.get("/__chaosgate/favicon.svg").statusCode()).isEqualTo(200);
    }

    /** Every element of a panel that sticks out of it, and every panel wider inside than outside. */
    private static final String OVERFLOWS = """
            const problems = [];
            const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className ? '.' + String(el.className).trim().replace(/\\s+/g, '.') : '');
            if (document.documentElement.scrollWidth > document.documentElement.clientWidth) {
              problems.push('the page scrolls sideways: ' + document.documentElement.scrollWidth + ' > ' + document.documentElement.clientWidth);
            }
            for (const panel of document.querySelectorAll('main > section')) {
              if (panel.scrollWidth > panel.clientWidth) {
                problems.push(panel.id + ': scrollWidth ' + panel.scrollWidth + ' > clientWidth ' + panel.clientWidth);
              }
              const box = panel.getBoundingClientRect();
              for (const el of panel.querySelectorAll('*')) {
                const r = el.getBoundingClientRect();
                if (r.width === 0 && r.height === 0) continue;
                if (r.left < box.left - 0.5 || r.right > box.right + 0.5) {
                  problems.push(panel.id + ' > ' + name(el) + ': ' + Math.round(r.left) + '..' + Math.round(r.right)
                    + ' outside ' + Math.round(box.left) + '..' + Math.round(box.right));
                }
              }
            }
            return problems.slice(0, 20);
            """;

    /** The words of an element's text that lie on more than one line. */
    private static final String WORDS_BROKEN = """
            const element = arguments[0];
            const text = element.firstChild;
            const broken = [];
            const words = /\\S+/g;
            let m;
            while ((m = words.exec(text.data))) {
              const range = document.createRange();
              range.setStart(text, m.index);
              range.setEnd(text, m.index + m[0].length);
              const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
              if (lines.size > 1) broken.push(m[0]);
            }
            return broken;
            """;

    private void click(String id) {
        wait.until(ExpectedConditions.elementToBeClickable(By.id(id))).click();
    }

    /** A screenshot for the docs, as the page is now: docs/images/NAME (kept small). */
    private void docsScreenshot(String name) throws IOException {
        Path images = Path.of("..", "docs", "images");
        if (!Files.isDirectory(images.getParent())) {
            return;
        }
        Files.createDirectories(images);
        // The whole page, as tall as it is (at most two screens), at the width of 1280.
        long tall = (Long) ((JavascriptExecutor) browser).executeScript("return document.documentElement.scrollHeight;");
        viewport(WIDTH, (int) Math.min(Math.max(tall, HEIGHT), 1040));
        byte[] png;
        try {
            png = chromium.screenshotPng();
        } finally {
            viewport(WIDTH, HEIGHT);
        }
        assertThat(png.length).as("docs screenshot " + name + " stays under 200 KB").isLessThan(200 * 1024);
        Files.write(images.resolve(name), png);
    }

    /** Starts a console playing {@code scenario} and opens its page once the first state has arrived. */
    private void open(String scenario) {
        console = RunningConsole.start(scenario);
        browser.get(console.origin() + "/");
        wait.until(ExpectedConditions.textToBe(By.id("scenario-name"), scenario));
        wait.until(ExpectedConditions.textToBe(By.id("connection"), "live"));
        assertThat(browser.getCurrentUrl()).as("/ redirects to the page").isEqualTo(console.origin() + "/__chaosgate/");
    }

    private static List<String> cells(WebElement row) {
        return row.findElements(By.tagName("td")).stream().map(WebElement::getText).toList();
    }


}
