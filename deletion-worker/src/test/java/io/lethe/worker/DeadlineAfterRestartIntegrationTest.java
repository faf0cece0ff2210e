package io.lethe.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lethe.events.AuditEvent;
import io.lethe.events.AuditType;
import io.lethe.events.DeletionRequested;
import io.lethe.events.DeletionStatus;
import io.lethe.events.ErasureResult;
import io.lethe.events.ErasureTask;
import io.lethe.events.RequestStatus;
import io.lethe.events.Scope;
import io.lethe.events.TaskState;
import io.lethe.events.TaskStatus;
import io.lethe.localstack.LocalStackExtension.DatabaseEndpoint;
import io.lethe.localstack.LocalStackExtension.KafkaEndpoint;
import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.TestStack;
import io.lethe.runtime.config.Keys;
import io.lethe.runtime.kafka.TopicReader;
import io.lethe.schemas.Topic;
import io.lethe.schemas.Topics;
import io.lethe.store.seed.Seeder;
import io.lethe.worker.coordinator.CoordinatorTopology;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What is due next (attempt deadlines, backoffs) is kept in the request statuses, not in a store
 * of its own: a worker that takes over a partition, with no local state, must still time out an
 * attempt that a worker before it dispatched and nobody answered.
 */
@ExtendWith(LocalStackExtension.class)
class DeadlineAfterRestartIntegrationTest {

    private static final String EXTERNAL = "crm-export";
    private static WorkerHarness env;
    private static DeletionWorker worker;

    @BeforeAll
    static void start(KafkaEndpoint kafka, DatabaseEndpoint db) throws Exception {
        env = new WorkerHarness(kafka, db);
        env.config.put("worker.scope.profile", "conversations,attachments,integration-data," + EXTERNAL + ";customer-details");
        env.config.put("worker.task.timeout", "PT8S");
        // a stopped instance does not leave the group: let the broker notice within 6 s, not the default 45
        env.config.put("kafka.session.timeout.ms", "6000");
        Seeder.seed(env.store.dataSource(), env.blobs, env.tenant, 2, 5);
        worker = DeletionWorker.start(env.config());
        await("worker ready").atMost(Duration.ofSeconds(60)).until(worker::isReady);
    }

    @AfterAll
    static void stop() throws Exception {
        if (worker != null) {
            worker.close();
        }
        env.close();
    }

    @Test
    void shouldTimeOutAnAttemptDispatchedBeforeAnotherInstanceTookThePartition() throws Exception {
        try (External external = new External()) {
            // Given a request whose external task was dispatched and never answered
            String id = env.submit(env.request(Scope.PROFILE, Seeder.customerId(1), null));
            external.awaitAttempt(id, 1);

            // When that worker stops and a new instance with empty local state takes over (restoring from Kafka)
            restart(() -> { });

            // Then the attempt still times out at its deadline and is dispatched again
            external.awaitAttempt(id, 2);
            assertThat(audit(id)).filteredOn(a -> a.getType() == AuditType.RETRY_SCHEDULED)
                    .singleElement().satisfies(a -> {
                        assertThat(a.getDataType()).isEqualTo(EXTERNAL);
                        assertThat(a.getErrorCode()).isEqualTo("TASK_TIMEOUT");
                    });

            // And the answer to the new attempt completes the request
            DeletionStatus done = external.answer(id, 2);
            assertThat(done.getStatus()).isEqualTo(RequestStatus.COMPLETED);
            TaskState task = task(done);
            assertThat(task.getAttempts()).isEqualTo(2);
            assertThat(task.getDeadlineAt()).as("no attempt in flight any more").isNull();
        }
    }

    @Test
    void shouldTimeOutAnAttemptStoredWithoutADeadlineOneTaskTimeoutAfterItsLastChange() throws Exception {
        try (External external = new External()) {
            // Given a request stored a day ago by a version that kept deadlines elsewhere: the external task in flight, no deadlineAt
            String customer = Seeder.customerId(2);
            DeletionRequested r = env.request(Scope.PROFILE, customer, null);
            Instant dispatched = Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.MILLIS);
            List<TaskState> tasks = new ArrayList<>();
            for (String type : List.of("conversations", "attachments", "integration-data")) {
                tasks.add(TaskState.newBuilder().setDataType(type).setStatus(TaskStatus.SUCCEEDED).setAttempts(1)
                        .setAttemptLimit(4).setResidual(0L).setPhase(0).build());
            }
            tasks.add(TaskState.newBuilder().setDataType(EXTERNAL).setStatus(TaskStatus.PENDING).setAttempts(1)
                    .setAttemptLimit(4).setPhase(0).setDeadlineAt(null).build());
            tasks.add(TaskState.newBuilder().setDataType("customer-details").setStatus(TaskStatus.PENDING).setAttempts(0)
                    .setAttemptLimit(4).setPhase(1).build());
            DeletionStatus legacy = DeletionStatus.newBuilder().setRequestId(r.getRequestId()).setTenant(r.getTenant())
                    .setCustomerId(customer).setScope(r.getScope()).setReason(r.getReason()).setRegulation(r.getRegulation())
                    .setActor(r.getActor()).setStatus(RequestStatus.IN_PROGRESS).setTasks(tasks).setRequestedAt(dispatched)
                    .setUpdatedAt(dispatched).setDueAt(r.getDueAt()).build();

            // When the upgraded worker restores it (written to the store's changelog while no worker runs)
            restart(() -> writeToRequestStore(legacy));

            // Then the attempt times out (one task timeout after the status's last change has long passed), is dispatched
            // again, and the request completes
            external.awaitAttempt(r.getRequestId(), 2);
            DeletionStatus done = external.answer(r.getRequestId(), 2);
            assertThat(done.getStatus()).isEqualTo(RequestStatus.COMPLETED);
            assertThat(task(done).getErrorCode()).isNull();
            assertThat(audit(r.getRequestId())).extracting(AuditEvent::getErrorCode).contains("TASK_TIMEOUT");
        }
    }

    /** Stops the worker, runs {@code whileStopped}, and starts a new instance with empty local state. */
    private static void restart(Runnable whileStopped) {
        worker.close();
        worker = null;
        whileStopped.run();
        env.config.put(Keys.STATE_DIR, TestStack.newDirectory("state").toString());
        worker = DeletionWorker.start(env.config());
    }

    /** Writes a status straight to the coordinator's request store changelog, on the partition of its customer. */
    private static void writeToRequestStore(DeletionStatus s) {
        String changelog = env.config.get(DeletionWorker.APPLICATION_ID) + "-" + CoordinatorTopology.REQUESTS_STORE + "-changelog";
        byte[] subject = Topics.subjectKey(s.getTenant(), s.getCustomerId()).getBytes(StandardCharsets.UTF_8);
        int partition = Utils.toPositive(Utils.murmur2(subject)) % Integer.parseInt(env.config.get(Keys.TOPIC_PARTITIONS));
        byte[] value = env.topics.deletionStatus().valueSerde().serializer().serialize(changelog, s);
        try {
            env.producer.unwrap().send(new ProducerRecord<>(changelog, partition,
                    s.getRequestId().getBytes(StandardCharsets.UTF_8), value)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static TaskState task(DeletionStatus s) {
        return s.getTasks().stream().filter(t -> t.getDataType().equals(EXTERNAL)).findFirst().orElseThrow();
    }

    private static List<AuditEvent> audit(String requestId) {
        return TopicReader.readAll(env.settings, env.topics.audit(), Duration.ofSeconds(30)).stream()
                .map(r -> r.value()).filter(a -> a.getRequestId().equals(requestId)).toList();
    }

    /** The external eraser of {@value #EXTERNAL}: records every attempt it is sent, answers when told. */
    private static final class External implements AutoCloseable {
        private final Topic<String, ErasureTask> tasks = env.topics.erasureTasks(EXTERNAL);
        private final KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(env.settings.consumer("external-" + UUID.randomUUID(), "crm"));
        private final Map<String, ErasureTask> received = new ConcurrentHashMap<>();

        External() {
            consumer.subscribe(List.of(tasks.name()));
        }

        void awaitAttempt(String requestId, int attempt) {
            await("attempt " + attempt + " of " + EXTERNAL).atMost(Duration.ofSeconds(90)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    ErasureTask t = tasks.valueSerde().deserializer().deserialize(r.topic(), r.value());
                    received.put(t.getRequestId() + "#" + t.getAttempt(), t);
                }
                return received.containsKey(requestId + "#" + attempt);
            });
        }

        DeletionStatus answer(String requestId, int attempt) {
            ErasureTask t = received.get(requestId + "#" + attempt);
            env.producer.send(env.topics.erasureResults(), Topics.subjectKey(t.getTenant(), t.getCustomerId()),
                    ErasureResult.newBuilder().setTaskId(t.getTaskId()).setRequestId(t.getRequestId())
                            .setTenant(t.getTenant()).setCustomerId(t.getCustomerId()).setDataType(EXTERNAL)
                            .setAttempt(t.getAttempt()).setStatus(TaskStatus.SUCCEEDED).setResidual(0L)
                            .setEraser("crm-export-service").setFinishedAt(Instant.now()).build()).join();
            return env.awaitTerminal(requestId);
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
