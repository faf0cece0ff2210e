package io.lethe.worker.erasers;

import io.lethe.events.ErasureResult;
import io.lethe.events.ErasureTask;
import io.lethe.events.TaskStatus;
import io.lethe.runtime.kafka.KafkaSettings;
import io.lethe.runtime.kafka.LetheProducer;
import io.lethe.runtime.streams.DeadLetters;
import io.lethe.schemas.Topic;
import io.lethe.schemas.Topics;
import io.lethe.schemas.registry.RegistryUnavailableException;
import io.lethe.store.erase.BatchEraser;
import io.lethe.store.erase.ErasureCounts;
import io.lethe.store.erase.ErasureTarget;
import io.lethe.worker.WorkerMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A built-in eraser: consumes its data type's task topic in batches, erases each batch in one
 * database transaction ({@link BatchEraser}), and publishes one {@code ErasureResult} per task.
 *
 * <p>Offsets are committed only after every result of the batch was acknowledged, so a crash
 * anywhere repeats the batch; erasure is idempotent and the coordinator ignores results for
 * attempts it already settled. A database or blob-store failure becomes a retryable FAILED
 * result per task (the coordinator backs off), never a stuck partition: other customers'
 * tasks keep flowing. Undecodable or invalid tasks go to the dead-letter topic.
 * Does not retry by itself and does not order tasks across partitions.
 */
public final class EraserRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EraserRunner.class);

    private final KafkaSettings settings;
    private final Topics topics;
    private final String dataType;
    private final BatchEraser eraser;
    private final LetheProducer producer;
    private final WorkerMetrics metrics;
    private final int batchSize;
    private final String groupId;
    private final String instanceId;
    private final boolean staticMember;
    private final Thread thread;
    private static final String LEGAL_HOLD = io.lethe.schemas.Holds.LEGAL_HOLD;
    private static final Duration HOLD_SYNC_TIMEOUT = Duration.ofSeconds(10);
    private HoldView holds;
    private volatile boolean running = true;
    private volatile boolean assigned;
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    public EraserRunner(KafkaSettings settings, String dataType, BatchEraser eraser, LetheProducer producer,
                        WorkerMetrics metrics, int batchSize, String groupId, String instanceId, boolean staticMember) {
        this.settings = settings;
        this.topics = settings.topics();
        this.dataType = dataType;
        this.eraser = eraser;
        this.producer = producer;
        this.metrics = metrics;
        this.batchSize = batchSize;
        this.groupId = groupId;
        this.instanceId = instanceId;
        this.staticMember = staticMember;
        this.thread = new Thread(this::loop, "eraser-" + dataType);
    }

    /** The erasers' consumer groups by default: {@code lethe-eraser-<dataType>} ({@code worker.eraser.group.prefix}). */
    public static final String DEFAULT_GROUP_PREFIX = "lethe-eraser-";

    public void start() {
        thread.start();
    }

    /** True once the consumer joined its group and the loop is alive. */
    public boolean isReady() {
        return running && thread.isAlive() && assigned;
    }

    private void loop() {
        Topic<String, ErasureTask> topic = topics.erasureTasks(dataType);
        while (running) {
            Map<String, Object> props = settings.consumer(groupId, "eraser-" + dataType + "-" + instanceId);
            props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, batchSize);
            if (staticMember) {
                props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "eraser-" + dataType + "-" + instanceId);
            }
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props);
                 KafkaClientMetrics consumerMetrics = new KafkaClientMetrics(c);
                 HoldView holdView = new HoldView(settings, "eraser-holds-" + dataType + "-" + instanceId)) {
                consumerMetrics.bindTo(metrics.registry());
                consumer = c;
                holds = holdView;
                c.subscribe(Set.of(topic.name()));
                while (running) {
                    ConsumerRecords<byte[], byte[]> records = c.poll(Duration.ofMillis(500));
                    assigned = !c.assignment().isEmpty() || assigned;
                    if (!records.isEmpty()) {
                        handle(topic, records);
                        c.commitSync(Duration.ofSeconds(30));
                    }
                }
            } catch (WakeupException e) {
                // closing
            } catch (RuntimeException e) {
                assigned = false;
                LOG.warn("eraser {} failed ({}); restarting from the last committed offset", dataType, e.toString());
                pause(Duration.ofSeconds(2));
            }
        }
    }

    private void handle(Topic<String, ErasureTask> topic, ConsumerRecords<byte[], byte[]> records) {
        Map<String, ErasureTask> tasks = new LinkedHashMap<>();
        List<CompletableFuture<?>> sends = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            try {
                ErasureTask t = topic.valueSerde().deserializer().deserialize(r.topic(), r.value());
                TaskValidation.check(t, dataType);
                tasks.put(t.getTaskId() + "#" + t.getAttempt(), t);
            } catch (RegistryUnavailableException e) {
                // not the task's fault: nothing of this batch is erased or committed; the loop reads it again
                throw e;
            } catch (RuntimeException e) {
                LOG.warn("task {}-{}@{} sent to the DLQ: {}", r.topic(), r.partition(), r.offset(), DeadLetters.describe(e));
                DeadLetters.counter(metrics.registry(), r.topic()).increment();
                CompletableFuture<Object> f = new CompletableFuture<>();
                producer.unwrap().send(DeadLetters.record(topics.dlq().name(), "eraser", r.topic(), r.partition(), r.offset(),
                        r.key(), r.value(), e), (md, err) -> {
                    if (err != null) {
                        f.completeExceptionally(err);
                    } else {
                        f.complete(md);
                    }
                });
                sends.add(f);
            }
        }
        if (!tasks.isEmpty()) {
            for (ErasureResult result : erase(new ArrayList<>(tasks.values()))) {
                sends.add(producer.send(topics.erasureResults(), Topics.subjectKey(result.getTenant(), result.getCustomerId()), result));
            }
        }
        try {
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing results", e);
        } catch (Exception e) {
            throw new IllegalStateException("results not acknowledged: " + e.getMessage(), e);
        }
    }

    /**
     * Erases the batch, except the tasks of customers under a legal hold: those are answered
     * {@code LEGAL_HOLD} (nothing erased, retryable) and the coordinator puts their requests on hold.
     */
    private List<ErasureResult> erase(List<ErasureTask> all) {
        Instant checked = Instant.now();
        List<ErasureResult> held = new ArrayList<>();
        List<ErasureTask> tasks = new ArrayList<>();
        try {
            holds.sync(HOLD_SYNC_TIMEOUT);
        } catch (RuntimeException e) {
            LOG.warn("eraser {}: legal holds unreadable, batch of {} not erased ({})", dataType, all.size(), e.getClass().getSimpleName());
            return all.stream().map(t -> result(t, checked).setStatus(TaskStatus.FAILED).setErrorCode("HOLDS_UNAVAILABLE")
                    .setRetryable(true).setResidual(0).build()).toList();
        }
        for (ErasureTask t : all) {
            if (holds.held(t.getTenant(), t.getCustomerId(), checked)) {
                held.add(result(t, checked).setStatus(TaskStatus.FAILED).setErrorCode(LEGAL_HOLD).setRetryable(true).setResidual(0).build());
            } else {
                tasks.add(t);
            }
        }
        if (!held.isEmpty()) {
            LOG.info("eraser {}: {} task(s) of held customers not erased", dataType, held.size());
        }
        List<ErasureResult> results = new ArrayList<>(held);
        if (!tasks.isEmpty()) {
            results.addAll(eraseUnheld(tasks));
        }
        return results;
    }

    private ErasureResult.Builder result(ErasureTask t, Instant at) {
        return ErasureResult.newBuilder().setTaskId(t.getTaskId()).setRequestId(t.getRequestId())
                .setTenant(t.getTenant()).setCustomerId(t.getCustomerId()).setDataType(t.getDataType())
                .setAttempt(t.getAttempt()).setEraser(instanceId).setFinishedAt(at);
    }

    private List<ErasureResult> eraseUnheld(List<ErasureTask> tasks) {
        List<ErasureTarget> targets = tasks.stream().map(t -> new ErasureTarget(
                t.getTaskId() + "#" + t.getAttempt(), t.getTenant(), t.getCustomerId(), t.getScope(), t.getItemId())).toList();
        long start = System.nanoTime();
        Map<String, ErasureCounts> counts = Map.of();
        String failure = null;
        try {
            counts = eraser.run(targets);
        } catch (SQLException | RuntimeException e) {
            failure = errorCode(e);
            LOG.warn("eraser {} batch of {} failed: {} ({})", dataType, tasks.size(), failure, e.getClass().getSimpleName());
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        Instant now = Instant.now();
        List<ErasureResult> results = new ArrayList<>(tasks.size());
        long rows = 0;
        long blobs = 0;
        for (ErasureTask t : tasks) {
            ErasureResult.Builder b = result(t, now);
            ErasureCounts c = counts.get(t.getTaskId() + "#" + t.getAttempt());
            if (failure != null || c == null) {
                b.setStatus(TaskStatus.FAILED).setErrorCode(failure != null ? failure : "NO_RESULT").setRetryable(true).setResidual(0);
            } else {
                b.setRowsScrubbed(c.rowsScrubbed()).setRowsDeleted(c.rowsDeleted()).setBlobsDeleted(c.blobsDeleted())
                        .setResidual(c.residual());
                rows += c.rowsScrubbed() + c.rowsDeleted();
                blobs += c.blobsDeleted();
                if (c.errorCode() == null && c.residual() == 0) {
                    b.setStatus(TaskStatus.SUCCEEDED);
                } else {
                    String code = c.errorCode() != null ? c.errorCode() : "RESIDUAL_NOT_ZERO";
                    b.setStatus(TaskStatus.FAILED).setErrorCode(code).setRetryable("RESIDUAL_NOT_ZERO".equals(code));
                }
            }
            results.add(b.build());
        }
        metrics.erased(dataType, rows, blobs, took, tasks.size());
        return results;
    }

    /** A stable, PII-free code for a failure; exception messages may quote data and stay in logs at most. */
    static String errorCode(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientException) {
                return "DB_UNAVAILABLE";
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57") || sql.getSQLState().startsWith("53"))) {
                return "DB_UNAVAILABLE";
            }
            if (t instanceof UncheckedIOException || t instanceof java.io.IOException) {
                return "BLOB_STORE_ERROR";
            }
        }
        return e instanceof SQLException ? "DB_ERROR" : "ERASER_ERROR";
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
