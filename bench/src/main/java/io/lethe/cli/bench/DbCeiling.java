package io.lethe.cli.bench;

import io.lethe.store.CustomerStore;
import io.lethe.store.blob.FileBlobStore;
import io.lethe.store.erase.BatchEraser;
import io.lethe.store.erase.Eraser;
import io.lethe.store.erase.Erasers;
import io.lethe.store.erase.ErasureCounts;
import io.lethe.store.erase.ErasureTarget;
import io.lethe.store.seed.SeedSummary;
import io.lethe.store.seed.Seeder;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scenario 5, {@code ceiling-db}: the built-in erasers' own SQL and blob deletes for K seeded
 * profiles, called directly through {@link BatchEraser} in batches of 200 with no Kafka, in the
 * best schedule the worker's structure allows: one lane per data type (as the worker runs one
 * eraser thread per data type), the three phase-1 types in parallel, customer details of a
 * batch as soon as its phase 1 is done (overlapping phase 1 of the next batch).
 */
final class DbCeiling {

    static final String NAME = "ceiling-db";
    static final int BATCH = 200;

    private DbCeiling() {
    }

    static ScenarioResult run(BenchEnvironment env, CustomerStore store) throws SQLException {
        int k = env.sizes.profiles();
        String tenant = env.name("db");
        FileBlobStore blobs = new FileBlobStore(env.dir.resolve("blobs"));
        env.progress.say("%s: seeding %,d profiles", NAME, k);
        SeedSummary seeded = Seeder.seed(store.dataSource(), blobs, tenant, k, 1L, Instant.now());
        BenchEnvironment.analyze(store);
        env.progress.say("%s: seeded %,d rows, %,d kB of files in %.1f s; erasing in batches of %d", NAME, seeded.rows(),
                seeded.blobBytes() / 1000, seeded.elapsed().toMillis() / 1000.0, BATCH);

        Map<String, Eraser> builtIn = Erasers.builtIn();
        Map<String, ExecutorService> lanes = new LinkedHashMap<>();
        builtIn.keySet().forEach(t -> lanes.put(t, Executors.newSingleThreadExecutor(r -> new Thread(r, "bench-erase-" + t))));
        AtomicLong errors = new AtomicLong();
        AtomicLong rows = new AtomicLong();
        CpuMeter cpu = env.cpuMeter();
        CpuMeter.Sample cpuBefore = cpu.sample();
        CpuMeter.Sample cpuAfter;
        long started = System.nanoTime();
        try {
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int from = 1; from <= k; from += BATCH) {
                List<ErasureTarget> batch = new ArrayList<>();
                for (int n = from; n < from + BATCH && n <= k; n++) {
                    batch.add(ErasureTarget.profile("t-" + n, tenant, Seeder.customerId(n)));
                }
                List<CompletableFuture<Void>> phase1 = new ArrayList<>();
                for (String type : List.of(Erasers.CONVERSATIONS, Erasers.ATTACHMENTS, Erasers.INTEGRATION_DATA)) {
                    BatchEraser eraser = new BatchEraser(store.dataSource(), blobs, builtIn.get(type));
                    phase1.add(CompletableFuture.runAsync(() -> erase(eraser, batch, errors, rows), lanes.get(type)));
                }
                BatchEraser details = new BatchEraser(store.dataSource(), blobs, builtIn.get(Erasers.CUSTOMER_DETAILS));
                done.add(CompletableFuture.allOf(phase1.toArray(CompletableFuture[]::new))
                        .thenRunAsync(() -> erase(details, batch, errors, rows), lanes.get(Erasers.CUSTOMER_DETAILS)));
            }
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).join();
            cpuAfter = cpu.sample(); // while the lanes' threads live
        } finally {
            lanes.values().forEach(ExecutorService::shutdown);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Map<String, Double> cpuMs = CpuMeter.msPer(cpuBefore, cpuAfter, k);
        Map<String, Number> f = new LinkedHashMap<>();
        f.put("profilesPerSecond", ProducerCeiling.round(k / seconds));
        f.put("profiles", k);
        f.put("rowsErased", rows.get());
        f.put("errors", errors.get());
        f.put("seconds", ProducerCeiling.round(seconds));
        // the ceiling's own CPU per profile: its JDBC lanes, the rest of this JVM while they ran, and PostgreSQL
        double total = 0;
        for (String part : List.of("dbClient", "jvmJit", "jvmGc", "jvmOther", "postgres")) {
            double ms = cpuMs.getOrDefault(part, -1.0);
            f.put("cpuMs" + Character.toUpperCase(part.charAt(0)) + part.substring(1), ProducerCeiling.round(ms));
            total += Math.max(0, ms);
        }
        f.put("cpuMsCeiling", ProducerCeiling.round(total));
        f.put("cpuMsWithoutPostgres", ProducerCeiling.round(total - Math.max(0, cpuMs.getOrDefault("postgres", -1.0))));
        env.progress.say("%s: CPU per profile %.2f ms (JDBC lanes %.2f, PostgreSQL %.2f)", NAME, total,
                cpuMs.getOrDefault("dbClient", -1.0), cpuMs.getOrDefault("postgres", -1.0));
        env.progress.say("%s: %,.1f profiles/s (%,d rows scrubbed or deleted, %d task errors)", NAME, k / seconds, rows.get(),
                errors.get());
        return new ScenarioResult(NAME, "profilesPerSecond", "profiles/s", f, NAME, "ceiling");
    }

    private static void erase(BatchEraser eraser, List<ErasureTarget> batch, AtomicLong errors, AtomicLong rows) {
        try {
            for (ErasureCounts c : eraser.run(batch).values()) {
                if (c.errorCode() != null) {
                    errors.incrementAndGet();
                }
                rows.addAndGet(c.rowsScrubbed() + c.rowsDeleted());
            }
        } catch (SQLException e) {
            throw new IllegalStateException("erasing a batch of " + eraser.dataType() + " failed: " + e.getMessage(), e);
        }
    }
}
