package io.lethe.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lethe.events.AuditEvent;
import io.lethe.events.AuditType;
import io.lethe.events.DeletionCompleted;
import io.lethe.events.DeletionRequested;
import io.lethe.events.DeletionStatus;
import io.lethe.events.RequestStatus;
import io.lethe.events.Scope;
import io.lethe.events.TaskState;
import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.LocalStackExtension.DatabaseEndpoint;
import io.lethe.localstack.LocalStackExtension.KafkaEndpoint;
import io.lethe.runtime.kafka.TopicReader;
import io.lethe.runtime.streams.DeadLetters;
import io.lethe.schemas.Topics;
import io.lethe.store.blob.BlobKeys;
import io.lethe.store.census.PiiCensus;
import io.lethe.store.seed.Seeder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/** The worker against the real broker and PostgreSQL: every scope, failures, poison records, audit. */
@ExtendWith(LocalStackExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkerIntegrationTest {

    private static WorkerHarness env;
    private static DeletionWorker worker;
    private static final Map<String, Long> piiBefore = new HashMap<>();
    private static final List<String> seededPii = new ArrayList<>();

    @BeforeAll
    static void start(KafkaEndpoint kafka, DatabaseEndpoint db) throws Exception {
        env = new WorkerHarness(kafka, db);
        Seeder.seed(env.store.dataSource(), env.blobs, env.tenant, 10, 7);
        try (Connection c = env.store.dataSource().getConnection()) {
            for (int n = 1; n <= 10; n++) {
                piiBefore.put(Seeder.customerId(n), PiiCensus.remainingPii(c, env.blobs, env.tenant, Seeder.customerId(n)));
                seededPii.addAll(PiiCensus.piiStrings(c, env.tenant, Seeder.customerId(n)));
            }
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

    private static long pii(int n) throws Exception {
        try (Connection c = env.store.dataSource().getConnection()) {
            return PiiCensus.remainingPii(c, env.blobs, env.tenant, Seeder.customerId(n));
        }
    }

    @Test
    @Order(0)
    void shouldConsumeTasksInTheErasersGroupsOfThisDeployment() throws Exception {
        // Given a worker configured with its own eraser group prefix (set by the harness)
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(env.settings.admin("test-" + env.id))) {
            // Then each eraser is a member of <prefix><dataType>, not of the default lethe-eraser-<dataType>
            java.util.Set<String> groups = new java.util.HashSet<>();
            admin.listConsumerGroups().all().get(30, java.util.concurrent.TimeUnit.SECONDS).forEach(g -> groups.add(g.groupId()));
            assertThat(groups).contains("worker-" + env.id + "-eraser-conversations", "worker-" + env.id + "-eraser-attachments",
                    "worker-" + env.id + "-eraser-integration-data", "worker-" + env.id + "-eraser-customer-details");
        }
    }

    @Test
    @Order(1)
    void shouldEraseAWholeProfileButKeepItsIdsAndWorkSessions() throws Exception {
        String customer = Seeder.customerId(1);
        List<String> contactIds = env.column("select id from contacts where tenant_id = ? and customer_id = ? order by id", env.tenant, customer);
        List<String> sessions = env.column("select id from work_sessions where tenant_id = ? and customer_id = ?", env.tenant, customer);
        assertThat(pii(1)).isPositive();

        DeletionStatus s = env.awaitTerminal(env.submit(env.request(Scope.PROFILE, customer, null)));

        assertThat(s.getStatus()).isEqualTo(RequestStatus.COMPLETED);
        assertThat(s.getVerified()).isTrue();
        assertThat(s.getTasks()).extracting(TaskState::getDataType)
                .containsExactlyInAnyOrder("conversations", "attachments", "integration-data", "customer-details");
        assertThat(s.getTasks()).allSatisfy(t -> assertThat(t.getResidual()).isZero());
        assertThat(s.getTasks().stream().mapToLong(t -> t.getRowsScrubbed() + t.getRowsDeleted()).sum()).isPositive();
        assertThat(pii(1)).isZero();
        assertThat(env.column("select id from customers where tenant_id = ? and id = ?", env.tenant, customer)).containsExactly(customer);
        assertThat(env.column("select id from contacts where tenant_id = ? and customer_id = ? order by id", env.tenant, customer))
                .isEqualTo(contactIds);
        assertThat(env.column("select id from work_sessions where tenant_id = ? and customer_id = ?", env.tenant, customer))
                .containsExactlyInAnyOrderElementsOf(sessions);
        for (int n = 2; n <= 10; n++) {
            assertThat(pii(n)).as("customer %d untouched", n).isEqualTo(piiBefore.get(Seeder.customerId(n)));
        }
    }

    @Test
    @Order(2)
    void shouldEraseOneContactAndItsAttachmentsButKeepTheOtherContacts() throws Exception {
        String customer = Seeder.customerId(2);
        String contact = env.column("select contact_id from attachments where tenant_id = ? and customer_id = ? order by id limit 1",
                env.tenant, customer).get(0);
        List<String> itsAttachments = env.column("select id from attachments where tenant_id = ? and contact_id = ?", env.tenant, contact);
        long otherBodies = env.column("select id from contacts where tenant_id = ? and customer_id = ? and id <> ? and body is not null",
                env.tenant, customer, contact).size();

        DeletionStatus s = env.awaitTerminal(env.submit(env.request(Scope.CONTACT, customer, contact)));

        assertThat(s.getStatus()).isEqualTo(RequestStatus.COMPLETED);
        assertThat(s.getVerified()).isTrue();
        assertThat(env.column("select body from contacts where tenant_id = ? and id = ?", env.tenant, contact)).containsExactly((String) null);
        assertThat(itsAttachments).isNotEmpty().allSatisfy(a -> assertThat(env.blobs.exists(BlobKeys.attachment(env.tenant, a))).isFalse());
        assertThat(env.column("select id from contacts where tenant_id = ? and customer_id = ? and id <> ? and body is not null",
                env.tenant, customer, contact)).hasSize((int) otherBodies);
        assertThat(pii(2)).isPositive();
    }

    @Test
    @Order(3)
    void shouldEraseOneAttachmentAndOneRecordingOnly() throws Exception {
        String c3 = Seeder.customerId(3);
        List<String> attachments = env.column("select id from attachments where tenant_id = ? and customer_id = ? order by id", env.tenant, c3);
        assertThat(attachments).hasSizeGreaterThanOrEqualTo(1);
        String c4 = Seeder.customerId(4);
        String recording = env.column("select id from voice_recordings where tenant_id = ? and customer_id = ? limit 1", env.tenant, c4).get(0);
        List<String> c4Bodies = env.column("select body from contacts where tenant_id = ? and customer_id = ? order by id", env.tenant, c4);
        List<String> c4Attachments = env.column("select id from attachments where tenant_id = ? and customer_id = ? order by id", env.tenant, c4);
        assertThat(c4Bodies).isNotEmpty().doesNotContainNull();

        DeletionStatus a = env.awaitTerminal(env.submit(env.request(Scope.ATTACHMENT, c3, attachments.get(0))));
        DeletionStatus v = env.awaitTerminal(env.submit(env.request(Scope.VOICE_RECORDING, c4, recording)));

        assertThat(a.getStatus()).isEqualTo(RequestStatus.COMPLETED);
        assertThat(a.getTasks()).extracting(TaskState::getDataType).containsExactly("attachments");
        assertThat(env.blobs.exists(BlobKeys.attachment(env.tenant, attachments.get(0)))).isFalse();
        for (String other : attachments.subList(1, attachments.size())) {
            assertThat(env.blobs.exists(BlobKeys.attachment(env.tenant, other))).isTrue();
        }
        assertThat(v.getStatus()).isEqualTo(RequestStatus.COMPLETED);
        assertThat(env.blobs.exists(BlobKeys.recording(env.tenant, recording))).isFalse();
        assertThat(env.column("select transcript from voice_recordings where tenant_id = ? and id = ?", env.tenant, recording))
                .containsExactly((String) null);
        // the recording's customer keeps everything else: contact bodies, attachments and their files
        assertThat(env.column("select body from contacts where tenant_id = ? and customer_id = ? order by id", env.tenant, c4))
                .isEqualTo(c4Bodies);
        assertThat(env.column("select id from attachments where tenant_id = ? and customer_id = ? and file_name is not null order by id",
                env.tenant, c4)).isEqualTo(c4Attachments);
        for (String kept : c4Attachments) {
            assertThat(env.blobs.exists(BlobKeys.attachment(env.tenant, kept))).isTrue();
        }
    }

    @Test
    @Order(4)
    void shouldEraseNothingForAnItemOfAnotherCustomer() throws Exception {
        String owner = Seeder.customerId(5);
        String attachment = env.column("select id from attachments where tenant_id = ? and customer_id = ? limit 1", env.tenant, owner).get(0);

        DeletionStatus s = env.awaitTerminal(env.submit(env.request(Scope.ATTACHMENT, Seeder.customerId(6), attachment)));

        assertThat(s.getStatus()).isEqualTo(RequestStatus.FAILED);
        assertThat(s.getVerified()).isFalse();
        assertThat(s.getTasks().get(0).getErrorCode()).isEqualTo("NOT_FOUND_FOR_CUSTOMER");
        assertThat(s.getTasks().get(0).getAttempts()).isEqualTo(1);
        assertThat(env.blobs.exists(BlobKeys.attachment(env.tenant, attachment))).isTrue();
        assertThat(pii(5)).isEqualTo(piiBefore.get(owner));
        assertThat(pii(6)).isEqualTo(piiBefore.get(Seeder.customerId(6)));
    }

    @Test
    @Order(5)
    void shouldCompleteARequestDeliveredTwiceExactlyOnce() throws Exception {
        DeletionRequested r = env.request(Scope.PROFILE, Seeder.customerId(8), null);
        env.submit(r);
        env.submit(r);
        assertThat(env.awaitTerminal(r.getRequestId()).getStatus()).isEqualTo(RequestStatus.COMPLETED);
        env.submit(r);

        await("duplicate noted").atMost(Duration.ofSeconds(30)).until(() -> auditOf(r.getRequestId()).stream()
                .filter(e -> e.getType() == AuditType.DUPLICATE_IGNORED).count() == 2);
        List<ConsumerRecord<String, Object>> completions = new ArrayList<>();
        TopicReader.readAll(env.settings, env.topics.deletionEvents(), Duration.ofSeconds(30)).forEach(rec -> {
            if (rec.value() instanceof DeletionCompleted c && c.getRequestId().equals(r.getRequestId())) {
                completions.add(new ConsumerRecord<>(rec.topic(), rec.partition(), rec.offset(), rec.key(), c));
            }
        });
        assertThat(completions).hasSize(1);
        assertThat(auditOf(r.getRequestId()).stream().filter(e -> e.getType() == AuditType.TASK_DISPATCHED).count()).isEqualTo(4);
    }

    @Test
    @Order(6)
    void shouldSendPoisonRecordsToTheDeadLetterTopicAndKeepWorking() throws Exception {
        var raw = env.producer.unwrap();
        raw.send(new ProducerRecord<>(env.topics.deletionRequests().name(), "x/y".getBytes(StandardCharsets.UTF_8),
                new byte[] {(byte) 0xC3, 0x01, 9, 9, 9, 9, 9, 9, 9, 9, 1, 2})).get();
        raw.send(new ProducerRecord<>(env.topics.erasureTasks("attachments").name(), "x/y".getBytes(StandardCharsets.UTF_8),
                "not avro".getBytes(StandardCharsets.UTF_8))).get();
        DeletionRequested empty = env.request(Scope.PROFILE, "c", null);
        empty.setCustomerId("");
        env.producer.send(env.topics.deletionRequests(), env.tenant + "/", empty).join();

        String ok = env.submit(env.request(Scope.ATTACHMENT, Seeder.customerId(9),
                env.column("select id from attachments where tenant_id = ? and customer_id = ? limit 1", env.tenant, Seeder.customerId(9)).get(0)));
        assertThat(env.awaitTerminal(ok).getStatus()).isEqualTo(RequestStatus.COMPLETED);

        await("three dead letters").atMost(Duration.ofSeconds(30)).until(() ->
                TopicReader.readRaw(env.settings, env.topics.dlq().name(), Duration.ofSeconds(10)).size() >= 3);
        var dead = TopicReader.readRaw(env.settings, env.topics.dlq().name(), Duration.ofSeconds(10));
        assertThat(dead).extracting(r -> header(r, DeadLetters.HEADER_ERROR_MESSAGE)).anySatisfy(m -> assertThat(m).contains("unknown schema fingerprint"))
                .anySatisfy(m -> assertThat(m).contains("neither Avro single-object encoding nor the Confluent framing"))
                .anySatisfy(m -> assertThat(m).isEqualTo("customerId must not be empty"));
        assertThat(dead).allSatisfy(r -> {
            assertThat(header(r, DeadLetters.HEADER_TOPIC)).startsWith(env.topics.prefix());
            assertThat(header(r, DeadLetters.HEADER_PARTITION)).matches("\\d+");
            assertThat(header(r, DeadLetters.HEADER_OFFSET)).matches("\\d+");
            assertThat(header(r, DeadLetters.HEADER_ERROR_CLASS)).isNotBlank();
        });
        assertThat(dead).extracting(r -> header(r, DeadLetters.HEADER_REASON))
                .contains("UNKNOWN_SCHEMA_FINGERPRINT", "NOT_AVRO", DeadLetters.INVALID_RECORD);
        assertThat(worker.streams().isRunning()).isTrue();
    }

    @Test
    @Order(7)
    void shouldRetryThroughADatabaseOutageAndCompleteWhenItIsBack() throws Exception {
        env.databaseOffline();
        String id;
        try {
            id = env.submit(env.request(Scope.PROFILE, Seeder.customerId(7), null));
            await("a retry scheduled while the database is down").atMost(Duration.ofSeconds(60))
                    .until(() -> auditOf(id).stream().anyMatch(e -> e.getType() == AuditType.RETRY_SCHEDULED));
        } finally {
            env.databaseOnline();
        }
        DeletionStatus s = env.awaitTerminal(id);

        assertThat(s.getStatus()).isEqualTo(RequestStatus.COMPLETED);
        assertThat(s.getVerified()).isTrue();
        assertThat(s.getTasks()).anySatisfy(t -> assertThat(t.getAttempts()).isGreaterThan(1));
        assertThat(pii(7)).isZero();
    }

    @Test
    @Order(8)
    void shouldKeepTheAuditTrailFreeOfEverySeededPiiString() {
        List<ConsumerRecord<byte[], byte[]>> audit = TopicReader.readRaw(env.settings, env.topics.audit().name(), Duration.ofSeconds(30));
        assertThat(audit).hasSizeGreaterThan(20);
        String all = audit.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).reduce("", String::concat);
        assertThat(seededPii).hasSizeGreaterThan(100);
        for (String pii : seededPii) {
            if (pii.length() >= 4) {
                assertThat(all).as("audit must not contain seeded PII").doesNotContain(pii);
            }
        }
        String status = TopicReader.readRaw(env.settings, env.topics.deletionStatus().name(), Duration.ofSeconds(30)).stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8)).reduce("", String::concat);
        seededPii.stream().filter(p -> p.length() >= 4).forEach(p -> assertThat(status).doesNotContain(p));
    }

    private static List<AuditEvent> auditOf(String requestId) {
        return TopicReader.readAll(env.settings, env.topics.audit(), Duration.ofSeconds(30)).stream()
                .map(ConsumerRecord::value).filter(e -> e.getRequestId().equals(requestId)).toList();
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }
}
