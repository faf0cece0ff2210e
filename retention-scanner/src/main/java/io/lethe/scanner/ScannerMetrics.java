package io.lethe.scanner;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Scanner metrics: tracked customers, expiries, backlog, and the work of each tick. */
public final class ScannerMetrics {

    private final MeterRegistry registry;
    private final Map<String, AtomicLong> tracked = new ConcurrentHashMap<>();
    /** tenant → partition (stream task) → expired customers that partition still has to emit. */
    private final Map<String, Map<String, Long>> backlog = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> policyDays = new ConcurrentHashMap<>();
    /** partition (stream task) → entries its last tick visited. */
    private final Map<String, Long> lastTickVisited = new ConcurrentHashMap<>();

    public MeterRegistry registry() {
        return registry;
    }

    public ScannerMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("lethe.scanner.last.tick.entries.visited", lastTickVisited,
                        m -> m.values().stream().mapToLong(Long::longValue).sum())
                .description("index entries the last tick of each partition of this instance visited, summed").register(registry);
    }

    /** Adds to the tracked customer count of a tenant (negative to remove). */
    public void tracked(String tenant, long delta) {
        tracked.computeIfAbsent(tenant, t -> {
            AtomicLong v = new AtomicLong();
            Gauge.builder("lethe.scanner.tracked.customers", v, AtomicLong::get).tag("tenant", t).register(registry);
            return v;
        }).addAndGet(delta);
    }

    /**
     * The backlog one partition found for a tenant at its tick. Each partition ticks on its own,
     * so the gauge is the sum over this instance's partitions, not the last one to report.
     */
    public void backlog(String partition, String tenant, long expiredNotYetEmitted) {
        backlogOf(tenant).put(partition, expiredNotYetEmitted);
    }

    private Map<String, Long> backlogOf(String tenant) {
        return backlog.computeIfAbsent(tenant, t -> {
            Map<String, Long> byPartition = new ConcurrentHashMap<>();
            Gauge.builder("lethe.scanner.backlog", byPartition, m -> m.values().stream().mapToLong(Long::longValue).sum())
                    .description("expired customers waiting for a later tick").tag("tenant", t).register(registry);
            return byPartition;
        });
    }

    /** A partition moved away from this instance (or closed): its figures no longer count here. */
    public void partitionClosed(String partition) {
        backlog.values().forEach(m -> m.remove(partition));
        lastTickVisited.remove(partition);
    }

    /**
     * Policy per tenant: days, or -1 for KEEP_FOREVER. A tenant with a policy is a known label
     * value: its backlog and expiries are exported from here on, at 0 until there are any.
     */
    public void policy(String tenant, long days) {
        policyDays.computeIfAbsent(tenant, t -> {
            AtomicLong v = new AtomicLong();
            Gauge.builder("lethe.scanner.policy.days", v, AtomicLong::get).description("retention days, -1 = keep forever")
                    .tag("tenant", t).register(registry);
            backlogOf(t);
            expiries(t);
            return v;
        }).set(days);
    }

    public void expired(String tenant, long n) {
        expiries(tenant).increment(n);
    }

    private Counter expiries(String tenant) {
        return Counter.builder("lethe.scanner.expiries").description("retention deletion requests emitted").tag("tenant", tenant)
                .register(registry);
    }

    /** Dead-letter counts of the topics the scanner reads, at 0 from the start. */
    public void inputs(java.util.Collection<String> topics) {
        topics.forEach(t -> io.lethe.runtime.streams.DeadLetters.counter(registry, t));
    }

    public void tick(String partition, long visited, Duration took) {
        lastTickVisited.put(partition, visited);
        DistributionSummary.builder("lethe.scanner.tick.entries.visited").register(registry).record(visited);
        Timer.builder("lethe.scanner.tick.duration").register(registry).record(took);
    }
}
