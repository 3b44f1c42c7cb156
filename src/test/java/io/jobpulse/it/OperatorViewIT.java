package io.jobpulse.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
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
import org.openqa.selenium.support.ui.Select;

/**
 * The operator view of the page (#/operator) in a real headless Chromium, on the deployed WAR of the failsafe
 * execution, whose admin client is {@code ops} ({@code jobpulse.admin-clients}, pom.xml): every client's jobs, the
 * filters by state, type and client narrowing them, the search by id and by name, paging newer and older through more
 * jobs than a page, live progress of running jobs, and the node panel's charts drawn from the node's meters and moving
 * while jobs run. A key without the role (bob's) sees no operator view and gets 403 from the admin API. Each test
 * names its jobs with a tag of its own and searches for it, so the jobs of other ITs on the same server do not count.
 * Screenshots land in target/browser/&lt;server&gt;/operator-*.png (docs/images has copies). Once per server type, like
 * BrowserIT.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@OncePerServerType
class OperatorViewIT extends DeployedWar {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** The operator view's page size (operator.js). */
    private static final int PAGE_SIZE = 20;

    private static Browser browser;
    private static JobPulsePage page;

    @RegisterExtension
    static final TestWatcher EVIDENCE =
            JobPulsePage.failureEvidence("OperatorViewIT", "operator-", () -> OperatorViewIT.page, () -> "");

    private ApiClient bob;
    private ApiClient ops;

    @BeforeAll
    static void startBrowser() throws Exception {
        assumeTrue(
                Browser.installed(), "Debian chromium and chromium-driver are not installed (.ci/run installs them)");
        browser = Browser.start(1280, 1000);
    }

    @AfterAll
    static void closeBrowser() throws Exception {
        if (browser != null) {
            browser.close();
        }
    }

    private void openAs(String key) {
        bob = new ApiClient(base, ApiClient.BOB);
        ops = new ApiClient(base, ApiClient.OPS);
        page = new JobPulsePage(browser, base, key, TIMEOUT);
        driver().get(base.toString());
        ((JavascriptExecutor) driver()).executeScript("sessionStorage.clear();");
        page.open("");
        browser.waiting(TIMEOUT).until(d -> d.findElement(By.tagName("body")).getAttribute("data-admin") != null);
    }

    private void openOperatorView() {
        openAs(ApiClient.OPS);
        WebElement link = driver().findElement(By.id("operator-link"));
        browser.waiting(TIMEOUT).until(d -> link.isDisplayed());
        link.click();
        browser.waiting(TIMEOUT)
                .until(d -> d.findElement(By.id("operator-view")).isDisplayed());
    }

    @Test
    @Order(1)
    void anAdminSeesEveryClientsJobsAndStateTypeAndClientFiltersNarrowThem() throws Exception {
        String tag = tag();
        openAs(ApiClient.OPS);
        JsonObject aliceSteps = ended(alice, steps(alice, tag + " a", 1, 0), "SUCCEEDED");
        JsonObject bobExternal = cancelled(bob, external(bob, tag + " b"));
        JsonObject bobSteps = ended(bob, steps(bob, tag + " c", 1, 0), "SUCCEEDED");
        JsonObject aliceExternal = cancelled(alice, external(alice, tag + " d"));
        openOperatorView();

        filter(tag, "", "", "");
        assertThat(shownIds()).containsExactly(id(aliceExternal), id(bobSteps), id(bobExternal), id(aliceSteps));
        assertThat(shownOwners()).containsExactly("alice", "bob", "bob", "alice");

        filter(tag, "CANCELLED", "", "");
        assertThat(shownIds()).containsExactly(id(aliceExternal), id(bobExternal));
        filter(tag, "CANCELLED", "", "alice");
        assertThat(shownIds()).containsExactly(id(aliceExternal));
        filter(tag, "", "steps", "");
        assertThat(shownIds()).containsExactly(id(bobSteps), id(aliceSteps));
        filter(tag, "SUCCEEDED", "steps", "bob");
        assertThat(shownIds()).containsExactly(id(bobSteps));
        filter(tag, "RUNNING", "", "");
        assertThat(shownIds()).isEmpty();
        assertThat(driver().findElement(By.id("operator-empty")).getText()).isEqualTo("No job matches.");
        filter(tag, "", "", "no/such client");
        assertThat(driver().findElement(By.id("operator-status")).getText())
                .as("the API's 400 for the bad filter, shown")
                .contains("client must be an API client's name");
    }

    @Test
    @Order(2)
    void theSearchFindsAJobByItsIdAndByPartOfItsName() throws Exception {
        String tag = tag();
        openAs(ApiClient.OPS);
        JsonObject quarterly = external(bob, "Quarterly invoices " + tag);
        JsonObject monthly = external(alice, "monthly invoices " + tag);
        openOperatorView();

        filter(id(quarterly), "", "", "");
        assertThat(shownIds()).containsExactly(id(quarterly));
        filter("QUARTERLY INVOICES " + tag, "", "", "");
        assertThat(shownIds()).containsExactly(id(quarterly));
        filter("invoices " + tag, "", "", "");
        assertThat(shownIds()).containsExactly(id(monthly), id(quarterly));
    }

    @Test
    @Order(3)
    void pagingGoesOlderAndNewerThroughMoreJobsThanOnePage() throws Exception {
        String tag = tag();
        openAs(ApiClient.OPS);
        List<String> submitted = new ArrayList<>();
        for (int i = 0; i < PAGE_SIZE + 3; i++) {
            submitted.add(id(external(i % 2 == 0 ? alice : bob, tag + " " + i)));
        }
        Collections.reverse(submitted);
        openOperatorView();

        filter(tag, "", "", "");
        List<String> first = shownIds();
        assertThat(first).isEqualTo(submitted.subList(0, PAGE_SIZE));
        assertThat(driver().findElement(By.id("op-prev")).isEnabled()).isFalse();

        String before = loads();
        driver().findElement(By.id("op-next")).click();
        browser.waiting(TIMEOUT).until(d -> !loads().equals(before));
        awaitPage(2);
        assertThat(shownIds()).isEqualTo(submitted.subList(PAGE_SIZE, PAGE_SIZE + 3));
        assertThat(driver().findElement(By.id("op-next")).isEnabled()).isFalse();

        String again = loads();
        driver().findElement(By.id("op-prev")).click();
        browser.waiting(TIMEOUT).until(d -> !loads().equals(again));
        awaitPage(1);
        assertThat(shownIds()).isEqualTo(first);
    }

    @Test
    @Order(4)
    void runningJobsMoveLiveInTheListAndTheNodePanelChartsTheNodesMeters() throws Exception {
        String tag = tag();
        openOperatorView();
        browser.waiting(TIMEOUT)
                .until(d -> Integer.parseInt(d.findElement(By.cssSelector("#node-charts figure[data-chart=jobs]"))
                                .getAttribute("data-samples"))
                        >= 2);
        WebElement running = driver().findElement(By.cssSelector("#node-charts [data-series-value=jobsRunning]"));
        assertThat(running.getText()).as("the node reports its running jobs").isNotEqualTo("—");
        List<JsonObject> jobs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            jobs.add(steps(i == 1 ? bob : alice, tag + " report " + i, 60, 250));
        }
        filter(tag, "", "", "");
        String watched = id(jobs.get(0));
        WebElement row = row(watched);

        browser.waiting(TIMEOUT).until(d -> progressOf(row) >= 3);
        long seen = progressOf(row);
        browser.waiting(TIMEOUT).until(d -> progressOf(row) > seen);
        assertThat(row.getAttribute("data-state")).isEqualTo("RUNNING");
        browser.waiting(TIMEOUT)
                .withMessage("the node panel to show running jobs")
                .until(d -> !running.getText().equals("—") && Integer.parseInt(running.getText()) > 0);
        browser.waiting(TIMEOUT).until(d -> progressOf(row) >= 20);
        assertThat(driver().findElement(By.cssSelector("#node-charts path[data-series=jobsRunning]"))
                        .getAttribute("d"))
                .startsWith("M");
        assertThat(driver().findElement(By.cssSelector("#node-charts path[data-series=webSocketConnections]"))
                        .getAttribute("d"))
                .startsWith("M");
        assertThat(driver().findElements(By.cssSelector("#nodes-body tr[data-node]")))
                .as("one line per live node")
                .isNotEmpty();
        scrollTo("node-panel");
        browser.screenshot("operator-node");
        scrollTo("operator-title");
        browser.screenshot("operator-jobs");

        ops.post("api/admin/jobs/" + id(jobs.get(2)) + "/cancel", "");
        browser.waiting(TIMEOUT)
                .until(d -> "CANCELLED".equals(row(id(jobs.get(2))).getAttribute("data-state")));
        browser.waiting(Duration.ofSeconds(90)).until(d -> "SUCCEEDED".equals(row.getAttribute("data-state")));
        assertThat(progressOf(row)).isEqualTo(60);
    }

    @Test
    @Order(5)
    void aKeyWithoutTheAdminRoleSeesNoOperatorViewAndTheAdminApiAnswers403() {
        openAs(ApiClient.BOB);
        assertThat(driver().findElement(By.tagName("body")).getAttribute("data-admin"))
                .isEqualTo("false");
        assertThat(driver().findElement(By.id("operator-link")).isDisplayed()).isFalse();
        driver().get(base + "#/operator");
        browser.waiting(TIMEOUT).until(d -> d.findElement(By.id("list-view")).isDisplayed());
        assertThat(driver().findElement(By.id("operator-view")).isDisplayed()).isFalse();

        for (String path : List.of("api/admin/whoami", "api/admin/jobs", "api/admin/jobs?client=alice")) {
            HttpResponse<String> refused = bob.get(path);
            assertThat(refused.statusCode()).as(path).isEqualTo(403);
            assertThat(refused.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        }
        assertThat(new ApiClient(base, null).get("api/admin/jobs").statusCode()).isEqualTo(401);
        assertThat(ops.get("api/admin/jobs?limit=1").statusCode()).isEqualTo(200);
    }

    // ---- the page

    private static WebDriver driver() {
        return browser.driver();
    }

    /** Fills in the filters and applies them; waits until the list shows the answer. */
    private void filter(String q, String state, String type, String client) {
        type("op-q", q);
        new Select(driver().findElement(By.id("op-state"))).selectByValue(state);
        type("op-type", type);
        type("op-client", client);
        String before = loads();
        driver().findElement(By.id("op-apply")).click();
        browser.waiting(TIMEOUT).until(d -> !loads().equals(before));
    }

    /** How many lists the view has answered ({@code data-loads}). */
    private static String loads() {
        return String.valueOf(driver().findElement(By.id("operator-table")).getAttribute("data-loads"));
    }

    private void awaitPage(int number) {
        browser.waiting(TIMEOUT)
                .until(d -> String.valueOf(number)
                        .equals(d.findElement(By.id("operator-table")).getAttribute("data-page")));
    }

    private void type(String id, String text) {
        WebElement input = driver().findElement(By.id(id));
        input.clear();
        if (!text.isEmpty()) {
            input.sendKeys(text);
        }
    }

    private List<String> shownIds() {
        return driver().findElements(By.cssSelector("#operator-body tr[data-job-id]")).stream()
                .map(row -> row.getAttribute("data-job-id"))
                .toList();
    }

    private List<String> shownOwners() {
        return driver().findElements(By.cssSelector("#operator-body tr[data-job-id]")).stream()
                .map(row ->
                        row.findElement(By.cssSelector("[data-field=owner]")).getText())
                .toList();
    }

    private static WebElement row(String id) {
        return driver().findElement(By.cssSelector("#operator-body tr[data-job-id='" + id + "']"));
    }

    private static long progressOf(WebElement row) {
        String value = row.findElement(By.cssSelector("[data-field=progress]")).getAttribute("value");
        return value == null || value.isEmpty() ? 0 : Math.round(Double.parseDouble(value));
    }

    private static void scrollTo(String id) {
        ((JavascriptExecutor) driver())
                .executeScript("document.getElementById(arguments[0]).scrollIntoView({block: 'start'});", id);
    }

    // ---- jobs, over REST as their clients

    private static String tag() {
        return "op" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static JsonObject steps(ApiClient client, String name, int count, int intervalMs) {
        return client.submit("{\"type\":\"steps\",\"name\":\"" + name + "\",\"params\":{\"count\":" + count
                + ",\"intervalMs\":" + intervalMs + "}}");
    }

    private static JsonObject external(ApiClient client, String name) {
        return client.submit("{\"type\":\"external\",\"name\":\"" + name + "\",\"params\":{}}");
    }

    private static JsonObject ended(ApiClient client, JsonObject job, String state) throws InterruptedException {
        return client.awaitJob(id(job), j -> j.getString("state").equals(state), TIMEOUT);
    }

    private static JsonObject cancelled(ApiClient client, JsonObject job) {
        HttpResponse<String> answer = client.post("api/jobs/" + id(job) + "/cancel", "");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        return Json.parse(answer.body());
    }

    private static String id(JsonObject job) {
        return job.getString("id");
    }
}
