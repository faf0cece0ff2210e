package io.lethe.api;

import static io.lethe.api.TestApi.assertProblem;
import static io.lethe.api.TestApi.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.api.TestApi.Res;
import io.lethe.events.DeletionRequested;
import io.lethe.events.DeletionStatus;
import io.lethe.events.Reason;
import io.lethe.events.Regulation;
import io.lethe.events.RequestStatus;
import io.lethe.events.Scope;
import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.LocalStackExtension.KafkaEndpoint;
import io.lethe.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

@ExtendWith(LocalStackExtension.class)
class DeletionRequestsTest {

    private static TestApi t;
    private static String admin;

    @BeforeAll
    static void start(KafkaEndpoint kafka) throws Exception {
        t = TestApi.start(kafka.bootstrapServers());
        admin = t.token("acme", "alice", "compliance_admin");
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    static String body(String scope, String customerId, String itemId, String reason, String regulation) {
        Map<String, Object> m = new HashMap<>();
        m.put("scope", scope);
        m.put("customerId", customerId);
        if (itemId != null) {
            m.put("itemId", itemId);
        }
        m.put("reason", reason);
        m.put("regulation", regulation);
        return json(m);
    }

    static String profile(String customerId) {
        return body("PROFILE", customerId, null, "CUSTOMER_REQUEST", "GDPR");
    }

    @ParameterizedTest
    @EnumSource(Scope.class)
    void shouldPublishARequestForEveryScopeAndAnswer202AfterTheAck(Scope scope) {
        // Given a request of this scope
        String customer = "c-" + UUID.randomUUID();
        String item = scope == Scope.PROFILE ? null : "item-1";
        Instant before = Instant.now();
        // When it is posted
        Res r = t.call("POST", "/v1/deletion-requests", admin, body(scope.name(), customer, item, "PII_SENT_BY_MISTAKE", "CCPA"));
        // Then 202 with a UUID requestId, ACCEPTED, statusUrl and the CCPA due date
        assertThat(r.status()).isEqualTo(202);
        String id = r.json().get("requestId").asText();
        assertThat(UUID.fromString(id).toString()).isEqualTo(id);
        assertThat(r.json().get("status").asText()).isEqualTo("ACCEPTED");
        assertThat(r.json().get("statusUrl").asText()).isEqualTo("/v1/deletion-requests/" + id);
        Instant due = Instant.parse(r.json().get("dueAt").asText());
        assertThat(due).isBetween(before.plus(Duration.ofDays(45)), Instant.now().plus(Duration.ofDays(45)));
        // And the record is already on the topic, keyed by subject key, with actor and tenant from the token
        var records = t.read(t.topics.deletionRequests()).stream().filter(x -> x.value().getRequestId().equals(id)).toList();
        assertThat(records).hasSize(1);
        assertThat(records.get(0).key()).isEqualTo(Topics.subjectKey("acme", customer));
        DeletionRequested e = records.get(0).value();
        assertThat(e.getTenant()).isEqualTo("acme");
        assertThat(e.getActor()).isEqualTo("alice");
        assertThat(e.getScope()).isEqualTo(scope);
        assertThat(e.getItemId()).isEqualTo(item);
        assertThat(e.getReason()).isEqualTo(Reason.PII_SENT_BY_MISTAKE);
        assertThat(e.getRegulation()).isEqualTo(Regulation.CCPA);
        assertThat(e.getRedrive()).isFalse();
        assertThat(e.getRequestHash()).matches("[0-9a-f]{64}");
    }

    @ParameterizedTest
    @CsvSource({"GDPR,30", "CCPA,45", "OTHER,30"})
    void shouldSetDueAtFromTheRegulationsSla(String regulation, int days) {
        Instant before = Instant.now();
        Res r = t.call("POST", "/v1/deletion-requests", admin, body("PROFILE", "c-sla", null, "OTHER", regulation));
        assertThat(r.status()).isEqualTo(202);
        assertThat(Instant.parse(r.json().get("dueAt").asText()))
                .isBetween(before.plus(Duration.ofDays(days)), Instant.now().plus(Duration.ofDays(days)));
    }

    @Test
    void shouldServeAnAcceptedRequestBeforeTheWorkerReportedIt() {
        // Given an accepted request nobody has worked on
        String customer = "c-" + UUID.randomUUID();
        String id = t.call("POST", "/v1/deletion-requests", admin, profile(customer)).json().get("requestId").asText();
        // When it is read back
        Res r = t.call("GET", "/v1/deletion-requests/" + id, t.token("acme", "audrey", "auditor"), null);
        // Then it is ACCEPTED with the fields of the HTTP contract (docs/api.md)
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("requestId").asText()).isEqualTo(id);
        assertThat(r.json().get("status").asText()).isEqualTo("ACCEPTED");
        assertThat(r.json().get("customerId").asText()).isEqualTo(customer);
        assertThat(r.json().get("scope").asText()).isEqualTo("PROFILE");
        assertThat(r.json().get("itemId").isNull()).isTrue();
        assertThat(r.json().get("tasks").isArray()).isTrue();
        assertThat(r.json().has("requestedAt") && r.json().has("completedAt") && r.json().has("dueAt") && r.json().has("verified")).isTrue();
    }

    @Test
    void shouldServeTheWorkersStatusWithTasksWithinASecond() throws Exception {
        // Given the worker reported a completed request
        String id = UUID.randomUUID().toString();
        t.writeStatus("acme", id, "c-done", RequestStatus.COMPLETED);
        // When it is read, Then the status topic's view answers with the tasks
        await("status of " + id + " visible").atMost(Duration.ofSeconds(5))
                .until(() -> t.call("GET", "/v1/deletion-requests/" + id, admin, null).status() == 200);
        JsonNode r = t.call("GET", "/v1/deletion-requests/" + id, admin, null).json();
        assertThat(r.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(r.get("verified").asBoolean()).isTrue();
        JsonNode task = r.get("tasks").get(0);
        assertThat(task.get("dataType").asText()).isEqualTo("conversations");
        assertThat(task.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(task.get("attempts").asInt()).isEqualTo(3);
        assertThat(task.get("rowsScrubbed").asLong()).isEqualTo(4);
        assertThat(task.get("rowsDeleted").asLong()).isEqualTo(5);
        assertThat(task.get("blobsDeleted").asLong()).isEqualTo(6);
        assertThat(task.get("residual").asLong()).isZero();
        assertThat(task.get("error").isNull()).isTrue();
        assertThat(r.get("completedAt").isNull()).isFalse();
    }

    @Test
    void shouldRejectAnotherTenantsRequestAs404() throws Exception {
        // Given a request of tenant acme (accepted locally) and one reported by the worker
        String id = t.call("POST", "/v1/deletion-requests", admin, profile("c-x")).json().get("requestId").asText();
        String reported = UUID.randomUUID().toString();
        t.writeStatus("acme", reported, "c-y", RequestStatus.FAILED);
        await("status visible").until(() -> t.call("GET", "/v1/deletion-requests/" + reported, admin, null).status() == 200);
        String other = t.token("globex", "gina", "privacy_officer");
        // When tenant globex asks for them, retries or lists them
        Res get = t.call("GET", "/v1/deletion-requests/" + id, other, null);
        Res missing = t.call("GET", "/v1/deletion-requests/" + UUID.randomUUID(), other, null);
        Res retry = t.call("POST", "/v1/deletion-requests/" + reported + "/retry", other, null);
        Res list = t.call("GET", "/v1/deletion-requests?customerId=c-x", other, null);
        // Then it answers exactly as for a missing id
        assertProblem(get, 404, "not-found");
        assertProblem(retry, 404, "not-found");
        assertThat(get.json().get("detail")).isEqualTo(missing.json().get("detail"));
        assertThat(get.json().get("title")).isEqualTo(missing.json().get("title"));
        assertThat(list.json().get("items")).isEmpty();
    }

    @Test
    void shouldListTheTenantsRequestsInPagesWithAnOpaqueCursor() {
        // Given five requests of one customer
        String customer = "c-" + UUID.randomUUID();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(t.call("POST", "/v1/deletion-requests", admin,
                    body("CONTACT", customer, "m-" + i, "CUSTOMER_REQUEST", "GDPR")).json().get("requestId").asText());
        }
        // When they are listed two at a time
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Res r = t.call("GET", "/v1/deletion-requests?customerId=" + customer + "&limit=2"
                    + (cursor == null ? "" : "&cursor=" + cursor), admin, null);
            assertThat(r.status()).isEqualTo(200);
            r.json().get("items").forEach(i -> seen.add(i.get("requestId").asText()));
            cursor = r.json().get("nextCursor").isNull() ? null : r.json().get("nextCursor").asText();
            pages++;
        } while (cursor != null);
        // Then every request comes exactly once over three pages, in a stable order
        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyInAnyOrderElementsOf(ids).doesNotHaveDuplicates();
        assertThat(t.call("GET", "/v1/deletion-requests?customerId=" + customer + "&status=ACCEPTED&limit=500", admin, null)
                .json().get("items")).hasSize(5);
        assertThat(t.call("GET", "/v1/deletion-requests?customerId=" + customer + "&status=FAILED", admin, null)
                .json().get("items")).isEmpty();
        assertThat(t.call("GET", "/v1/deletion-requests", admin, null).json().get("items").size()).isLessThanOrEqualTo(50);
    }

    @ParameterizedTest
    @CsvSource({"limit=0,limit", "limit=501,limit", "limit=x,limit", "status=DONE,status", "cursor=%21%21,cursor"})
    void shouldRejectBadListParameters(String query, String field) {
        Res r = t.call("GET", "/v1/deletion-requests?" + query, admin, null);
        assertProblem(r, 400, "validation");
        assertThat(r.json().get("errors").get(0).get("field").asText()).isEqualTo(field);
    }

    @Test
    void shouldAnswerTheSameRequestIdForARepeatedIdempotencyKeyAndPublishNothingNew() {
        // Given a request sent with an Idempotency-Key
        String key = "idem-" + UUID.randomUUID();
        Map<String, String> h = Map.of("Idempotency-Key", key);
        Res first = t.call("POST", "/v1/deletion-requests", admin, profile("c-idem"), h);
        assertThat(first.status()).isEqualTo(202);
        long count = t.requestCount();
        // When the same body comes again with the same key
        Res again = t.call("POST", "/v1/deletion-requests", admin, profile("c-idem"), h);
        // Then the same requestId is answered and nothing is published
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.json().get("requestId")).isEqualTo(first.json().get("requestId"));
        assertThat(again.json().get("dueAt")).isEqualTo(first.json().get("dueAt"));
        assertThat(t.requestCount()).isEqualTo(count);
        // And the same key from another tenant is a different request
        Res otherTenant = t.call("POST", "/v1/deletion-requests", t.token("globex", "g", "service"), profile("c-idem"), h);
        assertThat(otherTenant.json().get("requestId")).isNotEqualTo(first.json().get("requestId"));
    }

    @Test
    void shouldPublishOnceForConcurrentRequestsWithTheSameIdempotencyKey() throws Exception {
        // Given eight identical requests with one key sent at the same time
        String key = "idem-" + UUID.randomUUID();
        long before = t.requestCount();
        List<java.util.concurrent.CompletableFuture<Res>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(java.util.concurrent.CompletableFuture.supplyAsync(() ->
                    t.call("POST", "/v1/deletion-requests", admin, profile("c-concurrent"), Map.of("Idempotency-Key", key))));
        }
        // Then all answer 202 with one requestId, and one record was published
        List<String> ids = new ArrayList<>();
        for (var c : calls) {
            Res r = c.get();
            assertThat(r.status()).isEqualTo(202);
            ids.add(r.json().get("requestId").asText());
        }
        assertThat(ids).containsOnly(ids.get(0));
        assertThat(t.requestCount()).isEqualTo(before + 1);
    }

    @Test
    void shouldRejectAReusedIdempotencyKeyWithADifferentBodyAs422() {
        String key = "idem-" + UUID.randomUUID();
        Map<String, String> h = Map.of("Idempotency-Key", key);
        assertThat(t.call("POST", "/v1/deletion-requests", admin, profile("c-a"), h).status()).isEqualTo(202);
        long count = t.requestCount();
        Res r = t.call("POST", "/v1/deletion-requests", admin, profile("c-b"), h);
        assertProblem(r, 422, "idempotency-key-reused");
        assertThat(t.requestCount()).isEqualTo(count);
    }

    @Test
    void shouldRedriveAFailedRequestWithRedriveTrue() throws Exception {
        // Given a request the worker reported FAILED
        String id = UUID.randomUUID().toString();
        t.writeStatus("acme", id, "c-failed", RequestStatus.FAILED);
        await("FAILED visible").until(() -> t.call("GET", "/v1/deletion-requests/" + id, admin, null).status() == 200);
        JsonNode failed = t.call("GET", "/v1/deletion-requests/" + id, admin, null).json();
        assertThat(failed.get("tasks").get(0).get("error").asText()).isEqualTo("DB_TIMEOUT");
        assertThat(failed.get("tasks").get(0).get("residual").asLong()).isEqualTo(2);
        // When it is retried
        Res r = t.call("POST", "/v1/deletion-requests/" + id + "/retry", t.token("acme", "bob", "compliance_admin"), null);
        // Then the same request is published again with redrive=true
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.json().get("requestId").asText()).isEqualTo(id);
        List<DeletionRequested> published = t.requestsFor(id);
        assertThat(published).hasSize(1);
        assertThat(published.get(0).getRedrive()).isTrue();
        assertThat(published.get(0).getActor()).isEqualTo("bob");
        assertThat(published.get(0).getCustomerId()).isEqualTo("c-failed");
    }

    @Test
    void shouldRedriveAFailedReerasureWithItsLinkToTheOriginalAndShowTheLink() throws Exception {
        // Given a RESURRECTED re-erasure (published by lethe audit recheck --erase) that FAILED
        String id = "resurrected-" + UUID.randomUUID().toString().replace("-", "");
        DeletionStatus failed = DeletionStatus.newBuilder().setRequestId(id).setTenant("acme").setCustomerId("c-back")
                .setScope(Scope.PROFILE).setReason(Reason.RESURRECTED).setRegulation(Regulation.GDPR).setActor("lethe-recheck")
                .setStatus(RequestStatus.FAILED).setTasks(List.of()).setRequestedAt(Instant.now()).setUpdatedAt(Instant.now())
                .setDueAt(Instant.now().plus(Duration.ofDays(30))).setVerified(false).setOriginalRequestId("r-original").build();
        t.write(t.topics.deletionStatus(), id, failed);
        await("FAILED visible").until(() -> t.call("GET", "/v1/deletion-requests/" + id, admin, null).status() == 200);

        // Then its status names the original
        JsonNode status = t.call("GET", "/v1/deletion-requests/" + id, admin, null).json();
        assertThat(status.get("reason").asText()).isEqualTo("RESURRECTED");
        assertThat(status.get("originalRequestId").asText()).isEqualTo("r-original");

        // When it is retried, the redrive keeps the link (the worker refuses a RESURRECTED request without one)
        Res r = t.call("POST", "/v1/deletion-requests/" + id + "/retry", t.token("acme", "bob", "compliance_admin"), null);
        assertThat(r.status()).isEqualTo(202);
        assertThat(t.requestsFor(id)).singleElement().satisfies(q -> {
            assertThat(q.getRedrive()).isTrue();
            assertThat(q.getReason()).isEqualTo(Reason.RESURRECTED);
            assertThat(q.getOriginalRequestId()).isEqualTo("r-original");
        });
        // And an ordinary request's status has no such field
        assertThat(t.call("GET", "/v1/deletion-requests/" + t.call("POST", "/v1/deletion-requests", admin, profile("c-plain"))
                .json().get("requestId").asText(), admin, null).json().has("originalRequestId")).isFalse();
    }

    @Test
    void shouldRefuseToRetryARequestThatIsNotFailedWith409() throws Exception {
        String id = t.call("POST", "/v1/deletion-requests", admin, profile("c-r")).json().get("requestId").asText();
        long count = t.requestCount();
        assertProblem(t.call("POST", "/v1/deletion-requests/" + id + "/retry", admin, null), 409, "invalid-state");
        String completed = UUID.randomUUID().toString();
        t.writeStatus("acme", completed, "c-c", RequestStatus.COMPLETED);
        await("COMPLETED visible").until(() -> t.call("GET", "/v1/deletion-requests/" + completed, admin, null).status() == 200);
        assertProblem(t.call("POST", "/v1/deletion-requests/" + completed + "/retry", admin, null), 409, "invalid-state");
        assertThat(t.requestCount()).isEqualTo(count);
    }

    @ParameterizedTest
    @CsvSource({
            "compliance_admin, 202, 200, 200",
            "privacy_officer,  202, 200, 200",
            "auditor,          403, 200, 200",
            "service,          202, 200, 200",
            "unknown_role,     403, 403, 403"})
    void shouldAllowEachRoleOnlyWhatDesignSection5Grants(String role, int create, int get, int list) {
        String token = t.token("acme", "u-" + role, role);
        String id = t.call("POST", "/v1/deletion-requests", admin, profile("c-role")).json().get("requestId").asText();
        long count = t.requestCount();
        Res c = t.call("POST", "/v1/deletion-requests", token, profile("c-role"));
        assertThat(c.status()).isEqualTo(create);
        if (create == 403) {
            assertProblem(c, 403, "forbidden");
            assertThat(t.requestCount()).isEqualTo(count);
        }
        assertThat(t.call("GET", "/v1/deletion-requests/" + id, token, null).status()).isEqualTo(get);
        assertThat(t.call("GET", "/v1/deletion-requests", token, null).status()).isEqualTo(list);
    }

    @Test
    void shouldForbidRetryToAuditorsAndServices() throws Exception {
        String id = UUID.randomUUID().toString();
        t.writeStatus("acme", id, "c-f2", RequestStatus.FAILED);
        await("FAILED visible").until(() -> t.call("GET", "/v1/deletion-requests/" + id, admin, null).status() == 200);
        long count = t.requestCount();
        assertProblem(t.call("POST", "/v1/deletion-requests/" + id + "/retry", t.token("acme", "a", "auditor"), null), 403, "forbidden");
        assertProblem(t.call("POST", "/v1/deletion-requests/" + id + "/retry", t.token("acme", "s", "service"), null), 403, "forbidden");
        assertThat(t.requestCount()).isEqualTo(count);
        assertThat(t.call("POST", "/v1/deletion-requests/" + id + "/retry", t.token("acme", "p", "privacy_officer"), null).status())
                .isEqualTo(202);
    }
}
