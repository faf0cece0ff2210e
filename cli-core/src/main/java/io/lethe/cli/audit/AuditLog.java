package io.lethe.cli.audit;

import io.lethe.audit.AuditRecord;
import io.lethe.events.AuditEvent;
import io.lethe.runtime.kafka.KafkaSettings;
import io.lethe.runtime.kafka.TopicReader;
import io.lethe.schemas.Topic;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;

/**
 * Streams every record of the audit topic, from the beginning to its end as of the call,
 * decoded through the topic's serde (so every released schema version). A record that does
 * not decode is handed on as {@link AuditRecord.Undecodable} instead of ending the read: an
 * audit must see, and report, everything on the topic.
 *
 * <p>Reads all partitions with one consumer and no group, committed records only. The cost
 * is one pass over the whole topic; there is no index by tenant or time, so filters do not
 * make it cheaper. Callers decide what to keep in memory.
 */
final class AuditLog {

    /** Longest wait for the first answer from the cluster, so a wrong address fails fast. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    private static final long PROGRESS_EVERY = 10_000;

    /** What a read saw. */
    record Summary(String topic, long records, long undecodable, Duration took) {
    }

    private AuditLog() {
    }

    /**
     * Reads the whole topic into {@code sink}, printing progress to {@code progress}.
     *
     * @throws AuditException when Kafka cannot be reached or the topic does not exist
     */
    static Summary read(KafkaSettings settings, Duration timeout, PrintWriter progress, Consumer<AuditRecord> sink) {
        Topic<String, AuditEvent> topic = settings.topics().audit();
        requireTopic(settings, topic.name(), timeout.compareTo(CONNECT_TIMEOUT) < 0 ? timeout : CONNECT_TIMEOUT);
        long start = System.nanoTime();
        long[] counts = new long[2];
        try {
            TopicReader.scan(settings, topic.name(), timeout, r -> {
                AuditRecord e = AuditRecord.decode(topic, r.partition(), r.offset(), r.key(), r.value());
                if (e instanceof AuditRecord.Undecodable) {
                    counts[1]++;
                }
                if (++counts[0] % PROGRESS_EVERY == 0) {
                    progress.printf("audit: read %,d records of %s%n", counts[0], topic.name());
                    progress.flush();
                }
                sink.accept(e);
            });
        } catch (KafkaException | IllegalStateException e) {
            throw new AuditException("cannot read " + topic.name() + " from " + settings.bootstrapServers() + ": " + e.getMessage(), e);
        }
        Summary s = new Summary(topic.name(), counts[0], counts[1], Duration.ofNanos(System.nanoTime() - start));
        progress.printf("audit: read %,d records of %s (%,d undecodable) in %.1f s%n", s.records(), s.topic(), s.undecodable(),
                s.took().toMillis() / 1000.0);
        progress.flush();
        return s;
    }

    private static void requireTopic(KafkaSettings settings, String topic, Duration timeout) {
        Set<String> names;
        Admin admin;
        try {
            admin = Admin.create(settings.admin("lethe-audit"));
        } catch (KafkaException e) {
            throw new AuditException("invalid Kafka settings for " + settings.bootstrapServers() + ": " + e.getMessage(), e);
        }
        try {
            names = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditException("interrupted while connecting to Kafka", e);
        } catch (TimeoutException e) {
            throw new AuditException("cannot reach Kafka at " + settings.bootstrapServers() + " within " + timeout
                    + " (check --bootstrap or LETHE_KAFKA_BOOTSTRAP_SERVERS, and LETHE_KAFKA_SECURITY_PROTOCOL)", e);
        } catch (ExecutionException e) {
            throw new AuditException("cannot list topics at " + settings.bootstrapServers() + ": " + e.getCause().getMessage(), e);
        } finally {
            admin.close(Duration.ofSeconds(2));
        }
        if (!names.contains(topic)) {
            throw new AuditException("topic " + topic + " does not exist at " + settings.bootstrapServers()
                    + " (wrong --topic-prefix?)");
        }
    }
}
