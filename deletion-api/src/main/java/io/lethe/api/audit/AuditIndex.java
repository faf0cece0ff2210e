package io.lethe.api.audit;

import io.lethe.events.AuditEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-memory view of the audit topic (fed by the materializer) that the console reads: each
 * request's events in log order, and each tenant's events. The topic is keyed by requestId, so a
 * request's events arrive in the order they happened.
 *
 * <p>Holds every event in memory (ids, counts and times only: a few hundred bytes each); an
 * instance's memory therefore bounds how much audit history its console can show. It does not
 * index by time: a tenant's report is a scan of that tenant's events.
 */
public final class AuditIndex {

    private final Map<String, List<AuditEvent>> byRequest = new ConcurrentHashMap<>();
    private final Map<String, List<AuditEvent>> byTenant = new ConcurrentHashMap<>();

    /** A record of the audit topic; tombstones (never written by Lethe) are ignored. */
    public void apply(String key, AuditEvent e) {
        if (e == null) {
            return;
        }
        List<AuditEvent> request = byRequest.computeIfAbsent(e.getRequestId(), k -> new ArrayList<>());
        synchronized (request) {
            request.add(e);
        }
        List<AuditEvent> tenant = byTenant.computeIfAbsent(e.getTenant(), k -> new ArrayList<>());
        synchronized (tenant) {
            tenant.add(e);
        }
    }

    /** One request's events, oldest first; empty for another tenant's request. */
    public List<AuditEvent> request(String tenant, String requestId) {
        List<AuditEvent> events = byRequest.get(requestId);
        if (events == null) {
            return List.of();
        }
        synchronized (events) {
            return events.stream().filter(e -> e.getTenant().equals(tenant)).toList();
        }
    }

    /** A copy of one tenant's events, in the order this instance read them. */
    public List<AuditEvent> tenant(String tenant) {
        List<AuditEvent> events = byTenant.get(tenant);
        if (events == null) {
            return List.of();
        }
        synchronized (events) {
            return List.copyOf(events);
        }
    }
}
