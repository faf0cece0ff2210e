package io.lethe.audit;

import io.lethe.events.AuditEvent;
import io.lethe.events.AuditType;
import io.lethe.events.Reason;
import io.lethe.events.Regulation;
import io.lethe.events.RequestStatus;
import io.lethe.events.Scope;
import io.lethe.events.TaskStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Audit histories shaped like the ones CoordinatorProcessor writes; shared with the CLI's tests through this module's test jar. */
public final class AuditEvents {

    public static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    public static final List<String> PROFILE_TYPES = List.of("conversations", "attachments", "integration-data", "customer-details");

    private final String requestId;
    private final String tenant;
    private final String customerId;
    private final Scope scope;
    private final Instant dueAt;
    private final List<AuditEvent> events = new ArrayList<>();
    private Instant clock;

    private AuditEvents(String requestId, String tenant, String customerId, Scope scope, Instant requestedAt, Instant dueAt) {
        this.requestId = requestId;
        this.tenant = tenant;
        this.customerId = customerId;
        this.scope = scope;
        this.dueAt = dueAt;
        this.clock = requestedAt;
    }

    public static AuditEvents request(String requestId, String tenant, String customerId, Scope scope, Instant requestedAt, Instant dueAt) {
        return new AuditEvents(requestId, tenant, customerId, scope, requestedAt, dueAt);
    }

    private AuditEvent.Builder base(AuditType type, String actor, RequestStatus status) {
        clock = clock.plusSeconds(1);
        return AuditEvent.newBuilder().setEventId(UUID.randomUUID().toString()).setRequestId(requestId).setTenant(tenant)
                .setCustomerId(customerId).setType(type).setActor(actor).setScope(scope)
                .setItemId(scope == Scope.PROFILE ? null : "msg-000042")
                .setRegulation(Regulation.GDPR).setReason(Reason.CUSTOMER_REQUEST).setRequestStatus(status)
                .setRequestedAt(events.isEmpty() ? clock.minusSeconds(1) : events.get(0).getRequestedAt())
                .setDueAt(dueAt).setOccurredAt(clock);
    }

    public AuditEvents accepted(List<String> types) {
        events.add(base(AuditType.ACCEPTED, "svc-compliance-7", RequestStatus.IN_PROGRESS).setRequiredDataTypes(types).build());
        return this;
    }

    public AuditEvents dispatched(String type, int attempt) {
        events.add(base(AuditType.TASK_DISPATCHED, "deletion-worker", RequestStatus.IN_PROGRESS)
                .setDataType(type).setAttempt(attempt).build());
        return this;
    }

    public AuditEvents result(String type, int attempt, TaskStatus status, long scrubbed, long deleted, long blobs, long residual, String error) {
        events.add(base(AuditType.TASK_RESULT, "worker-1", RequestStatus.IN_PROGRESS).setDataType(type).setAttempt(attempt)
                .setTaskStatus(status).setRowsScrubbed(scrubbed).setRowsDeleted(deleted).setBlobsDeleted(blobs)
                .setResidual(residual).setErrorCode(error).build());
        return this;
    }

    public AuditEvents succeeded(String type) {
        return dispatched(type, 1).result(type, 1, TaskStatus.SUCCEEDED, 3, 2, 1, 0, null);
    }

    public AuditEvents completed(List<String> types, long residual) {
        events.add(base(AuditType.COMPLETED, "deletion-worker", RequestStatus.COMPLETED).setRequiredDataTypes(types)
                .setResidual(residual).build());
        return this;
    }

    public AuditEvents failed(List<String> types, String error) {
        events.add(base(AuditType.FAILED, "deletion-worker", RequestStatus.FAILED).setRequiredDataTypes(types)
                .setErrorCode(error).setResidual(0L).build());
        return this;
    }

    /** A whole successful history: accepted, every type erased, completed. */
    public AuditEvents completedProfile() {
        accepted(PROFILE_TYPES);
        PROFILE_TYPES.forEach(this::succeeded);
        return completed(PROFILE_TYPES, 0);
    }

    /** The worker put the request on hold under {@code holdId}. */
    public AuditEvents held(String holdId) {
        events.add(base(AuditType.REQUEST_HELD, "deletion-worker", RequestStatus.ON_HOLD).setHoldId(holdId).build());
        return this;
    }

    /** The hold ended and the worker resumed the request. */
    public AuditEvents resumed(String holdId) {
        events.add(base(AuditType.REQUEST_RESUMED, "deletion-worker", RequestStatus.IN_PROGRESS).setHoldId(holdId).build());
        return this;
    }

    public AuditEvents with(java.util.function.UnaryOperator<AuditEvent> change, int index) {
        events.set(index, change.apply(events.get(index)));
        return this;
    }

    public List<AuditEvent> events() {
        return List.copyOf(events);
    }
}
