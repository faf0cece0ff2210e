package io.lethe.runtime.streams;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Builds dead-letter records: the original key and value bytes, untouched, plus headers
 * saying where they came from and why they were rejected. Error messages come from
 * Lethe's decoders and validators, which name fields and types but never echo values.
 */
public final class DeadLetters {

    public static final String HEADER_TOPIC = "lethe.dlq.source.topic";
    public static final String HEADER_PARTITION = "lethe.dlq.source.partition";
    public static final String HEADER_OFFSET = "lethe.dlq.source.offset";
    public static final String HEADER_ERROR_CLASS = "lethe.dlq.error.class";
    public static final String HEADER_ERROR_MESSAGE = "lethe.dlq.error.message";
    public static final String HEADER_STAGE = "lethe.dlq.stage";

    /** Config key under which services hand the handlers the DLQ topic name. */
    public static final String DLQ_TOPIC_CONFIG = "lethe.dlq.topic";
    /** Config key under which services hand the handlers their meter registry. */
    public static final String REGISTRY_CONFIG = "lethe.meter.registry";

    private DeadLetters() {
    }

    public static ProducerRecord<byte[], byte[]> record(String dlqTopic, String stage, String topic, int partition,
                                                        long offset, byte[] key, byte[] value, Throwable error) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(HEADER_TOPIC, utf8(topic));
        headers.add(HEADER_PARTITION, utf8(Integer.toString(partition)));
        headers.add(HEADER_OFFSET, utf8(Long.toString(offset)));
        headers.add(HEADER_ERROR_CLASS, utf8(error.getClass().getName()));
        headers.add(HEADER_ERROR_MESSAGE, utf8(String.valueOf(error.getMessage())));
        headers.add(HEADER_STAGE, utf8(stage));
        return new ProducerRecord<>(dlqTopic, null, key, value, headers);
    }

    /** {@code lethe_dlq_records_total{topic}}: records sent to the DLQ by source topic. */
    public static Counter counter(MeterRegistry registry, String sourceTopic) {
        return Counter.builder("lethe.dlq.records").description("records sent to the dead-letter topic")
                .tag("topic", String.valueOf(sourceTopic)).register(registry);
    }

    static MeterRegistry registry(Map<String, ?> configs) {
        Object r = configs.get(REGISTRY_CONFIG);
        return r instanceof MeterRegistry m ? m : Metrics.globalRegistry;
    }

    static String dlqTopic(Map<String, ?> configs) {
        Object t = configs.get(DLQ_TOPIC_CONFIG);
        if (t == null) {
            throw new IllegalStateException(DLQ_TOPIC_CONFIG + " must be set for the dead-letter handlers");
        }
        return t.toString();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
