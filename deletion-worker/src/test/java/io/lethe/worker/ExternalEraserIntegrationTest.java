package io.lethe.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lethe.events.DeletionStatus;
import io.lethe.events.ErasureResult;
import io.lethe.events.ErasureTask;
import io.lethe.events.RequestStatus;
import io.lethe.events.Scope;
import io.lethe.events.TaskState;
import io.lethe.events.TaskStatus;
import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.LocalStackExtension.DatabaseEndpoint;
import io.lethe.localstack.LocalStackExtension.KafkaEndpoint;
import io.lethe.schemas.Topic;
import io.lethe.schemas.Topics;
import io.lethe.store.seed.Seeder;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * "Bring your own eraser": a data type added to a scope's plan is dispatched to its own task
 * topic, and the request waits for that eraser's results. The eraser here is another team's
 * service in miniature: a plain consumer and producer outside the worker.
 */
@ExtendWith(LocalStackExtension.class)
class ExternalEraserIntegrationTest {

    private static WorkerHarness env;
    private static DeletionWorker worker;
    private static final AtomicBoolean running = new AtomicBoolean(true);
    private static final Map<String, String> answers = new ConcurrentHashMap<>();
    private static final Map<String, ErasureTask> received = new ConcurrentHashMap<>();
    private static Thread crmEraser;

    @BeforeAll
    static void start(KafkaEndpoint kafka, DatabaseEndpoint db) throws Exception {
        env = new WorkerHarness(kafka, db);
        env.config.put("worker.scope.profile", "conversations,attachments,integration-data,crm-export;customer-details");
        Seeder.seed(env.store.dataSource(), env.blobs, env.tenant, 3, 11);
        worker = DeletionWorker.start(env.config());
        await("worker ready").atMost(Duration.ofSeconds(60)).until(worker::isReady);
        crmEraser = new Thread(ExternalEraserIntegrationTest::crmEraserLoop, "crm-eraser");
        crmEraser.start();
    }

    /** The external eraser: answers each task as {@link #answers} says, or not at all until told. */
    private static void crmEraserLoop() {
        Topic<String, ErasureTask> tasks = env.topics.erasureTasks("crm-export");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(env.settings.consumer("crm-export-eraser", "crm"))) {
            c.subscribe(Set.of(tasks.name()));
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    ErasureTask t = tasks.valueSerde().deserializer().deserialize(r.topic(), r.value());
                    received.put(t.getCustomerId(), t);
                }
                for (ErasureTask t : received.values()) {
                    String answer = answers.remove(t.getCustomerId());
                    if (answer != null) {
                        boolean ok = answer.equals("ok");
                        env.producer.send(env.topics.erasureResults(), Topics.subjectKey(t.getTenant(), t.getCustomerId()),
                                ErasureResult.newBuilder().setTaskId(t.getTaskId()).setRequestId(t.getRequestId())
                                        .setTenant(t.getTenant()).setCustomerId(t.getCustomerId()).setDataType(t.getDataType())
                                        .setAttempt(t.getAttempt()).setStatus(ok ? TaskStatus.SUCCEEDED : TaskStatus.FAILED)
                                        .setRowsDeleted(ok ? 3 : 0).setErrorCode(ok ? null : "CRM_REJECTED").setRetryable(false)
                                        .setEraser("crm-export-service").setFinishedAt(Instant.now()).build()).join();
                    }
                }
                c.commitSync();
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        running.set(false);
        crmEraser.join(10_000);
        worker.close();
        env.close();
    }

    private static DeletionStatus status(String id) {
        return env.statuses().get(id);
    }

    @Test
    void shouldWaitForTheExternalEraserBeforeCustomerDetailsAndCompletion() throws Exception {
        String customer = Seeder.customerId(1);
        String id = env.submit(env.request(Scope.PROFILE, customer, null));

        // the built-in erasers finish, but the request waits on crm-export
        await("built-in tasks done").atMost(Duration.ofSeconds(60)).until(() -> {
            DeletionStatus s = status(id);
            return s != null && s.getTasks().stream().filter(t -> !t.getDataType().equals("crm-export")
                    && !t.getDataType().equals("customer-details")).allMatch(t -> t.getStatus() == TaskStatus.SUCCEEDED);
        });
        await("crm-export task received").atMost(Duration.ofSeconds(30)).until(() -> received.containsKey(customer));
        DeletionStatus waiting = status(id);
        assertThat(waiting.getStatus()).isEqualTo(RequestStatus.IN_PROGRESS);
        assertThat(task(waiting, "customer-details").getAttempts()).as("customer-details not dispatched yet").isZero();

        // when the external eraser answers, customer-details runs and the request completes
        answers.put(customer, "ok");
        DeletionStatus done = env.awaitTerminal(id);
        assertThat(done.getStatus()).isEqualTo(RequestStatus.COMPLETED);
        assertThat(done.getVerified()).isTrue();
        assertThat(task(done, "crm-export").getRowsDeleted()).isEqualTo(3);
    }

    @Test
    void shouldFailTheRequestWhenTheExternalEraserFails() {
        String customer = Seeder.customerId(2);
        answers.put(customer, "fail");
        String id = env.submit(env.request(Scope.PROFILE, customer, null));

        DeletionStatus s = env.awaitTerminal(id);

        assertThat(s.getStatus()).isEqualTo(RequestStatus.FAILED);
        assertThat(task(s, "crm-export").getErrorCode()).isEqualTo("CRM_REJECTED");
        assertThat(task(s, "customer-details").getAttempts()).isZero();
    }

    private static TaskState task(DeletionStatus s, String type) {
        return s.getTasks().stream().filter(t -> t.getDataType().equals(type)).findFirst().orElseThrow();
    }
}
