package dev.selkie.demo;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Debian Chromium for the browser tests, with the driver given explicitly so that Selenium
 * Manager never tries to download anything. Without Chromium the tests fail under CI ({@code CI=true})
 * and are skipped elsewhere.
 */
public final class BrowserSupport {
    static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Paths.get("/usr/bin/chromedriver");

    /** Selenium warns that it has no CDP bindings for this Chromium; the tests do not use CDP. */
    private static final java.util.logging.Logger CDP_LOG = java.util.logging.Logger.getLogger(
            "org.openqa.selenium.devtools");

    static {
        CDP_LOG.setLevel(java.util.logging.Level.SEVERE);
    }

    private BrowserSupport() {
    }

    /** Fails (CI) or skips (elsewhere) when Chromium or its driver is missing. */
    public static void requireChromium() {
        requireChromium(CHROMIUM, CHROMEDRIVER, System.getenv("CI"));
    }

    static void requireChromium(Path chromium, Path driver, String ciVariable) {
        if (Files.isExecutable(chromium) && Files.isExecutable(driver)) {
            return;
        }
        String why = "Browser tests need " + chromium + " and " + driver
                + " (Debian: apt-get install -y chromium chromium-driver; .ci/run installs them)";
        if ("true".equalsIgnoreCase(ciVariable)) {
            fail(why);
        }
        Assumptions.abort(why);
    }

    /** Saves a screenshot to {@code target/screenshots/NAME.png} for people to look at (not asserted). */
    public static void screenshot(org.openqa.selenium.TakesScreenshot browser, String name) throws IOException {
        Path dir = Files.createDirectories(Paths.get("target", "screenshots"));
        byte[] png = browser.getScreenshotAs(org.openqa.selenium.OutputType.BYTES);
        Files.write(dir.resolve(name + ".png"), png);
    }

    /**
     * Saves a screenshot to {@code docs/NAME.png} at the project root (created if missing), where the README
     * shows it, and to {@code target/screenshots/}; without {@code -Dselkie.docs.screenshots=true} only to
     * {@code target/screenshots/} (returning null), so that a test run leaves the committed picture alone.
     */
    public static Path docsScreenshot(org.openqa.selenium.TakesScreenshot browser, String name) throws IOException {
        if (!Boolean.getBoolean("selkie.docs.screenshots")) { // a test run leaves the committed picture alone
            screenshot(browser, name);
            return null;
        }
        Path root = Paths.get("").toAbsolutePath();
        while (root != null && !(Files.exists(root.resolve("mvnw")) && Files.isDirectory(root.resolve("demo")))) {
            root = root.getParent();
        }
        if (root == null) {
            throw new IOException("no project root (a directory with mvnw and demo/) above " + Paths.get("").toAbsolutePath());
        }
        Path png = Files.createDirectories(root.resolve("docs")).resolve(name + ".png");
        Files.write(png, browser.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
        screenshot(browser, name);
        return png;
    }

    /** A new headless browser with a fresh profile in {@code profiles}. */
    public static ChromeDriver start(Path profiles) throws IOException {
        return start(profiles, new String[0]);
    }

    /** The same with more Chromium switches (e.g. a certificate pin for a test's self-signed certificate). */
    public static ChromeDriver start(Path profiles, String... switches) throws IOException {
        requireChromium();
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        Path profile = Files.createTempDirectory(profiles, "chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1200,900", "--user-data-dir=" + profile);
        options.addArguments(switches);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return driver;
    }
}
