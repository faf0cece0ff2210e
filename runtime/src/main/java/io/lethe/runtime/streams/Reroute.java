package io.lethe.runtime.streams;

import io.lethe.schemas.Topic;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * An input that does not trust the producer's partitioner. Lethe joins records by key inside
 * one stream task (requests with results in the coordinator, activity with deletion events in
 * the scanner), which only works when every record sits on the partition Kafka's Java client
 * computes for its key: murmur2 of the key bytes over the topic's partition count. librdkafka
 * clients (Python, Go, .NET, kcat, node-rdkafka) default to {@code consistent_random} (CRC32)
 * and put most keys elsewhere.
 *
 * <p>{@link #source} adds a source, a router and a sink back to the same topic. A record on its
 * own partition (every record Lethe's own producers write) goes straight on to the downstream
 * processor and costs nothing extra. A record on another partition is not acted on here: it is
 * written again to its own partition, with a {@value #HEADER_FROM} header, inside the same
 * exactly-once transaction that commits its input offset, so it is acted on exactly once, by the
 * task that holds its state. Each one is counted in {@code lethe_rerouted_records_total{topic}}.
 *
 * <p>The partition count is the one the service checked at start. If the topic's count changes
 * while it runs, the sink's partitioner refuses to write (the client stops) instead of routing
 * records by a count the stores were not built for.
 */
public final class Reroute {

    /** The partition a re-routed record first arrived on. */
    public static final String HEADER_FROM = "lethe.rerouted.from.partition";

    private Reroute() {
    }

    /** The name of the router a source named {@code sourceName} feeds; the downstream processor's parent. */
    public static String router(String sourceName) {
        return sourceName + "-router";
    }

    /**
     * Adds {@code sourceName} reading {@code topic}, its router, and the sink that re-routes; the caller
     * adds {@code downstream} with {@link #router(String)} as its parent.
     */
    public static <K, V> void source(Topology t, String sourceName, Topic<K, V> topic, int partitions, String downstream,
                                     MeterRegistry registry) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1: " + partitions);
        }
        String router = router(sourceName);
        String sink = sourceName + "-reroute";
        Serializer<K> keys = topic.keySerde().serializer();
        Counter rerouted = counter(registry, topic.name());
        t.addSource(sourceName, topic.keySerde().deserializer(), topic.valueSerde().deserializer(), topic.name());
        t.addProcessor(router, () -> new Router<K, V>(topic.name(), keys, partitions, downstream, sink, rerouted), sourceName);
        t.addSink(sink, topic.name(), keys, topic.valueSerde().serializer(), new KeyPartitioner<>(keys, partitions), router);
    }

    /** {@code lethe_rerouted_records_total{topic}}. */
    public static Counter counter(MeterRegistry registry, String topic) {
        return Counter.builder("lethe.rerouted.records")
                .description("records that arrived on a partition other than their key's and were written to their own")
                .tag("topic", topic).register(registry);
    }

    /** The partition Kafka's Java client and Streams compute for a serialized key: murmur2 over the count. */
    public static int partitionOf(byte[] keyBytes, int partitions) {
        return Utils.toPositive(Utils.murmur2(keyBytes)) % partitions;
    }

    static final class Router<K, V> implements Processor<K, V, K, V> {
        private final String topic;
        private final Serializer<K> keys;
        private final int partitions;
        private final String downstream;
        private final String sink;
        private final Counter rerouted;
        private ProcessorContext<K, V> context;

        Router(String topic, Serializer<K> keys, int partitions, String downstream, String sink, Counter rerouted) {
            this.topic = topic;
            this.keys = keys;
            this.partitions = partitions;
            this.downstream = downstream;
            this.sink = sink;
            this.rerouted = rerouted;
        }

        @Override
        public void init(ProcessorContext<K, V> context) {
            this.context = context;
        }

        @Override
        public void process(Record<K, V> record) {
            int arrived = context.recordMetadata().map(m -> m.partition()).orElse(-1);
            // a null key has no partition of its own; the downstream's validation refuses it
            if (record.key() == null || arrived < 0 || partitionOf(keys.serialize(topic, record.key()), partitions) == arrived) {
                context.forward(record, downstream);
                return;
            }
            Headers headers = record.headers();
            headers.remove(HEADER_FROM);
            headers.add(HEADER_FROM, Integer.toString(arrived).getBytes(StandardCharsets.UTF_8));
            rerouted.increment();
            context.forward(record, sink);
        }
    }

    /** murmur2 of the key over the partition count the service started with; refuses a changed count. */
    record KeyPartitioner<K, V>(Serializer<K> keys, int partitions) implements StreamPartitioner<K, V> {
        @Override
        public Optional<Set<Integer>> partitions(String topic, K key, V value, int numPartitions) {
            if (numPartitions != partitions) {
                throw new IllegalStateException(topic + " has " + numPartitions + " partitions but this service started with "
                        + partitions + ": restart it (and every instance) after changing partition counts");
            }
            return Optional.of(Set.of(partitionOf(keys.serialize(topic, key), partitions)));
        }
    }
}
