package dev.chaosgate.console;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The console page in a real headless Chromium (the system's {@code chromium} and
 * {@code chromedriver}; Selenium is never allowed to download a driver or browser): buttons pressed
 * on the page reach the app's requests, and the page shows them. A screenshot of each test's end
 * is kept in {@code target/console-screenshots/}.
 */
class ConsoleBrowserTest {
    private static final File CHROMIUM = new File("/usr/bin/chromium");
    private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static ChromeDriverService service;
    private static WebDriver browser;
    private static Path profile;

    private RunningConsole console;
    private WebDriverWait wait;

    @BeforeAll
    static void startBrowser() throws IOException {
        assumeTrue(CHROMIUM.canExecute(), "skipped: no Chromium at " + CHROMIUM + " (apt-get install chromium)");
        assumeTrue(CHROMEDRIVER.canExecute(), "skipped: no chromedriver at " + CHROMEDRIVER + " (apt-get install chromium-driver)");
        // The system's driver and browser only: Selenium Manager must not look for (or fetch) others.
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.getPath());
        System.setProperty("SE_AVOID_BROWSER_DOWNLOAD", "true");
        profile = Files.createTempDirectory("chaosgate-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1280,1000", "--user-data-dir=" + profile);
        service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stopBrowser() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (service != null) {
            service.stop();
        }
        if (profile != null) {
            deleteTree(profile);
        }
    }

    @BeforeEach
    void prepare() {
        wait = new WebDriverWait(browser, WAIT, Duration.ofMillis(50));
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
            assertThat(cells(row).get(4)).startsWith("502 cloudflare/502-branded (injected)");
        }
        assertThat(cells(rows.get(0)).get(7)).as("data is shown as text, never as markup").isEqualTo("<b>first</b> try");
        assertThat(browser.findElements(By.cssSelector("#log tbody b"))).isEmpty();
        assertThat(browser.findElement(By.id("injected-state")).getText()).isEmpty();

        wait.until(driver -> !driver.findElement(By.id("verdict-badge")).getText().equals("PENDING"));
        assertThat(browser.findElement(By.id("verdict-badge")).getText()).isIn("PASS", "FAIL");
        assertThat(browser.findElement(By.id("verdict-attempts")).getText()).isEqualTo("3 attempts judged.");
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
        assertThat(browser.findElement(By.id("verdict-findings")).getText()).contains("PROMPT_LOST");
        assertThat(browser.findElement(By.id("verdict-explain")).getAttribute("textContent"))
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
    void anErrorFromTheApiIsShownOnThePage() {
        open("bad-gateway-single");
        WebElement count = browser.findElement(By.id("fail-count"));
        count.clear();
        count.sendKeys("0");

        browser.findElement(By.id("fail-button")).click();

        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "count must be 1..1000, got 0"));
        assertThat(console.session.state().injectedRemaining()).isZero();
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

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // Chromium may still be writing its profile as it exits; a temp dir left behind does no harm.
        }
    }
}
