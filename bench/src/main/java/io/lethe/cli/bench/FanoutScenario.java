package io.lethe.cli.bench;

import io.lethe.events.DeletionRequested;
import io.lethe.runtime.config.LetheConfig;
import io.lethe.runtime.kafka.KafkaSettings;
import io.lethe.runtime.kafka.LetheProducer;
import io.lethe.schemas.Topic;
import io.lethe.schemas.Topics;
import io.lethe.store.erase.Erasers;
import io.lethe.worker.DeletionWorker;
import io.lethe.worker.coordinator.ScopePlan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Scenario 4, {@code fanout}: the worker's coordinator alone ({@code worker.erasers} empty) on
 * pre-produced PROFILE requests of customers who have no data, so no result ever comes back and
 * each request ends after its first phase. Counts exactly what it read (one record per request)
 * and wrote (phase-1 tasks, status, audit, any events), by reading the output topics after the
 * run; the rate is that total over the time from RUNNING to the last request committed.
 */
final class FanoutScenario {

    static final String NAME = "fanout";

    private FanoutScenario() {
    }

    static ScenarioResult run(BenchEnvironment env, ScenarioResult ceiling) throws InterruptedException {
        int n = env.sizes.streamsRecords();
        LetheConfig config = env.config(NAME, Map.of(DeletionWorker.ERASERS, ""));
        KafkaSettings settings = new KafkaSettings(config);
        Topics topics = settings.topics();
        ScopePlan plan = ScopePlan.from(config);
        List<Topic<?, ?>> all = topics.all(plan.dataTypes());
        env.createTopics(all, env.partitions);
        String tenant = env.name("fanout");
        env.progress.say("%s: pre-producing %,d PROFILE requests", NAME, n);
        try (LetheProducer producer = new LetheProducer(settings, "lethe-bench-fanout-input")) {
            List<CompletableFuture<?>> sent = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String customer = String.format("nodata-%07d", i);
                DeletionRequested r = BenchEnvironment.profileRequest(tenant, customer);
                sent.add(producer.send(topics.deletionRequests(), Topics.subjectKey(tenant, customer), r));
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
        }
        double seconds;
        DeletionWorker worker = DeletionWorker.start(config);
        try {
            seconds = Drain.seconds(env, NAME, () -> worker.streams().isRunning(), config.string(DeletionWorker.APPLICATION_ID),
                    topics.deletionRequests().name(), n, Duration.ofMinutes(10));
        } finally {
            worker.close();
        }
        List<String> outputs = new ArrayList<>();
        for (String dataType : Erasers.builtIn().keySet()) {
            outputs.add(topics.erasureTasks(dataType).name());
        }
        outputs.add(topics.deletionStatus().name());
        outputs.add(topics.audit().name());
        outputs.add(topics.deletionEvents().name());
        long written = env.countRecords(outputs);
        long deadLettered = env.countRecords(List.of(topics.dlq().name()));
        long records = n + written;
        Map<String, Number> f = new LinkedHashMap<>();
        f.put("recordsPerSecond", Math.round(records / seconds));
        f.put("requestsPerSecond", Math.round(n / seconds));
        f.put("read", n);
        f.put("written", written);
        f.put("writtenPerRequest", ProducerCeiling.round((double) written / n));
        f.put("deadLettered", deadLettered);
        f.put("seconds", ProducerCeiling.round(seconds));
        env.progress.say("%s: %,.0f records/s (%,.0f requests/s; %,d read + %,d written)", NAME, records / seconds,
                n / seconds, n, written);
        return new ScenarioResult(NAME, "recordsPerSecond", "records/s", f, ceiling.name(), ">= 0.50 of ceiling-streams");
    }
}
