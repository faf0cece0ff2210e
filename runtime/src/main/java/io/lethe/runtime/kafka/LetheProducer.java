package io.lethe.runtime.kafka;

import io.lethe.schemas.Topic;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * An idempotent, {@code acks=all} producer that takes each record's serdes from its
 * {@link Topic}, so one producer can write any of Lethe's topics. Sends are asynchronous:
 * the returned future completes when the broker acknowledged the record.
 */
public final class LetheProducer implements AutoCloseable {

    private final Producer<byte[], byte[]> producer;

    public LetheProducer(KafkaSettings settings, String clientId) {
        this(new KafkaProducer<>(settings.producer(clientId)));
    }

    public LetheProducer(Producer<byte[], byte[]> producer) {
        this.producer = producer;
    }

    public <K, V> CompletableFuture<RecordMetadata> send(Topic<K, V> topic, K key, V value) {
        byte[] k = topic.keySerde().serializer().serialize(topic.name(), key);
        byte[] v = topic.valueSerde().serializer().serialize(topic.name(), value);
        CompletableFuture<RecordMetadata> acked = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(topic.name(), k, v), (metadata, error) -> {
                if (error != null) {
                    acked.completeExceptionally(error);
                } else {
                    acked.complete(metadata);
                }
            });
        } catch (RuntimeException e) {
            acked.completeExceptionally(e);
        }
        return acked;
    }

    public Producer<byte[], byte[]> unwrap() {
        return producer;
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
