package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The JobPulse page in a real headless Chromium, against the WAR on the server of the failsafe execution
 * ({@link ServerProcess}: Payara Micro, Tomcat or WildFly, started by the test so that it can be stopped and started
 * again under the open page). Screenshots land in target/browser/&lt;server&gt;/. Once per server type: the page
 * and its transports meet the same Tomcat code in 10.1 and 11, whose WebSocket, SSE and polling the protocol ITs
 * check on both.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@OncePerServerType
class BrowserIT {

    /** On a failure: a screenshot and what the page said, for the CI logs. */
    @RegisterExtension
    static final TestWatcher EVIDENCE = JobPulsePage.failureEvidence("BrowserIT", "", () -> BrowserIT.page, () -> "");

    private static final String KEY = "browser-secret";
    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(60);
    /** How soon the page of the restart test tries WebSocket again from a fallback ({@code ?upgradeInterval=}). */
    private static final Duration UPGRADE_INTERVAL = Duration.ofSeconds(2);

    private static Path workDir;
    private static List<String> settings;
    private static ServerProcess server;
    private static Browser browser;
    private static JobPulsePage page;

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
        page = new JobPulsePage(browser, server.base(), KEY, JOB_TIMEOUT);
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
        page.open("");
        String id = page.submitSteps(12, 250, null);
        List<Long> seen = page.watchProgress(id, Set.of("SUCCEEDED"), "websocket-mid");
        JobPulsePage.assertRose(seen, 12);
        assertThat(page.transport()).isEqualTo("websocket");
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
        page.open("?transport=sse");
        String id = page.submitSteps(8, 250, null);
        JobPulsePage.assertRose(page.watchProgress(id, Set.of("SUCCEEDED"), null), 8);
        assertThat(page.transport()).isEqualTo("sse");
    }

    @Test
    @Order(3)
    void sameOverForcedLongPolling() throws Exception {
        page.open("?transport=polling");
        String id = page.submitSteps(8, 250, null);
        JobPulsePage.assertRose(page.watchProgress(id, Set.of("SUCCEEDED"), null), 8);
        assertThat(page.transport()).isEqualTo("polling");
    }

    @Test
    @Order(4)
    void failingJobShowsItsErrorAndCancelFromThePageEndsCancelled() throws Exception {
        page.open("");
        String failing = page.submitSteps(5, 100, 3);
        page.watchProgress(failing, Set.of("FAILED"), null);
        driver().get(server.base() + "#/jobs/" + failing);
        browser.waiting(JOB_TIMEOUT)
                .until(d -> d.findElement(By.id("detail-error")).isDisplayed());
        assertThat(driver().findElement(By.id("detail-error-kind")).getText()).isEqualTo("step_failed");
        assertThat(driver().findElement(By.id("detail-error-message")).getText())
                .contains("step 3");
        browser.screenshot("detail-failed");

        page.open("");
        String running = page.submitSteps(500, 200, null);
        browser.waiting(JOB_TIMEOUT).until(d -> page.progressOf(running) >= 2);
        page.row(running).findElement(By.cssSelector("[data-action=cancel]")).click();
        browser.waiting(JOB_TIMEOUT)
                .until(d -> "CANCELLED".equals(page.row(running).getAttribute("data-state")));
        assertThat(stateOfJob(running).getString("state")).isEqualTo("CANCELLED");
    }

    @Test
    @Order(5)
    void pageRecoversOnItsOwnWhenTheServerStopsAndStartsAgainMidJob() throws Exception {
        // the page tries WebSocket again 2 s after resting on a fallback, not after jobpulse.js's default minute
        page.open("?upgradeInterval=" + UPGRADE_INTERVAL.toMillis());
        // steps is retry-safe: the stop re-queues the job and the restarted server runs it again to the end
        String id = page.submitSteps(50, 200, null);
        browser.waiting(JOB_TIMEOUT).until(d -> page.progressOf(id) >= 3);
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
                        d -> Set.of("reconnecting", "offline").contains(page.transport())
                                || "reconnecting".equals(page.connectionState())
                                || Boolean.TRUE.equals(
                                        ((JavascriptExecutor) d)
                                                .executeScript(
                                                        "return window.__states.some(s =>"
                                                                + " s.startsWith('reconnecting/') || s.endsWith('/reconnecting') || s.endsWith('/offline'));")));
        browser.screenshot("server-down");
        server = ServerProcess.start(workDir, settings, port);

        browser.waiting(JOB_TIMEOUT).until(d -> "SUCCEEDED".equals(page.row(id).getAttribute("data-state")));
        assertThat(((JavascriptExecutor) driver()).executeScript("return window.__notReloaded === true;"))
                .as("the page recovered without a reload")
                .isEqualTo(Boolean.TRUE);
        // resting on SSE, the page tries WebSocket again after the upgradeInterval the URL set
        browser.waiting(JOB_TIMEOUT).until(d -> "websocket".equals(page.transport()));
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
            page.open("");
            String id = page.submitSteps(8, 250, null);
            JobPulsePage.assertRose(page.watchProgress(id, Set.of("SUCCEEDED"), null), 8);
            assertThat(page.transport())
                    .as("chosen automatically after the WebSocket failed")
                    .isEqualTo("sse");
        } finally {
            chrome.executeCdpCommand(
                    "Page.removeScriptToEvaluateOnNewDocument", Map.of("identifier", script.get("identifier")));
        }
    }

    /**
     * A job that runs elsewhere (docs/external-jobs.md) shows like any other, with how long ago its worker was last
     * heard from: submitted and reported over REST as an application and its worker would, watched live in the page.
     */
    @Test
    @Order(7)
    void anExternalJobShowsItsWorkersProgressLiveAndWhenItWasLastHeardFrom() throws Exception {
        ApiClient api = new ApiClient(server.base(), KEY);
        jakarta.json.JsonObject job = api.submit("{\"type\":\"external\",\"name\":\"invoice export\",\"params\":{}}");
        String id = job.getString("id");
        ApiClient worker = new ApiClient(server.base(), job.getString("reportToken"));
        String reports = "api/jobs/" + id + "/reports";

        page.open("");
        WebElement workerText = page.row(id).findElement(By.cssSelector("[data-field=worker]"));
        browser.waiting(JOB_TIMEOUT).until(d -> workerText.getText().equals("waiting for its worker"));

        assertThat(worker.post(reports, "{\"id\":1,\"progress\":{\"done\":1,\"total\":4,\"message\":\"page 1\"}}")
                        .statusCode())
                .isEqualTo(200);
        browser.waiting(JOB_TIMEOUT).until(d -> page.progressOf(id) == 1);
        assertThat(page.stateOf(id)).isEqualTo("RUNNING");
        browser.waiting(JOB_TIMEOUT).until(d -> workerText.getText().matches("worker heard from \\d+ s ago"));
        browser.screenshot("external-running");

        driver().get(server.base() + "#/jobs/" + id);
        browser.waiting(JOB_TIMEOUT)
                .until(d -> d.findElement(By.id("detail-worker")).getText().startsWith("worker heard from"));

        assertThat(worker.post(reports, "{\"id\":2,\"result\":{\"invoices\":4}}")
                        .statusCode())
                .isEqualTo(200);
        browser.waiting(JOB_TIMEOUT)
                .until(d ->
                        "SUCCEEDED".equals(d.findElement(By.id("job-detail")).getAttribute("data-state")));
        assertThat(driver().findElement(By.id("detail-worker")).isDisplayed())
                .as("an ended job has no worker to hear from")
                .isFalse();
        assertThat(driver().findElement(By.id("detail-result-json")).getText()).contains("\"invoices\": 4");
    }

    // ---- page helpers ----

    private static WebDriver driver() {
        return browser.driver();
    }

    private static jakarta.json.JsonObject stateOfJob(String id) {
        return new ApiClient(server.base(), KEY).job(id);
    }
}
