package io.lethe.api.audit;

import io.lethe.events.AuditEvent;
import io.lethe.events.AuditType;
import java.time.Instant;
import java.util.UUID;

/**
 * Audit events for decisions taken in the API rather than in the worker: retention policy
 * changes, bulk-deletion approvals or rejections, and legal holds placed or released. They go
 * to {@code lethe.audit} with the acting subject, so an auditor can answer "who shortened
 * retention", "who approved this bulk" and "who held or released this customer" long after the
 * compacted policy, bulk and hold topics dropped the old values.
 * Policy and bulk events name no customer: {@code customerId} is {@value #NO_CUSTOMER}; a hold's
 * event names its customer, or {@value #NO_CUSTOMER} for a tenant-wide hold. None carries a
 * hold's matter reference or any other free text.
 */
public final class AdminAudit {

    public static final String NO_CUSTOMER = "-";

    private AdminAudit() {
    }

    /** A policy change; keyed by a per-change id {@code policy/<tenant>/<uuid>}. */
    public static AuditEvent policyChanged(String tenant, String actor, Instant at) {
        return base("policy/" + tenant + "/" + UUID.randomUUID(), tenant, actor, AuditType.POLICY_CHANGED, at).build();
    }

    /** A bulk deletion approved or rejected by a second privacy officer; keyed by bulkId. */
    public static AuditEvent bulkDecided(String tenant, String bulkId, String actor, boolean approved, Instant at) {
        return bulkDecided(tenant, bulkId, actor, approved, at, null);
    }

    /** @param rejectReason a rejection reason code, carried in {@code errorCode}; null for approvals */
    public static AuditEvent bulkDecided(String tenant, String bulkId, String actor, boolean approved, Instant at, String rejectReason) {
        return base(bulkId, tenant, actor, approved ? AuditType.APPROVED : AuditType.REJECTED, at).setBulkId(bulkId)
                .setErrorCode(rejectReason).build();
    }

    /** A legal hold placed; keyed by holdId. {@code customerId} null = the whole tenant. */
    public static AuditEvent holdPlaced(String tenant, String holdId, String customerId, String actor, Instant at) {
        return hold(AuditType.HOLD_PLACED, tenant, holdId, customerId, actor, at);
    }

    /** A legal hold released; keyed by holdId. {@code customerId} null = the whole tenant. */
    public static AuditEvent holdReleased(String tenant, String holdId, String customerId, String actor, Instant at) {
        return hold(AuditType.HOLD_RELEASED, tenant, holdId, customerId, actor, at);
    }

    private static AuditEvent hold(AuditType type, String tenant, String holdId, String customerId, String actor, Instant at) {
        return base(holdId, tenant, actor, type, at).setCustomerId(customerId == null ? NO_CUSTOMER : customerId)
                .setHoldId(holdId).build();
    }

    private static AuditEvent.Builder base(String id, String tenant, String actor, AuditType type, Instant at) {
        return AuditEvent.newBuilder().setEventId(UUID.randomUUID().toString()).setRequestId(id).setTenant(tenant)
                .setCustomerId(NO_CUSTOMER).setType(type).setActor(actor).setOccurredAt(at);
    }
}
