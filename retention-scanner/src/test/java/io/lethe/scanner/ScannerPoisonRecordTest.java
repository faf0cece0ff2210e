package io.lethe.scanner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lethe.events.ContactActivity;
import io.lethe.events.DeletionCompleted;
import io.lethe.events.DeletionRequested;
import io.lethe.events.PolicyMode;
import io.lethe.events.Reason;
import io.lethe.events.RetentionPolicy;
import io.lethe.events.Scope;
import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.LocalStackExtension.KafkaEndpoint;
import io.lethe.localstack.TestStack;
import io.lethe.runtime.config.LetheConfig;
import io.lethe.runtime.kafka.KafkaSettings;
import io.lethe.runtime.kafka.LetheProducer;
import io.lethe.runtime.kafka.TopicReader;
import io.lethe.runtime.streams.DeadLetters;
import io.lethe.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Poison on every input of the retention scanner (activity, deletion events, policies) against
 * the real broker: each record is a dead letter with its headers, the scanner keeps running, and
 * a valid policy and contact after them still produce exactly the expected expiry.
 */
@ExtendWith(LocalStackExtension.class)
class ScannerPoisonRecordTest {

    private final String id = UUID.randomUUID().toString().substring(0, 8);
    private final String tenant = "tenant-" + id;
    private final Topics topics = new Topics("s" + id + ".");
    private KafkaSettings settings;
    private LetheProducer producer;
    private RetentionScanner scanner;

    @BeforeEach
    void start(KafkaEndpoint kafka) {
        LetheConfig config = ScannerTestConfig.of(kafka.bootstrapServers(), topics, "scanner-" + id, 1,
                TestStack.newDirectory("scanner-state"), Map.of());
        settings = new KafkaSettings(config);
        scanner = RetentionScanner.start(config);
        producer = new LetheProducer(settings, "poison-" + id);
        await("scanner running").atMost(Duration.ofSeconds(60)).until(scanner::isReady);
    }

    @AfterEach
    void stop() {
        producer.close();
        scanner.close();
    }

    private void raw(String topic, String key, byte[] value) throws Exception {
        producer.unwrap().send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value)).get();
    }

    private static byte[] unknownFingerprint(byte[] valid) {
        byte[] b = valid.clone();
        for (int i = 2; i < 10; i++) {
            b[i] = (byte) ~b[i];
        }
        return b;
    }

    private ContactActivity contact(String customer, int daysAgo) {
        return ContactActivity.newBuilder().setTenant(tenant).setCustomerId(customer).setContactId("m-1")
                .setOccurredAt(Instant.now().minus(Duration.ofDays(daysAgo))).build();
    }

    private RetentionPolicy policy(String t, PolicyMode mode, Integer days) {
        return RetentionPolicy.newBuilder().setTenant(t).setMode(mode).setDays(days).setUpdatedBy("mallory")
                .setUpdatedAt(Instant.now()).build();
    }

    private List<ConsumerRecord<byte[], byte[]>> deadFrom(String topic) {
        return TopicReader.readRaw(settings, topics.dlq().name(), Duration.ofSeconds(10)).stream()
                .filter(r -> topic.equals(header(r, DeadLetters.HEADER_TOPIC))).toList();
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void shouldDeadLetterPoisonOnEveryInputAndStillExpireExactlyTheValidCustomer() throws Exception {
        var activity = topics.customerActivity();
        var events = topics.deletionEvents();
        var policies = topics.retentionPolicies();
        String oldKey = Topics.subjectKey(tenant, "c-old");

        // Given poison on the policies topic: undecodable, and values that must never act
        byte[] validPolicy = policies.valueSerde().serializer().serialize(policies.name(), policy(tenant, PolicyMode.DELETE_AFTER_DAYS, 30));
        raw(policies.name(), tenant, new byte[] {(byte) 0xC3, 0x01, 0});
        raw(policies.name(), tenant, Arrays.copyOf(validPolicy, validPolicy.length - 2));
        raw(policies.name(), tenant, unknownFingerprint(validPolicy));
        // days 0 or negative would expire every customer of the tenant at the next tick
        producer.send(policies, tenant, policy(tenant, PolicyMode.DELETE_AFTER_DAYS, 0)).get();
        producer.send(policies, tenant, policy(tenant, PolicyMode.DELETE_AFTER_DAYS, -5)).get();
        producer.send(policies, tenant, policy(tenant, PolicyMode.DELETE_AFTER_DAYS, null)).get();
        // a record keyed by one tenant carrying another's policy
        producer.send(policies, "other-" + id, policy(tenant, PolicyMode.DELETE_AFTER_DAYS, 1)).get();

        // and poison on the activity topic
        byte[] validActivity = activity.valueSerde().serializer().serialize(activity.name(), contact("c-x", 1));
        raw(activity.name(), oldKey, "random bytes".getBytes(StandardCharsets.UTF_8));
        raw(activity.name(), oldKey, Arrays.copyOf(validActivity, 12));
        raw(activity.name(), oldKey, unknownFingerprint(validActivity));
        ContactActivity empty = contact("c-x", 400);
        empty.setCustomerId("");
        producer.send(activity, Topics.subjectKey(tenant, ""), empty).get();
        producer.send(activity, Topics.subjectKey(tenant, "c-other"), contact("c-young", 400)).get(); // key is not the subject

        // and poison on the deletion events topic
        DeletionCompleted completed = DeletionCompleted.newBuilder().setRequestId(UUID.randomUUID().toString()).setTenant(tenant)
                .setCustomerId("c-old").setScope(Scope.PROFILE).setItemId(null).setReason(Reason.CUSTOMER_REQUEST)
                .setDataTypes(List.of("conversations")).setVerified(true).setRequestedAt(Instant.now()).setCompletedAt(Instant.now())
                .build();
        byte[] validEvent = events.valueSerde().serializer().serialize(events.name(), completed);
        raw(events.name(), oldKey, new byte[0]);
        raw(events.name(), oldKey, Arrays.copyOf(validEvent, validEvent.length / 2));
        raw(events.name(), oldKey, unknownFingerprint(validEvent));
        DeletionCompleted emptyCustomer = DeletionCompleted.newBuilder(completed).setCustomerId("").build();
        producer.send(events, Topics.subjectKey(tenant, ""), emptyCustomer).get();
        producer.send(events, Topics.subjectKey(tenant, "c-young"), completed).get(); // key is not the subject

        // When valid records follow: two customers, one past a 30-day policy, one not
        producer.send(activity, oldKey, contact("c-old", 400)).get();
        producer.send(activity, Topics.subjectKey(tenant, "c-young"), contact("c-young", 2)).get();
        producer.send(policies, tenant, policy(tenant, PolicyMode.DELETE_AFTER_DAYS, 30)).get();

        // Then exactly one expiry, for c-old
        await("expiry of c-old").atMost(Duration.ofSeconds(60)).until(() -> expiries().size() >= 1);
        // and for a few more ticks nothing else expires
        await("only c-old expires").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> expiries().stream().map(DeletionRequested::getCustomerId).toList().equals(List.of("c-old")));
        assertThat(expiries()).extracting(DeletionRequested::getCustomerId).containsExactly("c-old");

        // and every poison record is a dead letter with its headers
        await("dead letters").atMost(Duration.ofSeconds(30)).until(() -> deadFrom(events.name()).size() >= 5
                && deadFrom(activity.name()).size() >= 5 && deadFrom(policies.name()).size() >= 7);
        assertThat(deadFrom(events.name())).hasSize(5);
        assertThat(deadFrom(activity.name())).hasSize(5);
        assertThat(deadFrom(policies.name())).hasSize(7);
        assertThat(TopicReader.readRaw(settings, topics.dlq().name(), Duration.ofSeconds(10))).allSatisfy(r -> {
            assertThat(header(r, DeadLetters.HEADER_PARTITION)).matches("\\d+");
            assertThat(header(r, DeadLetters.HEADER_OFFSET)).matches("\\d+");
            assertThat(header(r, DeadLetters.HEADER_ERROR_CLASS)).isNotBlank();
            assertThat(header(r, DeadLetters.HEADER_STAGE)).isNotBlank();
        });
        assertThat(scanner.isReady()).isTrue();
    }

    private List<DeletionRequested> expiries() {
        return TopicReader.readAll(settings, topics.deletionRequests(), Duration.ofSeconds(10)).stream()
                .map(ConsumerRecord::value).toList();
    }
}
