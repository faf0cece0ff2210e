package io.lethe.scanner;

import io.lethe.events.ContactActivity;
import io.lethe.events.DeletionCompleted;
import io.lethe.events.DeletionFailed;
import io.lethe.events.DeletionRequested;
import io.lethe.events.PolicyMode;
import io.lethe.events.Reason;
import io.lethe.events.Regulation;
import io.lethe.events.RetentionPolicy;
import io.lethe.events.Scope;
import io.lethe.runtime.streams.InvalidRecordException;
import io.lethe.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps each customer's latest contact, indexed by time, and emits retention expiries.
 *
 * <p>Semantics (docs/retention.md): activity never moves a last contact back; a customer with
 * an expiry in flight is out of the index, so no second request is emitted while one is open;
 * a contact that arrives while the expiry is in flight does not cancel it (the customer was
 * past the limit when it was decided), but if it is newer than the expiry's basis the customer
 * stays tracked from that new contact once the deletion completed. A failed deletion puts the
 * customer back into the index; the next tick redrives the same request id.
 */
public final class ScannerProcessor implements Processor<String, Object, String, DeletionRequested> {

    static final String ACTOR = "retention-scanner";
    private static final String REDRIVE = "redrive";

    private final ScannerSettings settings;
    private final ScannerMetrics metrics;
    private ProcessorContext<String, DeletionRequested> context;
    private KeyValueStore<String, Long> lastContact;
    private KeyValueStore<String, String> index;
    private KeyValueStore<String, String> expiring;
    private KeyValueStore<String, RetentionPolicy> policies;
    private final Map<String, Long> trackedByTenant = new HashMap<>();
    private long lastTickVisited;

    private String partition = "-";
    private final Set<String> backlogTenants = new HashSet<>();

    ScannerProcessor(ScannerSettings settings, ScannerMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, DeletionRequested> context) {
        this.context = context;
        this.partition = context.taskId().toString();
        lastContact = context.getStateStore(ScannerTopology.LAST_CONTACT_STORE);
        index = context.getStateStore(ScannerTopology.INDEX_STORE);
        expiring = context.getStateStore(ScannerTopology.EXPIRING_STORE);
        policies = context.getStateStore(ScannerTopology.POLICY_STORE);
        try (KeyValueIterator<String, Long> all = lastContact.all()) {
            all.forEachRemaining(kv -> track(tenantOf(kv.key), 1));
        }
        context.schedule(settings.interval(), PunctuationType.WALL_CLOCK_TIME, this::scan);
    }

    @Override
    public void close() {
        trackedByTenant.forEach((tenant, n) -> metrics.tracked(tenant, -n));
        metrics.partitionClosed(partition);
    }

    @Override
    public void process(Record<String, Object> record) {
        if (record.value() instanceof ContactActivity a) {
            onActivity(record.key(), a);
        } else if (record.value() instanceof DeletionCompleted c) {
            validateEvent(record.key(), c.getRequestId(), c.getTenant(), c.getCustomerId());
            if (c.getScope() == Scope.PROFILE) {
                onCompleted(Topics.subjectKey(c.getTenant(), c.getCustomerId()), c.getTenant(), c.getCustomerId(), c.getRequestId());
            }
        } else if (record.value() instanceof DeletionFailed f) {
            validateEvent(record.key(), f.getRequestId(), f.getTenant(), f.getCustomerId());
            if (f.getScope() == Scope.PROFILE) {
                onFailed(Topics.subjectKey(f.getTenant(), f.getCustomerId()), f.getTenant(), f.getCustomerId(), f.getRequestId());
            }
        } else if (record.value() != null) {
            throw new InvalidRecordException("unexpected record type " + record.value().getClass().getSimpleName());
        }
    }

    private void onActivity(String key, ContactActivity a) {
        validate(a);
        String subject = Topics.subjectKey(a.getTenant(), a.getCustomerId());
        if (!subject.equals(key)) {
            throw new InvalidRecordException("record key is not the subject key tenant/customerId");
        }
        long at = a.getOccurredAt().toEpochMilli();
        Long previous = lastContact.get(subject);
        if (previous != null && at <= previous) {
            return;
        }
        lastContact.put(subject, at);
        if (previous == null) {
            track(a.getTenant(), 1);
        }
        if (expiring.get(subject) == null) {
            if (previous != null) {
                index.delete(indexKey(a.getTenant(), previous, a.getCustomerId()));
            }
            index.put(indexKey(a.getTenant(), at, a.getCustomerId()), "");
        }
    }

    private void onCompleted(String subject, String tenant, String customerId, String requestId) {
        Long last = lastContact.get(subject);
        String exp = expiring.get(subject);
        if (exp != null) {
            expiring.delete(subject);
            long basis = Long.parseLong(exp.substring(exp.indexOf('@') + 1));
            if (last != null && last > basis) {
                index.put(indexKey(tenant, last, customerId), "");
                return;
            }
        } else if (last != null) {
            index.delete(indexKey(tenant, last, customerId));
        }
        if (last != null) {
            lastContact.delete(subject);
            track(tenant, -1);
        }
    }

    private void onFailed(String subject, String tenant, String customerId, String requestId) {
        String exp = expiring.get(subject);
        if (exp == null || !exp.startsWith(requestId + "@")) {
            return;
        }
        expiring.delete(subject);
        Long last = lastContact.get(subject);
        if (last != null) {
            long basis = Long.parseLong(exp.substring(exp.indexOf('@') + 1));
            index.put(indexKey(tenant, last, customerId), last == basis ? REDRIVE : "");
        }
    }

    /** One tick: for each tenant with a finite policy, emit up to M expiries from its index. */
    void scan(long now) {
        long start = System.nanoTime();
        long visited = 0;
        List<KeyValue<String, RetentionPolicy>> finite = new ArrayList<>();
        try (KeyValueIterator<String, RetentionPolicy> all = policies.all()) {
            all.forEachRemaining(kv -> {
                if (kv.value != null && kv.value.getMode() == PolicyMode.DELETE_AFTER_DAYS && kv.value.getDays() != null) {
                    finite.add(kv);
                }
            });
        }
        List<String> reported = new ArrayList<>();
        for (KeyValue<String, RetentionPolicy> p : finite) {
            String tenant = p.key;
            long cutoff = now - Duration.ofDays(p.value.getDays()).toMillis();
            List<KeyValue<String, String>> due = new ArrayList<>();
            long backlog = 0;
            try (KeyValueIterator<String, String> it = index.range(indexKey(tenant, 0, ""), indexKey(tenant, cutoff, "\uffff"))) {
                while (it.hasNext()) {
                    KeyValue<String, String> kv = it.next();
                    visited++;
                    if (due.size() < settings.maxPerTenantTick()) {
                        due.add(kv);
                    } else {
                        backlog++;
                    }
                }
            }
            for (KeyValue<String, String> kv : due) {
                emit(tenant, kv.key, REDRIVE.equals(kv.value), now);
            }
            metrics.expired(tenant, due.size());
            metrics.backlog(partition, tenant, backlog);
            reported.add(tenant);
        }
        // a tenant whose policy became KEEP_FOREVER (or went) has no backlog any more
        Set<String> current = new HashSet<>();
        finite.forEach(p -> current.add(p.key));
        for (java.util.Iterator<String> it = backlogTenants.iterator(); it.hasNext(); ) {
            String tenant = it.next();
            if (!current.contains(tenant)) {
                metrics.backlog(partition, tenant, 0);
                it.remove();
            }
        }
        backlogTenants.addAll(reported);
        lastTickVisited = visited;
        metrics.tick(partition, visited, Duration.ofNanos(System.nanoTime() - start));
    }

    long lastTickVisited() {
        return lastTickVisited;
    }

    private void emit(String tenant, String indexKey, boolean redrive, long now) {
        int second = indexKey.indexOf('/', tenant.length() + 1);
        long last = Long.parseLong(indexKey.substring(tenant.length() + 1, second));
        String customerId = indexKey.substring(second + 1);
        String subject = Topics.subjectKey(tenant, customerId);
        String requestId = requestId(tenant, customerId, last);
        index.delete(indexKey);
        expiring.put(subject, requestId + "@" + last);
        Instant at = Instant.ofEpochMilli(now);
        DeletionRequested r = DeletionRequested.newBuilder().setRequestId(requestId).setTenant(tenant).setCustomerId(customerId)
                .setScope(Scope.PROFILE).setReason(Reason.RETENTION_EXPIRED).setRegulation(Regulation.RETENTION_POLICY)
                .setActor(ACTOR).setRequestedAt(at).setDueAt(at.plus(settings.dueIn())).setRedrive(redrive).build();
        context.forward(new Record<>(subject, r, now));
    }

    /** Same tenant, customer and last contact: same id, so a replay or restart never doubles work. */
    static String requestId(String tenant, String customerId, long lastContactMillis) {
        return UUID.nameUUIDFromBytes(("retention:" + tenant + "/" + customerId + "@" + lastContactMillis)
                .getBytes(StandardCharsets.UTF_8)).toString();
    }

    static String indexKey(String tenant, long lastContactMillis, String customerId) {
        return tenant + "/" + String.format("%019d", Math.max(0, lastContactMillis)) + "/" + customerId;
    }

    static long days(RetentionPolicy p) {
        return p.getMode() == PolicyMode.DELETE_AFTER_DAYS && p.getDays() != null ? p.getDays() : -1;
    }

    private void track(String tenant, long delta) {
        trackedByTenant.merge(tenant, delta, Long::sum);
        metrics.tracked(tenant, delta);
    }

    private static String tenantOf(String subject) {
        return subject.substring(0, subject.indexOf('/'));
    }

    /** An event naming another subject than its key could untrack a customer it is not about. */
    private static void validateEvent(String key, String requestId, String tenant, String customerId) {
        InvalidRecordException.requireId("requestId", requestId);
        InvalidRecordException.requireTenant("tenant", tenant);
        InvalidRecordException.requireId("customerId", customerId);
        if (!Topics.subjectKey(tenant, customerId).equals(key)) {
            throw new InvalidRecordException("record key is not the subject key tenant/customerId");
        }
    }

    /** The checks on a {@code ContactActivity} before it is indexed (public for the cross-service id-rule test). */
    public static void validate(ContactActivity a) {
        InvalidRecordException.requireTenant("tenant", a.getTenant());
        InvalidRecordException.requireId("customerId", a.getCustomerId());
        InvalidRecordException.requireId("contactId", a.getContactId());
        if (a.getOccurredAt().toEpochMilli() < 0) {
            throw new InvalidRecordException("occurredAt must not be before 1970");
        }
    }
}
