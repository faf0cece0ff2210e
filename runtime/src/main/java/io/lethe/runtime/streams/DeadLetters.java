package io.lethe.runtime.streams;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.lethe.schemas.UndecodableRecordException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Builds dead-letter records: the original key and value bytes, untouched, plus headers
 * saying where they came from and why they were rejected: the exception's class and a reason
 * code ({@value #HEADER_REASON}). A message is added only when it is Lethe's own (its decoders
 * and validators name fields, framings and types but never echo values); the text of a
 * driver's or library's exception can quote data, and this topic is kept 30 days, so it is
 * never written here.
 */
public final class DeadLetters {

    public static final String HEADER_TOPIC = "lethe.dlq.source.topic";
    public static final String HEADER_PARTITION = "lethe.dlq.source.partition";
    public static final String HEADER_OFFSET = "lethe.dlq.source.offset";
    public static final String HEADER_ERROR_CLASS = "lethe.dlq.error.class";
    public static final String HEADER_ERROR_MESSAGE = "lethe.dlq.error.message";
    public static final String HEADER_STAGE = "lethe.dlq.stage";
    /** Why: an {@link UndecodableRecordException.Reason}, {@value #INVALID_RECORD} or {@value #UNEXPECTED_ERROR}. */
    public static final String HEADER_REASON = "lethe.dlq.reason";
    /** A record that decoded but breaks one of Lethe's rules ({@link InvalidRecordException}). */
    public static final String INVALID_RECORD = "INVALID_RECORD";
    /** Any other exception: only its class is recorded. */
    public static final String UNEXPECTED_ERROR = "UNEXPECTED_ERROR";

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
        headers.add(HEADER_REASON, utf8(reason(error)));
        if (ownMessage(error)) {
            headers.add(HEADER_ERROR_MESSAGE, utf8(String.valueOf(error.getMessage())));
        }
        headers.add(HEADER_STAGE, utf8(stage));
        return new ProducerRecord<>(dlqTopic, null, key, value, headers);
    }

    /** The reason code of a dead letter. */
    public static String reason(Throwable error) {
        if (error instanceof UndecodableRecordException u) {
            return u.reason().name();
        }
        return error instanceof InvalidRecordException ? INVALID_RECORD : UNEXPECTED_ERROR;
    }

    /** Whether the exception's message is Lethe's own text (safe for a topic or a log line). */
    public static boolean ownMessage(Throwable error) {
        return error instanceof UndecodableRecordException || error instanceof InvalidRecordException;
    }

    /** What a log line may say about a rejected record: the reason, and Lethe's own message if there is one. */
    public static String describe(Throwable error) {
        return reason(error) + (ownMessage(error) ? ": " + error.getMessage() : " (" + error.getClass().getName() + ")");
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
