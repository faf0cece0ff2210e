package io.lethe.cli.bench;

import io.lethe.runtime.kafka.KafkaSettings;
import io.lethe.schemas.Topic;
import io.lethe.schemas.Topics;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Scenario 1, {@code ceiling-producer}: one raw producer with the settings every Lethe producer
 * has ({@code acks=all}, idempotent, linger 5 ms) sending records of the size of an encoded
 * {@code DeletionRequested}, keyed like requests (one subject key per customer). What the broker
 * and one client can take; the API and the scanner ingest are compared with it.
 */
final class ProducerCeiling {

    static final String NAME = "ceiling-producer";

    private ProducerCeiling() {
    }

    /** Encoded key and value of a real request, the record size every ceiling uses. */
    record Sample(byte[][] keys, byte[] value) {

        static Sample of(String tenant, int distinctKeys) {
            Topic<String, io.lethe.events.DeletionRequested> t = Topics.withDefaultPrefix().deletionRequests();
            byte[] value = t.valueSerde().serializer().serialize(t.name(),
                    BenchEnvironment.profileRequest(tenant, "cust-000001"));
            byte[][] keys = new byte[distinctKeys][];
            for (int i = 0; i < distinctKeys; i++) {
                keys[i] = t.keySerde().serializer().serialize(t.name(), Topics.subjectKey(tenant, String.format("cust-%06d", i + 1)));
            }
            return new Sample(keys, value);
        }

        int recordBytes() {
            return keys[0].length + value.length;
        }
    }

    static ScenarioResult run(BenchEnvironment env) {
        int n = env.sizes.producerRecords();
        Sample sample = Sample.of(env.name("tenant"), 10_000);
        Topic<byte[], byte[]> topic = env.rawTopic("ceiling-producer", env.partitions);
        KafkaSettings settings = env.settings(NAME);
        env.progress.say("%s: %,d records of %d bytes (key %d + value %d) to %d partitions", NAME, n, sample.recordBytes(),
                sample.keys()[0].length, sample.value().length, env.partitions);
        try (Producer<byte[], byte[]> producer = new KafkaProducer<>(settings.producer("lethe-bench-ceiling-producer"))) {
            send(producer, topic.name(), sample, Math.max(1_000, n / 10)); // warm-up: JIT, metadata, connections
            long started = System.nanoTime();
            send(producer, topic.name(), sample, n);
            double seconds = (System.nanoTime() - started) / 1e9;
            Map<String, Number> f = new LinkedHashMap<>();
            f.put("recordsPerSecond", Math.round(n / seconds));
            f.put("records", n);
            f.put("recordBytes", sample.recordBytes());
            f.put("seconds", round(seconds));
            env.progress.say("%s: %,.0f records/s", NAME, n / seconds);
            return new ScenarioResult(NAME, "recordsPerSecond", "records/s", f, NAME, "ceiling");
        }
    }

    /** Sends {@code n} records and returns once every one is acknowledged. */
    private static void send(Producer<byte[], byte[]> producer, String topic, Sample sample, int n) {
        AtomicLong acked = new AtomicLong();
        AtomicReference<Exception> failed = new AtomicReference<>();
        for (int i = 0; i < n; i++) {
            producer.send(new ProducerRecord<>(topic, sample.keys()[i % sample.keys().length], sample.value()), (md, e) -> {
                if (e != null) {
                    failed.compareAndSet(null, e);
                } else {
                    acked.incrementAndGet();
                }
            });
        }
        producer.flush();
        if (failed.get() != null) {
            throw new IllegalStateException("the producer ceiling could not send: " + failed.get().getMessage(), failed.get());
        }
    }

    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
