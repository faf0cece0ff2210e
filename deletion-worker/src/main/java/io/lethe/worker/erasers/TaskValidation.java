package io.lethe.worker.erasers;

import io.lethe.events.ErasureTask;
import io.lethe.events.Scope;
import io.lethe.runtime.streams.InvalidRecordException;

/** An eraser acts only on a task that names exactly one subject and, for item scopes, one item. */
public final class TaskValidation {

    private TaskValidation() {
    }

    public static void check(ErasureTask t, String dataType) {
        nonEmpty("taskId", t.getTaskId());
        nonEmpty("requestId", t.getRequestId());
        nonEmpty("tenant", t.getTenant());
        nonEmpty("customerId", t.getCustomerId());
        if (!dataType.equals(t.getDataType())) {
            throw new InvalidRecordException("task for data type " + t.getDataType() + " on the " + dataType + " topic");
        }
        if ((t.getScope() == Scope.PROFILE) != (t.getItemId() == null)) {
            throw new InvalidRecordException("itemId must be present exactly for item scopes");
        }
        if (t.getItemId() != null) {
            nonEmpty("itemId", t.getItemId());
        }
        if (t.getAttempt() < 1) {
            throw new InvalidRecordException("attempt must be at least 1");
        }
    }

    private static void nonEmpty(String field, String v) {
        if ("tenant".equals(field)) {
            InvalidRecordException.requireTenant(field, v);
        } else {
            InvalidRecordException.requireId(field, v);
        }
    }
}
