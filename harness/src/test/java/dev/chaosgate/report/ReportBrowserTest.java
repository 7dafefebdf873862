package dev.chaosgate.report;

import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.scenario.ScenarioCatalog;
import dev.chaosgate.upstream.StreamPacing;
import dev.chaosgate.verdict.ClientReport;
import dev.chaosgate.verdict.Verdict;
import dev.chaosgate.verdict.clients.NoRetryClient;
import dev.chaosgate.verdict.clients.ReferenceClient;
import dev.chaosgate.verdict.clients.WellBehavedReference;
import dev.chaosgate.cli.bundled.WellBehavedClient;
import dev.chaosgate.testsupport.HeadlessChromium;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code report.html} of real runs (catalog scenarios through a real gateway to the reference clients) in a
 * real headless Chromium (the system's, as {@code ConsoleBrowserTest} uses): how its counts are coloured, and the
 * screenshot {@code docs/reports.md} shows.
 */
class ReportBrowserTest {
    private static final String PROMPT = "Where is my order?";
    private static final Pattern RGB = Pattern.compile("rgba?\\((\\d+), (\\d+), (\\d+).*");

    private static HeadlessChromium chromium;
    private static ChromeDriver browser;

    @BeforeAll
    static void startBrowser() throws IOException {
        chromium = HeadlessChromium.start("--allow-file-access-from-files");
        browser = chromium.browser();
        chromium.viewport(1280, 800);
    }

    @AfterAll
    static void stopBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @Test
    void zeroFailedIsNotRedAndOneFailedIs(@TempDir Path tmp) {
        ScenarioCatalog catalog = ScenarioCatalog.builtIn();
        Scenario burst = catalog.get("bad-gateway-burst");

        List<ScenarioOutcome> passing = new ArrayList<>();
        play(new WellBehavedReference(), burst, passing);
        open(write(tmp.resolve("passing"), passing));
        WebElement zero = count("failed");
        assertThat(zero.getText()).isEqualTo("0 failed");
        assertThat(isRed(background(zero))).as("'0 failed' has background " + background(zero) + ": nothing failed, so not red")
                .isFalse();

        List<ScenarioOutcome> failing = new ArrayList<>();
        play(new NoRetryClient(), burst, failing);
        open(write(tmp.resolve("failing"), failing));
        WebElement one = count("failed");
        assertThat(one.getText()).isEqualTo("1 failed");
        assertThat(isRed(background(one))).as("'1 failed' has background " + background(one)).isTrue();
    }

    @Test
    void aRunOfAPassAFailAndASkipIsScreenshotForTheDocs(@TempDir Path tmp) throws IOException {
        ScenarioCatalog catalog = ScenarioCatalog.builtIn();
        List<ScenarioOutcome> outcomes = new ArrayList<>();
        play(new WellBehavedReference(), catalog.get("bad-gateway-burst"), outcomes);
        play(new NoRetryClient(), catalog.get("bad-gateway-burst"), outcomes);
        outcomes.add(ScenarioOutcome.skipped(catalog.get("black-hole-timeout"), "skipped: takes 24 s; run it with --all"));
        open(write(tmp, outcomes));

        assertThat(browser.findElement(By.cssSelector("header h1")).getText()).contains("chaosgate report");
        assertThat(count("failed").getText()).isEqualTo("1 failed");
        Long overflow = (Long) ((JavascriptExecutor) browser).executeScript(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
        assertThat(overflow).as("the report does not scroll sideways at 1280 px").isLessThanOrEqualTo(0L);

        Path images = Path.of("..", "docs", "images");
        if (Files.isDirectory(images.getParent())) {
            Files.createDirectories(images);
            long tall = (Long) ((JavascriptExecutor) browser).executeScript("return document.documentElement.scrollHeight;");
            chromium.viewport(1280, (int) Math.min(Math.max(tall, 800), 1000));
            byte[] png;
            try {
                png = chromium.screenshotPng();
            } finally {
                chromium.viewport(1280, 800);
            }
            assertThat(png.length).as("docs screenshot report.png stays under 200 KB").isLessThan(200 * 1024);
            Files.write(images.resolve("report.png"), png);
        }
    }

    private static void play(ReferenceClient client, Scenario scenario, List<ScenarioOutcome> outcomes) {
        long start = System.nanoTime();
        try (ChaosGateway gateway = ChaosGateway.builder().pacing(StreamPacing.immediate()).scenario(scenario).start()) {
            ClientReport report = client.ask(gateway.baseUrl(), PROMPT, false);
            Verdict verdict = gateway.verdict(report);
            outcomes.add(ScenarioOutcome.judged(scenario, verdict, Duration.ofNanos(System.nanoTime() - start),
                    "client: " + client.name(), List.of()));
        }
    }

    private static Path write(Path dir, List<ScenarioOutcome> outcomes) {
        Instant started = Instant.now();
        RunResult run = new RunResult("java -jar chat-client.jar", null, started, Duration.ofSeconds(3), outcomes);
        return Reports.writeAll(dir, run).html();
    }

    private static void open(Path html) {
        browser.get(html.toUri().toString());
    }

    /** The header's count that ends with {@code word}, like {@code 0 failed}. */
    private static WebElement count(String word) {
        return browser.findElements(By.cssSelector(".counts .count")).stream()
                .filter(e -> e.getText().endsWith(" " + word)).findFirst()
                .orElseThrow(() -> new AssertionError("no count '" + word + "' in " + browser.findElement(By.cssSelector(".counts")).getText()));
    }

    private static String background(WebElement element) {
        return element.getCssValue("background-color");
    }

    /** Red as the fail colour is: red well above green and blue. */
    private static boolean isRed(String colour) {
        Matcher rgb = RGB.matcher(colour);
        assertThat(rgb.matches()).as("a computed colour: " + colour).isTrue();
        int r = Integer.parseInt(rgb.group(1));
        int g = Integer.parseInt(rgb.group(2));
        int b = Integer.parseInt(rgb.group(3));
        return r > g + 60 && r > b + 60;
    }
}
