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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code report.html} of real runs (catalog scenarios through a real gateway to the reference clients) in a
 * real headless Chromium (the system's, as {@code ConsoleBrowserTest} uses): how its counts are coloured, and the
 * screenshot {@code docs/reports.md} shows.
 */
class ReportBrowserTest {
    private static final File CHROMIUM = new File("/usr/bin/chromium");
    private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
    private static final String PROMPT = "Where is my order?";
    private static final Pattern RGB = Pattern.compile("rgba?\\((\\d+), (\\d+), (\\d+).*");

    private static ChromeDriverService service;
    private static ChromeDriver browser;
    private static Path profile;

    @BeforeAll
    static void startBrowser() throws IOException {
        assumeTrue(CHROMIUM.canExecute(), "skipped: no Chromium at " + CHROMIUM + " (apt-get install chromium)");
        assumeTrue(CHROMEDRIVER.canExecute(), "skipped: no chromedriver at " + CHROMEDRIVER + " (apt-get install chromium-driver)");
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.getPath());
        System.setProperty("SE_AVOID_BROWSER_DOWNLOAD", "true");
        profile = Files.createTempDirectory("chaosgate-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--allow-file-access-from-files", "--user-data-dir=" + profile);
        service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        viewport(1280, 800);
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
            try (var paths = Files.walk(profile)) {
                for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            } catch (IOException e) {
                // Chromium may still be writing its profile as it exits; a temp dir left behind does no harm.
            }
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
            viewport(1280, (int) Math.min(Math.max(tall, 800), 1000));
            byte[] png;
            try {
                png = compact(browser.getScreenshotAs(OutputType.BYTES));
            } finally {
                viewport(1280, 800);
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

    private static void viewport(int width, int height) {
        browser.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
    }

    /** The PNG re-encoded without its alpha channel by the JDK's encoder: smaller than Chromium's, for the repository. */
    private static byte[] compact(byte[] png) throws IOException {
        java.awt.image.BufferedImage shot = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png));
        java.awt.image.BufferedImage rgb = new java.awt.image.BufferedImage(shot.getWidth(), shot.getHeight(),
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        rgb.createGraphics().drawImage(shot, 0, 0, null);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(rgb, "png", out);
        return out.toByteArray();
    }
}
