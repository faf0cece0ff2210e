package io.lethe.api.materialize;

import io.lethe.runtime.kafka.KafkaSettings;
import io.lethe.schemas.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads compacted topics from the beginning into memory on one background thread
 * ({@code read_committed}, no consumer group: every instance holds every record) and hands
 * each record (or tombstone, as null) to its store. {@link #caughtUp()} turns true once every
 * partition reached the end offset it had when reading started.
 *
 * <p>Does not persist anything: a restart replays the topics. A record that cannot be decoded
 * is skipped with a log line (topic, partition, offset), not retried. Waits for missing topics
 * to appear rather than failing the service.
 */
public final class Materializer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Materializer.class);

    /** A topic and the store that receives its records. */
    public record Subscription<V>(Topic<String, V> topic, BiConsumer<String, V> store) {
        void accept(ConsumerRecord<byte[], byte[]> r) {
            String key = topic.keySerde().deserializer().deserialize(topic.name(), r.key());
            V value = r.value() == null ? null : topic.valueSerde().deserializer().deserialize(topic.name(), r.value());
            store.accept(key, value);
        }
    }

    private final KafkaSettings settings;
    private final Map<String, Subscription<?>> byTopic = new HashMap<>();
    private final Runnable beforeReading;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread thread;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean caughtUp;
    private volatile boolean running = true;

    /**
     * @param beforeReading runs once on the reading thread before the first poll (e.g. warming
     *                      a producer's metadata), retried with the rest on failure
     */
    public Materializer(KafkaSettings settings, List<Subscription<?>> subscriptions, Runnable beforeReading) {
        this.settings = settings;
        subscriptions.forEach(s -> byTopic.put(s.topic().name(), s));
        this.beforeReading = beforeReading;
        this.thread = new Thread(this::run, "lethe-api-materializer");
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    public boolean caughtUp() {
        return caughtUp;
    }

    private void run() {
        while (running) {
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(settings.consumer(null, "lethe-api-materializer"))) {
                consumer = c;
                Map<TopicPartition, Long> targets = assign(c);
                if (targets == null) {
                    backoff();
                    continue;
                }
                beforeReading.run();
                while (running) {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                        try {
                            byTopic.get(r.topic()).accept(r);
                        } catch (RuntimeException e) {
                            LOG.warn("skipping undecodable record topic={} partition={} offset={} error={}",
                                    r.topic(), r.partition(), r.offset(), e.getClass().getSimpleName());
                        }
                    }
                    if (!caughtUp && targets.entrySet().stream().allMatch(t -> c.position(t.getKey()) >= t.getValue())) {
                        caughtUp = true;
                        LOG.info("materialized views caught up partitions={}", targets.size());
                    }
                }
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warn("materializer failed, restarting error={} message={}", e.getClass().getSimpleName(), e.getMessage());
                backoff();
            }
        }
    }

    /** Assigns every partition and seeks to the beginning; null while a topic does not exist yet. */
    private Map<TopicPartition, Long> assign(KafkaConsumer<byte[], byte[]> c) {
        List<TopicPartition> all = new ArrayList<>();
        for (String topic : byTopic.keySet()) {
            List<PartitionInfo> parts = c.partitionsFor(topic, Duration.ofSeconds(5));
            if (parts == null || parts.isEmpty()) {
                LOG.info("waiting for topic {} to exist", topic);
                return null;
            }
            parts.forEach(p -> all.add(new TopicPartition(p.topic(), p.partition())));
        }
        c.assign(all);
        c.seekToBeginning(all);
        return c.endOffsets(all);
    }

    private void backoff() {
        try {
            stopped.await(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        stopped.countDown();
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
