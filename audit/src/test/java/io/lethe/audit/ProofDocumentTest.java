package io.lethe.audit;

import static io.lethe.audit.AuditEvents.PROFILE_TYPES;
import static io.lethe.audit.AuditEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.events.AuditEvent;
import io.lethe.events.Scope;
import io.lethe.events.TaskStatus;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;

class ProofDocumentTest {

    private static final Instant GENERATED = Instant.parse("2026-03-10T08:30:00Z");

    @Test
    void shouldShowTheRequestTheCountsPerDataTypeAndTheTimeline() throws IOException {
        // Given a request erased after one retry
        List<AuditEvent> events = AuditEvents.request("r-2026-0001", "acme", "cust-000124", Scope.CONTACT, T0,
                        T0.plus(Duration.ofDays(30)))
                .accepted(List.of("conversations", "attachments"))
                .dispatched("conversations", 1).result("conversations", 1, TaskStatus.FAILED, 0, 0, 0, 2, "RESIDUAL_NOT_ZERO")
                .dispatched("conversations", 2).result("conversations", 2, TaskStatus.SUCCEEDED, 41, 7, 0, 0, null)
                .dispatched("attachments", 1).result("attachments", 1, TaskStatus.SUCCEEDED, 0, 12, 9, 0, null)
                .completed(List.of("conversations", "attachments"), 0).events();
        ProofOfDeletion proof = ProofOfDeletion.of(new RequestHistory("r-2026-0001", events));

        // When
        byte[] pdf = ProofDocument.pdf(proof, events, GENERATED);

        // Then
        String text = text(pdf);
        assertThat(text).contains("Proof of deletion").contains("r-2026-0001").contains("acme").contains("cust-000124")
                .contains("CONTACT").contains("msg-000042").contains("CUSTOMER_REQUEST").contains("GDPR")
                .contains("2026-03-01T10:00:00Z").contains("2026-03-31T10:00:00Z").contains("2026-03-01T10:00:08Z")
                .contains("COMPLETED").contains("Generated 2026-03-10T08:30:00Z");
        assertThat(text).contains("Verified yes");
        assertThat(text).contains("conversations SUCCEEDED 41 7 0 0")
                .contains("attachments SUCCEEDED 0 12 9 0")
                .contains("Residual check passed: after erasure no data was found for any of the 2 data types.");
        assertThat(text).contains("Timeline (8 audit events)")
                .contains("2026-03-01T10:00:03Z TASK_RESULT conversations 1 / FAILED worker-1")
                .contains("2026-03-01T10:00:01Z ACCEPTED - - svc-compliance-7");
        // free text of the events is not printed
        assertThat(text).doesNotContain("RESIDUAL_NOT_ZERO");
    }

    @Test
    void shouldSayWhichDataTypesKeptDataAndWhichWereNeverChecked() throws IOException {
        // Given a request completed although attachments kept 5 rows, and one still open
        List<AuditEvent> residual = AuditEvents.request("r-residual", "acme", "cust-000203", Scope.CONTACT, T0,
                        T0.plus(Duration.ofDays(30)))
                .accepted(List.of("conversations", "attachments")).succeeded("conversations").dispatched("attachments", 1)
                .result("attachments", 1, TaskStatus.SUCCEEDED, 1, 0, 1, 5, null)
                .completed(List.of("conversations", "attachments"), 5).events();
        List<AuditEvent> open = AuditEvents.request("r-open", "acme", "cust-000204", Scope.PROFILE, T0, T0.plus(Duration.ofDays(30)))
                .accepted(PROFILE_TYPES).succeeded("conversations").events();

        // When
        String residualText = text(ProofDocument.pdf(ProofOfDeletion.of(new RequestHistory("r-residual", residual)), residual,
                GENERATED));
        String openText = text(ProofDocument.pdf(ProofOfDeletion.of(new RequestHistory("r-open", open)), open, GENERATED));

        // Then
        assertThat(residualText).contains("Verified no").contains("attachments SUCCEEDED 1 0 1 5")
                .contains("Residual check not passed: data was still found for attachments (5 left); no data was found"
                        + " for conversations.");
        assertThat(openText).contains("Completed at -").contains("Status IN_PROGRESS")
                .contains("customer-details - - - - -")
                .contains("no check was reported for attachments, integration-data, customer-details");
    }

    @Test
    void shouldContinueALongTimelineOnFurtherPagesAndPrintUnencodableCharactersAsQuestionMarks() throws IOException {
        // Given 300 audit events and ids in scripts Helvetica cannot encode
        String customer = "клиент-顧客-Σοφία-🙂-Zoë";
        String requestId = "r-長い-0001";
        AuditEvents history = AuditEvents.request(requestId, "acme", customer, Scope.PROFILE, T0, T0.plus(Duration.ofDays(30)))
                .accepted(PROFILE_TYPES);
        for (int attempt = 1; attempt <= 149; attempt++) {
            history.dispatched("conversations", attempt)
                    .result("conversations", attempt, TaskStatus.FAILED, 0, 0, 0, 1, "DB_UNAVAILABLE");
        }
        List<AuditEvent> events = history.failed(PROFILE_TYPES, "TOO_MANY_ATTEMPTS").events();
        assertThat(events).hasSize(300);
        ProofOfDeletion proof = ProofOfDeletion.of(new RequestHistory(requestId, events));

        // When
        byte[] pdf = ProofDocument.pdf(proof, events, GENERATED);

        // Then
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            assertThat(doc.getNumberOfPages()).isGreaterThan(3);
            String text = new PDFTextStripper().getText(doc);
            assertThat(flat(text)).contains("??????-??-?????-?-Zoë").contains("r-??-0001")
                    .contains("Timeline (300 audit events)")
                    .contains("conversations FAILED 0 0 0 1")
                    .contains("2026-03-01T10:05:00Z FAILED - - deletion-worker")
                    .contains("Page 1 of " + doc.getNumberOfPages());
            // the timeline's header row is repeated on every page it spans
            PDFTextStripper lastPage = new PDFTextStripper();
            lastPage.setStartPage(doc.getNumberOfPages());
            lastPage.setEndPage(doc.getNumberOfPages());
            assertThat(flat(lastPage.getText(doc))).contains("Occurred at Event Data type Attempt / task Actor");
            long timelineRows = text.lines().filter(l -> l.matches("2026-03-01T\\d\\d:\\d\\d:\\d\\dZ .*")).count();
            assertThat(timelineRows).isEqualTo(300);
        }
    }

    @Test
    void shouldRenderARequestWithoutDataTypesOrOptionalFields() throws IOException {
        // Given a request accepted with nothing to erase
        List<AuditEvent> events = AuditEvents.request("r-empty", "acme", "cust-1", Scope.PROFILE, T0, null)
                .accepted(List.of()).with(e -> { e.setScope(null); e.setRegulation(null); e.setReason(null); return e; }, 0)
                .events();

        // When
        String text = text(ProofDocument.pdf(ProofOfDeletion.of(new RequestHistory("r-empty", events)), events, GENERATED));

        // Then
        assertThat(text).contains("Due at -").contains("Scope -")
                .contains("Residual check: no data types were recorded for this request, so nothing was checked.");
    }

    /** The document's text with every run of white space (line and column breaks) as one space. */
    private static String text(byte[] pdf) throws IOException {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            return flat(new PDFTextStripper().getText(doc));
        }
    }

    private static String flat(String text) {
        return text.replaceAll("\\s+", " ");
    }
}
