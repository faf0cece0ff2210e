package io.lethe.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lethe.events.AuditEvent;
import io.lethe.events.AuditType;
import io.lethe.events.LegalHold;
import io.lethe.events.RequestStatus;
import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.LocalStackExtension.KafkaEndpoint;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

/**
 * The Legal holds screen and held requests in a real Chromium against a real API on the shared
 * test broker (the worker's part, an ON_HOLD status record, is written as the worker writes it).
 */
@ExtendWith(LocalStackExtension.class)
class ConsoleHoldsTest {

    private static TestApi t;
    private static Browser browser;
    private static String base;
    private static final String TENANT = "acme";

    @BeforeAll
    static void start(KafkaEndpoint kafka) throws Exception {
        t = new TestApi(kafka.bootstrapServers(), Map.of("auth.dev.mode", "true"), (tenant, days) -> 0);
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
        DevSignIn.as(browser, base, TENANT, role, user);
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static LegalHold holdOnTopic(String matter) {
        return t.read(t.topics.legalHolds()).stream().map(ConsumerRecord::value).filter(h -> h.getMatter().equals(matter))
                .reduce((first, later) -> later).orElseThrow();
    }

    private static void assertNoAccessibilityViolations() {
        assertThat(browser.axeViolations()).as(Browser.describe(browser.axeViolations())).isEmpty();
    }

    @Test
    void shouldLetLegalCounselPlaceACustomerAndATenantWideHoldAndReleaseOne() {
        String customer = unique("cust");
        String matter = unique("LIT");
        String wideMatter = unique("WIDE");

        // Given legal counsel signed in: a Legal holds link, and nothing that deletes
        signIn("legal_counsel", "lena");
        assertThat(browser.links("New deletion")).isEmpty();
        assertThat(browser.links("Retention")).isEmpty();
        browser.visit(base + "/console/retention");
        assertThat(browser.text()).contains("Your role may not see the retention policy");
        browser.visit(base + "/console/requests");
        browser.link("Legal holds").click();
        browser.waitForText("Place a legal hold", Duration.ofSeconds(10));
        assertNoAccessibilityViolations();

        // A free-text matter: the API's error sits next to Matter and nothing is placed
        browser.fill("Customer ID", customer);
        browser.fill("Matter", "Smith v Jones");
        browser.button("Place hold").click();
        browser.waitForText("There is a problem", Duration.ofSeconds(10));
        assertThat(browser.driver().findElement(By.id("matter-error")).getText()).contains("Matter", "opaque reference");
        assertThat(browser.field("Customer ID").getAttribute("value")).isEqualTo(customer);

        // When a hold on the customer is placed, to the end of a chosen day
        browser.fill("Matter", matter);
        ((JavascriptExecutor) browser.driver()).executeScript("arguments[0].value = arguments[1];", browser.field("Expires on"),
                "2030-06-30");
        browser.button("Place hold").click();
        browser.waitForText("Legal hold placed", Duration.ofSeconds(15));

        // Then it is listed as active, and on the topic as placed by this user until the end of that day (UTC)
        LegalHold hold = holdOnTopic(matter);
        assertThat(hold.getCustomerId()).isEqualTo(customer);
        assertThat(hold.getPlacedBy()).isEqualTo("lena");
        assertThat(hold.getExpiresAt()).isEqualTo(Instant.parse("2030-06-30T23:59:59Z"));
        WebElement row = browser.driver().findElement(By.id("hold-" + hold.getHoldId()));
        assertThat(row.getText()).contains(customer, matter, "lena", "Active");
        assertThat(row.findElement(By.tagName("time")).getAttribute("title")).isEqualTo(hold.getPlacedAt().toString());

        // When a hold without a customer is placed, it first asks to type the tenant
        browser.fill("Matter", wideMatter);
        browser.button("Place hold").click();
        browser.waitForText("Confirm the legal hold", Duration.ofSeconds(10));
        assertThat(browser.text()).contains("every customer of tenant acme");
        assertNoAccessibilityViolations();
        assertThat(t.read(t.topics.legalHolds()).stream().map(ConsumerRecord::value)
                .noneMatch(h -> h.getMatter().equals(wideMatter))).isTrue();
        assertThat(browser.button("Place hold").isEnabled()).isFalse();
        browser.fill("Confirm tenant", "acm");
        assertThat(browser.button("Place hold").isEnabled()).isFalse();
        browser.fill("Confirm tenant", TENANT);
        browser.button("Place hold").click();
        browser.waitForText("Legal hold placed", Duration.ofSeconds(15));

        // Then it covers the whole tenant
        LegalHold wide = holdOnTopic(wideMatter);
        assertThat(wide.getCustomerId()).isNull();
        assertThat(browser.driver().findElement(By.id("hold-" + wide.getHoldId())).getText()).contains("Whole tenant", wideMatter);

        // When the customer's hold is released, after the confirmation
        browser.button("Release hold " + hold.getHoldId()).click();
        browser.waitForText("Release the legal hold", Duration.ofSeconds(10));
        assertThat(browser.text()).contains(customer, matter);
        assertNoAccessibilityViolations();
        browser.button("Release this hold").click();
        browser.waitForText("Legal hold released", Duration.ofSeconds(15));

        // Then it left the active list, shows under Released, and the audit names the releaser
        assertThat(browser.driver().findElements(By.id("hold-" + hold.getHoldId()))).isEmpty();
        new org.openqa.selenium.support.ui.Select(browser.field("State")).selectByValue("RELEASED");
        browser.button("Filter").click();
        browser.waitForText(matter, Duration.ofSeconds(10));
        assertThat(browser.driver().findElement(By.id("hold-" + hold.getHoldId())).getText()).contains("Released", "by lena");
        assertThat(browser.buttons("Release hold " + hold.getHoldId())).isEmpty();
        List<AuditEvent> audit = t.read(t.topics.audit()).stream().map(ConsumerRecord::value)
                .filter(e -> hold.getHoldId().equals(e.getHoldId())).toList();
        assertThat(audit).extracting(AuditEvent::getType).containsExactly(AuditType.HOLD_PLACED, AuditType.HOLD_RELEASED);
        assertThat(audit).extracting(AuditEvent::getActor).containsOnly("lena");
    }

    @Test
    void shouldShowAnAuditorTheHoldsWithoutControlsAndRefuseTheirPostsOnTheServer() {
        // Given an active hold
        String matter = unique("AUD");
        String customer = unique("cust");
        assertThat(t.call("POST", "/v1/legal-holds", t.token(TENANT, "olivia", "privacy_officer"),
                TestApi.json(Map.of("customerId", customer, "matter", matter))).status()).isEqualTo(201);
        String holdId = holdOnTopic(matter).getHoldId();

        // When an auditor opens Legal holds
        signIn("auditor", "audrey");
        browser.link("Legal holds").click();
        browser.waitForText(matter, Duration.ofSeconds(10));

        // Then the hold is listed, with no form and no Release button
        assertThat(browser.text()).contains(customer, "olivia").doesNotContain("Place a legal hold");
        assertThat(browser.buttons("Place hold")).isEmpty();
        assertThat(browser.buttons("Release hold " + holdId)).isEmpty();
        assertNoAccessibilityViolations();

        // And the server refuses them anyway, with a valid session and CSRF token
        ConsoleTest.Http h = new ConsoleTest.Http(base);
        h.signIn("auditor", "audrey");
        h.get("/console/holds");
        int before = t.read(t.topics.legalHolds()).size();
        HttpResponse<String> place = h.post("/console/holds", "customerId=x1&matter=LIT-1");
        HttpResponse<String> release = h.post("/console/holds/" + holdId + "/release", "confirm=yes");
        assertThat(place.statusCode()).isEqualTo(403);
        assertThat(release.statusCode()).isEqualTo(403);
        assertThat(t.read(t.topics.legalHolds())).hasSize(before);
    }

    @Test
    void shouldShowAHeldRequestOnHoldWithItsBlockingHoldAndNotOverdue() throws Exception {
        // Given a hold and a request the worker holds for it since 3 days, already past its due date
        String customer = unique("cust");
        String matter = unique("HELD");
        assertThat(t.call("POST", "/v1/legal-holds", t.token(TENANT, "lena", "legal_counsel"),
                TestApi.json(Map.of("customerId", customer, "matter", matter))).status()).isEqualTo(201);
        String holdId = holdOnTopic(matter).getHoldId();
        String requestId = UUID.randomUUID().toString();
        Instant now = Instant.now();
        t.writeStatus(TENANT, requestId, customer, RequestStatus.ON_HOLD, now.minus(Duration.ofDays(40)), now.minus(Duration.ofDays(10)),
                List.of(holdId), now.minus(Duration.ofDays(3)), 0);

        // When a compliance admin opens the request
        signIn("compliance_admin", "carla");
        await("held request visible").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() -> {
            browser.visit(base + "/console/requests/" + requestId);
            return browser.text().contains("On hold");
        });

        // Then it is On hold for 3 days, not overdue, and names its hold
        assertThat(browser.driver().findElement(By.id("request-status")).getText()).isEqualTo("On hold");
        assertThat(browser.text()).contains("held for 3 days", "matter " + matter).doesNotContain("Overdue");
        assertNoAccessibilityViolations();

        // And the Requests page counts it On hold and shows On hold instead of days left
        browser.visit(base + "/console/requests?status=ON_HOLD");
        assertThat(browser.driver().findElement(By.cssSelector(".count-on_hold .n")).getText()).isNotEqualTo("0");
        assertThat(browser.text()).contains(requestId, "(On hold)");
        assertThat(browser.driver().findElement(By.cssSelector(".count-overdue .n")).getText()).isEqualTo("0");

        // And the hold's link leads to its row on the Legal holds page (read only for a compliance admin)
        browser.visit(base + "/console/requests/" + requestId);
        browser.link(holdId).click();
        browser.waitForText("Legal holds", Duration.ofSeconds(10));
        assertThat(browser.url()).endsWith("#hold-" + holdId);
        assertThat(browser.driver().findElement(By.id("hold-" + holdId)).getText()).contains(customer, matter, "Active");
        assertThat(browser.buttons("Place hold")).isEmpty();
    }
}
