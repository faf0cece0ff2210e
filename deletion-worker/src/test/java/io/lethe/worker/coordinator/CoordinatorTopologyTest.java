package io.lethe.worker.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.events.AuditEvent;
import io.lethe.events.AuditType;
import io.lethe.events.DeletionCompleted;
import io.lethe.events.DeletionFailed;
import io.lethe.events.TaskState;
import io.lethe.events.DeletionRequested;
import io.lethe.events.DeletionStatus;
import io.lethe.events.ErasureResult;
import io.lethe.events.ErasureTask;
import io.lethe.events.Reason;
import io.lethe.events.Regulation;
import io.lethe.events.RequestStatus;
import io.lethe.events.Scope;
import io.lethe.events.TaskStatus;
import io.lethe.runtime.streams.DeadLetters;
import io.lethe.runtime.streams.StreamsRunner;
import io.lethe.schemas.Topic;
import io.lethe.schemas.Topics;
import io.lethe.worker.WorkerMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CoordinatorTopologyTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final Topics topics = new Topics("t.");
    private final RetryPolicy retry = new RetryPolicy(3, Duration.ofSeconds(10), 2.0, Duration.ofMinutes(1));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<String, DeletionRequested> requests;
    private TestInputTopic<String, ErasureResult> results;
    private TestInputTopic<byte[], byte[]> rawRequests;
    private Map<String, TestOutputTopic<String, ErasureTask>> tasks;
    private TestOutputTopic<String, DeletionStatus> status;
    private TestOutputTopic<String, Object> events;
    private TestOutputTopic<String, AuditEvent> audit;
    private TestOutputTopic<byte[], byte[]> dlq;

    @BeforeEach
    void setUp() {
        start(retry);
    }

    private void start(RetryPolicy retry) {
        ScopePlan plan = ScopePlan.defaults();
        Map<String, Object> props = new HashMap<>(StreamsRunner.withHandlers(Map.of(
                StreamsConfig.APPLICATION_ID_CONFIG, "coordinator-test",
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092",
                StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2), topics.dlq().name(), registry));
        Properties p = new Properties();
        p.putAll(props);
        driver = new TopologyTestDriver(CoordinatorTopology.build(topics, plan, retry, new WorkerMetrics(registry), 1), p, T0);
        requests = input(topics.deletionRequests());
        results = input(topics.erasureResults());
        rawRequests = driver.createInputTopic(topics.deletionRequests().name(),
                org.apache.kafka.common.serialization.Serdes.ByteArray().serializer(),
                org.apache.kafka.common.serialization.Serdes.ByteArray().serializer());
        tasks = new HashMap<>();
        for (String type : plan.dataTypes()) {
            tasks.put(type, output(topics.erasureTasks(type)));
        }
        status = output(topics.deletionStatus());
        @SuppressWarnings({"unchecked", "rawtypes"})
        TestOutputTopic<String, Object> ev = (TestOutputTopic) output(topics.deletionEvents());
        events = ev;
        audit = output(topics.audit());
        dlq = output(topics.dlq());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private <K, V> TestInputTopic<K, V> input(Topic<K, V> t) {
        return driver.createInputTopic(t.name(), t.keySerde().serializer(), t.valueSerde().serializer(), T0, Duration.ZERO);
    }

    private <K, V> TestOutputTopic<K, V> output(Topic<K, V> t) {
        return driver.createOutputTopic(t.name(), t.keySerde().deserializer(), t.valueSerde().deserializer());
    }

    static DeletionRequested request(String id, Scope scope, String itemId) {
        return DeletionRequested.newBuilder().setRequestId(id).setTenant("acme").setCustomerId("c-1").setScope(scope)
                .setItemId(itemId).setReason(Reason.CUSTOMER_REQUEST).setRegulation(Regulation.GDPR).setActor("alice")
                .setRequestedAt(T0).setDueAt(T0.plus(30, ChronoUnit.DAYS)).build();
    }

    private void submit(DeletionRequested r) {
        requests.pipeInput(Topics.subjectKey(r.getTenant(), r.getCustomerId()), r);
    }

    static ErasureResult result(ErasureTask t, TaskStatus outcome, long residual, String error, boolean retryable) {
        return ErasureResult.newBuilder().setTaskId(t.getTaskId()).setRequestId(t.getRequestId()).setTenant(t.getTenant())
                .setCustomerId(t.getCustomerId()).setDataType(t.getDataType()).setAttempt(t.getAttempt()).setStatus(outcome)
                .setRowsScrubbed(outcome == TaskStatus.SUCCEEDED ? 7 : 0).setRowsDeleted(2).setBlobsDeleted(1)
                .setResidual(residual).setErrorCode(error).setRetryable(retryable).setEraser("test-eraser")
                .setFinishedAt(T0).build();
    }

    private void answer(ErasureTask t, TaskStatus outcome) {
        results.pipeInput(Topics.subjectKey(t.getTenant(), t.getCustomerId()), result(t, outcome, 0, outcome == TaskStatus.FAILED ? "DB_UNAVAILABLE" : null, true));
    }

    private List<ErasureTask> dispatched(String type) {
        return tasks.get(type).readValuesToList();
    }

    private DeletionStatus lastStatus() {
        List<DeletionStatus> all = status.readValuesToList();
        assertThat(all).isNotEmpty();
        return all.get(all.size() - 1);
    }

    @Test
    void shouldFanOutAProfileRequestAndDispatchCustomerDetailsOnlyAfterTheOthersSucceeded() {
        // Given a PROFILE request
        submit(request("r-1", Scope.PROFILE, null));

        // Then conversations, attachments and integration-data are dispatched, customer-details not yet
        List<ErasureTask> conv = dispatched("conversations");
        List<ErasureTask> att = dispatched("attachments");
        List<ErasureTask> integ = dispatched("integration-data");
        assertThat(conv).singleElement().satisfies(t -> {
            assertThat(t.getTaskId()).isEqualTo("r-1/conversations");
            assertThat(t.getAttempt()).isEqualTo(1);
        });
        assertThat(att).hasSize(1);
        assertThat(integ).hasSize(1);
        assertThat(tasks.get("customer-details").isEmpty()).isTrue();
        assertThat(lastStatus().getStatus()).isEqualTo(RequestStatus.IN_PROGRESS);

        // When two of three succeed, customer-details still waits
        answer(conv.get(0), TaskStatus.SUCCEEDED);
        answer(att.get(0), TaskStatus.SUCCEEDED);
        assertThat(tasks.get("customer-details").isEmpty()).isTrue();

        // When the third succeeds, customer-details goes out
        answer(integ.get(0), TaskStatus.SUCCEEDED);
        List<ErasureTask> details = dispatched("customer-details");
        assertThat(details).hasSize(1);

        // And when it succeeds, the request is COMPLETED and verified, with one completion event
        answer(details.get(0), TaskStatus.SUCCEEDED);
        DeletionStatus done = lastStatus();
        assertThat(done.getStatus()).isEqualTo(RequestStatus.COMPLETED);
        assertThat(done.getVerified()).isTrue();
        assertThat(done.getTasks()).allSatisfy(t -> {
            assertThat(t.getStatus()).isEqualTo(TaskStatus.SUCCEEDED);
            assertThat(t.getRowsScrubbed()).isEqualTo(7);
            assertThat(t.getResidual()).isZero();
        });
        List<Object> ev = events.readValuesToList();
        assertThat(ev).singleElement().isInstanceOfSatisfying(DeletionCompleted.class, c -> {
            assertThat(c.getVerified()).isTrue();
            assertThat(c.getRowsScrubbed()).isEqualTo(28);
            assertThat(c.getDataTypes()).containsExactlyInAnyOrder("conversations", "attachments", "integration-data", "customer-details");
        });
        assertThat(audit.readValuesToList()).extracting(AuditEvent::getType)
                .containsSubsequence(AuditType.ACCEPTED, AuditType.TASK_DISPATCHED, AuditType.TASK_RESULT, AuditType.COMPLETED);
    }

    @Test
    void shouldDispatchOnlyTheItemDataTypesForItemScopes() {
        submit(request("r-c", Scope.CONTACT, "m-1"));
        submit(request("r-a", Scope.ATTACHMENT, "a-1"));
        submit(request("r-v", Scope.VOICE_RECORDING, "v-1"));

        assertThat(dispatched("conversations")).extracting(ErasureTask::getRequestId).containsExactly("r-c");
        assertThat(dispatched("attachments")).extracting(t -> t.getRequestId() + ":" + t.getItemId())
                .containsExactly("r-c:m-1", "r-a:a-1", "r-v:v-1");
        assertThat(tasks.get("integration-data").isEmpty()).isTrue();
        assertThat(tasks.get("customer-details").isEmpty()).isTrue();
    }

    @Test
    void shouldProduceOneSetOfTasksAndOneCompletionForARequestDeliveredTwice() {
        DeletionRequested r = request("r-dup", Scope.ATTACHMENT, "a-1");
        submit(r);
        submit(r);
        List<ErasureTask> att = dispatched("attachments");
        assertThat(att).hasSize(1);

        answer(att.get(0), TaskStatus.SUCCEEDED);
        answer(att.get(0), TaskStatus.SUCCEEDED);
        submit(r);

        assertThat(events.readValuesToList()).hasSize(1);
        assertThat(dispatched("attachments")).isEmpty();
        assertThat(audit.readValuesToList()).extracting(AuditEvent::getType).contains(AuditType.DUPLICATE_IGNORED);
    }

    @Test
    void shouldRetryWithBackoffThenFailAndRedriveOnlyTheFailedTask() {
        // Given a PROFILE request whose attachments eraser keeps failing with a retryable error
        submit(request("r-retry", Scope.PROFILE, null));
        answer(dispatched("conversations").get(0), TaskStatus.SUCCEEDED);
        answer(dispatched("integration-data").get(0), TaskStatus.SUCCEEDED);
        ErasureTask first = dispatched("attachments").get(0);
        answer(first, TaskStatus.FAILED);

        // Then no retry before the backoff elapsed (10 s), and one after
        driver.advanceWallClockTime(Duration.ofSeconds(9));
        assertThat(dispatched("attachments")).isEmpty();
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        List<ErasureTask> second = dispatched("attachments");
        assertThat(second).singleElement().extracting(ErasureTask::getAttempt).isEqualTo(2);

        // When the second attempt fails too, the third comes after 20 s
        answer(second.get(0), TaskStatus.FAILED);
        driver.advanceWallClockTime(Duration.ofSeconds(15));
        assertThat(dispatched("attachments")).isEmpty();
        driver.advanceWallClockTime(Duration.ofSeconds(6));
        List<ErasureTask> third = dispatched("attachments");
        assertThat(third).singleElement().extracting(ErasureTask::getAttempt).isEqualTo(3);

        // And a stale result of attempt 1 is ignored
        answer(first, TaskStatus.SUCCEEDED);
        assertThat(tasks.get("customer-details").isEmpty()).isTrue();

        // When the last allowed attempt fails, the request is FAILED and customer-details never ran
        answer(third.get(0), TaskStatus.FAILED);
        DeletionStatus failed = lastStatus();
        assertThat(failed.getStatus()).isEqualTo(RequestStatus.FAILED);
        assertThat(failed.getVerified()).isFalse();
        assertThat(failed.getTasks()).filteredOn(t -> t.getDataType().equals("attachments")).singleElement()
                .satisfies(t -> {
                    assertThat(t.getStatus()).isEqualTo(TaskStatus.FAILED);
                    assertThat(t.getAttempts()).isEqualTo(3);
                    assertThat(t.getErrorCode()).isEqualTo("DB_UNAVAILABLE");
                });
        assertThat(tasks.get("customer-details").isEmpty()).isTrue();
        assertThat(events.readValuesToList()).singleElement().isInstanceOfSatisfying(DeletionFailed.class,
                f -> assertThat(f.getFailedDataTypes()).containsExactly("attachments"));

        // When it is redriven, only attachments runs again; then customer-details; then COMPLETED
        DeletionRequested redrive = request("r-retry", Scope.PROFILE, null);
        redrive.setRedrive(true);
        submit(redrive);
        assertThat(dispatched("conversations")).isEmpty();
        List<ErasureTask> fourth = dispatched("attachments");
        assertThat(fourth).singleElement().extracting(ErasureTask::getAttempt).isEqualTo(4);
        answer(fourth.get(0), TaskStatus.SUCCEEDED);
        answer(dispatched("customer-details").get(0), TaskStatus.SUCCEEDED);
        assertThat(lastStatus().getStatus()).isEqualTo(RequestStatus.COMPLETED);
        assertThat(audit.readValuesToList()).extracting(AuditEvent::getType)
                .contains(AuditType.RETRY_SCHEDULED, AuditType.FAILED, AuditType.REDRIVEN, AuditType.COMPLETED);
    }

    @Test
    void shouldFailWithoutRetryOnANonRetryableError() {
        submit(request("r-nf", Scope.ATTACHMENT, "someone-elses"));
        ErasureTask t = dispatched("attachments").get(0);
        results.pipeInput("acme/c-1", result(t, TaskStatus.FAILED, 0, "NOT_FOUND_FOR_CUSTOMER", false));

        DeletionStatus s = lastStatus();
        assertThat(s.getStatus()).isEqualTo(RequestStatus.FAILED);
        assertThat(s.getTasks().get(0).getErrorCode()).isEqualTo("NOT_FOUND_FOR_CUSTOMER");
        driver.advanceWallClockTime(Duration.ofMinutes(5));
        assertThat(dispatched("attachments")).isEmpty();
    }

    @Test
    void shouldNotVerifyATaskWithResidualPiiAndRetryIt() {
        submit(request("r-res", Scope.ATTACHMENT, "a-1"));
        ErasureTask t = dispatched("attachments").get(0);
        results.pipeInput("acme/c-1", result(t, TaskStatus.SUCCEEDED, 3, null, false));

        DeletionStatus s = lastStatus();
        assertThat(s.getStatus()).isEqualTo(RequestStatus.IN_PROGRESS);
        assertThat(s.getTasks().get(0).getErrorCode()).isEqualTo("RESIDUAL_NOT_ZERO");
        driver.advanceWallClockTime(Duration.ofSeconds(11));
        assertThat(dispatched("attachments")).singleElement().extracting(ErasureTask::getAttempt).isEqualTo(2);
    }

    @Test
    void shouldSendInvalidAndUndecodableRequestsToTheDeadLetterTopicAndKeepGoing() {
        // Given an undecodable record and a valid Avro record with an empty customer id
        rawRequests.pipeInput("acme/x".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3, 4});
        DeletionRequested empty = request("r-bad", Scope.PROFILE, null);
        empty.setCustomerId("");
        requests.pipeInput("acme/", empty);
        DeletionRequested itemOnProfile = request("r-bad2", Scope.PROFILE, "m-1");
        submit(itemOnProfile);
        // And then a good one
        submit(request("r-good", Scope.ATTACHMENT, "a-1"));

        // Then the invalid ones are in the DLQ with error headers, and the good one is processed.
        // (TopologyTestDriver does not pipe the deserialization handler's DLQ records; the
        // real-broker WorkerIntegrationTest checks the undecodable one arrives too.)
        List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
        assertThat(dead).hasSize(2);
        assertThat(header(dead.get(0), DeadLetters.HEADER_TOPIC)).isEqualTo("t.deletion.requests");
        assertThat(header(dead.get(0), DeadLetters.HEADER_ERROR_MESSAGE)).isEqualTo("customerId must not be empty");
        assertThat(header(dead.get(0), DeadLetters.HEADER_OFFSET)).isEqualTo("1");
        assertThat(header(dead.get(1), DeadLetters.HEADER_ERROR_MESSAGE)).contains("itemId must be absent");
        assertThat(dead.get(1).value()).isEqualTo(topics.deletionRequests().valueSerde().serializer().serialize("t", itemOnProfile));
        assertThat(dispatched("attachments")).extracting(ErasureTask::getRequestId).containsExactly("r-good");
        assertThat(registry.get("lethe.dlq.records").tag("topic", "t.deletion.requests").counter().count()).isEqualTo(3.0);
    }

    @Test
    void shouldCarryTheOriginalRequestOfAResurrectedRequestOnEveryAuditEventAndRefuseAnUnlinkedOne() {
        // Given a re-erasure published by a recheck, and two malformed ones
        DeletionRequested again = request("r-again", Scope.PROFILE, null);
        again.setReason(Reason.RESURRECTED);
        again.setOriginalRequestId("r-first");
        DeletionRequested unlinked = request("r-unlinked", Scope.PROFILE, null);
        unlinked.setReason(Reason.RESURRECTED);
        DeletionRequested linkedButNot = request("r-linked", Scope.PROFILE, null);
        linkedButNot.setOriginalRequestId("r-first");
        submit(unlinked);
        submit(linkedButNot);
        submit(again);
        for (String type : List.of("conversations", "attachments", "integration-data")) {
            answer(dispatched(type).get(0), TaskStatus.SUCCEEDED);
        }
        answer(dispatched("customer-details").get(0), TaskStatus.SUCCEEDED);

        // Then it runs like any request, and every audit event names the original
        List<AuditEvent> events = audit.readValuesToList();
        assertThat(events).extracting(AuditEvent::getRequestId).containsOnly("r-again");
        assertThat(events).extracting(AuditEvent::getType).contains(AuditType.ACCEPTED, AuditType.COMPLETED);
        assertThat(events).allSatisfy(e -> {
            assertThat(e.getOriginalRequestId()).isEqualTo("r-first");
            assertThat(e.getReason()).isEqualTo(Reason.RESURRECTED);
        });
        assertThat(lastStatus().getOriginalRequestId()).isEqualTo("r-first");
        // And the malformed ones are dead letters that say why
        assertThat(dlq.readRecordsToList()).extracting(r -> header(r, DeadLetters.HEADER_ERROR_MESSAGE)).containsExactly(
                "originalRequestId must not be empty", "originalRequestId is only for reason RESURRECTED");
    }

    private static String header(TestRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void shouldRetryAnAttemptThatHasNoResultByItsDeadlineAndFailWhenNoneEverComes() {
        // Given a worker whose attempts time out after 5 minutes, 2 attempts per task
        driver.close();
        start(new RetryPolicy(2, Duration.ofSeconds(10), 2.0, Duration.ofMinutes(1), Duration.ofMinutes(5)));
        submit(request("r-silent", Scope.ATTACHMENT, "attachment-1"));
        ErasureTask first = dispatched("attachments").get(0);
        assertThat(lastStatus().getTasks()).singleElement().extracting(TaskState::getDeadlineAt)
                .isEqualTo(first.getIssuedAt().plus(Duration.ofMinutes(5)));

        // When no result comes for 5 minutes, the attempt counts as failed and is retried after the backoff
        driver.advanceWallClockTime(Duration.ofMinutes(4));
        assertThat(dispatched("attachments")).isEmpty();
        driver.advanceWallClockTime(Duration.ofMinutes(1).plusSeconds(1));
        assertThat(audit.readValuesToList()).filteredOn(a -> a.getType() == AuditType.RETRY_SCHEDULED).singleElement()
                .extracting(AuditEvent::getErrorCode).isEqualTo("TASK_TIMEOUT");
        driver.advanceWallClockTime(Duration.ofSeconds(11));
        List<ErasureTask> second = dispatched("attachments");
        assertThat(second).singleElement().extracting(ErasureTask::getAttempt).isEqualTo(2);

        // And a late result of the first attempt changes nothing
        answer(first, TaskStatus.SUCCEEDED);
        assertThat(lastStatus().getStatus()).isEqualTo(RequestStatus.IN_PROGRESS);

        // When the last attempt goes unanswered too, the request FAILS with TASK_TIMEOUT instead of waiting forever
        driver.advanceWallClockTime(Duration.ofMinutes(5).plusSeconds(1));
        DeletionStatus failed = lastStatus();
        assertThat(failed.getStatus()).isEqualTo(RequestStatus.FAILED);
        assertThat(failed.getTasks()).singleElement().extracting(TaskState::getErrorCode).isEqualTo("TASK_TIMEOUT");
        assertThat(events.readValuesToList()).singleElement().isInstanceOf(DeletionFailed.class);
    }

    @Test
    void shouldNotTimeOutAnAttemptThatWasAnswered() {
        driver.close();
        start(new RetryPolicy(2, Duration.ofSeconds(10), 2.0, Duration.ofMinutes(1), Duration.ofMinutes(5)));
        submit(request("r-answered", Scope.ATTACHMENT, "attachment-1"));
        answer(dispatched("attachments").get(0), TaskStatus.SUCCEEDED);
        assertThat(lastStatus().getStatus()).isEqualTo(RequestStatus.COMPLETED);

        driver.advanceWallClockTime(Duration.ofMinutes(6));

        assertThat(status.readValuesToList()).isEmpty();
        assertThat(dispatched("attachments")).isEmpty();
        assertThat(audit.readValuesToList()).extracting(AuditEvent::getType).doesNotContain(AuditType.RETRY_SCHEDULED);
    }

    @Test
    void shouldKeepFreeTextFromAnEraserOutOfTheAuditTrailAndTheStatus() {
        // Given an external eraser that reports an error with data in it, under a free-text name
        submit(request("r-leaky", Scope.ATTACHMENT, "attachment-1"));
        ErasureTask t = dispatched("attachments").get(0);
        ErasureResult leaky = result(t, TaskStatus.FAILED, 0, "could not reach jane.doe@example.com", false);
        leaky.setEraser("Jane Doe's laptop");
        results.pipeInput(Topics.subjectKey(t.getTenant(), t.getCustomerId()), leaky);

        // Then neither the audit trail nor the status nor the failure event carries it
        List<AuditEvent> trail = audit.readValuesToList();
        assertThat(trail).extracting(AuditEvent::getErrorCode).filteredOn(java.util.Objects::nonNull).isNotEmpty()
                .allSatisfy(code -> assertThat(code).doesNotContain("@").doesNotContain("jane"));
        assertThat(trail).filteredOn(a -> a.getType() == AuditType.TASK_RESULT).singleElement()
                .satisfies(a -> {
                    assertThat(a.getErrorCode()).isEqualTo("UNSPECIFIED_ERROR");
                    assertThat(a.getActor()).isEqualTo(CoordinatorProcessor.WORKER_ACTOR);
                });
        assertThat(lastStatus().getTasks()).singleElement().extracting(TaskState::getErrorCode).isEqualTo("UNSPECIFIED_ERROR");
        assertThat(events.readValuesToList()).singleElement().isInstanceOfSatisfying(DeletionFailed.class,
                f -> assertThat(f.getErrorCodes()).containsExactly("UNSPECIFIED_ERROR"));
    }

    @Test
    void shouldKeepOtherCustomersFlowingWhileOneTaskWaitsForItsRetry() {
        // Given a customer whose attachment erasure failed and waits 10 s for its retry
        submit(request("r-waiting", Scope.ATTACHMENT, "attachment-1"));
        answer(dispatched("attachments").get(0), TaskStatus.FAILED);
        assertThat(lastStatus().getStatus()).isEqualTo(RequestStatus.IN_PROGRESS);

        // When another customer's request arrives on the same partition meanwhile
        DeletionRequested other = request("r-other", Scope.ATTACHMENT, "attachment-9");
        other.setCustomerId("c-2");
        submit(other);
        List<ErasureTask> otherTask = dispatched("attachments");

        // Then it is dispatched and completes at once, before the first one's backoff has elapsed
        assertThat(otherTask).singleElement().extracting(ErasureTask::getCustomerId).isEqualTo("c-2");
        answer(otherTask.get(0), TaskStatus.SUCCEEDED);
        assertThat(status.readValuesToList()).filteredOn(st -> st.getRequestId().equals("r-other")).last()
                .extracting(DeletionStatus::getStatus).isEqualTo(RequestStatus.COMPLETED);
        // And the waiting one is retried when its time comes
        driver.advanceWallClockTime(Duration.ofSeconds(11));
        assertThat(dispatched("attachments")).singleElement().satisfies(t -> {
            assertThat(t.getRequestId()).isEqualTo("r-waiting");
            assertThat(t.getAttempt()).isEqualTo(2);
        });
    }
}
