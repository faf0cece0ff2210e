package io.lethe.audit;

import io.lethe.events.AuditEvent;
import io.lethe.events.AuditType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What was asked, when, and what was erased, for one request: a line of {@code lethe audit
 * report}, a row of the console's report, one {@link ProofDocument}.
 *
 * @param completedAt when the request was COMPLETED (null while open or FAILED)
 * @param onTime      completedAt at or before dueAt; null when not completed or no due date
 * @param status      ACCEPTED, IN_PROGRESS, COMPLETED or FAILED, after the last lifecycle event
 * @param verified    COMPLETED and every required data type has a SUCCEEDED result with residual 0
 * @param dataTypes   one entry per required data type (and any other type with results)
 */
public record ProofOfDeletion(String requestId, String tenant, String customerId, String scope, String itemId,
                              String regulation, String reason, Instant requestedAt, Instant completedAt, Instant dueAt,
                              Boolean onTime, String status, boolean verified, List<DataTypeCounts> dataTypes) {

    /**
     * What the erasers reported for one data type. Row and blob counts add up every attempt
     * (a retry after a partial failure erases the rest); residual and status are the latest
     * result's.
     */
    public record DataTypeCounts(String dataType, String taskStatus, int results, long rowsScrubbed, long rowsDeleted,
                                 long blobsDeleted, Long residual) {
    }

    /** The proof for one request's history; {@code verified} is {@link Verifier#deletionVerified}. */
    public static ProofOfDeletion of(RequestHistory h) {
        AuditEvent f = h.accepted().orElse(h.first());
        Instant completedAt = h.completed().map(AuditEvent::getOccurredAt).orElse(null);
        Instant dueAt = h.dueAt().orElse(null);
        Boolean onTime = completedAt == null || dueAt == null ? null : !completedAt.isAfter(dueAt);
        List<String> types = new ArrayList<>(h.requiredDataTypes());
        h.events().stream().filter(e -> e.getType() == AuditType.TASK_RESULT && e.getDataType() != null)
                .map(AuditEvent::getDataType).distinct().filter(t -> !types.contains(t)).forEach(types::add);
        List<DataTypeCounts> counts = types.stream().map(t -> counts(t, h.results(t))).toList();
        return new ProofOfDeletion(h.requestId(), f.getTenant(), f.getCustomerId(), str(f.getScope()), f.getItemId(),
                str(f.getRegulation()), str(f.getReason()), h.requestedAt().orElse(null), completedAt, dueAt, onTime,
                h.status().name(), Verifier.deletionVerified(h), counts);
    }

    private static DataTypeCounts counts(String type, List<AuditEvent> results) {
        if (results.isEmpty()) {
            return new DataTypeCounts(type, null, 0, 0, 0, 0, null);
        }
        AuditEvent last = results.get(results.size() - 1);
        return new DataTypeCounts(type, str(last.getTaskStatus()), results.size(),
                results.stream().mapToLong(AuditEvent::getRowsScrubbed).sum(),
                results.stream().mapToLong(AuditEvent::getRowsDeleted).sum(),
                results.stream().mapToLong(AuditEvent::getBlobsDeleted).sum(), last.getResidual());
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }
}
