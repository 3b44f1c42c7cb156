package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The JobPulse page (webapp/index.html) in a {@link Browser}, read and driven through the stable ids and data-*
 * attributes app.js documents: the API key dialog, the "Start a job" form, the jobs table's rows and the connection
 * indicator. Every wait ends within {@code timeout}.
 */
final class JobPulsePage {

    private final Browser browser;
    private final URI base;
    private final String key;
    private final Duration timeout;

    /** The page at {@code base} (".../jobpulse/"), opened with API key {@code key}. */
    JobPulsePage(Browser browser, URI base, String key, Duration timeout) {
        this.browser = browser;
        this.base = base;
        this.key = key;
        this.timeout = timeout;
    }

    /**
     * On a failed test: a screenshot {@code <prefix>failed-<method>}, what the page said ({@link #statusTexts}) and
     * what {@code more} adds, on standard error for the CI logs, under {@code who}. Nothing while {@code page} has
     * none yet (the class did not get that far).
     */
    static TestWatcher failureEvidence(String who, String prefix, Supplier<JobPulsePage> page, Callable<String> more) {
        return new TestWatcher() {
            @Override
            public void testFailed(ExtensionContext context, Throwable cause) {
                JobPulsePage shown = page.get();
                if (shown == null) {
                    return;
                }
                try {
                    Path shot = shown.browser.screenshot(
                            prefix + "failed-" + context.getRequiredTestMethod().getName());
                    System.err.println(who + " failure evidence: " + shot.toAbsolutePath() + "\n  "
                            + shown.statusTexts() + more.call());
                } catch (Exception | AssertionError e) {
                    cause.addSuppressed(e);
                }
            }
        };
    }

    WebDriver driver() {
        return browser.driver();
    }

    /** Opens the page; enters the API key when the page asks for it (the first time in this tab). */
    void open(String query) {
        driver().get(base + query);
        browser.waiting(timeout)
                .withMessage(
                        () -> "the page to show its jobs or ask for the key; the tab shows: " + browser.whatIsShown())
                .until(d -> keyDialogOpen()
                        || d.findElement(By.id("jobs-empty")).isDisplayed()
                        || !d.findElements(By.cssSelector("#jobs-body tr[data-job-id]"))
                                .isEmpty());
        if (keyDialogOpen()) {
            WebElement input = driver().findElement(By.id("key-input"));
            input.clear();
            input.sendKeys(key);
            driver().findElement(By.cssSelector("#key-form button[value=save]")).click();
        }
        browser.waiting(timeout)
                .until(d -> !keyDialogOpen()
                        && d.findElements(By.cssSelector("#job-type option")).size() > 0);
    }

    /** Submits a {@code steps} job from the form; answers the id of the row that appears for it. */
    String submitSteps(int count, int intervalMs, Integer failAt) {
        List<String> before = jobIds();
        new Select(driver().findElement(By.id("job-type"))).selectByValue("steps");
        browser.waiting(timeout)
                .until(d -> !d.findElements(By.id("param-count")).isEmpty());
        type("param-count", String.valueOf(count));
        type("param-intervalMs", String.valueOf(intervalMs));
        type("param-failAt", failAt == null ? "" : String.valueOf(failAt));
        driver().findElement(By.id("submit-button")).click();
        browser.waiting(timeout).until(d -> jobIds().stream().anyMatch(id -> !before.contains(id)));
        return jobIds().stream().filter(id -> !before.contains(id)).findFirst().orElseThrow();
    }

    /** The job's row in the jobs table. */
    WebElement row(String id) {
        return driver().findElement(By.cssSelector("#jobs-body tr[data-job-id='" + id + "']"));
    }

    /** The {@code data-state} of the job's row: the state the page shows. */
    String stateOf(String id) {
        return row(id).getAttribute("data-state");
    }

    /** The value of the row's progress bar (steps done), 0 when it has none. */
    long progressOf(String id) {
        String value =
                row(id).findElement(By.cssSelector("[data-field=progress]")).getAttribute("value");
        return value == null || value.isEmpty() ? 0 : Math.round(Double.parseDouble(value));
    }

    /** The connection indicator's {@code data-transport}: websocket, sse, polling, reconnecting, ... */
    String transport() {
        return driver().findElement(By.id("connection")).getAttribute("data-transport");
    }

    /** The connection indicator's {@code data-state}: live, connecting, reconnecting, idle, offline. */
    String connectionState() {
        return driver().findElement(By.id("connection")).getAttribute("data-state");
    }

    /** What the page says about its connection, the last submit and the jobs list, for a failure's report. */
    String statusTexts() {
        return "page: " + browser.whatIsShown() + "\n  " + pageStatusTexts() + browser.consoleLog();
    }

    private String pageStatusTexts() {
        if (driver().findElements(By.id("connection")).isEmpty()) {
            return "(not the JobPulse page)";
        }
        return "connection: " + driver().findElement(By.id("connection")).getText() + " (data-state "
                + connectionState() + ", data-transport " + transport() + ")\n  submit status: "
                + driver().findElement(By.id("submit-status")).getText() + "\n  jobs status: "
                + driver().findElement(By.id("jobs-status")).getText();
    }

    /** Samples the row's bar every 50 ms until the job reaches one of {@code ends}; a screenshot mid-way if named. */
    List<Long> watchProgress(String id, Set<String> ends, String midShot) throws Exception {
        List<Long> seen = new ArrayList<>();
        boolean[] shot = {midShot == null};
        Await.until("job " + id + " to end in the page", timeout, Duration.ofMillis(50), () -> {
            if (ends.contains(stateOf(id))) {
                return true;
            }
            long value = progressOf(id);
            if (seen.isEmpty() || seen.get(seen.size() - 1) != value) {
                seen.add(value);
            }
            if (!shot[0] && value > 2) {
                browser.screenshot(midShot);
                shot[0] = true;
            }
            return false;
        });
        seen.add(progressOf(id));
        return seen;
    }

    /** The bar never went back, showed values between the ends, and ended at {@code total}. */
    static void assertRose(List<Long> seen, long total) {
        assertThat(seen).as("the bar never goes back").isSorted();
        assertThat(seen).as("intermediate values were shown").anyMatch(v -> v > 0 && v < total);
        assertThat(seen.get(seen.size() - 1)).isEqualTo(total);
    }

    private boolean keyDialogOpen() {
        return driver().findElement(By.id("key-dialog")).getAttribute("open") != null;
    }

    private void type(String id, String text) {
        WebElement input = driver().findElement(By.id(id));
        input.clear();
        if (!text.isEmpty()) {
            input.sendKeys(text);
        }
    }

    private List<String> jobIds() {
        return driver().findElements(By.cssSelector("#jobs-body tr[data-job-id]")).stream()
                .map(row -> row.getAttribute("data-job-id"))
                .toList();
    }
}
