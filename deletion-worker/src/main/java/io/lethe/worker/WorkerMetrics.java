package io.lethe.worker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The worker's own metrics. Open requests are tracked per stream task (partition) so that a
 * partition moving to another instance takes its requests out of this instance's gauges.
 */
public final class WorkerMetrics {

    /** An open request's clock. */
    public record Open(Instant requestedAt, Instant dueAt) {
    }

    private final MeterRegistry registry;
    private final Map<String, Map<String, Open>> openByTask = new ConcurrentHashMap<>();

    public WorkerMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("lethe.requests.open", this, m -> m.open().count()).description("deletion requests not yet terminal")
                .register(registry);
        Gauge.builder("lethe.requests.overdue", this, m -> m.open().filter(o -> o.dueAt().isBefore(Instant.now())).count())
                .description("open deletion requests past their due date").register(registry);
        Gauge.builder("lethe.oldest.open.request.age.seconds", this, m -> m.open().map(Open::requestedAt).min(Instant::compareTo)
                        .map(t -> Duration.between(t, Instant.now()).toMillis() / 1000.0).orElse(0.0))
                .description("age of the oldest open deletion request").register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    private java.util.stream.Stream<Open> open() {
        return openByTask.values().stream().flatMap(m -> m.values().stream());
    }

    public void opened(String task, String requestId, Instant requestedAt, Instant dueAt) {
        openByTask.computeIfAbsent(task, t -> new ConcurrentHashMap<>()).put(requestId, new Open(requestedAt, dueAt));
    }

    public void closed(String task, String requestId) {
        Map<String, Open> m = openByTask.get(task);
        if (m != null) {
            m.remove(requestId);
        }
    }

    public void taskMoved(String task) {
        openByTask.remove(task);
    }

    /** Task outcomes the coordinator counts. */
    public static final java.util.List<String> TASK_OUTCOMES = java.util.List.of("succeeded", "retrying", "failed", "held");

    /**
     * Registers every series this instance can report at 0 (Prometheus' advice for known label
     * values), so dashboards show 0 instead of "No data" and {@code rate()} sees the first event:
     * request outcomes, task outcomes of every planned data type, the erase meters of this
     * instance's erasers, and the dead-letter count of every topic it reads.
     */
    public void known(java.util.Collection<String> plannedDataTypes, java.util.Collection<String> localErasers,
                      java.util.Collection<String> inputTopics) {
        for (String outcome : java.util.List.of("completed", "failed")) {
            Counter.builder("lethe.requests.finished").tag("outcome", outcome).register(registry);
        }
        for (String type : plannedDataTypes) {
            for (String outcome : TASK_OUTCOMES) {
                taskCounter(type, outcome);
            }
        }
        for (String type : localErasers) {
            erased(type, 0, 0, null, 0);
        }
        inputTopics.forEach(t -> io.lethe.runtime.streams.DeadLetters.counter(registry, t));
    }

    public void requestFinished(String outcome) {
        Counter.builder("lethe.requests.finished").tag("outcome", outcome).register(registry).increment();
    }

    public void taskOutcome(String dataType, String outcome) {
        taskCounter(dataType, outcome).increment();
    }

    private Counter taskCounter(String dataType, String outcome) {
        return Counter.builder("lethe.tasks").description("erasure task results by data type and outcome")
                .tag("data_type", dataType).tag("outcome", outcome).register(registry);
    }

    /** One erased batch; with {@code took} null, only registers the meters (see {@link #known}). */
    public void erased(String dataType, long rows, long blobs, Duration took, int batchSize) {
        Counter r = Counter.builder("lethe.rows.erased").description("rows scrubbed or deleted").tag("data_type", dataType)
                .register(registry);
        Counter b = Counter.builder("lethe.blobs.deleted").description("blobs deleted").tag("data_type", dataType)
                .register(registry);
        Timer t = Timer.builder("lethe.erase.duration").description("time to erase one batch").tag("data_type", dataType)
                .publishPercentileHistogram().register(registry);
        DistributionSummary s = DistributionSummary.builder("lethe.erase.batch.size").tag("data_type", dataType).register(registry);
        if (took != null) {
            r.increment(rows);
            b.increment(blobs);
            t.record(took);
            s.record(batchSize);
        }
    }
}
