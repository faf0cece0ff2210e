package io.lethe.runtime.kafka;

import io.lethe.schemas.Topic;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a whole topic from the beginning up to its end as of the call (committed records
 * only), without a consumer group. For audits, replays and tests; decoding uses the topic's
 * serdes, so every released schema version is readable. Not a tailing consumer.
 */
public final class TopicReader {

    private TopicReader() {
    }

    /** Every record, as raw bytes. */
    public static List<ConsumerRecord<byte[], byte[]>> readRaw(KafkaSettings settings, String topic, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        scan(settings, topic, timeout, out::add);
        return out;
    }

    /** Every record, decoded with the topic's serdes (an undecodable record throws). */
    public static <K, V> List<ConsumerRecord<K, V>> readAll(KafkaSettings settings, Topic<K, V> topic, Duration timeout) {
        List<ConsumerRecord<K, V>> out = new ArrayList<>();
        scan(settings, topic.name(), timeout, r -> out.add(new ConsumerRecord<>(r.topic(), r.partition(), r.offset(),
                r.timestamp(), r.timestampType(), r.serializedKeySize(), r.serializedValueSize(),
                topic.keySerde().deserializer().deserialize(r.topic(), r.key()),
                topic.valueSerde().deserializer().deserialize(r.topic(), r.value()),
                r.headers(), r.leaderEpoch())));
        return out;
    }

    /** Streams every record to {@code sink}, partition by partition interleaved as fetched. */
    public static void scan(KafkaSettings settings, String topic, Duration timeout, Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        scan(settings, topic, timeout, timeout, sink);
    }

    /**
     * The same, failing after {@code metadataTimeout} when the topic's partitions or end offsets do
     * not come (Kafka unreachable), and after {@code timeout} when the whole read takes longer (a slow sink).
     */
    public static void scan(KafkaSettings settings, String topic, Duration metadataTimeout, Duration timeout,
                            Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        Map<String, Object> props = settings.consumer(null, "lethe-topic-reader");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props)) {
            List<TopicPartition> parts = c.partitionsFor(topic, metadataTimeout).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts, metadataTimeout);
            Instant deadline = Instant.now().plus(timeout);
            while (!done(c, end)) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("did not reach the end of " + topic + " within " + timeout);
                }
                c.poll(Duration.ofMillis(200)).forEach(sink);
            }
        }
    }

    private static boolean done(KafkaConsumer<?, ?> c, Map<TopicPartition, Long> end) {
        for (var e : end.entrySet()) {
            if (c.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
