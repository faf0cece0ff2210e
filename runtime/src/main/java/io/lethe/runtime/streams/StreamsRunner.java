package io.lethe.runtime.streams;

import io.lethe.schemas.registry.RegistryUnavailableException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one Kafka Streams topology the way every Lethe service does: explicit exception
 * handlers with the dead-letter topic, {@code SHUTDOWN_CLIENT} on an unexpected exception
 * (readiness then turns false rather than the app looping), {@code REPLACE_THREAD} when the schema
 * registry was unreachable (an outage, not a bug: the transaction aborted and the new thread reads
 * again from the last commit), Streams metrics bound to the service registry.
 */
public final class StreamsRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsRunner.class);

    private final KafkaStreams streams;
    private final KafkaStreamsMetrics metrics;

    public StreamsRunner(Topology topology, Map<String, Object> streamsProps, String dlqTopic, MeterRegistry registry) {
        Properties props = new Properties();
        props.putAll(withHandlers(streamsProps, dlqTopic, registry));
        streams = new KafkaStreams(topology, props);
        streams.setUncaughtExceptionHandler(e -> {
            if (registryUnavailable(e)) {
                // the transaction aborted; a new thread reads from the last commit once the registry answers
                LOG.warn("schema registry unavailable; replacing the stream thread ({})", e.getClass().getSimpleName());
                pause(REGISTRY_BACKOFF);
                return StreamThreadExceptionResponse.REPLACE_THREAD;
            }
            LOG.error("unexpected exception in Kafka Streams; shutting this client down", e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.setStateListener((now, before) -> LOG.info("Kafka Streams {} -> {}", before, now));
        metrics = new KafkaStreamsMetrics(streams);
        metrics.bindTo(registry);
    }

    /** How long a thread that failed for an unreachable registry waits before it is replaced. */
    static final Duration REGISTRY_BACKOFF = Duration.ofSeconds(2);

    static boolean registryUnavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RegistryUnavailableException) {
                return true;
            }
        }
        return false;
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The handler settings every Lethe topology runs with (also used by TopologyTestDriver tests). */
    public static Map<String, Object> withHandlers(Map<String, Object> streamsProps, String dlqTopic, MeterRegistry registry) {
        Map<String, Object> props = new HashMap<>(streamsProps);
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterDeserializationHandler.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class);
        props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, FailingProductionHandler.class);
        props.put("processing.exception.handler.global.enabled", true);
        props.put(DeadLetters.DLQ_TOPIC_CONFIG, dlqTopic);
        props.put(DeadLetters.REGISTRY_CONFIG, registry);
        return props;
    }

    public void start() {
        streams.start();
    }

    public KafkaStreams streams() {
        return streams;
    }

    public boolean isRunning() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    /** Live unless the client died (ERROR, or shut down by the uncaught-exception handler). */
    public boolean isAlive() {
        KafkaStreams.State s = streams.state();
        return s != KafkaStreams.State.ERROR && s != KafkaStreams.State.PENDING_ERROR;
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
        metrics.close();
    }
}
