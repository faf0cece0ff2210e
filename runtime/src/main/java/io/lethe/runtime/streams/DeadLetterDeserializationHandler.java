package io.lethe.runtime.streams;

import io.lethe.schemas.registry.RegistryUnavailableException;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Undecodable input (random bytes, truncated Avro, an unknown fingerprint or schema id) goes to the DLQ with a
 * reason code; processing continues. An unreachable schema registry is not the record's fault: the thread fails
 * (its transaction aborts) and {@link StreamsRunner} replaces it, which reads the record again.
 */
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
        if (exception instanceof RegistryUnavailableException) {
            // not the record's fault: stop this thread (the transaction aborts) and read it again (StreamsRunner)
            LOG.warn("record {}-{}@{} not decoded: {}", record.topic(), record.partition(), record.offset(), exception.getMessage());
            return Response.fail();
        }
        LOG.warn("undecodable record {}-{}@{} sent to {}: {}", record.topic(), record.partition(), record.offset(),
                dlqTopic, DeadLetters.describe(exception));
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
