package io.lethe.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lethe.events.DeletionRequested;
import io.lethe.events.DeletionStatus;
import io.lethe.events.ErasureResult;
import io.lethe.events.ErasureTask;
import io.lethe.events.RequestStatus;
import io.lethe.events.Scope;
import io.lethe.events.TaskState;
import io.lethe.events.TaskStatus;
import io.lethe.localstack.ForeignClients;
import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.LocalStackExtension.DatabaseEndpoint;
import io.lethe.localstack.LocalStackExtension.KafkaEndpoint;
import io.lethe.runtime.http.Metrics;
import io.lethe.runtime.streams.Reroute;
import io.lethe.schemas.Topic;
import io.lethe.schemas.Topics;
import io.lethe.store.seed.Seeder;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
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
 * Deletions and results published by librdkafka (Debian's python3-confluent-kafka), whose default partitioner
 * ({@code consistent_random}, CRC32) is not Java's murmur2: the records arrive on a partition whose coordinator
 * task does not hold the request, and are re-routed before anything acts on them. Without the re-route the
 * request stays IN_PROGRESS with its tasks PENDING while the erasers have erased, and never completes.
 */
@ExtendWith(LocalStackExtension.class)
class ForeignPartitionerIntegrationTest {

    private static final int PARTITIONS = 2;
    private static final int CUSTOMERS = 24;
    private static WorkerHarness env;
    private static DeletionWorker worker;
    private static PrometheusMeterRegistry metrics;
    private static String bootstrap;
    private static final AtomicBoolean running = new AtomicBoolean(true);
    private static final Map<String, ErasureTask> crmTasks = new ConcurrentHashMap<>();
    private static Thread crmEraser;

    @BeforeAll
    static void start(KafkaEndpoint kafka, DatabaseEndpoint db) throws Exception {
        ForeignClients.requirePython();
        bootstrap = kafka.bootstrapServers();
        env = new WorkerHarness(kafka, db);
        env.config.put("worker.scope.profile", "conversations,attachments,integration-data,crm-export;customer-details");
        Seeder.seed(env.store.dataSource(), env.blobs, env.tenant, CUSTOMERS, 5);
        metrics = Metrics.newRegistry("deletion-worker");
        worker = DeletionWorker.start(env.config(), metrics);
        await("worker ready").atMost(Duration.ofSeconds(60)).until(worker::isReady);
        crmEraser = new Thread(ForeignPartitionerIntegrationTest::collectCrmTasks, "crm-tasks");
        crmEraser.start();
    }

    /** The external eraser's consumer side (Java); it answers through librdkafka in the test. */
    private static void collectCrmTasks() {
        Topic<String, ErasureTask> tasks = env.topics.erasureTasks("crm-export");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(env.settings.consumer("crm-" + env.id, "crm"))) {
            c.subscribe(Set.of(tasks.name()));
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    ErasureTask t = tasks.valueSerde().deserializer().deserialize(r.topic(), r.value());
                    crmTasks.put(t.getRequestId(), t);
                }
                c.commitSync();
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        running.set(false);
        if (crmEraser != null) {
            crmEraser.join(10_000);
        }
        if (worker != null) {
            worker.close();
        }
        if (env != null) {
            env.close();
        }
    }

    @Test
    void shouldCompleteAndVerifyADeletionPublishedWithLibrdkafkasDefaultPartitioner() throws Exception {
        // Given a customer whose subject key librdkafka puts on another partition than Java does
        String customer = customerOffItsPartition(1, 0);
        DeletionRequested request = env.request(Scope.PROFILE, customer, null);
        String key = Topics.subjectKey(env.tenant, customer);
        Topic<String, DeletionRequested> requests = env.topics.deletionRequests();
        double reroutedBefore = rerouted(requests.name());

        // When a Python service publishes it as docs/events.md says, with the client's defaults
        int partition = ForeignClients.produceRaw(bootstrap, requests.name(), key,
                requests.valueSerde().serializer().serialize(requests.name(), request));

        // Then it landed off its partition, was re-routed once, and the external eraser's result (also from
        // librdkafka, also off its partition) lets it complete and verify
        assertThat(partition).isNotEqualTo(murmur2(key));
        await("crm-export task").atMost(Duration.ofSeconds(90)).until(() -> crmTasks.containsKey(request.getRequestId()));
        ErasureTask t = crmTasks.get(request.getRequestId());
        ErasureResult result = ErasureResult.newBuilder().setTaskId(t.getTaskId()).setRequestId(t.getRequestId())
                .setTenant(t.getTenant()).setCustomerId(t.getCustomerId()).setDataType(t.getDataType())
                .setAttempt(t.getAttempt()).setStatus(TaskStatus.SUCCEEDED).setRowsDeleted(2).setRetryable(false)
                .setEraser("crm-export-python").setFinishedAt(Instant.now()).build();
        Topic<String, ErasureResult> results = env.topics.erasureResults();
        double resultsReroutedBefore = rerouted(results.name());
        int resultPartition = ForeignClients.produceRaw(bootstrap, results.name(), key,
                results.valueSerde().serializer().serialize(results.name(), result));
        assertThat(resultPartition).isNotEqualTo(murmur2(key));

        DeletionStatus done = env.awaitTerminal(request.getRequestId());
        assertThat(done.getStatus()).isEqualTo(RequestStatus.COMPLETED);
        assertThat(done.getVerified()).isTrue();
        assertThat(done.getTasks()).extracting(TaskState::getStatus).containsOnly(TaskStatus.SUCCEEDED);
        assertThat(task(done, "crm-export").getRowsDeleted()).isEqualTo(2);
        assertThat(env.column("select count(*) from customers where tenant_id = ? and id = ? and name is not null",
                env.tenant, customer)).as("the profile is erased, not half-erased").containsExactly("0");
        assertThat(rerouted(requests.name()) - reroutedBefore).isEqualTo(1.0);
        assertThat(rerouted(results.name()) - resultsReroutedBefore).isEqualTo(1.0);
    }

    @Test
    void shouldSendAResultKeyedByAnythingButItsSubjectKeyToTheDeadLetterTopic() {
        // a result keyed by its task id would be routed by that key to a partition without its request
        String customer = customerOffItsPartition(1, 1);
        DeletionRequested request = env.request(Scope.PROFILE, customer, null);
        env.submit(request);
        await("crm-export task").atMost(Duration.ofSeconds(90)).until(() -> crmTasks.containsKey(request.getRequestId()));
        ErasureTask t = crmTasks.get(request.getRequestId());
        Topic<String, ErasureResult> results = env.topics.erasureResults();
        double before = deadLetters(results.name());

        env.producer.send(results, t.getTaskId(), ErasureResult.newBuilder().setTaskId(t.getTaskId())
                .setRequestId(t.getRequestId()).setTenant(t.getTenant()).setCustomerId(t.getCustomerId())
                .setDataType(t.getDataType()).setAttempt(t.getAttempt()).setStatus(TaskStatus.SUCCEEDED).setRetryable(false)
                .setEraser("crm-export-python").setFinishedAt(Instant.now()).build()).join();

        await("dead letter").atMost(Duration.ofSeconds(30)).until(() -> deadLetters(results.name()) > before);
        assertThat(task(env.statuses().get(request.getRequestId()), "crm-export").getStatus()).isEqualTo(TaskStatus.PENDING);
    }

    /**
     * The {@code skip}+1-th seeded customer from {@code from} whose key librdkafka and Java put on different
     * partitions (each test takes its own, so the order the tests run in does not matter).
     */
    private static String customerOffItsPartition(int from, int skip) {
        int seen = 0;
        for (int n = from; n <= CUSTOMERS; n++) {
            String key = Topics.subjectKey(env.tenant, Seeder.customerId(n));
            if (ForeignClients.librdkafkaPartition(key, PARTITIONS) != murmur2(key) && seen++ == skip) {
                return Seeder.customerId(n);
            }
        }
        throw new IllegalStateException("no seeded customer of " + env.tenant + " is placed differently by the two partitioners");
    }

    private static int murmur2(String key) {
        return Reroute.partitionOf(key.getBytes(StandardCharsets.UTF_8), PARTITIONS);
    }

    private static double rerouted(String topic) {
        var c = metrics.find("lethe.rerouted.records").tag("topic", topic).counter();
        return c == null ? 0 : c.count();
    }

    private static double deadLetters(String topic) {
        var c = metrics.find("lethe.dlq.records").tag("topic", topic).counter();
        return c == null ? 0 : c.count();
    }

    private static TaskState task(DeletionStatus s, String type) {
        return s.getTasks().stream().filter(t -> t.getDataType().equals(type)).findFirst().orElseThrow();
    }
}
