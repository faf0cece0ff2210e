package io.lethe.api;

import static io.lethe.api.TestApi.assertProblem;
import static io.lethe.api.TestApi.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.api.TestApi.Res;
import io.lethe.events.DeletionRequested;
import io.lethe.events.RequestStatus;
import io.lethe.events.Scope;
import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.LocalStackExtension.KafkaEndpoint;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class BulkDeletionsTest {

    private static TestApi t;
    private static String requester;
    private static String secondOfficer;

    @BeforeAll
    static void start(KafkaEndpoint kafka) throws Exception {
        t = TestApi.start(kafka.bootstrapServers());
        requester = t.token("acme", "olivia", "privacy_officer");
        secondOfficer = t.token("acme", "oscar", "privacy_officer");
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    private static List<String> customers(int n) {
        String run = UUID.randomUUID().toString().substring(0, 8);
        return IntStream.range(0, n).mapToObj(i -> "bulk-" + run + "-" + i).toList();
    }

    private static String bulk(List<String> customerIds) {
        return json(Map.of("customerIds", customerIds, "reason", "CUSTOMER_REQUEST", "regulation", "GDPR"));
    }

    private static List<String> requestIds(JsonNode body) {
        return StreamSupport.stream(body.get("requestIds").spliterator(), false).map(JsonNode::asText).toList();
    }

    private static List<DeletionRequested> publishedFor(String bulkId) {
        return t.read(t.topics.deletionRequests()).stream().map(ConsumerRecord::value)
                .filter(r -> bulkId.equals(r.getBulkId())).toList();
    }

    @Test
    void shouldPublishUpTo50CustomersAtOnce() {
        // Given 50 distinct customers
        List<String> ids = customers(50);
        // When a bulk deletion is posted
        Res r = t.call("POST", "/v1/bulk-deletions", t.token("acme", "cara", "compliance_admin"), bulk(ids));
        // Then it is ACCEPTED and one PROFILE request per customer carries the bulkId
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.json().get("status").asText()).isEqualTo("ACCEPTED");
        String bulkId = r.json().get("bulkId").asText();
        List<DeletionRequested> published = publishedFor(bulkId);
        assertThat(published).hasSize(50);
        assertThat(published).allMatch(p -> p.getScope() == Scope.PROFILE && p.getTenant().equals("acme"));
        assertThat(published).extracting(DeletionRequested::getRequestId).containsExactlyInAnyOrderElementsOf(requestIds(r.json()));
        assertThat(published).extracting(DeletionRequested::getCustomerId).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void shouldCountDuplicateCustomersOnce() {
        // Given 50 distinct customers, one of them listed twice (51 entries)
        List<String> ids = new ArrayList<>(customers(50));
        ids.add(ids.get(0));
        Res r = t.call("POST", "/v1/bulk-deletions", requester, bulk(ids));
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.json().get("status").asText()).isEqualTo("ACCEPTED");
        assertThat(requestIds(r.json())).hasSize(50);
    }

    @Test
    void shouldHoldMoreThan50UntilASecondPrivacyOfficerApproves() {
        // Given a bulk of 51 customers
        List<String> ids = customers(51);
        long before = t.requestCount();
        Res created = t.call("POST", "/v1/bulk-deletions", requester, bulk(ids));
        // Then it waits for approval and nothing is published
        assertThat(created.status()).isEqualTo(202);
        assertThat(created.json().get("status").asText()).isEqualTo("PENDING_APPROVAL");
        assertThat(requestIds(created.json())).hasSize(51);
        String bulkId = created.json().get("bulkId").asText();
        assertThat(t.requestCount()).isEqualTo(before);
        // When the requester tries to approve it, Then 403 and still nothing
        assertProblem(t.call("POST", "/v1/bulk-deletions/" + bulkId + "/approve", requester, null), 403, "four-eyes");
        assertProblem(t.call("POST", "/v1/bulk-deletions/" + bulkId + "/reject", requester, null), 403, "four-eyes");
        // And a compliance admin may not approve at all
        assertProblem(t.call("POST", "/v1/bulk-deletions/" + bulkId + "/approve", t.token("acme", "cara", "compliance_admin"), null),
                403, "forbidden");
        assertThat(t.requestCount()).isEqualTo(before);
        Res pending = t.call("GET", "/v1/bulk-deletions/" + bulkId, t.token("acme", "aud", "auditor"), null);
        assertThat(pending.json().get("status").asText()).isEqualTo("PENDING_APPROVAL");
        assertThat(pending.json().get("progress").get("PENDING_APPROVAL").asInt()).isEqualTo(51);
        // When a second privacy officer approves
        Res approved = t.call("POST", "/v1/bulk-deletions/" + bulkId + "/approve", secondOfficer, null);
        // Then all 51 are published with the bulkId and the requester as actor
        assertThat(approved.status()).isEqualTo(200);
        assertThat(approved.json().get("status").asText()).isEqualTo("ACCEPTED");
        List<DeletionRequested> published = publishedFor(bulkId);
        assertThat(published).hasSize(51);
        assertThat(published).extracting(DeletionRequested::getActor).containsOnly("olivia");
        // And the bulk shows who decided and each request's progress
        JsonNode state = t.call("GET", "/v1/bulk-deletions/" + bulkId, requester, null).json();
        assertThat(state.get("status").asText()).isEqualTo("ACCEPTED");
        assertThat(state.get("decidedBy").asText()).isEqualTo("oscar");
        assertThat(t.read(t.topics.audit())).extracting(r -> r.value()).filteredOn(e -> bulkId.equals(e.getBulkId()))
                .singleElement().satisfies(e -> {
                    assertThat(e.getType()).isEqualTo(io.lethe.events.AuditType.APPROVED);
                    assertThat(e.getActor()).isEqualTo("oscar");
                });
        assertThat(state.get("requester").asText()).isEqualTo("olivia");
        assertThat(state.get("total").asInt()).isEqualTo(51);
        assertThat(state.get("progress").get("ACCEPTED").asInt()).isEqualTo(51);
        // And it cannot be approved twice
        assertProblem(t.call("POST", "/v1/bulk-deletions/" + bulkId + "/approve", secondOfficer, null), 409, "invalid-state");
        assertThat(publishedFor(bulkId)).hasSize(51);
    }

    @Test
    void shouldShowPerRequestProgressFromTheStatusTopic() throws Exception {
        Res created = t.call("POST", "/v1/bulk-deletions", requester, bulk(customers(3)));
        String bulkId = created.json().get("bulkId").asText();
        String first = requestIds(created.json()).get(0);
        t.writeStatus("acme", first, "whoever", RequestStatus.COMPLETED);
        await("bulk progress shows a completed request").until(() ->
                t.call("GET", "/v1/bulk-deletions/" + bulkId, requester, null).json().get("progress").path("COMPLETED").asInt() == 1);
        JsonNode state = t.call("GET", "/v1/bulk-deletions/" + bulkId, requester, null).json();
        assertThat(state.get("progress").get("ACCEPTED").asInt()).isEqualTo(2);
    }

    @Test
    void shouldPublishNothingForARejectedBulk() {
        Res created = t.call("POST", "/v1/bulk-deletions", requester, bulk(customers(60)));
        String bulkId = created.json().get("bulkId").asText();
        long before = t.requestCount();
        Res rejected = t.call("POST", "/v1/bulk-deletions/" + bulkId + "/reject", secondOfficer, null);
        assertThat(rejected.status()).isEqualTo(200);
        assertThat(rejected.json().get("status").asText()).isEqualTo("REJECTED");
        assertThat(t.requestCount()).isEqualTo(before);
        assertProblem(t.call("POST", "/v1/bulk-deletions/" + bulkId + "/approve", secondOfficer, null), 409, "invalid-state");
        JsonNode state = t.call("GET", "/v1/bulk-deletions/" + bulkId, requester, null).json();
        assertThat(state.get("status").asText()).isEqualTo("REJECTED");
        assertThat(state.get("progress").get("REJECTED").asInt()).isEqualTo(60);
        assertThat(t.requestCount()).isEqualTo(before);
    }

    @Test
    void shouldRejectMoreThan10000DistinctCustomersAs413() {
        long before = t.requestCount();
        Res r = t.call("POST", "/v1/bulk-deletions", requester, bulk(customers(10_001)));
        assertProblem(r, 413, "bulk-too-large");
        assertThat(t.requestCount()).isEqualTo(before);
    }

    @Test
    void shouldAcceptExactly10000CustomersForApproval() {
        Res r = t.call("POST", "/v1/bulk-deletions", requester, bulk(customers(10_000)));
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.json().get("status").asText()).isEqualTo("PENDING_APPROVAL");
        Set<String> ids = new HashSet<>(requestIds(r.json()));
        assertThat(ids).hasSize(10_000);
    }

    @Test
    void shouldKeepAPendingBulkAcrossARestart() {
        // Given a pending bulk
        Res created = t.call("POST", "/v1/bulk-deletions", requester, bulk(customers(52)));
        String bulkId = created.json().get("bulkId").asText();
        // When the API restarts (a new instance reading the bulk topic)
        t.restart();
        // Then the bulk is still pending and can be approved by a second officer
        Res state = t.call("GET", "/v1/bulk-deletions/" + bulkId, requester, null);
        assertThat(state.status()).isEqualTo(200);
        assertThat(state.json().get("status").asText()).isEqualTo("PENDING_APPROVAL");
        assertThat(t.call("POST", "/v1/bulk-deletions/" + bulkId + "/approve", secondOfficer, null).status()).isEqualTo(200);
        assertThat(publishedFor(bulkId)).hasSize(52);
    }

    @Test
    void shouldHideAnotherTenantsBulkAs404() {
        String bulkId = t.call("POST", "/v1/bulk-deletions", requester, bulk(customers(55))).json().get("bulkId").asText();
        String globexOfficer = t.token("globex", "gus", "privacy_officer");
        assertProblem(t.call("GET", "/v1/bulk-deletions/" + bulkId, globexOfficer, null), 404, "not-found");
        assertProblem(t.call("POST", "/v1/bulk-deletions/" + bulkId + "/approve", globexOfficer, null), 404, "not-found");
        assertProblem(t.call("GET", "/v1/bulk-deletions/" + UUID.randomUUID(), requester, null), 404, "not-found");
    }

    @Test
    void shouldValidateABulkBody() {
        long before = t.requestCount();
        assertProblem(t.call("POST", "/v1/bulk-deletions", requester, json(Map.of("customerIds", List.of(), "reason", "OTHER",
                "regulation", "GDPR"))), 400, "validation");
        assertProblem(t.call("POST", "/v1/bulk-deletions", requester, json(Map.of("customerIds", List.of("ok", "x".repeat(129)),
                "reason", "OTHER", "regulation", "GDPR"))), 400, "validation");
        assertProblem(t.call("POST", "/v1/bulk-deletions", requester, json(Map.of("customerIds", List.of("a"),
                "reason", "RETENTION_EXPIRED", "regulation", "GDPR"))), 400, "validation");
        assertProblem(t.call("POST", "/v1/bulk-deletions", requester, json(Map.of("customerIds", List.of("a"),
                "reason", "OTHER", "regulation", "GDPR", "scope", "PROFILE"))), 400, "validation");
        assertProblem(t.call("POST", "/v1/bulk-deletions", t.token("acme", "s", "service"), bulk(List.of("a"))), 403, "forbidden");
        assertProblem(t.call("POST", "/v1/bulk-deletions", t.token("acme", "a", "auditor"), bulk(List.of("a"))), 403, "forbidden");
        assertThat(t.requestCount()).isEqualTo(before);
    }
}
