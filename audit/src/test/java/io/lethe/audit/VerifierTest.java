package io.lethe.audit;

import static io.lethe.audit.AuditEvents.PROFILE_TYPES;
import static io.lethe.audit.AuditEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.lethe.audit.Violation.Rule;
import io.lethe.events.AuditEvent;
import io.lethe.events.Scope;
import io.lethe.events.TaskStatus;
import io.lethe.schemas.Topic;
import io.lethe.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerifierTest {

    private static final Instant NOW = Instant.parse("2026-03-10T00:00:00Z");

    @Test
    void shouldFindNothingInACleanHistory() {
        // Given a completed request, an open one before its due date and a failed one
        List<AuditEvent> events = new ArrayList<>();
        events.addAll(AuditEvents.request("r-1", "acme", "cust-1", Scope.PROFILE, T0, T0.plus(Duration.ofDays(30)))
                .completedProfile().events());
        events.addAll(AuditEvents.request("r-2", "acme", "cust-2", Scope.PROFILE, T0, T0.plus(Duration.ofDays(30)))
                .accepted(PROFILE_TYPES).dispatched("conversations", 1).events());
        events.addAll(AuditEvents.request("r-3", "acme", "cust-3", Scope.ATTACHMENT, T0, T0.plus(Duration.ofDays(30)))
                .accepted(List.of("attachments")).dispatched("attachments", 1)
                .result("attachments", 1, TaskStatus.FAILED, 0, 0, 0, 0, "BLOB_STORE_ERROR")
                .failed(List.of("attachments"), "BLOB_STORE_ERROR").events());

        // When / Then
        assertThat(Verifier.verifyEvents("acme", NOW, events)).isEmpty();
        assertThat(Verifier.verifyEvents("acme", T0.plus(Duration.ofDays(31)), events))
                .extracting(Violation::requestId, Violation::rule).containsExactly(tuple("r-2", Rule.NOT_FINISHED_BY_DUE_DATE));
    }

    @Test
    void shouldAcceptARequestHeldPastItsDueDateAndReportItOnHold() {
        // Given a request held by a legal hold and one resumed after its hold
        List<AuditEvent> events = new ArrayList<>();
        events.addAll(AuditEvents.request("r-held", "acme", "cust-1", Scope.PROFILE, T0, T0.plus(Duration.ofDays(30)))
                .accepted(PROFILE_TYPES).held("hold-1").events());
        events.addAll(AuditEvents.request("r-resumed", "acme", "cust-2", Scope.PROFILE, T0, T0.plus(Duration.ofDays(30)))
                .accepted(PROFILE_TYPES).held("hold-2").resumed("hold-2").dispatched("conversations", 1).events());
        Instant afterDue = T0.plus(Duration.ofDays(45));

        // Then the held one is in order (not stuck), the resumed one is open past its due date again
        assertThat(Verifier.verifyEvents("acme", afterDue, events))
                .extracting(Violation::requestId, Violation::rule).containsExactly(tuple("r-resumed", Rule.NOT_FINISHED_BY_DUE_DATE));
        assertThat(RequestHistory.group(events)).extracting(RequestHistory::status)
                .containsExactly(RequestHistory.Status.ON_HOLD, RequestHistory.Status.IN_PROGRESS);
        assertThat(Report.proofs("acme", events, null, null)).extracting(ProofOfDeletion::status).containsExactly("ON_HOLD", "IN_PROGRESS");
    }

    @Test
    void shouldFindBrokenPromisesAndPiiInTheTenantsDecodedEvents() {
        // Given
        List<AuditEvent> events = new ArrayList<>();
        AuditEvents missing = AuditEvents.request("r-missing", "acme", "cust-1", Scope.PROFILE, T0, T0.plus(Duration.ofDays(30)))
                .accepted(PROFILE_TYPES);
        PROFILE_TYPES.stream().filter(t -> !t.equals("customer-details")).forEach(missing::succeeded);
        events.addAll(missing.completed(PROFILE_TYPES, 0).events());
        events.addAll(AuditEvents.request("r-residual", "acme", "cust-2", Scope.CONTACT, T0, T0.plus(Duration.ofDays(30)))
                .accepted(List.of("attachments")).dispatched("attachments", 1)
                .result("attachments", 1, TaskStatus.SUCCEEDED, 1, 0, 1, 5, null).completed(List.of("attachments"), 0).events());
        events.addAll(AuditEvents.request("r-pii", "acme", "cust-3", Scope.PROFILE, T0, T0.plus(Duration.ofDays(30)))
                .completedProfile().with(e -> { e.setActor("Zebulon Quist, jane.doe@example.com"); return e; }, 0).events());
        // another tenant's problems are not this tenant's
        events.addAll(AuditEvents.request("r-other", "globex", "cust-4", Scope.PROFILE, T0, T0.plusSeconds(60))
                .accepted(PROFILE_TYPES).events());

        // When
        List<Violation> found = Verifier.verifyEvents("acme", NOW, events, new PiiScanner(List.of("zebulon quist")));

        // Then
        assertThat(found).extracting(Violation::line).containsExactly(
                "r-missing\tMISSING_DATA_TYPE\tCOMPLETED without a SUCCEEDED result for customer-details (0 result(s) for it)",
                "r-pii\tPII_EMAIL\tevent " + events.get(events.size() - 11).getEventId() + " (ACCEPTED) field actor: j***@e***",
                "r-pii\tPII_DENYLISTED\tevent " + events.get(events.size() - 11).getEventId()
                        + " (ACCEPTED) field actor: denylist entry 1",
                "r-residual\tRESIDUAL_NOT_ZERO\tattachments: residual [5] in its SUCCEEDED result(s)");
        assertThat(Verifier.verifyEvents(null, NOW, events)).extracting(Violation::requestId).contains("r-other")
                .as("no denylist: the name passes").hasSize(4);
    }

    @Test
    void shouldReportUndecodableRecordsAndPiiInRawBytesWithoutRepeatingIt() {
        // Given the topic's records: one decodable, one not
        Topic<String, AuditEvent> topic = new Topics("lethe.").audit();
        AuditEvent ok = AuditEvents.request("r-ok", "acme", "cust-1", Scope.PROFILE, T0, T0.plus(Duration.ofDays(30)))
                .accepted(PROFILE_TYPES).events().get(0);
        byte[] okBytes = topic.valueSerde().serializer().serialize(topic.name(), ok);
        byte[] garbage = "not avro, mail max@mustermann.de".getBytes(StandardCharsets.UTF_8);
        Verifier verifier = new Verifier(null, NOW, new PiiScanner(List.of()));

        // When
        AuditRecord decoded = AuditRecord.decode(topic, 0, 1, "r-ok".getBytes(StandardCharsets.UTF_8), okBytes);
        AuditRecord bad = AuditRecord.decode(topic, 2, 7, "r-garbage".getBytes(StandardCharsets.UTF_8), garbage);
        AuditRecord tombstone = AuditRecord.decode(topic, 2, 8, "r-gone".getBytes(StandardCharsets.UTF_8), null);
        List.of(decoded, bad, tombstone).forEach(verifier::accept);

        // Then
        assertThat(decoded).isInstanceOf(AuditRecord.Decoded.class);
        assertThat(tombstone).isInstanceOf(AuditRecord.Undecodable.class);
        assertThat(verifier.finish()).extracting(Violation::requestId, Violation::rule).containsExactly(
                tuple("r-garbage", Rule.PII_EMAIL), tuple("r-garbage", Rule.UNDECODABLE), tuple("r-gone", Rule.UNDECODABLE));
        assertThat(verifier.finish()).extracting(Violation::line).noneMatch(l -> l.contains("mustermann"));
        assertThat(verifier.eventCount()).isEqualTo(1);
        assertThat(verifier.requestCount()).isEqualTo(1);
    }
}
