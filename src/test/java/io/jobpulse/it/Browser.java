package io.jobpulse.it;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/** Debian's headless Chromium driven through the local chromedriver (never a downloaded browser or driver). */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private final WebDriver driver;
    private final Path profile;

    private Browser(WebDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    static boolean installed() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    static Browser start(int width, int height) throws IOException {
        Path profile = Files.createTempDirectory("jobpulse-chrome-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--window-size=" + width + "," + height,
                "--user-data-dir=" + profile);
        // the page's console (errors, failed requests) for the failure evidence: consoleLog()
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        return new Browser(new ChromeDriver(service, options), profile);
    }

    WebDriver driver() {
        return driver;
    }

    WebDriverWait waiting(Duration timeout) {
        return new WebDriverWait(driver, timeout, Duration.ofMillis(50));
    }

    /**
     * For failure evidence: the URL, title and the start of the text of what the tab shows (the page, or Chromium's
     * own error page when the server could not be reached), whatever state the page is in.
     */
    String whatIsShown() {
        try {
            String text = driver.findElement(By.tagName("body")).getText().replaceAll("\\s+", " ");
            return driver.getCurrentUrl() + " \"" + driver.getTitle() + "\": "
                    + text.substring(0, Math.min(400, text.length()));
        } catch (RuntimeException e) {
            return "(could not read the tab: " + e + ")";
        }
    }

    /** For failure evidence: the browser console's entries since the last call, a line each (empty when none). */
    String consoleLog() {
        try {
            StringBuilder lines = new StringBuilder();
            for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
                lines.append("\n  console ")
                        .append(entry.getLevel())
                        .append(' ')
                        .append(entry.getMessage());
            }
            return lines.toString();
        } catch (RuntimeException e) {
            return "\n  (no console log: " + e + ")";
        }
    }

    /** Saves a screenshot under target/browser/&lt;server&gt;/ (payara, tomcat or wildfly: {@link ServerProcess#kind}). */
    Path screenshot(String name) throws IOException {
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Path target = Files.createDirectories(Path.of("target", "browser", ServerProcess.kind()))
                .resolve(name + ".png");
        Files.copy(shot.toPath(), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    @Override
    public void close() throws IOException {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }
}
