package io.lethe.worker.coordinator;

import io.lethe.events.DeletionRequested;
import io.lethe.events.ErasureResult;
import io.lethe.events.Scope;
import io.lethe.runtime.streams.InvalidRecordException;
import io.lethe.schemas.Topics;

/**
 * Field checks on decoded input. A record that fails them is never acted on: it goes to the
 * dead-letter topic. Messages name the field and the rule, never the value.
 */
final class RequestValidation {

    static final int MAX_ID_LENGTH = 128;

    private RequestValidation() {
    }

    static void check(String key, DeletionRequested r) {
        id("requestId", r.getRequestId());
        id("tenant", r.getTenant());
        id("customerId", r.getCustomerId());
        id("actor", r.getActor());
        if (r.getTenant().indexOf('/') >= 0) {
            throw new InvalidRecordException("tenant must not contain '/'");
        }
        if (r.getScope() == Scope.PROFILE) {
            if (r.getItemId() != null) {
                throw new InvalidRecordException("itemId must be absent for scope PROFILE");
            }
        } else {
            id("itemId", r.getItemId());
        }
        if (r.getDueAt().isBefore(r.getRequestedAt())) {
            throw new InvalidRecordException("dueAt is before requestedAt");
        }
        if (!Topics.subjectKey(r.getTenant(), r.getCustomerId()).equals(key)) {
            throw new InvalidRecordException("record key is not the subject key tenant/customerId");
        }
    }

    static void check(ErasureResult r) {
        id("taskId", r.getTaskId());
        id("requestId", r.getRequestId());
        id("dataType", r.getDataType());
        if (r.getAttempt() < 1) {
            throw new InvalidRecordException("attempt must be at least 1");
        }
        if (r.getRowsScrubbed() < 0 || r.getRowsDeleted() < 0 || r.getBlobsDeleted() < 0 || r.getResidual() < 0) {
            throw new InvalidRecordException("counts must not be negative");
        }
    }

    private static void id(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidRecordException(field + " must not be empty");
        }
        if (value.length() > MAX_ID_LENGTH) {
            throw new InvalidRecordException(field + " is longer than " + MAX_ID_LENGTH + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new InvalidRecordException(field + " contains a control character");
            }
        }
    }
}
