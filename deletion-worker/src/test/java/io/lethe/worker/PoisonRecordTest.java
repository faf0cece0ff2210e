package io.lethe.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lethe.events.DeletionRequested;
import io.lethe.events.DeletionStatus;
import io.lethe.events.ErasureResult;
import io.lethe.events.ErasureTask;
import io.lethe.events.RequestStatus;
import io.lethe.events.Scope;
import io.lethe.events.TaskStatus;
import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.LocalStackExtension.DatabaseEndpoint;
import io.lethe.localstack.LocalStackExtension.KafkaEndpoint;
import io.lethe.runtime.kafka.TopicReader;
import io.lethe.runtime.streams.DeadLetters;
import io.lethe.schemas.Topics;
import io.lethe.store.census.PiiCensus;
import io.lethe.store.seed.Seeder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Poison on the worker's inputs beyond {@link WorkerIntegrationTest}: the results topic, every
 * task topic, item-scope validation, and ids built to match more than one row. Each poison
 * record lands in the DLQ with its headers, a valid record after it is processed, and no seeded
 * customer loses anything it was not asked to.
 */
@ExtendWith(LocalStackExtension.class)
class PoisonRecordTest {

    private static WorkerHarness env;
    private static DeletionWorker worker;
    private static final Map<String, Long> piiBefore = new HashMap<>();

    @BeforeAll
    static void start(KafkaEndpoint kafka, DatabaseEndpoint db) throws Exception {
        env = new WorkerHarness(kafka, db);
        Seeder.seed(env.store.dataSource(), env.blobs, env.tenant, 6, 11);
        for (int n = 1; n <= 6; n++) {
            piiBefore.put(Seeder.customerId(n), pii(Seeder.customerId(n)));
        }
        worker = DeletionWorker.start(env.config());
        await("worker ready").atMost(Duration.ofSeconds(60)).until(worker::isReady);
    }

    @AfterAll
    static void stop() {
        if (worker != null) {
            worker.close();
        }
        env.close();
    }

    /** PII of a customer, without relationship rows (erasing one side rightly removes them for both). */
    private static long pii(String customer) throws Exception {
        try (Connection c = env.store.dataSource().getConnection()) {
            return PiiCensus.remainingPii(c, env.blobs, env.tenant, customer) - env.column(
                    "select 1 from customer_relationships where tenant_id = ? and (customer_id = ? or related_customer_id = ?)",
                    env.tenant, customer, customer).size();
        }
    }

    private static void sendRaw(String topic, String key, byte[] value) throws Exception {
        env.producer.unwrap().send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value)).get();
    }

    private static byte[] unknownFingerprint(byte[] valid) {
        byte[] b = valid.clone();
        for (int i = 2; i < 10; i++) {
            b[i] = (byte) ~b[i];
        }
        return b;
    }

    private static ErasureTask task(Scope scope, String dataType, String itemId) {
        return ErasureTask.newBuilder().setTaskId(UUID.randomUUID() + "/" + dataType).setRequestId(UUID.randomUUID().toString())
                .setTenant(env.tenant).setCustomerId(Seeder.customerId(6)).setScope(scope).setItemId(itemId).setDataType(dataType)
                .setAttempt(1).setIssuedAt(Instant.now()).build();
    }

    private static List<ConsumerRecord<byte[], byte[]>> deadFrom(String topic) {
        return TopicReader.readRaw(env.settings, env.topics.dlq().name(), Duration.ofSeconds(10)).stream()
                .filter(r -> topic.equals(header(r, DeadLetters.HEADER_TOPIC))).toList();
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static void assertHeaders(List<ConsumerRecord<byte[], byte[]>> dead) {
        assertThat(dead).allSatisfy(r -> {
            assertThat(header(r, DeadLetters.HEADER_PARTITION)).matches("\\d+");
            assertThat(header(r, DeadLetters.HEADER_OFFSET)).matches("\\d+");
            assertThat(header(r, DeadLetters.HEADER_ERROR_CLASS)).isNotBlank();
            assertThat(header(r, DeadLetters.HEADER_REASON)).matches("[A-Z][A-Z_]+");
            assertThat(header(r, DeadLetters.HEADER_ERROR_MESSAGE)).isNotBlank();
            assertThat(header(r, DeadLetters.HEADER_STAGE)).isNotBlank();
        });
    }

    private static List<String> reasons(List<ConsumerRecord<byte[], byte[]>> dead) {
        return dead.stream().map(r -> header(r, DeadLetters.HEADER_REASON)).toList();
    }

    @Test
    void shouldDeadLetterPoisonOnTheResultsTopicAndKeepCompletingRequests() throws Exception {
        // Given poison of every kind on erasure.results
        String topic = env.topics.erasureResults().name();
        String key = Topics.subjectKey(env.tenant, Seeder.customerId(1));
        var serde = env.topics.erasureResults().valueSerde();
        ErasureResult valid = ErasureResult.newBuilder().setTaskId("t/conversations").setRequestId(UUID.randomUUID().toString())
                .setTenant(env.tenant).setCustomerId(Seeder.customerId(1)).setDataType("conversations").setAttempt(1)
                .setStatus(TaskStatus.SUCCEEDED).setFinishedAt(Instant.now()).build();
        byte[] encoded = serde.serializer().serialize(topic, valid);
        sendRaw(topic, key, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13});
        sendRaw(topic, key, Arrays.copyOf(encoded, encoded.length / 2));
        sendRaw(topic, key, unknownFingerprint(encoded));
        sendRaw(topic, key, serde.serializer().serialize(topic, ErasureResult.newBuilder(valid).setRequestId("").build()));
        sendRaw(topic, key, serde.serializer().serialize(topic, ErasureResult.newBuilder(valid).setAttempt(0).build()));
        sendRaw(topic, key, serde.serializer().serialize(topic, ErasureResult.newBuilder(valid).setResidual(-1).build()));
        // the Confluent framing (magic 0, schema id 7) where this worker has no registry configured
        byte[] confluent = new byte[encoded.length - 5];
        System.arraycopy(encoded, 10, confluent, 5, encoded.length - 10);
        confluent[4] = 7;
        sendRaw(topic, key, confluent);

        // When a valid request follows on the same customer's partition
        DeletionStatus s = env.awaitTerminal(env.submit(env.request(Scope.PROFILE, Seeder.customerId(1), null)));

        // Then it completes, and all seven poison records are dead letters with headers and reason codes
        assertThat(s.getStatus()).isEqualTo(RequestStatus.COMPLETED);
        await("seven dead letters from the results topic").atMost(Duration.ofSeconds(30)).until(() -> deadFrom(topic).size() >= 7);
        List<ConsumerRecord<byte[], byte[]>> dead = deadFrom(topic);
        assertThat(dead).hasSize(7);
        assertHeaders(dead);
        assertThat(reasons(dead)).containsExactlyInAnyOrder("NOT_AVRO", "CORRUPT_BODY", "UNKNOWN_SCHEMA_FINGERPRINT",
                "INVALID_RECORD", "INVALID_RECORD", "INVALID_RECORD", "NO_SCHEMA_REGISTRY");
        assertThat(worker.streams().isRunning()).isTrue();
    }

    @Test
    void shouldDeadLetterPoisonOnEveryTaskTopicAndKeepErasing() throws Exception {
        // Given poison of every kind on each built-in task topic
        String attachment = env.column("select id from attachments where tenant_id = ? and customer_id = ? limit 1",
                env.tenant, Seeder.customerId(6)).get(0);
        for (String dataType : List.of("conversations", "attachments", "integration-data", "customer-details")) {
            var t = env.topics.erasureTasks(dataType);
            String key = Topics.subjectKey(env.tenant, Seeder.customerId(6));
            byte[] encoded = t.valueSerde().serializer().serialize(t.name(), task(Scope.PROFILE, dataType, null));
            sendRaw(t.name(), key, "{\"json\":true}".getBytes(StandardCharsets.UTF_8));
            sendRaw(t.name(), key, Arrays.copyOf(encoded, encoded.length - 3));
            sendRaw(t.name(), key, unknownFingerprint(encoded));
            for (ErasureTask bad : List.of(
                    withCustomer(task(Scope.PROFILE, dataType, null), ""),
                    task(Scope.CONTACT, dataType, null),                 // item scope without an item
                    task(Scope.PROFILE, dataType, attachment),           // PROFILE with an item
                    task(Scope.ATTACHMENT, dataType, " "),               // blank item
                    task(Scope.PROFILE, dataType.equals("attachments") ? "conversations" : "attachments", null))) { // wrong topic
                sendRaw(t.name(), key, t.valueSerde().serializer().serialize(t.name(), bad));
            }
        }

        // When a valid item request for customer 6 follows
        DeletionStatus s = env.awaitTerminal(env.submit(env.request(Scope.ATTACHMENT, Seeder.customerId(6), attachment)));

        // Then it completes; every poison task is a dead letter; nobody else lost anything
        assertThat(s.getStatus()).isEqualTo(RequestStatus.COMPLETED);
        for (String dataType : List.of("conversations", "attachments", "integration-data", "customer-details")) {
            String topic = env.topics.erasureTasks(dataType).name();
            await("eight dead letters from " + topic).atMost(Duration.ofSeconds(30)).until(() -> deadFrom(topic).size() >= 8);
            assertThat(deadFrom(topic)).hasSize(8);
            assertHeaders(deadFrom(topic));
        }
        for (int n = 2; n <= 5; n++) {
            assertThat(pii(Seeder.customerId(n))).as("customer %d untouched", n).isEqualTo(piiBefore.get(Seeder.customerId(n)));
        }
        assertThat(pii(Seeder.customerId(6))).isLessThan(piiBefore.get(Seeder.customerId(6))).isPositive();
    }

    private static ErasureTask withCustomer(ErasureTask t, String customerId) {
        t.setCustomerId(customerId);
        return t;
    }

    @Test
    void shouldEraseNothingOfAnyoneForIdsThatLookLikePatternsOrInjections() throws Exception {
        // Given ids that would match other rows if they were ever interpreted rather than bound
        String real = Seeder.customerId(3);
        List<String> customers = List.of("%", "_", "*", "' OR '1'='1", real + "' --", "../" + real, real.toUpperCase(),
                real + " ", " " + real, real + "%", env.tenant + "/" + real);
        String attachmentOf4 = env.column("select id from attachments where tenant_id = ? and customer_id = ? limit 1",
                env.tenant, Seeder.customerId(4)).get(0);
        List<DeletionRequested> items = List.of(
                env.request(Scope.ATTACHMENT, Seeder.customerId(5), "%"),
                env.request(Scope.ATTACHMENT, Seeder.customerId(5), "' OR '1'='1"),
                env.request(Scope.CONTACT, Seeder.customerId(5), "%"),
                env.request(Scope.VOICE_RECORDING, Seeder.customerId(5), "../../" + attachmentOf4),
                env.request(Scope.ATTACHMENT, Seeder.customerId(5), attachmentOf4 + "%"));

        // When they are all requested
        List<String> profileIds = customers.stream().map(c -> env.submit(env.request(Scope.PROFILE, c, null))).toList();
        List<String> itemIds = items.stream().map(env::submit).toList();

        // Then each ends (profiles of nobody complete with nothing erased; items fail as not found)
        for (String id : profileIds) {
            DeletionStatus s = env.awaitTerminal(id);
            assertThat(s.getTasks().stream().mapToLong(t -> t.getRowsScrubbed() + t.getRowsDeleted() + t.getBlobsDeleted()).sum())
                    .as("rows erased for customer id %s", s.getCustomerId()).isZero();
        }
        for (String id : itemIds) {
            DeletionStatus s = env.awaitTerminal(id);
            assertThat(s.getStatus()).isEqualTo(RequestStatus.FAILED);
            assertThat(s.getTasks()).allSatisfy(t -> assertThat(t.getErrorCode()).isEqualTo("NOT_FOUND_FOR_CUSTOMER"));
        }
        // and no seeded customer lost anything
        for (int n = 2; n <= 5; n++) {
            assertThat(pii(Seeder.customerId(n))).as("customer %d untouched", n).isEqualTo(piiBefore.get(Seeder.customerId(n)));
        }
        assertThat(env.blobs.exists(io.lethe.store.blob.BlobKeys.attachment(env.tenant, attachmentOf4))).isTrue();
    }
}
