package io.lethe.runtime.streams;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Undecodable input (random bytes, truncated Avro, unknown fingerprint) goes to the DLQ; processing continues. */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);
    private String dlqTopic;
    private MeterRegistry registry;
    private Map<String, ?> configs;

    @Override
    public void configure(Map<String, ?> configs) {
        this.configs = configs;
        dlqTopic = DeadLetters.dlqTopic(configs);
        registry = DeadLetters.registry(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        LOG.warn("undecodable record {}-{}@{} sent to {}: {}", record.topic(), record.partition(), record.offset(),
                dlqTopic, exception.getMessage());
        DeadLetters.counter(registry, record.topic()).increment();
        var dead = DeadLetters.record(dlqTopic, "deserialization", record.topic(), record.partition(),
                record.offset(), record.key(), record.value(), exception);
        if (GlobalDeadLetters.isGlobal(context)) {
            GlobalDeadLetters.send(configs, dead);
            return Response.resume();
        }
        return Response.resume(List.of(dead));
    }
}
