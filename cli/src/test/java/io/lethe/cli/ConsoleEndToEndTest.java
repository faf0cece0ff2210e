package io.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.api.Browser;
import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.LocalStackExtension.DatabaseEndpoint;
import io.lethe.localstack.LocalStackExtension.KafkaEndpoint;
import io.lethe.store.blob.BlobKeys;
import io.lethe.store.seed.Seeder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a new compliance administrator does with only the README: open the console of
 * {@code lethe dev} (DevEnvironment, the whole pipeline on the test broker and PostgreSQL),
 * sign in, delete a profile and an attachment, watch both complete and verify on screen without
 * reloading, download the proof of deletion and the audit report. Then the database is checked.
 *
 * <p>With {@code -Dlethe.screenshots=DIR} the Requests and request pages are saved there (the
 * README's pictures come from {@code -Dlethe.screenshots=../docs/images}).
 */
@ExtendWith(LocalStackExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleEndToEndTest {

    private static DevStack stack;
    private static Browser browser;
    private static String console;
    private static String attachmentCustomer;

    @BeforeAll
    static void start(KafkaEndpoint kafka, DatabaseEndpoint db) throws Exception {
        stack = new DevStack(kafka, db, 12);
        console = stack.env.consoleUrl();
        browser = Browser.start();
        browser.visit(console);
        browser.fill("Tenant", stack.tenant);
        browser.fill("User", "carla");
        browser.button("Sign in").click();
        browser.waitForText("carla · tenant " + stack.tenant, Duration.ofSeconds(15));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        stack.close();
    }

    private static String requestDeletion(String scopeValue, String customer, String item) {
        browser.link("New deletion").click();
        new org.openqa.selenium.support.ui.Select(browser.field("Scope")).selectByValue(scopeValue);
        browser.fill("Customer ID", customer);
        if (item != null) {
            browser.fill("Item ID", item);
        }
        browser.button("Request deletion").click();
        browser.waitForText("Erasure is permanent and cannot be undone", Duration.ofSeconds(10));
        browser.fill("Confirm customer ID", customer);
        browser.button("Erase permanently").click();
        browser.waitForText("Deletion request", Duration.ofSeconds(15));
        return browser.url().substring(browser.url().lastIndexOf('/') + 1);
    }

    private static byte[] download(String path) throws Exception {
        String cookie = browser.driver().manage().getCookieNamed("lethe_console").getValue();
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path
                        : console.replaceAll("/console/$", "") + path)).header("Cookie", "lethe_console=" + cookie).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private static void screenshot(String name) {
        String dir = System.getProperty("lethe.screenshots");
        if (dir != null) {
            browser.screenshot(Path.of(dir).resolve(name));
        }
    }

    @Test
    @Order(1)
    void shouldDeleteAProfileFromTheFormAndShowItCompletedAndVerifiedWithoutAReload() throws Exception {
        // Given a seeded customer with PII
        String customer = Seeder.customerId(3);
        assertThat(stack.pii(customer)).isPositive();

        // When the administrator requests a profile deletion through the form and its confirmation
        String requestId = requestDeletion("PROFILE", customer, null);

        // Then the request's page turns to Completed and Verified by itself (no reload)
        String url = browser.url();
        browser.waitForText("Verified", Duration.ofSeconds(90));
        assertThat(browser.url()).isEqualTo(url);
        assertThat(browser.text()).contains("Completed", "conversations", "attachments", "integration-data", "customer-details",
                "Request completed", "by carla");
        assertThat(browser.axeViolations()).as(Browser.describe(browser.axeViolations())).isEmpty();
        screenshot("console-request.png");

        // And the PII is really gone from the database, the ids reporting needs are kept
        assertThat(stack.pii(customer)).isZero();
        assertThat(stack.strings("select id from customers where tenant_id=? and id=?", stack.tenant, customer)).containsExactly(customer);

        // And the proof of deletion is a PDF naming the request, what was erased and the residual checks
        browser.link("Proof of deletion").isDisplayed();
        byte[] pdf = download("/console/requests/" + requestId + "/proof.pdf");
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            String text = new PDFTextStripper().getText(doc);
            assertThat(text).contains("Proof of deletion", requestId, customer, "customer-details", "conversations");
            assertThat(text).containsIgnoringCase("verified");
        }
    }

    @Test
    @Order(2)
    void shouldDeleteOneAttachmentAndKeepTheCustomersOtherFiles() throws Exception {
        // the README's walkthrough names att-00000001 of cust-000001
        assertThat(stack.strings("select customer_id from attachments where tenant_id=? and id='att-00000001'", stack.tenant))
                .containsExactly("cust-000001");
        String customer = stack.strings("select customer_id from attachments where tenant_id=? and customer_id<>? group by customer_id"
                + " having count(*) > 1 order by customer_id limit 1", stack.tenant, Seeder.customerId(3)).get(0);
        attachmentCustomer = customer;
        List<String> attachments = stack.strings("select id from attachments where tenant_id=? and customer_id=? order by id",
                stack.tenant, customer);
        assertThat(attachments).hasSizeGreaterThan(1);
        String target = attachments.get(0);

        requestDeletion("ATTACHMENT", customer, target);
        browser.waitForText("Verified", Duration.ofSeconds(90));

        assertThat(stack.blobs.exists(BlobKeys.attachment(stack.tenant, target))).isFalse();
        assertThat(attachments.subList(1, attachments.size()))
                .allSatisfy(a -> assertThat(stack.blobs.exists(BlobKeys.attachment(stack.tenant, a))).isTrue());
    }

    @Test
    @Order(3)
    void shouldListTheCompletedRequestsAndOfferTheAuditReportAndVerification() throws Exception {
        browser.link("Requests").click();
        browser.waitForText("Customer request", Duration.ofSeconds(10));
        assertThat(browser.text()).contains(Seeder.customerId(3), attachmentCustomer, "Completed");
        screenshot("console-requests.png");

        browser.link("Audit").click();
        browser.waitForText("Verification of the audit trail", Duration.ofSeconds(10));
        assertThat(browser.text()).contains("No violations", "2 completed, 2 verified");
        assertThat(browser.axeViolations()).as(Browser.describe(browser.axeViolations())).isEmpty();
        String csv = new String(download(browser.link("Download CSV").getAttribute("href")));
        assertThat(csv.lines().findFirst().orElseThrow()).startsWith("requestId,customerId,scope");
        assertThat(csv).contains(Seeder.customerId(3), attachmentCustomer, "COMPLETED");
    }

    @Test
    @Order(4)
    void shouldShowTheRetentionPreviewFromTheScanner() {
        browser.link("Retention").click();
        browser.field("Delete after a number of days").click();
        browser.fill("Days after the last contact", "1");
        browser.button("Preview").click();
        browser.waitForText("profiles would be deleted now", Duration.ofSeconds(15));
        assertThat(browser.buttons("Save policy")).hasSize(1);
    }
}
