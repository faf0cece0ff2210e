package io.lethe.runtime.streams;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record Lethe produced could not be written or serialized: never skip it (a skipped
 * status or task record would be a silently lost deletion), fail so the transaction aborts
 * and the client stops.
 */
public final class FailingProductionHandler implements ProductionExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(FailingProductionHandler.class);

    @Override
    public void configure(Map<String, ?> configs) {
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        LOG.error("cannot produce to {}: {}", record.topic(), exception.toString());
        return Response.fail();
    }

    @Override
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
                                             SerializationExceptionOrigin origin) {
        LOG.error("cannot serialize a record for {} ({}): {}", record.topic(), origin, exception.toString());
        return Response.fail();
    }
}
