package io.lethe.worker.coordinator;

import io.lethe.events.DeletionRequested;
import io.lethe.events.ErasureResult;
import io.lethe.events.Reason;
import io.lethe.events.Scope;
import io.lethe.runtime.streams.InvalidRecordException;
import io.lethe.schemas.Topics;

/**
 * Field checks on decoded input. A record that fails them is never acted on: it goes to the
 * dead-letter topic. Messages name the field and the rule, never the value.
 */
public final class RequestValidation {

    private RequestValidation() {
    }

    public static void check(String key, DeletionRequested r) {
        id("requestId", r.getRequestId());
        InvalidRecordException.requireTenant("tenant", r.getTenant());
        id("customerId", r.getCustomerId());
        id("actor", r.getActor());
        if (r.getScope() == Scope.PROFILE) {
            if (r.getItemId() != null) {
                throw new InvalidRecordException("itemId must be absent for scope PROFILE");
            }
        } else {
            id("itemId", r.getItemId());
        }
        if (r.getReason() == Reason.RESURRECTED) {
            id("originalRequestId", r.getOriginalRequestId());
        } else if (r.getOriginalRequestId() != null) {
            throw new InvalidRecordException("originalRequestId is only for reason RESURRECTED");
        }
        if (r.getDueAt().isBefore(r.getRequestedAt())) {
            throw new InvalidRecordException("dueAt is before requestedAt");
        }
        if (!Topics.subjectKey(r.getTenant(), r.getCustomerId()).equals(key)) {
            throw new InvalidRecordException("record key is not the subject key tenant/customerId");
        }
    }

    /**
     * A result keyed by anything but its subject key would be routed to a partition that does not hold its
     * request (its state could never be found), so it is refused rather than ignored.
     */
    public static void check(String key, ErasureResult r) {
        id("taskId", r.getTaskId());
        id("requestId", r.getRequestId());
        id("dataType", r.getDataType());
        if (r.getAttempt() < 1) {
            throw new InvalidRecordException("attempt must be at least 1");
        }
        if (r.getRowsScrubbed() < 0 || r.getRowsDeleted() < 0 || r.getBlobsDeleted() < 0 || r.getResidual() < 0) {
            throw new InvalidRecordException("counts must not be negative");
        }
        InvalidRecordException.requireTenant("tenant", r.getTenant());
        id("customerId", r.getCustomerId());
        if (!Topics.subjectKey(r.getTenant(), r.getCustomerId()).equals(key)) {
            throw new InvalidRecordException("record key is not the subject key tenant/customerId");
        }
    }

    private static void id(String field, String value) {
        InvalidRecordException.requireId(field, value);
    }
}
