package io.lethe.audit;

import io.lethe.events.AuditEvent;
import io.lethe.events.AuditType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Every audit event of one request, in log order. The audit topic is keyed by requestId, so
 * all of a request's events sit on one partition and log order is the order they happened.
 *
 * @param requestId the request
 * @param events    its events, oldest first
 */
public record RequestHistory(String requestId, List<AuditEvent> events) {

    /** Where a request stands after its last lifecycle event. */
    public enum Status { ACCEPTED, IN_PROGRESS, COMPLETED, FAILED, NOT_ACCEPTED, ON_HOLD }

    public RequestHistory {
        Objects.requireNonNull(requestId, "requestId");
        events = List.copyOf(events);
        if (events.isEmpty()) {
            throw new IllegalArgumentException("a request history has at least one event");
        }
    }

    /** Groups events by requestId, keeping the order of each request's first event. */
    public static List<RequestHistory> group(List<AuditEvent> events) {
        Map<String, List<AuditEvent>> byRequest = new LinkedHashMap<>();
        for (AuditEvent e : events) {
            byRequest.computeIfAbsent(e.getRequestId(), k -> new ArrayList<>()).add(e);
        }
        return byRequest.entrySet().stream().map(en -> new RequestHistory(en.getKey(), en.getValue())).toList();
    }

    public AuditEvent first() {
        return events.get(0);
    }

    public Optional<AuditEvent> accepted() {
        return events.stream().filter(e -> e.getType() == AuditType.ACCEPTED).findFirst();
    }

    /** The last ACCEPTED, REDRIVEN, COMPLETED or FAILED event. */
    public Optional<AuditEvent> lastLifecycle() {
        AuditEvent last = null;
        for (AuditEvent e : events) {
            switch (e.getType()) {
                case ACCEPTED, REDRIVEN, COMPLETED, FAILED -> last = e;
                default -> {
                }
            }
        }
        return Optional.ofNullable(last);
    }

    /**
     * Where the request stands: ON_HOLD while its last hold event is REQUEST_HELD (and it has not
     * finished since), else from its last lifecycle event.
     */
    public Status status() {
        if (held()) {
            return Status.ON_HOLD;
        }
        return lastLifecycle().map(e -> switch (e.getType()) {
            case COMPLETED -> Status.COMPLETED;
            case FAILED -> Status.FAILED;
            case REDRIVEN -> Status.IN_PROGRESS;
            default -> events.stream().anyMatch(x -> x.getType() == AuditType.TASK_DISPATCHED) ? Status.IN_PROGRESS : Status.ACCEPTED;
        }).orElse(Status.NOT_ACCEPTED);
    }

    /** Whether a legal hold keeps the request now: REQUEST_HELD is the last of the hold and terminal events. */
    public boolean held() {
        AuditType last = null;
        for (AuditEvent e : events) {
            switch (e.getType()) {
                case REQUEST_HELD, REQUEST_RESUMED, COMPLETED, FAILED -> last = e.getType();
                default -> {
                }
            }
        }
        return last == AuditType.REQUEST_HELD;
    }

    /** The COMPLETED event that ends the history, if it ends completed. */
    public Optional<AuditEvent> completed() {
        return lastLifecycle().filter(e -> e.getType() == AuditType.COMPLETED);
    }

    /** Due date: from ACCEPTED, else from any event that carries one. */
    public Optional<Instant> dueAt() {
        return accepted().map(AuditEvent::getDueAt).or(() -> events.stream().map(AuditEvent::getDueAt)
                .filter(Objects::nonNull).findFirst());
    }

    public Optional<Instant> requestedAt() {
        return accepted().map(AuditEvent::getRequestedAt).or(() -> events.stream().map(AuditEvent::getRequestedAt)
                .filter(Objects::nonNull).findFirst());
    }

    /** Data types the request needed: ACCEPTED's list, else the COMPLETED/FAILED event's. */
    public List<String> requiredDataTypes() {
        Optional<List<String>> fromAccepted = accepted().map(AuditEvent::getRequiredDataTypes).filter(l -> !l.isEmpty());
        return fromAccepted.or(() -> lastLifecycle().map(AuditEvent::getRequiredDataTypes)).orElse(List.of());
    }

    /** TASK_RESULT events of one data type, oldest first. */
    public List<AuditEvent> results(String dataType) {
        return events.stream().filter(e -> e.getType() == AuditType.TASK_RESULT && dataType.equals(e.getDataType())).toList();
    }
}
