package io.lethe.runtime.streams;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * Dead letters of global-store records (the scanner's retention policies). Kafka Streams 4.4
 * cannot take dead-letter records from a handler on the global thread (it casts the global
 * context to a record-collector supplier and dies), so one undecodable policy record would stop
 * the scanner on every start. Here the handler writes the dead letter itself, synchronously,
 * with a plain idempotent producer, and tells Streams to continue with nothing to send.
 */
final class GlobalDeadLetters {

    private static KafkaProducer<byte[], byte[]> producer;

    private GlobalDeadLetters() {
    }

    /** True when the record comes from a global store's source (global task id -1_-1). */
    static boolean isGlobal(ErrorHandlerContext context) {
        return context.taskId() == null || context.taskId().subtopology() < 0;
    }

    static synchronized void send(Map<String, ?> configs, ProducerRecord<byte[], byte[]> dead) {
        try {
            if (producer == null) {
                Map<String, Object> props = new HashMap<>();
                configs.forEach((k, v) -> {
                    if (v instanceof String || v instanceof Number || v instanceof Boolean) {
                        props.put(k, v);
                    }
                });
                props.remove(StreamsConfig.APPLICATION_ID_CONFIG);
                props.put(ProducerConfig.CLIENT_ID_CONFIG, configs.get(StreamsConfig.APPLICATION_ID_CONFIG) + "-global-dlq");
                props.put(ProducerConfig.ACKS_CONFIG, "all");
                props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
                producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
            }
            producer.send(dead).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // not acknowledged: stop rather than skip a record nobody would ever see
            throw new IllegalStateException("cannot write a global-store dead letter: " + e, e);
        }
    }

    static synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }
}
