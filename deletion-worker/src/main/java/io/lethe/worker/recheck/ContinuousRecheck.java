package io.lethe.worker.recheck;

import io.lethe.events.AuditEvent;
import io.lethe.runtime.kafka.KafkaSettings;
import io.lethe.runtime.kafka.TopicReader;
import io.lethe.schemas.Topic;
import io.lethe.store.blob.BlobStore;
import io.lethe.store.erase.BatchEraser;
import io.lethe.store.erase.Eraser;
import io.lethe.store.recheck.ErasedRequest;
import io.lethe.store.recheck.Finding;
import io.lethe.store.recheck.Recheck;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recheck of {@code lethe audit recheck}, run for ever inside the worker: every
 * {@code interval}, one pass over the audit topic that re-runs the residual check of every
 * COMPLETED request at no more than {@code perSecond} requests a second, so it never competes
 * with live deletions. It reports and alerts; it does not erase (an operator decides, with
 * {@code lethe audit recheck --erase}, because data can come back for reasons that need a human,
 * such as a restore under investigation).
 *
 * <p>Metrics: {@code lethe_recheck_subjects_total} (erased requests rechecked),
 * {@code lethe_recheck_resurrected} (requests whose data was back in the last complete pass),
 * {@code lethe_recheck_passes_total} and {@code lethe_recheck_failures_total}.
 *
 * <p>Every instance that runs it rechecks the whole topic; run it on one instance
 * ({@code worker.recheck.interval=PT0S} on the others).
 */
public final class ContinuousRecheck implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ContinuousRecheck.class);
    /** After a failed pass, the next one starts this much later (or after the interval, if shorter). */
    private static final Duration RETRY_AFTER = Duration.ofMinutes(1);

    private final KafkaSettings settings;
    private final DataSource dataSource;
    private final BlobStore blobs;
    private final Map<String, Eraser> erasers;
    private final Duration interval;
    private final double perSecond;
    private final int batchSize;
    private final Counter subjects;
    private final Counter passes;
    private final Counter failures;
    private final AtomicLong resurrected = new AtomicLong();
    private final Thread thread;
    private volatile boolean stopping;

    public ContinuousRecheck(KafkaSettings settings, DataSource dataSource, BlobStore blobs, Map<String, Eraser> erasers,
                             Duration interval, double perSecond, int batchSize, MeterRegistry registry) {
        this.settings = settings;
        this.dataSource = dataSource;
        this.blobs = blobs;
        this.erasers = Map.copyOf(erasers);
        this.interval = interval;
        this.perSecond = perSecond;
        this.batchSize = batchSize;
        this.subjects = Counter.builder("lethe.recheck.subjects").description("erased requests whose residual check ran again")
                .register(registry);
        this.passes = Counter.builder("lethe.recheck.passes").description("complete recheck passes over the audit topic")
                .register(registry);
        this.failures = Counter.builder("lethe.recheck.failures").description("recheck passes that failed (database or Kafka)")
                .register(registry);
        Gauge.builder("lethe.recheck.resurrected", resurrected, AtomicLong::get)
                .description("erased requests whose data was found again in the last complete recheck pass").register(registry);
        this.thread = new Thread(this::loop, "lethe-recheck");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void loop() {
        while (!stopping) {
            Duration next = interval;
            try {
                pass();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | SQLException e) {
                if (stopping) {
                    return;
                }
                failures.increment();
                LOG.warn("recheck pass failed, next in {}: {}", RETRY_AFTER.compareTo(interval) < 0 ? RETRY_AFTER : interval,
                        e.toString());
                next = RETRY_AFTER.compareTo(interval) < 0 ? RETRY_AFTER : interval;
            }
            try {
                Thread.sleep(next.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void pass() throws SQLException, InterruptedException {
        long start = System.nanoTime();
        Set<String> found = new HashSet<>();
        Recheck recheck = new Recheck(dataSource, blobs, erasers, batchSize, perSecond, BatchEraser.DEFAULT_STATEMENT_TIMEOUT,
                f -> {
                    found.add(f.request().requestId());
                    log(f);
                });
        Topic<String, AuditEvent> topic = settings.topics().audit();
        long[] before = {0};
        try {
            TopicReader.scan(settings, topic.name(), Duration.ofMinutes(1), Duration.ofDays(7), r -> {
                AuditEvent e;
                try {
                    e = topic.valueSerde().deserializer().deserialize(topic.name(), r.value());
                } catch (RuntimeException undecodable) {
                    return; // lethe audit verify reports these; the recheck needs COMPLETED events only
                }
                if (e == null) {
                    return;
                }
                ErasedRequest.of(e).ifPresent(req -> {
                    try {
                        recheck.accept(req);
                    } catch (SQLException ex) {
                        throw new RecheckFailed(ex);
                    } catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                        throw new RecheckFailed(ex);
                    }
                    long now = recheck.stats().requests();
                    subjects.increment(now - before[0]);
                    before[0] = now;
                });
            });
            Recheck.Stats stats = recheck.finish();
            subjects.increment(stats.requests() - before[0]);
            resurrected.set(found.size());
            passes.increment();
            LOG.info("recheck pass done: {} erased request(s) rechecked, {} came back, in {} s", stats.requests(), found.size(),
                    (System.nanoTime() - start) / 1_000_000_000);
        } catch (RecheckFailed e) {
            if (e.getCause() instanceof InterruptedException ie) {
                throw ie;
            }
            throw (SQLException) e.getCause();
        }
    }

    private static void log(Finding f) {
        // ids and counts only, like the audit trail
        LOG.warn("erased data came back: requestId={} tenant={} dataType={} count={}", f.request().requestId(),
                f.request().tenant(), f.dataType(), f.count());
    }

    @Override
    public void close() {
        stopping = true;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class RecheckFailed extends RuntimeException {
        RecheckFailed(Exception cause) {
            super(cause);
        }
    }
}
