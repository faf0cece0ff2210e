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
    private final Map<String, AtomicLong> backlog = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> policyDays = new ConcurrentHashMap<>();
    private final AtomicLong lastTickVisited = new AtomicLong();

    public ScannerMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("lethe.scanner.last.tick.entries.visited", lastTickVisited, AtomicLong::get)
                .description("index entries the last tick of a partition visited").register(registry);
    }

    /** Adds to the tracked customer count of a tenant (negative to remove). */
    public void tracked(String tenant, long delta) {
        tracked.computeIfAbsent(tenant, t -> {
            AtomicLong v = new AtomicLong();
            Gauge.builder("lethe.scanner.tracked.customers", v, AtomicLong::get).tag("tenant", t).register(registry);
            return v;
        }).addAndGet(delta);
    }

    public void backlog(String tenant, long expiredNotYetEmitted) {
        backlog.computeIfAbsent(tenant, t -> {
            AtomicLong v = new AtomicLong();
            Gauge.builder("lethe.scanner.backlog", v, AtomicLong::get).description("expired customers waiting for a later tick")
                    .tag("tenant", t).register(registry);
            return v;
        }).set(expiredNotYetEmitted);
    }

    /** Policy per tenant: days, or -1 for KEEP_FOREVER. */
    public void policy(String tenant, long days) {
        policyDays.computeIfAbsent(tenant, t -> {
            AtomicLong v = new AtomicLong();
            Gauge.builder("lethe.scanner.policy.days", v, AtomicLong::get).description("retention days, -1 = keep forever")
                    .tag("tenant", t).register(registry);
            return v;
        }).set(days);
    }

    public void expired(String tenant, long n) {
        Counter.builder("lethe.scanner.expiries").description("retention deletion requests emitted").tag("tenant", tenant)
                .register(registry).increment(n);
    }

    public void tick(long visited, Duration took) {
        lastTickVisited.set(visited);
        DistributionSummary.builder("lethe.scanner.tick.entries.visited").register(registry).record(visited);
        Timer.builder("lethe.scanner.tick.duration").register(registry).record(took);
    }
}
