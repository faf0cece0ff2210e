package io.lethe.api.requests;

import io.lethe.api.validation.Paging;
import io.lethe.events.DeletionRequested;
import io.lethe.events.DeletionStatus;
import io.lethe.events.RequestStatus;
import io.lethe.schemas.Statuses;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The in-memory view of {@code deletion.status} (fed by the materializer), plus requests this
 * instance had acknowledged that the worker has not reported yet (status ACCEPTED). A record
 * from the topic always replaces a local one; a local one never replaces a topic record.
 *
 * <p>Lookups are tenant-scoped: a request of another tenant is indistinguishable from a missing
 * one. Listing scans one tenant's requests in (requestedAt, requestId) order; a customerId
 * filter is a scan, not an index. Local records are lost on restart.
 */
public final class StatusStore {

    /** One page of a listing; positions are (requestedAt millis, requestId). */
    public record Page(List<DeletionStatus> items, Paging.Position next) {
    }

    private final Map<String, DeletionStatus> byId = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong onHold = new java.util.concurrent.atomic.AtomicLong();
    private final Map<String, ConcurrentSkipListMap<Paging.Position, String>> byTenant = new ConcurrentHashMap<>();

    /** A record of the status topic; null deletes. */
    public synchronized void apply(String requestId, DeletionStatus status) {
        DeletionStatus old = status == null ? byId.remove(requestId) : byId.put(requestId, status);
        if (old != null && old.getStatus() == RequestStatus.ON_HOLD) {
            onHold.decrementAndGet();
        }
        if (status != null && status.getStatus() == RequestStatus.ON_HOLD) {
            onHold.incrementAndGet();
        }
        if (old != null) {
            index(old.getTenant()).remove(new Paging.Position(old.getRequestedAt().toEpochMilli(), requestId));
        }
        if (status != null) {
            index(status.getTenant()).put(new Paging.Position(status.getRequestedAt().toEpochMilli(), requestId), requestId);
        }
    }

    /** A request this instance just had acknowledged; ignored when the topic already reported it. */
    public synchronized void putLocal(DeletionRequested r) {
        if (byId.containsKey(r.getRequestId())) {
            return;
        }
        apply(r.getRequestId(), DeletionStatus.newBuilder()
                .setRequestId(r.getRequestId()).setTenant(r.getTenant()).setCustomerId(r.getCustomerId())
                .setScope(r.getScope()).setItemId(r.getItemId()).setReason(r.getReason()).setRegulation(r.getRegulation())
                .setActor(r.getActor()).setStatus(RequestStatus.ACCEPTED).setTasks(List.of())
                .setRequestedAt(r.getRequestedAt()).setUpdatedAt(r.getRequestedAt()).setDueAt(r.getDueAt())
                .setBulkId(r.getBulkId()).setRequestHash(r.getRequestHash()).setOriginalRequestId(r.getOriginalRequestId()).build());
    }

    public Optional<DeletionStatus> find(String tenant, String requestId) {
        DeletionStatus s = byId.get(requestId);
        return s != null && s.getTenant().equals(tenant) ? Optional.of(s) : Optional.empty();
    }

    public Page list(String tenant, String customerId, RequestStatus status, int limit, Paging.Position after) {
        ConcurrentSkipListMap<Paging.Position, String> index = byTenant.get(tenant);
        if (index == null) {
            return new Page(List.of(), null);
        }
        return page(after == null ? index : index.tailMap(after, false), customerId, status, limit);
    }

    /** Up to {@code limit} matching entries of {@code view} in its order, and where the next page starts. */
    private Page page(Map<Paging.Position, String> view, String customerId, RequestStatus status, int limit) {
        List<DeletionStatus> items = new ArrayList<>();
        Paging.Position last = null;
        for (var e : view.entrySet()) {
            DeletionStatus s = byId.get(e.getValue());
            if (s == null || (customerId != null && !customerId.equals(s.getCustomerId()))
                    || (status != null && status != s.getStatus())) {
                continue;
            }
            if (items.size() == limit) {
                return new Page(items, last);
            }
            items.add(s);
            last = e.getKey();
        }
        return new Page(items, null);
    }

    /**
     * How many of a tenant's requests are in each status, plus {@code OVERDUE}: open
     * (not COMPLETED, FAILED or REJECTED), not ON_HOLD, and past {@code dueAt} at {@code now}.
     * One scan of the tenant.
     */
    public Map<String, Long> counts(String tenant, java.time.Instant now) {
        Map<String, Long> counts = new java.util.LinkedHashMap<>();
        for (RequestStatus st : RequestStatus.values()) {
            counts.put(st.name(), 0L);
        }
        counts.put(OVERDUE, 0L);
        ConcurrentSkipListMap<Paging.Position, String> index = byTenant.get(tenant);
        if (index != null) {
            for (String id : index.values()) {
                DeletionStatus s = byId.get(id);
                if (s != null) {
                    counts.merge(s.getStatus().name(), 1L, Long::sum);
                    if (overdue(s, now)) {
                        counts.merge(OVERDUE, 1L, Long::sum);
                    }
                }
            }
        }
        return counts;
    }

    /** The pseudo-status of {@link #counts}. */
    public static final String OVERDUE = "OVERDUE";

    /** ON_HOLD requests of every tenant (the {@code lethe.api.requests.on.hold} gauge). */
    public long onHold() {
        return onHold.get();
    }

    /** Still open, not held by a legal hold, and past its due date (a held request's clock does not run out). */
    public static boolean overdue(DeletionStatus s, java.time.Instant now) {
        return s.getDueAt() != null && now.isAfter(s.getDueAt()) && !Statuses.terminal(s.getStatus())
                && s.getStatus() != RequestStatus.ON_HOLD;
    }

    /** Newest first: the last {@code limit} entries before {@code before} (exclusive; null = from the newest). */
    public Page listNewestFirst(String tenant, String customerId, RequestStatus status, int limit, Paging.Position before) {
        ConcurrentSkipListMap<Paging.Position, String> index = byTenant.get(tenant);
        if (index == null) {
            return new Page(List.of(), null);
        }
        return page((before == null ? index : index.headMap(before, false)).descendingMap(), customerId, status, limit);
    }

    private ConcurrentSkipListMap<Paging.Position, String> index(String tenant) {
        return byTenant.computeIfAbsent(tenant, t -> new ConcurrentSkipListMap<>());
    }
}
