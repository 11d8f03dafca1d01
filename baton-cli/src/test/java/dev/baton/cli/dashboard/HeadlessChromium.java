package dev.baton.cli.dashboard;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium driven through the system's chromedriver (Debian packages {@code chromium} and
 * {@code chromium-driver}). Both binaries are named explicitly, so Selenium Manager never downloads anything.
 * Override the paths with {@code -Dbaton.chromium=...} and {@code -Dbaton.chromedriver=...}.
 */
final class HeadlessChromium implements AutoCloseable {
    static final int WIDTH = 1440;
    static final int HEIGHT = 1000;

    final ChromeDriver driver;
    private final ChromeDriverService service;
    private final Path profile;
    private final Path screenshots;

    private HeadlessChromium(ChromeDriver driver, ChromeDriverService service, Path profile, Path screenshots) {
        this.driver = driver;
        this.service = service;
        this.profile = profile;
        this.screenshots = screenshots;
    }

    static HeadlessChromium start(Path screenshots) {
        File chromium = new File(System.getProperty("baton.chromium", "/usr/bin/chromium"));
        File chromedriver = new File(System.getProperty("baton.chromedriver", "/usr/bin/chromedriver"));
        if (!chromium.canExecute() || !chromedriver.canExecute()) {
            throw new IllegalStateException("the dashboard tests need a headless Chromium and its driver at " + chromium
                    + " and " + chromedriver + ": apt-get install -y chromium chromium-driver");
        }
        try {
            Path profile = Files.createTempDirectory("baton-dashboard-chromium");
            Files.createDirectories(screenshots);
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(chromedriver)
                    .usingAnyFreePort()
                    .withLogOutput(OutputStream.nullOutputStream())
                    .build();
            ChromeOptions options = new ChromeOptions();
            options.setBinary(chromium);
            options.addArguments(
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--hide-scrollbars",
                    "--window-size=" + WIDTH + "," + HEIGHT,
                    "--user-data-dir=" + profile);
            LoggingPreferences logs = new LoggingPreferences();
            logs.enable(LogType.BROWSER, Level.ALL);
            options.setCapability("goog:loggingPrefs", logs);
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
            return new HeadlessChromium(driver, service, profile, screenshots);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void open(String url) {
        driver.get(url);
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    <T> T waitFor(String what, ExpectedCondition<T> condition) {
        // The views re-render parts of the page as live updates arrive: an element found a moment ago may be gone.
        return new WebDriverWait(driver, Duration.ofSeconds(30), Duration.ofMillis(100))
                .withMessage(what)
                .ignoring(StaleElementReferenceException.class)
                .until(condition);
    }

    WebElement waitForElement(String css) {
        return waitFor("element " + css, d -> {
            List<WebElement> found = d.findElements(By.cssSelector(css));
            return found.isEmpty() ? null : found.get(0);
        });
    }

    /** The text of the first element matching {@code css}, read again if a re-render replaced the element meanwhile. */
    String text(String css) {
        return waitFor("text of " + css, d -> d.findElement(By.cssSelector(css)).getText());
    }

    /** An attribute of the first element matching {@code css} ("" when absent). */
    String attr(String css, String name) {
        return waitFor(name + " of " + css, d -> {
            String v = d.findElement(By.cssSelector(css)).getDomAttribute(name);
            return v == null ? "" : v;
        });
    }

    boolean enabled(String css) {
        // As a string: a wait takes Boolean.FALSE for "not yet".
        return Boolean.parseBoolean(waitFor(
                "state of " + css,
                d -> String.valueOf(d.findElement(By.cssSelector(css)).isEnabled())));
    }

    /** One attribute of every element matching {@code css}, read in one go inside the page. */
    @SuppressWarnings("unchecked")
    List<String> attrs(String css, String name) {
        return (List<String>) js(
                "return [...document.querySelectorAll(arguments[0])].map(e => e.getAttribute(arguments[1]))",
                css,
                name);
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** True when one of the canvases under {@code css} has a pixel that is not fully transparent. */
    boolean canvasHasPixels(String css) {
        return Boolean.TRUE.equals(js("""
                const canvases = [...document.querySelectorAll(arguments[0])];
                return canvases.some(c => {
                  if (!c.width || !c.height) return false;
                  const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                  for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return true;
                  return false;
                });""", css));
    }

    /** Saves the whole page (not only the window) as target/screenshots/NAME.png. */
    Path screenshot(String name) {
        Path file = screenshots.resolve(name + ".png");
        Dimension before = driver.manage().window().getSize();
        try {
            Number height =
                    (Number) js("return Math.max(document.documentElement.scrollHeight, document.body.scrollHeight)");
            int full = Math.min(Math.max(height == null ? HEIGHT : height.intValue() + 140, HEIGHT), 4000);
            driver.manage().window().setSize(new Dimension(WIDTH, full));
            js("return new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))");
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            driver.manage().window().setSize(before);
        }
        return file;
    }

    /** The browser console's errors since the last call. */
    List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .toList();
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            deleteQuietly(profile);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temp profile is harmless
        }
    }
}
