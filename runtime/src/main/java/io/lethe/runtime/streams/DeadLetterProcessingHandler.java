package io.lethe.runtime.streams;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link InvalidRecordException} sends the original record to the DLQ and processing
 * continues; anything else is a bug or an outage we do not understand, so it fails the
 * task (and the uncaught-exception handler then shuts the client down) instead of looping.
 */
public final class DeadLetterProcessingHandler implements ProcessingExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProcessingHandler.class);
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
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        var dead = DeadLetters.record(dlqTopic, "processing", context.topic(), context.partition(), context.offset(),
                context.sourceRawKey(), context.sourceRawValue(), exception);
        DeadLetters.counter(registry, context.topic()).increment();
        if (exception instanceof InvalidRecordException) {
            LOG.warn("invalid record {}-{}@{} sent to {}: {}", context.topic(), context.partition(), context.offset(),
                    dlqTopic, DeadLetters.describe(exception));
            if (GlobalDeadLetters.isGlobal(context)) {
                GlobalDeadLetters.send(configs, dead);
                return Response.resume();
            }
            return Response.resume(List.of(dead));
        }
        LOG.error("unexpected failure processing {}-{}@{} in {}", context.topic(), context.partition(), context.offset(),
                context.processorNodeId(), exception);
        return Response.fail(List.of(dead));
    }
}
