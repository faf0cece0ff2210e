package io.lethe.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.javalin.Javalin;
import io.lethe.events.AuditEvent;
import io.lethe.events.AuditType;
import io.lethe.events.RequestStatus;
import io.lethe.events.RetentionPolicy;
import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.LocalStackExtension.KafkaEndpoint;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;

/**
 * The compliance console in a real Chromium against a real API on the shared test broker (the
 * worker's part, status records, is written as the worker writes it; the full pipeline from
 * the console is in the CLI's ConsoleEndToEndTest).
 */
@ExtendWith(LocalStackExtension.class)
class ConsoleTest {

    private static TestApi t;
    private static Browser browser;
    private static String base;
    private static final String TENANT = "acme";

    @BeforeAll
    static void start(KafkaEndpoint kafka) throws Exception {
        t = new TestApi(kafka.bootstrapServers(), Map.of("auth.dev.mode", "true"), (tenant, days) -> days < 365 ? 120 : 10);
        base = "http://localhost:" + t.api.port();
        browser = Browser.start();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        t.close();
    }

    private static void signIn(String role, String user) {
        signIn(TENANT, role, user);
    }

    private static void signIn(String tenant, String role, String user) {
        DevSignIn.as(browser, base, tenant, role, user);
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void shouldSignInWithTheDevFormAndLandOnTheRequestsPageWithCountsAndNoAccessibilityViolations() throws Exception {
        // Given a completed and a failed request in the tenant
        String done = UUID.randomUUID().toString();
        String failed = UUID.randomUUID().toString();
        t.writeStatus(TENANT, done, unique("cust"), RequestStatus.COMPLETED);
        t.writeStatus(TENANT, failed, unique("cust"), RequestStatus.FAILED);

        // When a compliance admin signs in through the dev form
        signIn("compliance_admin", "carla");

        // Then the Requests page lists them with the navigation and counts by status
        assertThat(browser.url()).endsWith("/console/requests");
        await("requests listed").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() -> {
            browser.visit(base + "/console/requests");
            return browser.text().contains(done) && browser.text().contains(failed);
        });
        for (String nav : List.of("Requests", "New deletion", "Bulk deletions", "Retention", "Audit")) {
            assertThat(browser.link(nav).isDisplayed()).as(nav).isTrue();
        }
        assertThat(browser.button("Sign out").isDisplayed()).isTrue();
        assertThat(browser.text()).contains("Completed", "Failed", "Pending approval", "Overdue", "In progress", "Accepted");
        assertThat(browser.axeViolations()).as(Browser.describe(browser.axeViolations())).isEmpty();

        // And the filter by status narrows the table
        new org.openqa.selenium.support.ui.Select(browser.field("Status")).selectByValue("FAILED");
        browser.button("Filter").click();
        browser.waitForText("Clear filters", Duration.ofSeconds(10));
        assertThat(browser.text()).contains(failed).doesNotContain(done);

        // And the detail page of the completed request shows it Verified, with its data types
        browser.link("Clear filters").click();
        browser.waitForText(done, Duration.ofSeconds(10));
        browser.link(done).click();
        browser.waitForText("Deletion request", Duration.ofSeconds(10));
        assertThat(browser.text()).contains("Completed", "Verified", "conversations");
        assertThat(browser.axeViolations()).as(Browser.describe(browser.axeViolations())).isEmpty();
    }

    @Test
    void shouldMarkOverdueRequestsPageOlderOnesAndKeepNoTokenInStorage() throws Exception {
        // Given a tenant of its own with 55 requests, the oldest one open and past its due date
        String tenant = unique("pages");
        java.time.Instant start = java.time.Instant.now().minus(Duration.ofDays(40));
        String oldest = "req-00";
        t.writeStatus(tenant, oldest, "cust-late", RequestStatus.IN_PROGRESS, start, start.plus(Duration.ofDays(30)));
        for (int i = 1; i < 55; i++) {
            t.writeStatus(tenant, String.format("req-%02d", i), "cust-" + i, RequestStatus.COMPLETED, start.plus(Duration.ofHours(i)),
                    start.plus(Duration.ofDays(30)).plus(Duration.ofHours(i)));
        }
        signIn(tenant, "compliance_admin", "carla");

        // Then the first page holds the 50 newest, with one overdue counted and the oldest on the next page, marked Overdue
        await("55 requests listed").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() -> {
            browser.visit(base + "/console/requests");
            return browser.text().contains("req-54") && browser.links("Older requests").size() == 1;
        });
        assertThat(browser.text()).contains("req-05").doesNotContain("req-04");
        assertThat(browser.driver().findElement(org.openqa.selenium.By.cssSelector(".count-overdue .n")).getText()).isEqualTo("1");
        browser.link("Older requests").click();
        browser.waitForText("req-00", Duration.ofSeconds(10));
        assertThat(browser.text()).contains("req-04", "Overdue").doesNotContain("req-05");

        // And no token sits in the page's storage
        Object stored = ((JavascriptExecutor) browser.driver()).executeScript(
                "return window.localStorage.length + window.sessionStorage.length + document.cookie.length;");
        assertThat(((Number) stored).longValue()).isZero();
    }

    @Test
    void shouldRetryAFailedRequestAsTheSignedInUser() throws Exception {
        String failed = UUID.randomUUID().toString();
        t.writeStatus(TENANT, failed, unique("cust"), RequestStatus.FAILED);
        signIn("compliance_admin", "carla");
        await("failed request visible").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() -> {
            browser.visit(base + "/console/requests/" + failed);
            return browser.text().contains("Failed");
        });
        assertThat(browser.text()).contains("DB_TIMEOUT");
        browser.button("Retry").click();
        browser.waitForText("Retry requested", Duration.ofSeconds(15));
        assertThat(t.requestsFor(failed)).singleElement().satisfies(r -> {
            assertThat(r.getRedrive()).isTrue();
            assertThat(r.getActor()).isEqualTo("carla");
        });
    }

    @Test
    void shouldTakeABulkFromAnUploadedCsvAndLetAnotherOfficerRejectItWithAReason() throws Exception {
        // Given a CSV of 60 customer ids with a header
        String run = UUID.randomUUID().toString().substring(0, 8);
        java.nio.file.Path csv = java.nio.file.Files.createTempFile("bulk", ".csv");
        java.nio.file.Files.writeString(csv, "customerId\n" + IntStream.range(0, 60).mapToObj(i -> "csv" + run + "-" + i)
                .collect(Collectors.joining("\n")) + "\n");
        signIn("compliance_admin", "carla");
        browser.visit(base + "/console/bulk");
        assertThat(browser.axeViolations()).as(Browser.describe(browser.axeViolations())).isEmpty();

        // When it is uploaded
        browser.field("CSV file").sendKeys(csv.toString());
        browser.button("Request bulk deletion").click();
        browser.waitForText("waits for a privacy officer other than you", Duration.ofSeconds(15));
        assertThat(browser.text()).contains("0 of 60 completed");
        String bulkId = t.read(t.topics.bulkDeletions()).stream().map(ConsumerRecord::value)
                .filter(b -> b.getCustomerIds().get(0).equals("csv" + run + "-0")).findFirst().orElseThrow().getBulkId();

        // Then a privacy officer must give a reason to reject it, and the rejection publishes nothing
        signIn("privacy_officer", "oscar");
        browser.visit(base + "/console/bulk");
        long before = t.requestCount();
        browser.button("Reject bulk " + bulkId).click();
        browser.waitForText("Choose why you reject this bulk deletion", Duration.ofSeconds(10));
        new org.openqa.selenium.support.ui.Select(browser.field("Reason for rejecting bulk " + bulkId)).selectByValue("WRONG_CUSTOMERS");
        browser.button("Reject bulk " + bulkId).click();
        browser.waitForText("Bulk deletion rejected", Duration.ofSeconds(15));
        assertThat(t.requestCount()).isEqualTo(before);
        assertThat(t.read(t.topics.audit()).stream().map(ConsumerRecord::value)
                .filter(e -> e.getType() == AuditType.REJECTED && bulkId.equals(e.getBulkId())).toList())
                .singleElement().satisfies(e -> {
                    assertThat(e.getActor()).isEqualTo("oscar");
                    assertThat(e.getErrorCode()).isEqualTo("WRONG_CUSTOMERS");
                });
    }

    @Test
    void shouldKeepASessionAcrossAnApiRestart() throws Exception {
        // Given a session signed in on one instance
        DeletionApi first = DeletionApi.start(t.config(), t.preview);
        int port = first.port();
        String cookie;
        try {
            await("first ready").atMost(Duration.ofSeconds(60))
                    .until(() -> TestApi.callOn(port, "GET", "/health/ready", null, null, Map.of()).status() == 200);
            Http h = new Http("http://localhost:" + port);
            h.signIn("auditor", "audrey");
            cookie = h.cookie();
            assertThat(withCookie(port, cookie).statusCode()).isEqualTo(200);
        } finally {
            first.close();
        }
        // When the API restarts, the same cookie still signs the user in
        try (DeletionApi again = DeletionApi.start(t.config(), t.preview)) {
            await("restarted ready").atMost(Duration.ofSeconds(60))
                    .until(() -> TestApi.callOn(again.port(), "GET", "/health/ready", null, null, Map.of()).status() == 200);
            HttpResponse<String> r = withCookie(again.port(), cookie);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("audrey · tenant acme · auditor");
        }
    }

    @Test
    void shouldPassTheAccessibilityCheckOnTheSignInAndNewDeletionPages() {
        browser.visit(base + "/console/sign-in");
        browser.driver().manage().deleteAllCookies();
        browser.visit(base + "/console/sign-in");
        assertThat(browser.axeViolations()).as(Browser.describe(browser.axeViolations())).isEmpty();
        signIn("compliance_admin", "carla");
        browser.visit(base + "/console/requests/new");
        assertThat(browser.axeViolations()).as(Browser.describe(browser.axeViolations())).isEmpty();
        browser.fill("Customer ID", "c-a11y");
        browser.button("Request deletion").click();
        browser.waitForText("Confirm the deletion", Duration.ofSeconds(10));
        assertThat(browser.axeViolations()).as(Browser.describe(browser.axeViolations())).isEmpty();
        browser.visit(base + "/console/audit");
        assertThat(browser.axeViolations()).as(Browser.describe(browser.axeViolations())).isEmpty();
    }

    @Test
    void shouldServeEveryConsolePageWithStrictSecurityHeadersAndAnHttpOnlySecureLaxCookie() {
        Http h = new Http();
        HttpResponse<String> r = h.get("/console/sign-in");
        assertThat(r.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("script-src 'self'", "frame-ancestors 'none'").doesNotContain("unsafe-inline");
        assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(r.headers().firstValue("Referrer-Policy")).contains("same-origin");
        String cookie = r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("lethe_console=")).findFirst().orElseThrow();
        assertThat(cookie).contains("HttpOnly", "Secure", "SameSite=Lax", "Path=/console");
        // no token in a URL or in JavaScript's reach: the page carries no bearer token, the cookie is opaque
        assertThat(r.body()).doesNotContain("eyJ");
    }

    @Test
    void shouldRefuseAFormPostWithoutTheSessionsCsrfTokenAndChangeNothing() {
        // Given a signed-in compliance admin's session (cookie) and the number of published requests
        Http h = new Http();
        h.signIn("compliance_admin", "carla");
        long before = t.requestCount();

        // When a form is posted with the session cookie but without the CSRF token, or with a wrong one
        String form = "scope=PROFILE&customerId=c-csrf&reason=CUSTOMER_REQUEST&regulation=GDPR&confirmCustomerId=c-csrf";
        HttpResponse<String> missing = h.postRaw("/console/requests", form);
        HttpResponse<String> wrong = h.postRaw("/console/requests", form + "&_csrf=forged");

        // Then both are refused and nothing was published
        assertThat(missing.statusCode()).isEqualTo(403);
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(missing.body()).contains("Nothing was changed");
        assertThat(t.requestCount()).isEqualTo(before);
    }

    @Test
    void shouldRefuseACrossOriginFormPostFromAnotherSiteInTheBrowser() {
        // Given a signed-in user, and an attacker's page on another origin with a form aimed at the console
        signIn("compliance_admin", "carla");
        long before = t.requestCount();
        String customer = unique("victim");
        Javalin evil = Javalin.create(c -> c.showJavalinBanner = false).get("/", ctx -> ctx.html(
                "<html><body><form method='post' action='" + base + "/console/requests'>"
                        + "<input type='hidden' name='scope' value='PROFILE'><input type='hidden' name='customerId' value='" + customer + "'>"
                        + "<input type='hidden' name='confirmCustomerId' value='" + customer + "'>"
                        + "<input type='hidden' name='reason' value='CUSTOMER_REQUEST'><input type='hidden' name='regulation' value='GDPR'>"
                        + "<button type='submit'>Win a prize</button></form></body></html>")).start("127.0.0.1", 0);
        try {
            // When the user is lured into submitting it
            browser.visit("http://localhost:" + evil.port() + "/");
            browser.button("Win a prize").click();

            // Then the console refuses it and no deletion request exists
            browser.waitForText("Request refused", Duration.ofSeconds(10));
            assertThat(t.requestCount()).isEqualTo(before);
        } finally {
            evil.stop();
        }
    }

    @Test
    void shouldLinkAReerasureToTheRequestWhoseErasedDataCameBack() throws Exception {
        // Given a completed request, and its re-erasure published by lethe audit recheck --erase
        String original = UUID.randomUUID().toString();
        String again = "resurrected-" + UUID.randomUUID().toString().replace("-", "");
        t.writeStatus(TENANT, original, unique("cust"), RequestStatus.COMPLETED);
        io.lethe.events.DeletionStatus s = io.lethe.events.DeletionStatus.newBuilder().setRequestId(again).setTenant(TENANT)
                .setCustomerId("cust-back").setScope(io.lethe.events.Scope.PROFILE).setReason(io.lethe.events.Reason.RESURRECTED)
                .setRegulation(io.lethe.events.Regulation.GDPR).setActor("lethe-recheck").setStatus(RequestStatus.IN_PROGRESS)
                .setTasks(java.util.List.of()).setRequestedAt(java.time.Instant.now()).setUpdatedAt(java.time.Instant.now())
                .setDueAt(java.time.Instant.now().plus(Duration.ofDays(30))).setVerified(false).setOriginalRequestId(original).build();
        t.write(t.topics.deletionStatus(), again, s);
        signIn("privacy_officer", "olga");

        // When its page is open
        await("re-erasure visible").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() -> {
            browser.visit(base + "/console/requests/" + again);
            return browser.text().contains("Erases again");
        });

        // Then it says why and links to the original, which opens
        assertThat(browser.text()).contains("Resurrected", "whose erased data came back");
        browser.link(original).click();
        browser.waitForText("Completed", Duration.ofSeconds(10));
        assertThat(browser.url()).endsWith("/console/requests/" + original);
    }

    @Test
    void shouldShowMarkupInIdsAsTextAndNeverRunIt() throws Exception {
        // Given a request whose customer id holds markup (the API accepts any printable id)
        String hostile = "<script>window.__xss=1</script><img src=x onerror=\"window.__xss=2\">";
        String requestId = UUID.randomUUID().toString();
        t.writeStatus(TENANT, requestId, hostile, RequestStatus.COMPLETED);
        signIn("compliance_admin", "carla");

        // When the list, the detail page and the new-deletion confirmation show it
        await("hostile request listed").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() -> {
            browser.visit(base + "/console/requests");
            return browser.text().contains(requestId);
        });
        assertThat(browser.text()).contains(hostile);
        browser.visit(base + "/console/requests/" + requestId);
        assertThat(browser.text()).contains(hostile);
        browser.visit(base + "/console/requests/new");
        browser.fill("Customer ID", "\"><svg onload=\"window.__xss=3\">");
        browser.button("Request deletion").click();
        browser.waitForText("Confirm the deletion", Duration.ofSeconds(10));

        // Then it is shown as text and no script ran
        assertThat(browser.text()).contains("\"><svg onload=\"window.__xss=3\">");
        Object xss = ((JavascriptExecutor) browser.driver()).executeScript("return window.__xss === undefined ? null : window.__xss;");
        assertThat(xss).isNull();
        try {
            browser.driver().switchTo().alert();
            throw new AssertionError("an alert opened");
        } catch (NoAlertPresentException expected) {
            // nothing executed
        }
    }

    @Test
    void shouldShowFieldErrorsFromTheApiNextToTheFieldAndRequireTheTypedCustomerId() {
        signIn("compliance_admin", "carla");
        browser.visit(base + "/console/requests/new");
        long before = t.requestCount();

        // An attachment deletion without an item id: the API's error appears next to Item ID
        new org.openqa.selenium.support.ui.Select(browser.field("Scope")).selectByValue("ATTACHMENT");
        browser.fill("Customer ID", "c-form");
        browser.button("Request deletion").click();
        browser.waitForText("There is a problem", Duration.ofSeconds(10));
        assertThat(browser.driver().findElement(org.openqa.selenium.By.id("itemId-error")).getText()).contains("Item ID");

        // With the item: the confirmation says what goes and what stays, and Erase permanently waits for the typed id
        browser.fill("Item ID", "att-1");
        browser.button("Request deletion").click();
        browser.waitForText("Confirm the deletion", Duration.ofSeconds(10));
        assertThat(browser.text()).contains("This one attachment file", "Will be kept");
        assertThat(browser.button("Erase permanently").isEnabled()).isFalse();
        browser.fill("Confirm customer ID", "c-for");
        assertThat(browser.button("Erase permanently").isEnabled()).isFalse();
        browser.fill("Confirm customer ID", "c-form");
        assertThat(browser.button("Erase permanently").isEnabled()).isTrue();
        assertThat(t.requestCount()).isEqualTo(before);

        // And erasing lands on the request's own page, published with this user as the actor
        browser.button("Erase permanently").click();
        browser.waitForText("Deletion request", Duration.ofSeconds(15));
        String requestId = browser.url().substring(browser.url().lastIndexOf('/') + 1);
        assertThat(browser.text()).contains("Accepted", "c-form", "att-1");
        assertThat(t.requestsFor(requestId)).singleElement().satisfies(r -> {
            assertThat(r.getActor()).isEqualTo("carla");
            assertThat(r.getTenant()).isEqualTo(TENANT);
            assertThat(r.getItemId()).isEqualTo("att-1");
        });
    }

    @Test
    void shouldShowAnAuditorNoActionControlsAndRefuseTheirActionsOnTheServer() throws Exception {
        // Given a failed request and a pending bulk
        String failed = UUID.randomUUID().toString();
        t.writeStatus(TENANT, failed, unique("cust"), RequestStatus.FAILED);
        String run = UUID.randomUUID().toString().substring(0, 8);
        assertThat(t.call("POST", "/v1/bulk-deletions", t.token(TENANT, "olivia", "privacy_officer"), TestApi.json(Map.of(
                "customerIds", IntStream.range(0, 51).mapToObj(i -> "aud" + run + "-" + i).toList(),
                "reason", "CUSTOMER_REQUEST", "regulation", "GDPR"))).status()).isEqualTo(202);
        signIn("auditor", "audrey");

        // Then no create, retry, approve or policy controls are rendered
        assertThat(browser.links("New deletion")).isEmpty();
        await("failed request visible").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() -> {
            browser.visit(base + "/console/requests/" + failed);
            return browser.text().contains("Failed");
        });
        assertThat(browser.buttons("Retry")).isEmpty();
        browser.visit(base + "/console/bulk");
        assertThat(browser.text()).contains("Pending approval");
        assertThat(browser.buttons("Request bulk deletion")).isEmpty();
        assertThat(browser.driver().findElements(org.openqa.selenium.By.tagName("button")).stream()
                .map(org.openqa.selenium.WebElement::getAccessibleName).toList())
                .noneMatch(name -> name.startsWith("Approve") || name.startsWith("Reject"));
        browser.visit(base + "/console/retention");
        assertThat(browser.buttons("Preview")).isEmpty();
        assertThat(browser.buttons("Save policy")).isEmpty();
        assertThat(browser.axeViolations()).as(Browser.describe(browser.axeViolations())).isEmpty();

        // And the server refuses them anyway, with a valid session and CSRF token
        Http h = new Http();
        h.signIn("auditor", "audrey");
        long before = t.requestCount();
        assertThat(h.post("/console/requests/" + failed + "/retry", "").statusCode()).isEqualTo(403);
        assertThat(h.post("/console/requests", "scope=PROFILE&customerId=x1&confirmCustomerId=x1&reason=CUSTOMER_REQUEST&regulation=GDPR")
                .statusCode()).isEqualTo(403);
        assertThat(h.post("/console/retention", "mode=KEEP_FOREVER").statusCode()).isEqualTo(403);
        assertThat(t.requestCount()).isEqualTo(before);
    }

    @Test
    void shouldLetASecondPrivacyOfficerApproveABulkOf51AndNeverTheRequester() {
        // Given a compliance admin who submits 51 customer ids
        String run = UUID.randomUUID().toString().substring(0, 8);
        String ids = IntStream.range(0, 51).mapToObj(i -> "b" + run + "-" + i).collect(Collectors.joining("\n"));
        signIn("privacy_officer", "olivia");
        browser.visit(base + "/console/bulk");
        browser.fill("Customer IDs", ids);
        long before = t.requestCount();
        browser.button("Request bulk deletion").click();
        browser.waitForText("waits for a privacy officer other than you", Duration.ofSeconds(15));

        // Then it waits: nothing published, and the requester sees no Approve
        String bulkId = t.read(t.topics.bulkDeletions()).stream().map(ConsumerRecord::value)
                .filter(b -> b.getCustomerIds().get(0).equals("b" + run + "-0")).findFirst().orElseThrow().getBulkId();
        assertThat(t.requestCount()).isEqualTo(before);
        assertThat(browser.text()).contains("Pending approval", "0 of 51 completed", "Waiting for another privacy officer");
        assertThat(browser.buttons("Approve bulk " + bulkId)).isEmpty();
        assertThat(browser.buttons("Reject bulk " + bulkId)).isEmpty();

        // When a second privacy officer approves it
        signIn("privacy_officer", "oscar");
        browser.visit(base + "/console/bulk");
        browser.button("Approve bulk " + bulkId).click();
        browser.waitForText("Bulk deletion approved", Duration.ofSeconds(15));

        // Then its 51 requests are published, and the audit names the approver
        assertThat(t.requestCount()).isEqualTo(before + 51);
        List<AuditEvent> approvals = t.read(t.topics.audit()).stream().map(ConsumerRecord::value)
                .filter(e -> e.getType() == AuditType.APPROVED).toList();
        assertThat(approvals).anySatisfy(e -> assertThat(e.getActor()).isEqualTo("oscar"));
    }

    @Test
    void shouldRefuseTheRequesterApprovingTheirOwnBulkOnTheServer() {
        Http h = new Http();
        h.signIn("privacy_officer", "olivia");
        String run = UUID.randomUUID().toString().substring(0, 8);
        String ids = IntStream.range(0, 51).mapToObj(i -> "own" + run + "-" + i).collect(Collectors.joining(","));
        assertThat(h.post("/console/bulk", "customerIds=" + enc(ids) + "&reason=CUSTOMER_REQUEST&regulation=GDPR").statusCode()).isEqualTo(303);
        String bulkId = t.read(t.topics.bulkDeletions()).stream().map(ConsumerRecord::value)
                .filter(b -> b.getCustomerIds().get(0).equals("own" + run + "-0")).findFirst().orElseThrow().getBulkId();
        long before = t.requestCount();
        HttpResponse<String> r = h.post("/console/bulk/" + bulkId + "/approve", "");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("cannot approve or reject");
        assertThat(t.requestCount()).isEqualTo(before);
    }

    @Test
    void shouldPreviewARetentionChangeAndSaveItOnlyWithTheTypedNumberOfProfiles() {
        signIn("compliance_admin", "carla");
        browser.visit(base + "/console/retention");
        browser.field("Delete after a number of days").click();
        browser.fill("Days after the last contact", "90");
        browser.button("Preview").click();
        browser.waitForText("120 profiles would be deleted now", Duration.ofSeconds(10));
        assertThat(browser.button("Save policy").isEnabled()).isFalse();
        browser.fill("Confirm number of profiles", "12");
        assertThat(browser.button("Save policy").isEnabled()).isFalse();
        browser.fill("Confirm number of profiles", "120");
        browser.button("Save policy").click();
        browser.waitForText("Retention policy saved", Duration.ofSeconds(15));
        assertThat(browser.text()).contains("90 days", "Profiles past the policy still waiting to be erased: 120");
        List<RetentionPolicy> saved = t.read(t.topics.retentionPolicies()).stream().map(ConsumerRecord::value)
                .filter(p -> p.getTenant().equals(TENANT)).toList();
        assertThat(saved).last().satisfies(p -> {
            assertThat(p.getDays()).isEqualTo(90);
            assertThat(p.getUpdatedBy()).isEqualTo("carla");
        });
    }

    @Test
    void shouldRefuseASignedOutSessionOnThisAndAnotherInstance() throws Exception {
        // Given a signed-in session and a second API instance of the same deployment
        Http h = new Http();
        h.signIn("compliance_admin", "carla");
        String cookie = h.cookie();
        try (DeletionApi second = DeletionApi.start(t.config(), t.preview)) {
            await("second ready").atMost(Duration.ofSeconds(60))
                    .until(() -> TestApi.callOn(second.port(), "GET", "/health/ready", null, null, Map.of()).status() == 200);
            // the session works on both instances
            assertThat(withCookie(t.api.port(), cookie).statusCode()).isEqualTo(200);
            assertThat(withCookie(second.port(), cookie).statusCode()).isEqualTo(200);

            // When the user signs out on the first
            assertThat(h.post("/console/sign-out", "").statusCode()).isEqualTo(303);

            // Then a replay of the old cookie is refused by both
            assertThat(withCookie(t.api.port(), cookie).statusCode()).isEqualTo(302);
            await("sign-out reaches the second instance").atMost(Duration.ofSeconds(20))
                    .until(() -> withCookie(second.port(), cookie).statusCode() == 302);
        }
    }

    @Test
    void shouldRefuseTheServiceRoleAtTheDevSignIn() {
        Http h = new Http();
        HttpResponse<String> page = h.get("/console/sign-in");
        HttpResponse<String> r = h.post("/console/dev-sign-in", "tenant=acme&role=service&user=bot");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("The service role cannot sign in to the console");
        assertThat(h.get("/console/requests").statusCode()).isEqualTo(302);
    }

    @Test
    void shouldMakeTheDevSignInUnreachableWhenDevModeIsOff(KafkaEndpoint kafka) throws Exception {
        try (TestApi prod = TestApi.start(kafka.bootstrapServers())) {
            HttpClient c = HttpClient.newHttpClient();
            String b = "http://localhost:" + prod.api.port();
            HttpResponse<String> page = c.send(HttpRequest.newBuilder(URI.create(b + "/console/sign-in")).build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> post = c.send(HttpRequest.newBuilder(URI.create(b + "/console/dev-sign-in"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("tenant=acme&role=compliance_admin&user=eve")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).doesNotContain("name=\"tenant\"").doesNotContain("dev-sign-in");
            assertThat(post.statusCode()).isEqualTo(404);
        }
    }

    private static HttpResponse<String> withCookie(int port, String cookie) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/console/requests"))
                    .header("Cookie", "lethe_console=" + cookie).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /**
     * A browser-less console client: keeps the session cookie by hand (java.net's CookieManager
     * will not send a Secure cookie over http) and the CSRF token of the last page.
     */
    static final class Http {
        private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
        private static final Pattern COOKIE = Pattern.compile("lethe_console=([^;]*)");
        private final HttpClient client = HttpClient.newHttpClient();
        private final String root;
        private String csrf = "";
        private String cookie;

        Http() {
            this(base);
        }

        Http(String root) {
            this.root = root;
        }

        HttpResponse<String> get(String path) {
            return send(HttpRequest.newBuilder(URI.create(root + path)).GET());
        }

        /** Posts the form with this session's CSRF token. */
        HttpResponse<String> post(String path, String form) {
            return postRaw(path, (form.isEmpty() ? "" : form + "&") + "_csrf=" + enc(csrf));
        }

        /** Posts the form as given (no CSRF token added). */
        HttpResponse<String> postRaw(String path, String form) {
            return send(HttpRequest.newBuilder(URI.create(root + path)).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)));
        }

        void signIn(String role, String user) {
            get("/console/sign-in");
            HttpResponse<String> r = post("/console/dev-sign-in", "tenant=" + TENANT + "&role=" + role + "&user=" + user);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
            get("/console/requests");
        }

        String cookie() {
            return cookie;
        }

        private HttpResponse<String> send(HttpRequest.Builder b) {
            if (cookie != null) {
                b.header("Cookie", "lethe_console=" + cookie);
            }
            try {
                HttpResponse<String> res = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
                for (String set : res.headers().allValues("Set-Cookie")) {
                    Matcher c = COOKIE.matcher(set);
                    if (c.find()) {
                        cookie = c.group(1);
                    }
                }
                Matcher m = CSRF.matcher(res.body());
                if (m.find()) {
                    csrf = m.group(1);
                }
                return res;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
