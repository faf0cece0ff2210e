package io.lethe.api.requests;

import io.lethe.events.DeletionStatus;
import io.lethe.events.RequestStatus;
import io.lethe.events.TaskState;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The body of one request in the HTTP contract (docs/architecture.md, HTTP contract; docs/api.md). */
public final class StatusJson {

    private StatusJson() {
    }

    /**
     * The body of one request at {@code now}. {@code holdIds} names the legal holds keeping it
     * ON_HOLD (empty otherwise); an ON_HOLD request also says since when it is held and for how
     * long in all ({@code heldForSeconds}: this hold so far plus earlier holds).
     */
    public static Map<String, Object> of(DeletionStatus s, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("requestId", s.getRequestId());
        m.put("scope", s.getScope().name());
        m.put("customerId", s.getCustomerId());
        m.put("itemId", s.getItemId());
        m.put("reason", s.getReason().name());
        if (s.getOriginalRequestId() != null) {
            m.put("originalRequestId", s.getOriginalRequestId());
        }
        m.put("status", s.getStatus().name());
        m.put("tasks", s.getTasks().stream().map(StatusJson::task).toList());
        m.put("requestedAt", iso(s.getRequestedAt()));
        m.put("completedAt", iso(s.getCompletedAt()));
        m.put("dueAt", iso(s.getDueAt()));
        m.put("verified", s.getVerified());
        m.put("holdIds", s.getHoldIds());
        if (s.getStatus() == RequestStatus.ON_HOLD) {
            m.put("heldSince", iso(s.getHeldSince()));
            m.put("heldForSeconds", heldFor(s, now).toSeconds());
        }
        return m;
    }

    /** How long a request has been held in all at {@code now}: earlier holds plus the current one. */
    public static Duration heldFor(DeletionStatus s, Instant now) {
        Duration current = s.getStatus() == RequestStatus.ON_HOLD && s.getHeldSince() != null && now.isAfter(s.getHeldSince())
                ? Duration.between(s.getHeldSince(), now) : Duration.ZERO;
        return current.plusMillis(s.getHeldMillis());
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

    static List<Map<String, Object>> all(List<DeletionStatus> items, Instant now) {
        return items.stream().map(s -> of(s, now)).toList();
    }
}
