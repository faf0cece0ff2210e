package io.lethe.audit;

import static io.lethe.audit.AuditEvents.PROFILE_TYPES;
import static io.lethe.audit.AuditEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.events.AuditEvent;
import io.lethe.events.Scope;
import io.lethe.events.TaskStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTest {

    private static List<AuditEvent> history() {
        List<AuditEvent> all = new ArrayList<>();
        all.addAll(AuditEvents.request("r-1", "acme", "cust-1", Scope.PROFILE, T0, T0.plus(Duration.ofDays(30)))
                .completedProfile().events());
        all.addAll(AuditEvents.request("r-2", "acme", "cust-2", Scope.CONTACT, T0.minus(Duration.ofDays(40)),
                        T0.minus(Duration.ofDays(10)))
                .accepted(List.of("conversations")).dispatched("conversations", 1).events());
        all.addAll(AuditEvents.request("r-3", "globex", "cust-3", Scope.PROFILE, T0, T0.plus(Duration.ofDays(30)))
                .completedProfile().events());
        // an administrative history: no ACCEPTED, no lifecycle event
        all.addAll(AuditEvents.request("policy-1", "acme", "-", Scope.PROFILE, T0, null).dispatched("conversations", 1).events());
        return all;
    }

    @Test
    void shouldSelectTheTenantsDeletionRequestsRequestedInTheWindow() {
        // Given / When
        List<ProofOfDeletion> all = Report.proofs("acme", history(), null, null);
        List<ProofOfDeletion> march = Report.proofs("acme", history(), T0, T0.plus(Duration.ofDays(1)));
        List<ProofOfDeletion> before = Report.proofs("acme", history(), null, T0);

        // Then
        assertThat(all).extracting(ProofOfDeletion::requestId).containsExactly("r-1", "r-2");
        assertThat(march).extracting(ProofOfDeletion::requestId).containsExactly("r-1");
        assertThat(before).extracting(ProofOfDeletion::requestId).containsExactly("r-2");
        assertThat(all.get(0).verified()).isTrue();
        assertThat(all.get(0).onTime()).isTrue();
        assertThat(all.get(1).status()).isEqualTo("IN_PROGRESS");
    }

    @Test
    void shouldWriteOneCsvLinePerRequestAndDataTypeAfterTheHeader() {
        // Given
        List<ProofOfDeletion> proofs = Report.proofs("acme", history(), null, null);

        // When
        String csv = Report.csv(proofs);

        // Then
        List<String> lines = csv.lines().toList();
        assertThat(csv).endsWith("\n");
        assertThat(lines.get(0)).isEqualTo("requestId,customerId,scope,itemId,regulation,reason,requestedAt,completedAt,dueAt,"
                + "onTime,status,verified,dataType,taskStatus,rowsScrubbed,rowsDeleted,blobsDeleted,residual");
        assertThat(lines).hasSize(1 + PROFILE_TYPES.size() + 1)
                .contains("r-1,cust-1,PROFILE,,GDPR,CUSTOMER_REQUEST,2026-03-01T10:00:00Z,2026-03-01T10:00:10Z,"
                        + "2026-03-31T10:00:00Z,true,COMPLETED,true,attachments,SUCCEEDED,3,2,1,0")
                .contains("r-2,cust-2,CONTACT,msg-000042,GDPR,CUSTOMER_REQUEST,2026-01-20T10:00:00Z,,2026-02-19T10:00:00Z,,"
                        + "IN_PROGRESS,false,conversations,,,,,");
        assertThat(Report.csv(List.of())).isEqualTo(lines.get(0) + "\n");
    }

    @Test
    void shouldQuoteCsvFieldsAndDefuseSpreadsheetFormulas() {
        // Given ids a spreadsheet would run, and ones that need RFC 4180 quoting
        List<AuditEvent> events = AuditEvents.request("r-\"1\",x", "acme", "=HYPERLINK(\"http://x\")", Scope.ATTACHMENT, T0,
                        T0.plus(Duration.ofDays(30)))
                .accepted(List.of()).completed(List.of(), 0)
                .with(e -> { e.setItemId("@sum\nline"); return e; }, 0).events();

        // When
        String csv = Report.csv(Report.proofs("acme", events, null, null));

        // Then
        assertThat(csv).contains("\"r-\"\"1\"\",x\",\"'=HYPERLINK(\"\"http://x\"\")\",ATTACHMENT,\"'@sum\nline\",GDPR,")
                .contains(",COMPLETED,false,,,,,,\n");
        assertThat(Report.guard("+1")).isEqualTo("'+1");
        assertThat(Report.guard(-1L)).as("numbers are no formulas").isEqualTo(-1L);
        assertThat(Report.guard(null)).isNull();
    }

    @Test
    void shouldWriteJsonWithOneObjectPerRequestAndIsoTimes() throws Exception {
        // Given
        List<ProofOfDeletion> proofs = Report.proofs("acme", history(), null, null);

        // When
        JsonNode json = new ObjectMapper().readTree(Report.json(proofs));

        // Then
        assertThat(json).hasSize(2);
        JsonNode first = json.get(0);
        assertThat(first.get("requestId").asText()).isEqualTo("r-1");
        assertThat(first.get("requestedAt").asText()).isEqualTo("2026-03-01T10:00:00Z");
        assertThat(first.get("verified").asBoolean()).isTrue();
        assertThat(first.get("dataTypes")).hasSize(4);
        assertThat(first.get("dataTypes").get(0).get("rowsScrubbed").asLong()).isEqualTo(3);
        assertThat(json.get(1).get("completedAt").isNull()).isTrue();
    }

    @Test
    void shouldCountEveryAttemptButKeepTheLatestResidual() {
        // Given a retry after a partial failure
        List<AuditEvent> events = AuditEvents.request("r-retry", "acme", "cust-1", Scope.CONTACT, T0, T0.plus(Duration.ofDays(30)))
                .accepted(List.of("conversations"))
                .dispatched("conversations", 1).result("conversations", 1, TaskStatus.FAILED, 2, 1, 0, 3, "DB_ERROR")
                .dispatched("conversations", 2).result("conversations", 2, TaskStatus.SUCCEEDED, 4, 0, 0, 0, null)
                .completed(List.of("conversations"), 0).events();

        // When
        ProofOfDeletion.DataTypeCounts counts = Report.proofs("acme", events, null, null).get(0).dataTypes().get(0);

        // Then
        assertThat(counts).isEqualTo(new ProofOfDeletion.DataTypeCounts("conversations", "SUCCEEDED", 2, 6, 1, 0, 0L));
    }
}
