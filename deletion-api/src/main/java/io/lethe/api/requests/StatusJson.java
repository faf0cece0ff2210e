package io.lethe.api.requests;

import io.lethe.events.DeletionStatus;
import io.lethe.events.TaskState;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The DESIGN.md section 5 body of one request. */
public final class StatusJson {

    private StatusJson() {
    }

    public static Map<String, Object> of(DeletionStatus s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("requestId", s.getRequestId());
        m.put("scope", s.getScope().name());
        m.put("customerId", s.getCustomerId());
        m.put("itemId", s.getItemId());
        m.put("reason", s.getReason().name());
        m.put("status", s.getStatus().name());
        m.put("tasks", s.getTasks().stream().map(StatusJson::task).toList());
        m.put("requestedAt", iso(s.getRequestedAt()));
        m.put("completedAt", iso(s.getCompletedAt()));
        m.put("dueAt", iso(s.getDueAt()));
        m.put("verified", s.getVerified());
        return m;
    }

    private static Map<String, Object> task(TaskState t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dataType", t.getDataType());
        m.put("status", t.getStatus().name());
        m.put("attempts", t.getAttempts());
        m.put("rowsScrubbed", t.getRowsScrubbed());
        m.put("rowsDeleted", t.getRowsDeleted());
        m.put("blobsDeleted", t.getBlobsDeleted());
        m.put("residual", t.getResidual());
        m.put("error", t.getErrorCode());
        return m;
    }

    public static String iso(Instant i) {
        return i == null ? null : i.toString();
    }

    public static Map<String, Object> accepted(String requestId, Instant dueAt) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("requestId", requestId);
        m.put("status", "ACCEPTED");
        m.put("statusUrl", "/v1/deletion-requests/" + requestId);
        m.put("dueAt", iso(dueAt));
        return m;
    }

    static List<Map<String, Object>> all(List<DeletionStatus> items) {
        return items.stream().map(StatusJson::of).toList();
    }
}
