package io.lethe.cli.bench;

import io.lethe.events.ContactActivity;
import io.lethe.events.PolicyMode;
import io.lethe.events.RetentionPolicy;
import io.lethe.runtime.config.Keys;
import io.lethe.runtime.config.LetheConfig;
import io.lethe.runtime.http.Metrics;
import io.lethe.runtime.kafka.KafkaSettings;
import io.lethe.runtime.kafka.LetheProducer;
import io.lethe.scanner.RetentionScanner;
import io.lethe.scanner.ScannerSettings;
import io.lethe.schemas.Topic;
import io.lethe.schemas.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Scenario 7, {@code scanner}: how fast the retention scanner takes in contact activity (N
 * pre-produced events, timed from RUNNING to all committed), and one tick once N customers are
 * tracked of which E are past the tenant's new policy: entries visited and milliseconds, read
 * from the scanner's own {@code lethe_scanner_last_tick_entries_visited} and
 * {@code lethe_scanner_tick_duration_seconds}.
 *
 * <p>A warm-up tenant whose customers are all expired ticks first (its own policy), so the
 * measured tick runs warm code, as in a scanner that has been running; that first, cold tick
 * is reported too. Both tenants' customers count as tracked (N in all).
 *
 * <p>The scanner's topics have one partition here, so one punctuation is the whole tick (with
 * several, each partition ticks on its own and the gauge holds the last one). One stream thread
 * does all the work either way.
 */
final class ScannerScenario {

    static final String NAME = "scanner";
    static final int POLICY_DAYS = 365;

    private ScannerScenario() {
    }

    static ScenarioResult run(BenchEnvironment env, ScenarioResult ceiling) throws InterruptedException {
        int n = env.sizes.trackedCustomers();
        int expired = env.sizes.expiredCustomers();
        String tenant = env.name("scan");
        LetheConfig config = env.config(NAME, Map.of(Keys.SCANNER_INTERVAL, "PT1S",
                ScannerSettings.MAX_PER_TICK, Integer.toString(Math.max(1000, expired)), Keys.TOPIC_PARTITIONS, "1"));
        KafkaSettings settings = new KafkaSettings(config);
        Topics topics = settings.topics();
        env.createTopics(List.of(topics.customerActivity(), topics.deletionEvents(), topics.retentionPolicies(),
                topics.deletionRequests(), topics.dlq()), 1);

        env.progress.say("%s: pre-producing %,d activity events (%,d customers past %d days)", NAME, n, expired, POLICY_DAYS);
        String warmTenant = env.name("scanwarm");
        int warm = Math.min(expired, n / 10);
        produceActivity(settings, topics.customerActivity(), warmTenant, warm, warm);
        produceActivity(settings, topics.customerActivity(), tenant, n - warm, expired);

        PrometheusMeterRegistry registry = Metrics.newRegistry("retention-scanner");
        RetentionScanner scanner = RetentionScanner.start(config, registry);
        try {
            double seconds = Drain.seconds(env, NAME + " ingest", scanner::isReady,
                    config.string(RetentionScanner.APPLICATION_ID), topics.customerActivity().name(), n, Duration.ofMinutes(15));
            double ingest = n / seconds;
            env.progress.say("%s: ingest %,.0f events/s; setting a %d-day policy", NAME, ingest, POLICY_DAYS);

            Tick cold = tickAfterPolicy(settings, topics, registry, warmTenant, warm);
            Tick tick = tickAfterPolicy(settings, topics, registry, tenant, expired);
            Map<String, Number> f = new LinkedHashMap<>();
            f.put("ingestEventsPerSecond", Math.round(ingest));
            f.put("events", n);
            f.put("ingestSeconds", ProducerCeiling.round(seconds));
            f.put("trackedCustomers", n);
            f.put("expiredCustomers", expired);
            f.put("tickEntriesVisited", tick.visited());
            f.put("tickMs", ProducerCeiling.round(tick.millis()));
            f.put("expiriesEmitted", tick.emitted());
            f.put("coldTickMs", ProducerCeiling.round(cold.millis()));
            f.put("coldTickEntriesVisited", cold.visited());
            env.progress.say("%s: one tick visited %,d entries in %.1f ms and emitted %,d expiries", NAME, tick.visited(),
                    tick.millis(), tick.emitted());
            return new ScenarioResult(NAME, "ingestEventsPerSecond", "events/s", f, ceiling.name(),
                    ">= 0.50 of ceiling-producer; tick <= 50 ms visiting ~" + expired + " entries, not " + n);
        } finally {
            scanner.close();
        }
    }

    private static void produceActivity(KafkaSettings settings, Topic<String, ContactActivity> topic, String tenant, int n,
                                        int expired) {
        long now = System.currentTimeMillis();
        int every = Math.max(1, n / Math.max(1, expired));
        AtomicReference<Exception> failed = new AtomicReference<>();
        try (Producer<byte[], byte[]> producer = new KafkaProducer<>(settings.producer("lethe-bench-activity"))) {
            int old = 0;
            for (int i = 0; i < n; i++) {
                boolean isOld = i % every == 0 && old < expired;
                long at = isOld ? now - TimeUnit.DAYS.toMillis(POLICY_DAYS + 35) - i : now - TimeUnit.DAYS.toMillis(1) - i;
                old += isOld ? 1 : 0;
                String customer = String.format("c-%07d", i);
                ContactActivity a = ContactActivity.newBuilder().setTenant(tenant).setCustomerId(customer)
                        .setContactId("bench").setOccurredAt(Instant.ofEpochMilli(at)).build();
                String key = Topics.subjectKey(tenant, customer);
                producer.send(new ProducerRecord<>(topic.name(), topic.keySerde().serializer().serialize(topic.name(), key),
                        topic.valueSerde().serializer().serialize(topic.name(), a)), (md, e) -> {
                            if (e != null) {
                                failed.compareAndSet(null, e);
                            }
                        });
            }
            producer.flush();
        }
        if (failed.get() != null) {
            throw new IllegalStateException("cannot produce activity: " + failed.get().getMessage(), failed.get());
        }
    }

    private record Tick(long visited, double millis, long emitted) {
    }

    /** Publishes the policy, then watches every tick until one visited entries; that one is measured. */
    private static Tick tickAfterPolicy(KafkaSettings settings, Topics topics, PrometheusMeterRegistry registry, String tenant,
                                        int expired) throws InterruptedException {
        Timer duration = registry.find("lethe.scanner.tick.duration").timer();
        Gauge visited = registry.find("lethe.scanner.last.tick.entries.visited").gauge();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (duration == null || duration.count() == 0 || visited == null) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the scanner did not tick");
            }
            Thread.sleep(50);
            duration = registry.find("lethe.scanner.tick.duration").timer();
            visited = registry.find("lethe.scanner.last.tick.entries.visited").gauge();
        }
        try (LetheProducer producer = new LetheProducer(settings, "lethe-bench-policy")) {
            producer.send(topics.retentionPolicies(), tenant, RetentionPolicy.newBuilder().setTenant(tenant)
                    .setMode(PolicyMode.DELETE_AFTER_DAYS).setDays(POLICY_DAYS).setUpdatedBy("bench")
                    .setUpdatedAt(Instant.now()).build()).join();
        }
        long count = duration.count();
        double total = duration.totalTime(TimeUnit.MILLISECONDS);
        while (System.nanoTime() < deadline) {
            long c = duration.count();
            if (c != count) {
                // the gauge is set before the timer records, so it belongs to a tick already counted
                double t = duration.totalTime(TimeUnit.MILLISECONDS);
                long v = (long) visited.value();
                if (v > 0 && c == count + 1) {
                    Counter emitted = registry.find("lethe.scanner.expiries").tag("tenant", tenant).counter();
                    return new Tick(v, t - total, emitted == null ? 0 : (long) emitted.count());
                }
                count = c;
                total = t;
            }
            Thread.sleep(2);
        }
        throw new IllegalStateException("no tick visited the " + expired + " expired customers within 60 s");
    }
}
