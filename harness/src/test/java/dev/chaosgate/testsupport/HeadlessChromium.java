package dev.chaosgate.testsupport;

import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Debian's Chromium driven through the system's chromedriver, headless, with a fresh profile: the browser
 * tests of the console and the report. Skips the test class (with the reason and the package to install)
 * where either is missing; never lets Selenium Manager look for or fetch another browser.
 */
public final class HeadlessChromium implements AutoCloseable {
    private static final File CHROMIUM = new File("/usr/bin/chromium");
    private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");

    private final ChromeDriverService service;
    private final ChromeDriver browser;
    private final Path profile;

    private HeadlessChromium(ChromeDriverService service, ChromeDriver browser, Path profile) {
        this.service = service;
        this.browser = browser;
        this.profile = profile;
    }

    /** Starts it with the flags a closed network needs, plus {@code extraArguments}. */
    public static HeadlessChromium start(String... extraArguments) throws IOException {
        assumeTrue(CHROMIUM.canExecute(), "skipped: no Chromium at " + CHROMIUM + " (apt-get install chromium)");
        assumeTrue(CHROMEDRIVER.canExecute(), "skipped: no chromedriver at " + CHROMEDRIVER + " (apt-get install chromium-driver)");
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.getPath());
        System.setProperty("SE_AVOID_BROWSER_DOWNLOAD", "true");
        Path profile = Files.createTempDirectory("chaosgate-chromium-");
        List<String> arguments = new ArrayList<>(List.of("--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--user-data-dir=" + profile));
        arguments.addAll(List.of(extraArguments));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments(arguments);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER).usingAnyFreePort().build();
        return new HeadlessChromium(service, new ChromeDriver(service, options), profile);
    }

    public ChromeDriver browser() {
        return browser;
    }

    /** The page's viewport itself, whatever room the browser's window takes. */
    public void viewport(int width, int height) {
        browser.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
    }

    /** A screenshot of the viewport, re-encoded without its alpha channel: smaller than Chromium's, for the repository. */
    public byte[] screenshotPng() throws IOException {
        BufferedImage shot = ImageIO.read(new ByteArrayInputStream(browser.getScreenshotAs(OutputType.BYTES)));
        BufferedImage rgb = new BufferedImage(shot.getWidth(), shot.getHeight(), BufferedImage.TYPE_INT_RGB);
        rgb.createGraphics().drawImage(shot, 0, 0, null);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(rgb, "png", out);
        return out.toByteArray();
    }

    @Override
    public void close() {
        try {
            browser.quit();
        } finally {
            service.stop();
            try (var paths = Files.walk(profile)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            } catch (IOException e) {
                // Chromium may still be writing its profile as it exits; a temp dir left behind does no harm.
            }
        }
    }
}
