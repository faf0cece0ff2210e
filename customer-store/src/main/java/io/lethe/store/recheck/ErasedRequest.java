package io.lethe.store.recheck;

import io.lethe.events.AuditEvent;
import io.lethe.events.AuditType;
import io.lethe.events.Regulation;
import io.lethe.events.Scope;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A request the audit trail records as erased (its COMPLETED event): what a recheck checks again.
 * Everything comes from that one event, so a recheck keeps no state across the audit topic.
 *
 * @param allowance how long the original request had from arrival to its due date (a re-erasure gets the same)
 */
public record ErasedRequest(String requestId, String tenant, String customerId, Scope scope, String itemId,
                            List<String> dataTypes, Regulation regulation, Instant completedAt, Duration allowance) {

    public ErasedRequest {
        dataTypes = List.copyOf(dataTypes);
    }

    /** The erased request an audit event records, when it is a COMPLETED event. */
    public static Optional<ErasedRequest> of(AuditEvent e) {
        if (e.getType() != AuditType.COMPLETED || e.getScope() == null) {
            return Optional.empty();
        }
        Duration allowance = e.getRequestedAt() == null || e.getDueAt() == null
                ? Duration.ofDays(30) : Duration.between(e.getRequestedAt(), e.getDueAt());
        return Optional.of(new ErasedRequest(e.getRequestId(), e.getTenant(), e.getCustomerId(), e.getScope(), e.getItemId(),
                e.getRequiredDataTypes(), e.getRegulation() == null ? Regulation.OTHER : e.getRegulation(), e.getOccurredAt(),
                allowance.isNegative() ? Duration.ZERO : allowance));
    }
}
