package io.lethe.worker.erasers;

import io.lethe.events.LegalHold;
import io.lethe.runtime.kafka.KafkaSettings;
import io.lethe.schemas.Holds;
import io.lethe.schemas.Topic;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * An eraser's view of the legal holds, brought up to date with the end of the
 * {@code legal.holds} topic right before each batch. The API answers 201 to a hold only once the
 * hold is on the topic; a batch that starts later reads to an end offset past it, so no erasure
 * of a held customer starts after the hold was acknowledged. A batch that started before may
 * finish: it had checked first.
 *
 * <p>One consumer, all partitions, no group, {@code read_committed}. If the view cannot be
 * brought up to date (Kafka unreachable), {@link #sync} throws and the batch fails retryably:
 * nothing is erased without knowing the holds.
 */
final class HoldView implements AutoCloseable {

    private final Topic<String, LegalHold> topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, LegalHold> holds = new HashMap<>();
    private List<TopicPartition> partitions;

    HoldView(KafkaSettings settings, String clientId) {
        this.topic = settings.topics().legalHolds();
        this.consumer = new KafkaConsumer<>(settings.consumer(null, clientId));
    }

    /** Reads the topic up to its end offsets as of this call. */
    void sync(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (partitions == null) {
            var infos = consumer.partitionsFor(topic.name(), timeout);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + topic.name() + " does not exist");
            }
            partitions = infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        while (partitions.stream().anyMatch(p -> consumer.position(p, timeout) < end.get(p))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("legal holds not read to their end in " + timeout);
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                String key = topic.keySerde().deserializer().deserialize(r.topic(), r.key());
                if (r.value() == null) {
                    holds.remove(key);
                } else {
                    holds.put(key, topic.valueSerde().deserializer().deserialize(r.topic(), r.value()));
                }
            }
        }
    }

    /** Whether an active hold covers that customer at {@code now} (as of the last {@link #sync}). */
    boolean held(String tenant, String customerId, Instant now) {
        return holds.values().stream().anyMatch(h -> Holds.covers(h, tenant, customerId) && Holds.active(h, now));
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
