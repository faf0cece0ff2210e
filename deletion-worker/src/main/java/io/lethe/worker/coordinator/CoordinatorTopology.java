package io.lethe.worker.coordinator;

import io.lethe.events.DeletionStatus;
import io.lethe.runtime.streams.Reroute;
import io.lethe.schemas.AvroSerde;
import io.lethe.schemas.Topics;
import io.lethe.worker.WorkerMetrics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.TopicNameExtractor;
import org.apache.kafka.streams.state.Stores;

/**
 * The deletion coordinator: turns each {@code DeletionRequested} into per-data-type
 * {@code ErasureTask}s, aggregates the {@code ErasureResult}s, retries with backoff, and
 * writes every transition to the status, audit and (terminal ones) events topics.
 *
 * <p>Requests and results are both keyed by subject key, so one customer's work is on one
 * partition and both topics must have the same partition count (checked at startup). Records a
 * foreign partitioner put elsewhere are first re-routed to their key's partition ({@link Reroute}).
 * The topology is pure: no I/O, no config reading; {@code main} and tests both call
 * {@link #build}.
 */
public final class CoordinatorTopology {

    public static final String APPLICATION_ID = "lethe-deletion-worker";
    public static final String REQUESTS_STORE = "deletion-requests";
    /** Requests ON_HOLD (and, on partition 0's task, HOLD_EXPIRED already announced), keyed by requestId / {@code expired:holdId}. */
    public static final String HELD_STORE = "held-requests";
    /** Global: every legal hold, keyed by holdId, restored from {@code legal.holds} on every instance. */
    public static final String HOLDS_STORE = "legal-holds";
    static final String HOLDS_SOURCE = "legal-holds-source";
    static final String HOLDS_UPDATER = "legal-holds-updater";

    static final String REQUESTS_SOURCE = "requests-source";
    static final String RESULTS_SOURCE = "results-source";
    static final String COORDINATOR = "coordinator";
    static final String TASKS_SINK = "tasks-sink";
    static final String STATUS_SINK = "status-sink";
    static final String EVENTS_SINK = "events-sink";
    static final String AUDIT_SINK = "audit-sink";

    private CoordinatorTopology() {
    }

    /** Routes each task to {@code <prefix>erasure.tasks.<dataType>}. */
    record TaskTopicByDataType(Topics topics) implements TopicNameExtractor<String, io.lethe.events.ErasureTask> {
        @Override
        public String extract(String key, io.lethe.events.ErasureTask value, org.apache.kafka.streams.processor.RecordContext ctx) {
            return topics.erasureTasks(value.getDataType()).name();
        }

        @Override
        public String toString() {
            return topics.prefix() + "erasure.tasks.<dataType>";
        }
    }

    /**
     * @param partitions the partition count of the requests and results topics, checked equal at start: a record
     *                   on another partition than its key's (a librdkafka producer's) is re-routed before the
     *                   coordinator sees it ({@link Reroute})
     */
    public static Topology build(Topics topics, ScopePlan plan, RetryPolicy retry, WorkerMetrics metrics, int partitions) {
        Topology t = new Topology();
        Reroute.source(t, REQUESTS_SOURCE, topics.deletionRequests(), partitions, COORDINATOR, metrics.registry());
        Reroute.source(t, RESULTS_SOURCE, topics.erasureResults(), partitions, COORDINATOR, metrics.registry());
        t.addProcessor(COORDINATOR, () -> new CoordinatorProcessor(plan, retry, metrics),
                Reroute.router(REQUESTS_SOURCE), Reroute.router(RESULTS_SOURCE));
        // cached: a request changed several times between two commits writes its changelog once
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(REQUESTS_STORE),
                Serdes.String(), AvroSerde.of(DeletionStatus.class)).withCachingEnabled(), COORDINATOR);
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(HELD_STORE),
                Serdes.String(), Serdes.String()), COORDINATOR);
        var holds = topics.legalHolds();
        t.addGlobalStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(HOLDS_STORE), Serdes.String(),
                        holds.valueSerde()).withLoggingDisabled(), HOLDS_SOURCE, holds.keySerde().deserializer(),
                holds.valueSerde().deserializer(), holds.name(), HOLDS_UPDATER, HoldsUpdater::new);

        var task = topics.erasureTasks(plan.dataTypes().iterator().next());
        t.addSink(TASKS_SINK, new TaskTopicByDataType(topics), task.keySerde().serializer(), task.valueSerde().serializer(), COORDINATOR);
        t.addSink(STATUS_SINK, topics.deletionStatus().name(), topics.deletionStatus().keySerde().serializer(),
                topics.deletionStatus().valueSerde().serializer(), COORDINATOR);
        t.addSink(EVENTS_SINK, topics.deletionEvents().name(), topics.deletionEvents().keySerde().serializer(),
                topics.deletionEvents().valueSerde().serializer(), COORDINATOR);
        t.addSink(AUDIT_SINK, topics.audit().name(), topics.audit().keySerde().serializer(),
                topics.audit().valueSerde().serializer(), COORDINATOR);
        return t;
    }
}
