package io.lethe.cli.bench;

import io.lethe.api.DeletionApi;
import io.lethe.api.auth.DevKeys;
import io.lethe.api.policy.ScannerPreview;
import io.lethe.cli.http.ApiClient;
import io.lethe.cli.LastContacts;
import io.lethe.runtime.config.Keys;
import io.lethe.runtime.config.LetheConfig;
import io.lethe.runtime.kafka.KafkaSettings;
import io.lethe.scanner.RetentionScanner;
import io.lethe.scanner.ScannerSettings;
import io.lethe.schemas.Topics;
import io.lethe.store.CustomerStore;
import io.lethe.store.blob.FileBlobStore;
import io.lethe.store.erase.Erasers;
import io.lethe.store.seed.SeedSummary;
import io.lethe.store.seed.Seeder;
import io.lethe.worker.DeletionWorker;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code retention-drain}: a tenant of D profiles (20,000 by default) whose last contacts are all
 * older than a policy an administrator then sets through the API, as in the console: a dry run
 * until the scanner's preview counts all D, then the change with that count confirmed. Measured:
 * the time from the confirmed change until every expiry is COMPLETED on the status topic, and
 * how many of them are verified; profiles/s, compared with the database ceiling.
 *
 * <p>The scanner runs with a one-second tick and 500 expiries per tenant, partition and tick, so
 * that its emission (reported as {@code emittedPerSecond}, from its own counter) runs ahead of the
 * erasure and is not what limits the drain. At the defaults (PT1M and 100) a policy change
 * drains at most 100 × partitions profiles a minute, on purpose; docs/retention.md says how to
 * raise it.
 */
final class RetentionDrainScenario {

    static final String NAME = "retention-drain";
    static final String SCANNER_INTERVAL = "PT1S";
    static final int SCANNER_MAX_PER_TICK = 500;

    private RetentionDrainScenario() {
    }

    static ScenarioResult run(BenchEnvironment env, CustomerStore store, ScenarioResult ceiling) throws Exception {
        int d = env.sizes.drainProfiles();
        String tenant = env.name("drain");
        env.progress.say("%s: seeding %,d profiles, every last contact more than three years old", NAME, d);
        Instant asOf = Instant.now().minus(Duration.ofDays(3 * 365));
        SeedSummary seeded = Seeder.seed(store.dataSource(), new FileBlobStore(env.dir.resolve("blobs")), tenant, d, 3L, asOf);
        BenchEnvironment.analyze(store);
        env.progress.say("%s: seeded %,d rows in %.1f s", NAME, seeded.rows(), seeded.elapsed().toMillis() / 1000.0);

        String previewToken = UUID.randomUUID().toString();
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put(DeletionApi.RATE_LIMIT, "1000000");
        overrides.put(DeletionWorker.MIGRATE, "false");
        overrides.put(Keys.SCANNER_INTERVAL, SCANNER_INTERVAL);
        overrides.put(ScannerSettings.MAX_PER_TICK, Integer.toString(SCANNER_MAX_PER_TICK));
        overrides.put(Keys.RETENTION_PREVIEW_TOKEN, previewToken);
        LetheConfig scannerConfig = env.config(NAME, overrides);
        KafkaSettings settings = new KafkaSettings(scannerConfig);
        Topics topics = settings.topics();
        env.createTopics(topics.all(Erasers.builtIn().keySet()), env.partitions);
        PipelineScenario.Completions completions = new PipelineScenario.Completions(settings, topics.deletionStatus());
        io.micrometer.prometheusmetrics.PrometheusMeterRegistry scannerRegistry =
                io.lethe.runtime.http.Metrics.newRegistry("retention-scanner");
        RetentionScanner scanner = RetentionScanner.start(scannerConfig, scannerRegistry);
        Map<String, String> apiOverrides = new LinkedHashMap<>(overrides);
        apiOverrides.put(ScannerPreview.URLS, "http://127.0.0.1:" + scanner.httpPort());
        LetheConfig config = env.config(NAME, apiOverrides);
        io.micrometer.prometheusmetrics.PrometheusMeterRegistry workerRegistry =
                io.lethe.runtime.http.Metrics.newRegistry("deletion-worker");
        DeletionWorker worker = DeletionWorker.start(config, workerRegistry);
        DeletionApi api = DeletionApi.start(config);
        try {
            String token = DevKeys.loadOrCreate(env.dir.resolve("dev-keys"))
                    .mint(tenant, List.of("compliance_admin"), "bench-admin", Duration.ofHours(2));
            ApiClient client = new ApiClient("http://127.0.0.1:" + api.port(), token, Duration.ofSeconds(10));
            PipelineScenario.awaitWorkerReady(worker);
            LastContacts.publishAll(settings, store.dataSource(), tenant, "bench-drain-activity", "bench-last-contact");
            int days = 365;
            env.progress.say("%s: dry run of DELETE_AFTER_DAYS %d until the scanner counts all %,d", NAME, days, d);
            client.awaitRetentionPreview(days, d, Duration.ofMinutes(5));

            CpuMeter cpu = env.cpuMeter();
            PipelineScenario.Traffic trafficBefore = PipelineScenario.Traffic.of(env, NAME);
            CpuMeter.Sample cpuBefore = cpu.sample();
            double commitsBefore = PipelineScenario.commits(workerRegistry);
            long started = System.nanoTime();
            client.setRetention(days, d);
            env.progress.say("%s: policy set and confirmed; draining", NAME);
            long emittedAt = -1;
            long lastReport = System.nanoTime();
            long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
            while (completions.terminal() < d) {
                if (emittedAt < 0 && expiries(scannerRegistry) >= d) {
                    emittedAt = System.nanoTime();
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(NAME + ": only " + completions.terminal() + " of " + d + " expiries ended in time");
                }
                if (System.nanoTime() - lastReport > 5_000_000_000L) {
                    env.progress.say("%s: %,d emitted, %,d ended", NAME, (long) expiries(scannerRegistry), completions.terminal());
                    lastReport = System.nanoTime();
                }
                Thread.sleep(20);
            }
            long lastDone = completions.lastTerminalNanos();
            if (emittedAt < 0) {
                emittedAt = lastDone;
            }
            CpuMeter.Sample cpuAfter = cpu.sample();
            double seconds = (lastDone - started) / 1e9;
            double emitSeconds = (emittedAt - started) / 1e9;
            Map<String, Number> f = new LinkedHashMap<>();
            f.put("profilesPerSecond", ProducerCeiling.round(d / seconds));
            f.put("profiles", d);
            f.put("verified", completions.verified());
            f.put("failed", completions.failed());
            f.put("seconds", ProducerCeiling.round(seconds));
            f.put("emittedPerSecond", ProducerCeiling.round(d / Math.max(emitSeconds, 0.001)));
            f.put("emitSeconds", ProducerCeiling.round(emitSeconds));
            f.putAll(PipelineScenario.cost(env, NAME, CpuMeter.msPer(cpuBefore, cpuAfter, d), d,
                    PipelineScenario.commits(workerRegistry) - commitsBefore, trafficBefore));
            env.progress.say("%s: %,d expiries in %.1f s (%,.1f profiles/s), %,d verified; the scanner emitted them all within %.1f s",
                    NAME, d, seconds, d / seconds, completions.verified(), emitSeconds);
            return new ScenarioResult(NAME, "profilesPerSecond", "profiles/s", f, ceiling.name(),
                    ">= 0.70 of ceiling-db, every expiry verified");
        } finally {
            api.close();
            worker.close();
            scanner.close();
            completions.close();
        }
    }

    private static double expiries(io.micrometer.core.instrument.MeterRegistry registry) {
        return registry.find("lethe.scanner.expiries").counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    }
}
