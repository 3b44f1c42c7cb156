package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

/**
 * The JobPulse page in a real headless Chromium, against the WAR on the server of the failsafe execution
 * ({@link ServerProcess}: Payara Micro, Tomcat or WildFly, started by the test so that it can be stopped and started
 * again under the open page). Screenshots land in target/browser/&lt;server&gt;/.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrowserIT {

    /** On a failure: a screenshot and what the page said, for the CI logs. */
    @RegisterExtension
    static final TestWatcher EVIDENCE = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (browser == null) {
                return;
            }
            try {
                Path shot = browser.screenshot(
                        "failed-" + context.getRequiredTestMethod().getName());
                System.err.println("BrowserIT failure evidence: " + shot.toAbsolutePath() + "\n  connection: "
                        + driver().findElement(By.id("connection")).getText() + "\n  submit status: "
                        + driver().findElement(By.id("submit-status")).getText() + "\n  jobs status: "
                        + driver().findElement(By.id("jobs-status")).getText());
            } catch (Exception e) {
                cause.addSuppressed(e);
            }
        }
    };

    private static final String KEY = "browser-secret";
    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(60);
    /** How soon the page of the restart test tries WebSocket again from a fallback ({@code ?upgradeInterval=}). */
    private static final Duration UPGRADE_INTERVAL = Duration.ofSeconds(2);

    private static Path workDir;
    private static List<String> settings;
    private static ServerProcess server;
    private static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(
                Browser.installed(), "Debian chromium and chromium-driver are not installed (.ci/run installs them)");
        workDir = Files.createDirectories(Path.of("target", "browser-it", ServerProcess.kind()))
                .toAbsolutePath();
        Path dataDir = Files.createTempDirectory(workDir, "data-");
        settings = List.of(
                "-Djobpulse.data-dir=" + dataDir,
                "-Djobpulse.api-keys=browser:" + KEY,
                "-Djobpulse.token-secret=browser-test-secret-0123456789ab",
                "-Djobpulse.node-id=browser-node",
                "-Djobpulse.shutdown-grace=3s");
        server = ServerProcess.start(workDir, settings);
        browser = Browser.start(1280, 900);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void jobSubmittedFromTheFormRisesToSucceededLiveOverWebSocket() throws Exception {
        open("");
        String id = submitSteps(12, 250, null);
        List<Long> seen = watchProgress(id, Set.of("SUCCEEDED"), "websocket-mid");
        assertRose(seen, 12);
        assertThat(transport()).isEqualTo("websocket");
        browser.screenshot("websocket-end");

        driver().get(server.base() + "#/jobs/" + id);
        browser.waiting(JOB_TIMEOUT)
                .until(d -> d.findElement(By.id("detail-result")).isDisplayed());
        assertThat(driver().findElement(By.id("detail-result-json")).getText())
                .contains("\"steps\"")
                .contains("12");
        browser.waiting(JOB_TIMEOUT)
                .until(d -> d.findElements(By.cssSelector("#event-log li[data-seq]"))
                                .size()
                        == stateOfJob(id).getInt("seq"));
        browser.screenshot("detail-succeeded");
    }

    @Test
    @Order(2)
    void sameOverForcedServerSentEvents() throws Exception {
        open("?transport=sse");
        String id = submitSteps(8, 250, null);
        assertRose(watchProgress(id, Set.of("SUCCEEDED"), null), 8);
        assertThat(transport()).isEqualTo("sse");
    }

    @Test
    @Order(3)
    void sameOverForcedLongPolling() throws Exception {
        open("?transport=polling");
        String id = submitSteps(8, 250, null);
        assertRose(watchProgress(id, Set.of("SUCCEEDED"), null), 8);
        assertThat(transport()).isEqualTo("polling");
    }

    @Test
    @Order(4)
    void failingJobShowsItsErrorAndCancelFromThePageEndsCancelled() throws Exception {
        open("");
        String failing = submitSteps(5, 100, 3);
        watchProgress(failing, Set.of("FAILED"), null);
        driver().get(server.base() + "#/jobs/" + failing);
        browser.waiting(JOB_TIMEOUT)
                .until(d -> d.findElement(By.id("detail-error")).isDisplayed());
        assertThat(driver().findElement(By.id("detail-error-kind")).getText()).isEqualTo("step_failed");
        assertThat(driver().findElement(By.id("detail-error-message")).getText())
                .contains("step 3");
        browser.screenshot("detail-failed");

        open("");
        String running = submitSteps(500, 200, null);
        browser.waiting(JOB_TIMEOUT).until(d -> progressOf(running) >= 2);
        row(running).findElement(By.cssSelector("[data-action=cancel]")).click();
        browser.waiting(JOB_TIMEOUT).until(d -> "CANCELLED".equals(row(running).getAttribute("data-state")));
        assertThat(stateOfJob(running).getString("state")).isEqualTo("CANCELLED");
    }

    @Test
    @Order(5)
    void pageRecoversOnItsOwnWhenTheServerStopsAndStartsAgainMidJob() throws Exception {
        // the page tries WebSocket again 2 s after resting on a fallback, not after jobpulse.js's default minute
        open("?upgradeInterval=" + UPGRADE_INTERVAL.toMillis());
        // steps is retry-safe: the stop re-queues the job and the restarted server runs it again to the end
        String id = submitSteps(50, 200, null);
        browser.waiting(JOB_TIMEOUT).until(d -> progressOf(id) >= 3);
        // Every state the indicator shows is recorded in the page: when the job's FAILED event arrives before the
        // 1001 close (it does on Tomcat), the page has nothing left to watch, shows "reconnecting" only for the
        // first backoff delay (0-500 ms) and then rests idle on the next transport, which sampling can miss.
        ((JavascriptExecutor) driver())
                .executeScript("window.__notReloaded = true; window.__states = [];"
                        + " const c = document.getElementById('connection');"
                        + " new MutationObserver(() => window.__states.push(c.getAttribute('data-state') + '/'"
                        + "   + c.getAttribute('data-transport'))).observe(c, {attributes: true});");
        int port = server.port();

        server.stopGracefully();
        browser.waiting(JOB_TIMEOUT)
                .until(
                        d -> Set.of("reconnecting", "offline").contains(transport())
                                || "reconnecting".equals(connectionState())
                                || Boolean.TRUE.equals(
                                        ((JavascriptExecutor) d)
                                                .executeScript(
                                                        "return window.__states.some(s =>"
                                                                + " s.startsWith('reconnecting/') || s.endsWith('/reconnecting') || s.endsWith('/offline'));")));
        browser.screenshot("server-down");
        server = ServerProcess.start(workDir, settings, port);

        browser.waiting(JOB_TIMEOUT).until(d -> "SUCCEEDED".equals(row(id).getAttribute("data-state")));
        assertThat(((JavascriptExecutor) driver()).executeScript("return window.__notReloaded === true;"))
                .as("the page recovered without a reload")
                .isEqualTo(Boolean.TRUE);
        // resting on SSE, the page tries WebSocket again after the upgradeInterval the URL set
        browser.waiting(JOB_TIMEOUT).until(d -> "websocket".equals(transport()));
        driver().get(server.base() + "#/jobs/" + id);
        browser.waiting(JOB_TIMEOUT)
                .until(d ->
                        "SUCCEEDED".equals(d.findElement(By.id("job-detail")).getAttribute("data-state")));
        assertThat(driver().findElement(By.id("detail-error")).isDisplayed()).isFalse();
        browser.screenshot("after-restart");
    }

    /**
     * A proxy that refuses the WebSocket upgrade looks to a page like a WebSocket that errors and closes with 1006
     * before it opens. Chromium's request blocking does not apply to WebSocket handshakes, so the test puts exactly
     * that WebSocket in the page, before the page's own scripts run.
     */
    @Test
    @Order(6)
    void fallsBackToServerSentEventsByItselfWhenWebSocketCannotConnect() throws Exception {
        ChromeDriver chrome = (ChromeDriver) driver();
        Map<String, Object> script = chrome.executeCdpCommand(
                "Page.addScriptToEvaluateOnNewDocument",
                Map.of(
                        "source",
                        "window.WebSocket = class BlockedWebSocket {"
                                + " constructor(url, protocol) { this.url = url; this.readyState = 0;"
                                + "   setTimeout(() => { this.readyState = 3; if (this.onerror) this.onerror(new Event('error'));"
                                + "     if (this.onclose) this.onclose({code: 1006, reason: '', wasClean: false}); }, 50); }"
                                + " send() { throw new Error('not open'); } close() { } };"));
        try {
            open("");
            String id = submitSteps(8, 250, null);
            assertRose(watchProgress(id, Set.of("SUCCEEDED"), null), 8);
            assertThat(transport())
                    .as("chosen automatically after the WebSocket failed")
                    .isEqualTo("sse");
        } finally {
            chrome.executeCdpCommand(
                    "Page.removeScriptToEvaluateOnNewDocument", Map.of("identifier", script.get("identifier")));
        }
    }

    // ---- page helpers ----

    private static WebDriver driver() {
        return browser.driver();
    }

    /** Opens the page; enters the API key when the page asks for it (the first time in this tab). */
    private static void open(String query) {
        driver().get(server.base() + query);
        browser.waiting(JOB_TIMEOUT)
                .until(d -> keyDialogOpen()
                        || d.findElement(By.id("jobs-empty")).isDisplayed()
                        || !d.findElements(By.cssSelector("#jobs-body tr[data-job-id]"))
                                .isEmpty());
        if (keyDialogOpen()) {
            WebElement input = driver().findElement(By.id("key-input"));
            input.clear();
            input.sendKeys(KEY);
            driver().findElement(By.cssSelector("#key-form button[value=save]")).click();
        }
        browser.waiting(JOB_TIMEOUT)
                .until(d -> !keyDialogOpen()
                        && d.findElements(By.cssSelector("#job-type option")).size() > 0);
    }

    private static boolean keyDialogOpen() {
        return driver().findElement(By.id("key-dialog")).getAttribute("open") != null;
    }

    private static String submitSteps(int count, int intervalMs, Integer failAt) {
        List<String> before = jobIds();
        new Select(driver().findElement(By.id("job-type"))).selectByValue("steps");
        browser.waiting(JOB_TIMEOUT)
                .until(d -> !d.findElements(By.id("param-count")).isEmpty());
        type("param-count", String.valueOf(count));
        type("param-intervalMs", String.valueOf(intervalMs));
        type("param-failAt", failAt == null ? "" : String.valueOf(failAt));
        driver().findElement(By.id("submit-button")).click();
        browser.waiting(JOB_TIMEOUT).until(d -> jobIds().stream().anyMatch(id -> !before.contains(id)));
        return jobIds().stream().filter(id -> !before.contains(id)).findFirst().orElseThrow();
    }

    private static void type(String id, String text) {
        WebElement input = driver().findElement(By.id(id));
        input.clear();
        if (!text.isEmpty()) {
            input.sendKeys(text);
        }
    }

    private static List<String> jobIds() {
        return driver().findElements(By.cssSelector("#jobs-body tr[data-job-id]")).stream()
                .map(row -> row.getAttribute("data-job-id"))
                .toList();
    }

    private static WebElement row(String id) {
        return driver().findElement(By.cssSelector("#jobs-body tr[data-job-id='" + id + "']"));
    }

    private static long progressOf(String id) {
        String value =
                row(id).findElement(By.cssSelector("[data-field=progress]")).getAttribute("value");
        return value == null || value.isEmpty() ? 0 : Math.round(Double.parseDouble(value));
    }

    private static String transport() {
        return driver().findElement(By.id("connection")).getAttribute("data-transport");
    }

    private static String connectionState() {
        return driver().findElement(By.id("connection")).getAttribute("data-state");
    }

    /** Samples the row's bar every 50 ms until the job reaches one of {@code ends}; a screenshot mid-way if named. */
    private static List<Long> watchProgress(String id, Set<String> ends, String midShot) throws Exception {
        List<Long> seen = new ArrayList<>();
        boolean[] shot = {midShot == null};
        Await.until("job " + id + " to end in the page", JOB_TIMEOUT, Duration.ofMillis(50), () -> {
            if (ends.contains(row(id).getAttribute("data-state"))) {
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

    private static void assertRose(List<Long> seen, long total) {
        assertThat(seen).as("the bar never goes back").isSorted();
        assertThat(seen).as("intermediate values were shown").anyMatch(v -> v > 0 && v < total);
        assertThat(seen.get(seen.size() - 1)).isEqualTo(total);
    }

    private static jakarta.json.JsonObject stateOfJob(String id) {
        return new ApiClient(server.base(), KEY).job(id);
    }
}
