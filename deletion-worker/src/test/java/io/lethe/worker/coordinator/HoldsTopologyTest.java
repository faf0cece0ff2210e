package io.lethe.worker.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.events.AuditEvent;
import io.lethe.events.AuditType;
import io.lethe.events.DeletionRequested;
import io.lethe.events.DeletionStatus;
import io.lethe.events.ErasureResult;
import io.lethe.events.ErasureTask;
import io.lethe.events.LegalHold;
import io.lethe.events.Reason;
import io.lethe.events.Regulation;
import io.lethe.events.RequestStatus;
import io.lethe.events.Scope;
import io.lethe.events.TaskStatus;
import io.lethe.runtime.streams.StreamsRunner;
import io.lethe.schemas.Holds;
import io.lethe.schemas.Topic;
import io.lethe.schemas.Topics;
import io.lethe.worker.WorkerMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Legal holds in the coordinator, fast (TopologyTestDriver); the real-broker tests are in the CLI's LegalHoldEndToEndTest. */
class HoldsTopologyTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final Topics topics = new Topics("t.");
    private TopologyTestDriver driver;
    private TestInputTopic<String, DeletionRequested> requests;
    private TestInputTopic<String, ErasureResult> results;
    private TestInputTopic<String, LegalHold> holds;
    private final Map<String, TestOutputTopic<String, ErasureTask>> tasks = new HashMap<>();
    private TestOutputTopic<String, DeletionStatus> status;
    private TestOutputTopic<String, AuditEvent> audit;

    @BeforeEach
    void setUp() {
        ScopePlan plan = ScopePlan.defaults();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Properties p = new Properties();
        p.putAll(StreamsRunner.withHandlers(Map.of(StreamsConfig.APPLICATION_ID_CONFIG, "holds-test",
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092",
                StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2), topics.dlq().name(), registry));
        driver = new TopologyTestDriver(CoordinatorTopology.build(topics, plan,
                new RetryPolicy(3, Duration.ofSeconds(10), 2.0, Duration.ofMinutes(1)), new WorkerMetrics(registry), 1), p, T0);
        requests = input(topics.deletionRequests());
        results = input(topics.erasureResults());
        holds = input(topics.legalHolds());
        for (String type : plan.dataTypes()) {
            tasks.put(type, driver.createOutputTopic(topics.erasureTasks(type).name(), topics.erasureTasks(type).keySerde().deserializer(),
                    topics.erasureTasks(type).valueSerde().deserializer()));
        }
        status = driver.createOutputTopic(topics.deletionStatus().name(), topics.deletionStatus().keySerde().deserializer(),
                topics.deletionStatus().valueSerde().deserializer());
        audit = driver.createOutputTopic(topics.audit().name(), topics.audit().keySerde().deserializer(),
                topics.audit().valueSerde().deserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private <K, V> TestInputTopic<K, V> input(Topic<K, V> t) {
        return driver.createInputTopic(t.name(), t.keySerde().serializer(), t.valueSerde().serializer(), T0, Duration.ZERO);
    }

    private static LegalHold hold(String id, String customerId, Instant expiresAt) {
        return LegalHold.newBuilder().setHoldId(id).setTenant("acme").setCustomerId(customerId).setMatter("LIT-1")
                .setPlacedBy("lena").setPlacedAt(T0).setExpiresAt(expiresAt).build();
    }

    private static LegalHold released(LegalHold h) {
        return LegalHold.newBuilder(h).setReleasedBy("lena").setReleasedAt(T0.plusSeconds(60)).build();
    }

    private void submit(String requestId, String customer) {
        requests.pipeInput("acme/" + customer, DeletionRequested.newBuilder().setRequestId(requestId).setTenant("acme")
                .setCustomerId(customer).setScope(Scope.PROFILE).setItemId(null).setReason(Reason.CUSTOMER_REQUEST)
                .setRegulation(Regulation.GDPR).setActor("alice").setRequestedAt(T0).setDueAt(T0.plus(30, ChronoUnit.DAYS)).build());
    }

    private List<ErasureTask> dispatched() {
        List<ErasureTask> all = new ArrayList<>();
        tasks.values().forEach(t -> all.addAll(t.readValuesToList()));
        return all;
    }

    private DeletionStatus lastStatus() {
        List<DeletionStatus> all = status.readValuesToList();
        return all.get(all.size() - 1);
    }

    private List<AuditType> auditTypes() {
        return audit.readValuesToList().stream().map(AuditEvent::getType).toList();
    }

    private void succeed(List<ErasureTask> batch) {
        for (ErasureTask t : batch) {
            results.pipeInput("acme/" + t.getCustomerId(), CoordinatorTopologyTest.result(t, TaskStatus.SUCCEEDED, 0, null, false));
        }
    }

    @Test
    void shouldPutARequestOfAHeldCustomerOnHoldAndDispatchNothingUntilTheHoldIsReleased() {
        // Given a hold on customer c-1
        LegalHold h = hold("h-1", "c-1", null);
        holds.pipeInput("h-1", h);

        // When a profile deletion of c-1 arrives
        submit("r-1", "c-1");

        // Then nothing is dispatched and the request is ON_HOLD, naming the hold
        assertThat(dispatched()).isEmpty();
        DeletionStatus s = lastStatus();
        assertThat(s.getStatus()).isEqualTo(RequestStatus.ON_HOLD);
        assertThat(s.getHoldIds()).containsExactly("h-1");
        assertThat(s.getHeldSince()).isEqualTo(T0);
        List<AuditEvent> events = audit.readValuesToList();
        assertThat(events).extracting(AuditEvent::getType).containsExactly(AuditType.ACCEPTED, AuditType.REQUEST_HELD);
        assertThat(events.get(1).getHoldId()).isEqualTo("h-1");

        // And it stays so while the hold lasts
        driver.advanceWallClockTime(Duration.ofMinutes(5));
        assertThat(dispatched()).isEmpty();

        // When the hold is released, the request resumes by itself and completes as usual
        holds.pipeInput("h-1", released(h));
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        List<ErasureTask> phase1 = dispatched();
        assertThat(phase1).extracting(ErasureTask::getDataType).containsExactlyInAnyOrder("conversations", "attachments", "integration-data");
        DeletionStatus resumed = lastStatus();
        assertThat(resumed.getStatus()).isEqualTo(RequestStatus.IN_PROGRESS);
        assertThat(resumed.getHoldIds()).isEmpty();
        assertThat(resumed.getHeldMillis()).isGreaterThanOrEqualTo(Duration.ofMinutes(5).toMillis());
        assertThat(auditTypes()).contains(AuditType.REQUEST_RESUMED);
        succeed(phase1);
        succeed(dispatched());
        DeletionStatus done = lastStatus();
        assertThat(done.getStatus()).isEqualTo(RequestStatus.COMPLETED);
        assertThat(done.getVerified()).isTrue();
    }

    @Test
    void shouldHoldEveryCustomerOfATenantUnderATenantWideHoldAndNoOtherTenant() {
        holds.pipeInput("h-t", hold("h-t", null, null));
        submit("r-a", "c-7");
        assertThat(lastStatus().getStatus()).isEqualTo(RequestStatus.ON_HOLD);
        requests.pipeInput("other/c-7", DeletionRequested.newBuilder().setRequestId("r-b").setTenant("other").setCustomerId("c-7")
                .setScope(Scope.ATTACHMENT).setItemId("att-1").setReason(Reason.CUSTOMER_REQUEST).setRegulation(Regulation.GDPR)
                .setActor("bob").setRequestedAt(T0).setDueAt(T0.plus(30, ChronoUnit.DAYS)).build());
        assertThat(lastStatus().getStatus()).isEqualTo(RequestStatus.IN_PROGRESS);
        assertThat(dispatched()).singleElement().satisfies(t -> assertThat(t.getTenant()).isEqualTo("other"));
    }

    @Test
    void shouldResumeWhenAHoldExpiresAndAnnounceTheExpiryOnce() {
        holds.pipeInput("h-x", hold("h-x", "c-1", T0.plus(Duration.ofMinutes(10))));
        submit("r-1", "c-1");
        assertThat(lastStatus().getStatus()).isEqualTo(RequestStatus.ON_HOLD);
        driver.advanceWallClockTime(Duration.ofMinutes(9));
        assertThat(dispatched()).isEmpty();
        driver.advanceWallClockTime(Duration.ofMinutes(2));
        assertThat(dispatched()).hasSize(3);
        driver.advanceWallClockTime(Duration.ofSeconds(5));
        List<AuditEvent> events = audit.readValuesToList();
        assertThat(events.stream().filter(e -> e.getType() == AuditType.HOLD_EXPIRED).toList()).singleElement()
                .satisfies(e -> {
                    assertThat(e.getHoldId()).isEqualTo("h-x");
                    assertThat(e.getRequestId()).isEqualTo("h-x");
                });
        assertThat(events).extracting(AuditEvent::getType).contains(AuditType.REQUEST_RESUMED);
    }

    @Test
    void shouldHoldAtThePhaseBoundaryWhenTheHoldCameWhileThePhaseRan() {
        submit("r-1", "c-1");
        List<ErasureTask> phase1 = dispatched();
        assertThat(phase1).hasSize(3);
        holds.pipeInput("h-2", hold("h-2", "c-1", null));
        succeed(phase1);
        assertThat(dispatched()).isEmpty(); // customer-details is not dispatched
        assertThat(lastStatus().getStatus()).isEqualTo(RequestStatus.ON_HOLD);
    }

    @Test
    void shouldNotCountAnErasersLegalHoldAnswerAsAnAttemptAndHoldTheRequest() {
        submit("r-1", "c-1");
        List<ErasureTask> phase1 = dispatched();
        // the eraser saw the hold before this coordinator did
        holds.pipeInput("h-3", hold("h-3", "c-1", null));
        ErasureTask first = phase1.get(0);
        results.pipeInput("acme/c-1", CoordinatorTopologyTest.result(first, TaskStatus.FAILED, 0, Holds.LEGAL_HOLD, true));
        DeletionStatus s = lastStatus();
        assertThat(s.getStatus()).isEqualTo(RequestStatus.ON_HOLD);
        var task = s.getTasks().stream().filter(t -> t.getDataType().equals(first.getDataType())).findFirst().orElseThrow();
        assertThat(task.getStatus()).isEqualTo(TaskStatus.PENDING);
        assertThat(task.getAttemptLimit()).isEqualTo(4);
        driver.advanceWallClockTime(Duration.ofSeconds(10));
        assertThat(dispatched()).isEmpty();

        // released: the refused task runs again, the others were never stopped
        holds.pipeInput("h-3", released(hold("h-3", "c-1", null)));
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertThat(dispatched()).singleElement().satisfies(t -> {
            assertThat(t.getDataType()).isEqualTo(first.getDataType());
            assertThat(t.getAttempt()).isEqualTo(2);
        });
    }
}
