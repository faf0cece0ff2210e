package io.lethe.scanner;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.events.ContactActivity;
import io.lethe.events.DeletionCompleted;
import io.lethe.events.DeletionFailed;
import io.lethe.events.DeletionRequested;
import io.lethe.events.PolicyMode;
import io.lethe.events.Reason;
import io.lethe.events.RetentionPolicy;
import io.lethe.events.Scope;
import io.lethe.runtime.streams.StreamsRunner;
import io.lethe.schemas.Topic;
import io.lethe.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ScannerTopologyTest {

    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    private static final Duration TICK = Duration.ofMinutes(1);
    private final Topics topics = new Topics("s.");
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<String, ContactActivity> activity;
    private TestInputTopic<String, RetentionPolicy> policies;
    private TestInputTopic<String, SpecificRecord> events;
    private TestOutputTopic<String, DeletionRequested> requests;

    @BeforeEach
    void setUp() {
        Properties p = new Properties();
        p.putAll(StreamsRunner.withHandlers(Map.of(StreamsConfig.APPLICATION_ID_CONFIG, "scanner-test",
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092",
                StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2), topics.dlq().name(), registry));
        driver = new TopologyTestDriver(ScannerTopology.build(topics, new ScannerSettings(TICK, 3, Duration.ofDays(30)),
                new ScannerMetrics(registry), 1), p, NOW);
        activity = input(topics.customerActivity());
        policies = input(topics.retentionPolicies());
        events = input(topics.deletionEvents());
        Topic<String, DeletionRequested> r = topics.deletionRequests();
        requests = driver.createOutputTopic(r.name(), r.keySerde().deserializer(), r.valueSerde().deserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private <K, V> TestInputTopic<K, V> input(Topic<K, V> t) {
        return driver.createInputTopic(t.name(), t.keySerde().serializer(), t.valueSerde().serializer());
    }

    private void contact(String tenant, String customer, int daysAgo) {
        activity.pipeInput(Topics.subjectKey(tenant, customer), ContactActivity.newBuilder().setTenant(tenant)
                .setCustomerId(customer).setContactId("m-" + customer + "-" + daysAgo)
                .setOccurredAt(NOW.minus(Duration.ofDays(daysAgo))).build());
    }

    private void policy(String tenant, Integer days) {
        policies.pipeInput(tenant, RetentionPolicy.newBuilder().setTenant(tenant)
                .setMode(days == null ? PolicyMode.KEEP_FOREVER : PolicyMode.DELETE_AFTER_DAYS).setDays(days)
                .setUpdatedBy("admin").setUpdatedAt(NOW).build());
    }

    private List<DeletionRequested> tick() {
        driver.advanceWallClockTime(TICK);
        return requests.readValuesToList();
    }

    private double visitedLastTick() {
        return registry.get("lethe.scanner.last.tick.entries.visited").gauge().value();
    }

    @Test
    void shouldExpireOnlyCustomersPastTheirTenantsLimit() {
        contact("acme", "old", 400);
        contact("acme", "recent", 10);
        contact("other", "old-but-keep-forever", 4000);
        policy("acme", 365);

        List<DeletionRequested> emitted = tick();

        assertThat(emitted).singleElement().satisfies(r -> {
            assertThat(r.getCustomerId()).isEqualTo("old");
            assertThat(r.getScope()).isEqualTo(Scope.PROFILE);
            assertThat(r.getReason()).isEqualTo(Reason.RETENTION_EXPIRED);
            assertThat(r.getActor()).isEqualTo("retention-scanner");
            assertThat(r.getRequestId()).isEqualTo(ScannerProcessor.requestId("acme", "old",
                    NOW.minus(Duration.ofDays(400)).toEpochMilli()));
        });
    }

    @Test
    void shouldKeepForeverByDefaultAndAfterAPolicyIsRelaxed() {
        contact("acme", "c1", 400);
        assertThat(tick()).isEmpty();
        policy("acme", 500);
        assertThat(tick()).isEmpty();
        policy("acme", null);
        assertThat(tick()).isEmpty();
        policy("acme", 300);
        assertThat(tick()).extracting(DeletionRequested::getCustomerId).containsExactly("c1");
    }

    @Test
    void shouldNeverMoveALastContactBackOnOutOfOrderActivity() {
        contact("acme", "c1", 10);
        contact("acme", "c1", 400);
        contact("acme", "c1", 10);
        policy("acme", 365);

        assertThat(tick()).isEmpty();
    }

    /** Eight customers of acme past a newly shortened 30-day policy; the first tick takes 3 (M) and leaves 5. */
    private void shortenedPolicyAfterOneTick() {
        for (int i = 0; i < 8; i++) {
            contact("acme", "c" + i, 100 + i);
        }
        policy("acme", 30);
        assertThat(tick()).hasSize(3);
        assertThat(backlog("acme")).isEqualTo(5);
    }

    private double backlog(String tenant) {
        return registry.get("lethe.scanner.backlog").tag("tenant", tenant).gauge().value();
    }

    @Test
    void shouldDrainAShortenedPolicyAtMostMPerTickAndReportTheBacklog() {
        shortenedPolicyAfterOneTick();

        assertThat(tick()).hasSize(3);
        assertThat(tick()).hasSize(2);
        assertThat(tick()).isEmpty();
    }

    @Test
    void shouldClearTheBacklogWhenThePolicyBecomesKeepForever() {
        // Given a tenant with a backlog
        shortenedPolicyAfterOneTick();

        // When the policy is relaxed to keep forever, nothing more expires and the backlog reads 0, not a stale 5
        policy("acme", null);
        assertThat(tick()).isEmpty();
        assertThat(backlog("acme")).isZero();
    }

    @Test
    void shouldNotEmitASecondRequestWhileOneIsOpenAndForgetTheCustomerOnCompletion() {
        contact("acme", "c1", 400);
        policy("acme", 365);
        List<DeletionRequested> first = tick();
        assertThat(first).hasSize(1);
        assertThat(tick()).isEmpty();

        events.pipeInput("acme/c1", completed(first.get(0)));
        assertThat(tick()).isEmpty();
        assertThat(registry.get("lethe.scanner.tracked.customers").tag("tenant", "acme").gauge().value()).isZero();
    }

    @Test
    void shouldMakeACustomerEligibleAgainAfterAFailedDeletionAndRedriveTheSameRequest() {
        contact("acme", "c1", 400);
        policy("acme", 365);
        DeletionRequested first = tick().get(0);

        events.pipeInput("acme/c1", DeletionFailed.newBuilder().setRequestId(first.getRequestId()).setTenant("acme")
                .setCustomerId("c1").setScope(Scope.PROFILE).setReason(Reason.RETENTION_EXPIRED)
                .setFailedDataTypes(List.of("attachments")).setErrorCodes(List.of("DB_UNAVAILABLE"))
                .setRequestedAt(NOW).setFailedAt(NOW).build());

        List<DeletionRequested> again = tick();
        assertThat(again).singleElement().satisfies(r -> {
            assertThat(r.getRequestId()).isEqualTo(first.getRequestId());
            assertThat(r.getRedrive()).isTrue();
        });
    }

    @Test
    void shouldKeepTrackingFromANewContactThatArrivedWhileTheExpiryWasInFlight() {
        contact("acme", "c1", 400);
        policy("acme", 365);
        DeletionRequested first = tick().get(0);
        contact("acme", "c1", 0);
        assertThat(tick()).isEmpty();

        events.pipeInput("acme/c1", completed(first));

        assertThat(registry.get("lethe.scanner.tracked.customers").tag("tenant", "acme").gauge().value()).isEqualTo(1);
        assertThat(tick()).isEmpty();
        policy("acme", 1);
        driver.advanceWallClockTime(Duration.ofDays(2));
        assertThat(requests.readValuesToList()).singleElement().satisfies(r -> assertThat(r.getRequestId()).isNotEqualTo(first.getRequestId()));
    }

    @Test
    void shouldVisitOnlyExpiredEntriesNotEveryTrackedCustomer() {
        // Given 2,000 tracked customers of which 5 are expired
        for (int i = 0; i < 2000; i++) {
            contact("acme", "fresh-" + i, i % 300);
        }
        for (int i = 0; i < 5; i++) {
            contact("acme", "stale-" + i, 1000 + i);
        }
        policy("acme", 365);

        // When a tick runs (M = 3)
        assertThat(tick()).hasSize(3);

        // Then it visited the 5 expired entries, not the 2,005 tracked ones
        assertThat(visitedLastTick()).isEqualTo(5);
        assertThat(registry.get("lethe.scanner.tracked.customers").tag("tenant", "acme").gauge().value()).isEqualTo(2005);
    }

    private static DeletionCompleted completed(DeletionRequested r) {
        return DeletionCompleted.newBuilder().setRequestId(r.getRequestId()).setTenant(r.getTenant())
                .setCustomerId(r.getCustomerId()).setScope(Scope.PROFILE).setReason(r.getReason())
                .setDataTypes(List.of("conversations")).setVerified(true).setRequestedAt(NOW).setCompletedAt(NOW).build();
    }
}
