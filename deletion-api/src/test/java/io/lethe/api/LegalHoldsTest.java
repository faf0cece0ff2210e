package io.lethe.api;

import static io.lethe.api.TestApi.assertProblem;
import static io.lethe.api.TestApi.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.api.TestApi.Res;
import io.lethe.api.requests.StatusStore;
import io.lethe.events.AuditEvent;
import io.lethe.events.AuditType;
import io.lethe.events.DeletionStatus;
import io.lethe.events.LegalHold;
import io.lethe.events.Reason;
import io.lethe.events.Regulation;
import io.lethe.events.RequestStatus;
import io.lethe.events.Scope;
import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.LocalStackExtension.KafkaEndpoint;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code /v1/legal-holds} against a real API on the shared test broker, and how a held request's status reads. */
@ExtendWith(LocalStackExtension.class)
class LegalHoldsTest {

    private static TestApi t;
    private static String counsel;
    private static String officer;
    private static String admin;
    private static String auditor;

    @BeforeAll
    static void start(KafkaEndpoint kafka) throws Exception {
        t = TestApi.start(kafka.bootstrapServers());
        counsel = t.token("acme", "lena", "legal_counsel");
        officer = t.token("acme", "olivia", "privacy_officer");
        admin = t.token("acme", "cara", "compliance_admin");
        auditor = t.token("acme", "audrey", "auditor");
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Res place(String token, Map<String, ?> body) {
        return t.call("POST", "/v1/legal-holds", token, json(body));
    }

    private static String placed(String token, Map<String, ?> body) {
        Res r = place(token, body);
        assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
        return r.json().get("holdId").asText();
    }

    private static List<LegalHold> holdRecords(String holdId) {
        return t.read(t.topics.legalHolds()).stream().filter(r -> r.key().equals(holdId)).map(ConsumerRecord::value).toList();
    }

    private static List<AuditEvent> auditOf(String holdId) {
        return t.read(t.topics.audit()).stream().map(ConsumerRecord::value).filter(e -> holdId.equals(e.getHoldId())).toList();
    }

    private static List<String> fields(Res r) {
        return StreamSupport.stream(r.json().get("errors").spliterator(), false).map(e -> e.get("field").asText()).toList();
    }

    private static String message(Res r, String field) {
        return StreamSupport.stream(r.json().get("errors").spliterator(), false).filter(e -> e.get("field").asText().equals(field))
                .findFirst().orElseThrow().get("message").asText();
    }

    private static List<String> ids(JsonNode page) {
        return StreamSupport.stream(page.get("items").spliterator(), false).map(h -> h.get("holdId").asText()).toList();
    }

    /** An audit event of a hold names its actor and ids, and carries nothing else. */
    private static void assertIdsOnly(AuditEvent e, AuditType type, String holdId, String customerId, String actor) {
        assertThat(e.getType()).isEqualTo(type);
        assertThat(e.getRequestId()).isEqualTo(holdId);
        assertThat(e.getHoldId()).isEqualTo(holdId);
        assertThat(e.getTenant()).isEqualTo("acme");
        assertThat(e.getCustomerId()).isEqualTo(customerId);
        assertThat(e.getActor()).isEqualTo(actor);
        assertThat(e.getEventId()).isNotBlank();
        assertThat(e.getOccurredAt()).isNotNull();
        assertThat(java.util.Arrays.asList(e.getScope(), e.getItemId(), e.getRegulation(), e.getReason(), e.getDataType(), e.getAttempt(),
                e.getTaskStatus(), e.getRequestStatus(), e.getResidual(), e.getErrorCode(), e.getBulkId(), e.getRequestedAt(),
                e.getDueAt()).stream().filter(java.util.Objects::nonNull).toList()).isEmpty();
        assertThat(e.getRequiredDataTypes()).isEmpty();
        assertThat(e.getRowsScrubbed() + e.getRowsDeleted() + e.getBlobsDeleted()).isZero();
    }

    @Test
    void shouldPlaceACustomerHoldAndAnswer201WithItsLocationOnceTheHoldAndItsAuditEventAreInKafka() {
        // Given a customer and an expiry a year ahead
        String customer = unique("cust");
        Instant expires = Instant.now().plus(Duration.ofDays(365)).truncatedTo(ChronoUnit.SECONDS);

        // When legal counsel places a hold on that customer
        Res r = place(counsel, Map.of("customerId", customer, "matter", "LIT-2026-0042", "expiresAt", expires.toString()));

        // Then 201 with the hold and its Location
        assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
        JsonNode hold = r.json();
        String holdId = hold.get("holdId").asText();
        assertThat(r.header("Location")).isEqualTo("/v1/legal-holds/" + holdId);
        assertThat(hold.get("customerId").asText()).isEqualTo(customer);
        assertThat(hold.get("scope").asText()).isEqualTo("CUSTOMER");
        assertThat(hold.get("matter").asText()).isEqualTo("LIT-2026-0042");
        assertThat(hold.get("placedBy").asText()).isEqualTo("lena");
        assertThat(Instant.parse(hold.get("placedAt").asText())).isCloseTo(Instant.now(), within(1, ChronoUnit.MINUTES));
        assertThat(hold.get("expiresAt").asText()).isEqualTo(expires.toString());
        assertThat(hold.get("releasedBy").isNull()).isTrue();
        assertThat(hold.get("releasedAt").isNull()).isTrue();
        assertThat(hold.get("state").asText()).isEqualTo("ACTIVE");

        // And both records were acknowledged before the answer: the hold, then HOLD_PLACED with the actor and ids only
        assertThat(holdRecords(holdId)).singleElement().satisfies(h -> {
            assertThat(h.getTenant()).isEqualTo("acme");
            assertThat(h.getCustomerId()).isEqualTo(customer);
            assertThat(h.getPlacedBy()).isEqualTo("lena");
            assertThat(h.getExpiresAt()).isEqualTo(expires);
        });
        assertThat(auditOf(holdId)).singleElement().satisfies(e -> assertIdsOnly(e, AuditType.HOLD_PLACED, holdId, customer, "lena"));

        // And the Location reads the same hold, for those who only read holds too
        for (String reader : List.of(counsel, admin, auditor)) {
            Res got = t.call("GET", r.header("Location"), reader, null);
            assertThat(got.status()).isEqualTo(200);
            assertThat(got.json()).isEqualTo(hold);
        }
    }

    @Test
    void shouldHoldTheWholeTenantWhenCustomerIdIsOmittedButRefuseAnExplicitNull() {
        // When a privacy officer places a hold without a customer
        Res r = place(officer, Map.of("matter", "case:814/b"));

        // Then it covers the whole tenant, without expiry, and its audit event names no customer
        assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
        String holdId = r.json().get("holdId").asText();
        assertThat(r.json().get("scope").asText()).isEqualTo("TENANT");
        assertThat(r.json().get("customerId").isNull()).isTrue();
        assertThat(r.json().get("expiresAt").isNull()).isTrue();
        assertThat(auditOf(holdId)).singleElement().satisfies(e -> assertIdsOnly(e, AuditType.HOLD_PLACED, holdId, "-", "olivia"));

        // And "customerId": null is not taken as "the whole tenant" (a client bug must not hold everything)
        Map<String, Object> nullCustomer = new HashMap<>();
        nullCustomer.put("customerId", null);
        nullCustomer.put("matter", "LIT-1");
        Res refused = place(officer, nullCustomer);
        assertProblem(refused, 400, "validation");
        assertThat(fields(refused)).containsExactly("customerId");
    }

    @Test
    void shouldRefuseBadInputFieldByFieldAndPublishNothing() {
        // Given the number of hold records so far
        int before = t.read(t.topics.legalHolds()).size();
        String pastDate = Instant.now().minus(Duration.ofMinutes(1)).toString();

        // Unknown fields, free text, an e-mail address, a missing or non-string matter, bad and past expiries, bad ids
        Res unknown = place(counsel, Map.of("customerId", "c-1", "matter", "LIT-1", "reason", "lawsuit"));
        assertProblem(unknown, 400, "validation");
        assertThat(fields(unknown)).containsExactly("reason");
        assertThat(message(unknown, "reason")).isEqualTo("unknown field");

        Res freeText = place(counsel, Map.of("customerId", "c-1", "matter", "Smith v. Jones, wrongful dismissal"));
        assertProblem(freeText, 400, "validation");
        assertThat(fields(freeText)).containsExactly("matter");
        assertThat(message(freeText, "matter")).contains("opaque reference", "no spaces").doesNotContain("Smith");

        for (Object matter : List.of("jane.doe@example.com", "", " LIT-1", "-LIT", "x".repeat(129), 42)) {
            Res bad = place(counsel, Map.of("customerId", "c-1", "matter", matter));
            assertProblem(bad, 400, "validation");
            assertThat(fields(bad)).as("matter %s", matter).containsExactly("matter");
        }
        Res missing = place(counsel, Map.of("customerId", "c-1"));
        assertThat(fields(missing)).containsExactly("matter");
        assertThat(message(missing, "matter")).isEqualTo("required");

        Res past = place(counsel, Map.of("customerId", "c-1", "matter", "LIT-1", "expiresAt", pastDate));
        assertProblem(past, 400, "validation");
        assertThat(message(past, "expiresAt")).isEqualTo("must be in the future");
        for (Object expiry : List.of("next week", "2030-06-30", "2030-06-30T25:00:00Z", 1893456000000L, "+10000-01-01T00:00:00Z")) {
            Res bad = place(counsel, Map.of("customerId", "c-1", "matter", "LIT-1", "expiresAt", expiry));
            assertProblem(bad, 400, "validation");
            assertThat(fields(bad)).as("expiresAt %s", expiry).containsExactly("expiresAt");
        }

        Res everything = place(counsel, Map.of("customerId", "x".repeat(129), "matter", "a b", "expiresAt", "soon"));
        assertThat(fields(everything)).containsExactlyInAnyOrder("customerId", "matter", "expiresAt");
        assertProblem(place(counsel, Map.of("customerId", "c\u0000", "matter", "LIT-1")), 400, "validation");
        assertProblem(t.call("POST", "/v1/legal-holds", counsel, "{\"matter\":\"LIT-1\",\"matter\":\"LIT-2\"}"), 400, "malformed-json");
        assertProblem(t.call("POST", "/v1/legal-holds", counsel, "[]"), 400, "malformed-json");
        assertProblem(t.call("POST", "/v1/legal-holds", counsel, "{\"matter\":\"LIT-1\"}", Map.of("Content-Type", "text/plain")),
                415, "unsupported-media-type");

        // Then nothing was published
        assertThat(t.read(t.topics.legalHolds())).hasSize(before);
    }

    @Test
    void shouldReleaseAnActiveHoldOnceAndAnswer409InvalidStateTheSecondTime() {
        // Given an active hold placed by legal counsel
        String customer = unique("cust");
        String holdId = placed(counsel, Map.of("customerId", customer, "matter", "LIT-7"));

        // When a privacy officer releases it
        Res released = t.call("POST", "/v1/legal-holds/" + holdId + "/release", officer, null);

        // Then it is RELEASED by them, in the answer, on the topic and in the audit trail
        assertThat(released.status()).as(released.raw().body()).isEqualTo(200);
        assertThat(released.json().get("state").asText()).isEqualTo("RELEASED");
        assertThat(released.json().get("releasedBy").asText()).isEqualTo("olivia");
        assertThat(released.json().get("placedBy").asText()).isEqualTo("lena");
        assertThat(holdRecords(holdId)).hasSize(2).last().satisfies(h -> {
            assertThat(h.getReleasedBy()).isEqualTo("olivia");
            assertThat(h.getReleasedAt()).isNotNull();
        });
        List<AuditEvent> audit = auditOf(holdId);
        assertThat(audit).extracting(AuditEvent::getType).containsExactly(AuditType.HOLD_PLACED, AuditType.HOLD_RELEASED);
        assertIdsOnly(audit.get(1), AuditType.HOLD_RELEASED, holdId, customer, "olivia");
        assertThat(t.call("GET", "/v1/legal-holds/" + holdId, auditor, null).json().get("state").asText()).isEqualTo("RELEASED");

        // And a second release is refused and publishes nothing
        assertProblem(t.call("POST", "/v1/legal-holds/" + holdId + "/release", counsel, null), 409, "invalid-state");
        assertThat(holdRecords(holdId)).hasSize(2);
        assertThat(auditOf(holdId)).hasSize(2);

        // And a release takes no options: an empty object is fine, a field is not
        String other = placed(counsel, Map.of("customerId", customer, "matter", "LIT-8"));
        Res withField = t.call("POST", "/v1/legal-holds/" + other + "/release", counsel, "{\"reason\":\"settled\"}");
        assertProblem(withField, 400, "validation");
        assertThat(fields(withField)).containsExactly("reason");
        assertThat(t.call("POST", "/v1/legal-holds/" + other + "/release", counsel, "{}").status()).isEqualTo(200);
    }

    @Test
    void shouldShowAnExpiredHoldAsExpiredAndRefuseToReleaseIt() throws Exception {
        // Given a hold whose expiry passed (written as a past placement)
        String holdId = UUID.randomUUID().toString();
        Instant placedAt = Instant.now().minus(Duration.ofDays(10)).truncatedTo(ChronoUnit.MILLIS);
        t.write(t.topics.legalHolds(), holdId, LegalHold.newBuilder().setHoldId(holdId).setTenant("acme").setCustomerId("c-expired")
                .setMatter("LIT-OLD").setPlacedBy("lena").setPlacedAt(placedAt).setExpiresAt(placedAt.plus(Duration.ofDays(1)))
                .setReleasedBy(null).setReleasedAt(null).build());

        // Then it reads EXPIRED, is listed as such, and cannot be released
        Res got = await("expired hold visible").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> t.call("GET", "/v1/legal-holds/" + holdId, counsel, null), r -> r.status() == 200);
        assertThat(got.json().get("state").asText()).isEqualTo("EXPIRED");
        assertThat(ids(t.call("GET", "/v1/legal-holds?state=EXPIRED&customerId=c-expired", counsel, null).json())).containsExactly(holdId);
        assertThat(ids(t.call("GET", "/v1/legal-holds?state=ACTIVE&customerId=c-expired", counsel, null).json())).isEmpty();
        assertProblem(t.call("POST", "/v1/legal-holds/" + holdId + "/release", counsel, null), 409, "invalid-state");
        assertThat(auditOf(holdId)).isEmpty();
    }

    @Test
    void shouldLetOnlyLegalCounselAndPrivacyOfficersPlaceOrReleaseHolds() {
        // Given an active hold, and the number of records so far
        String holdId = placed(counsel, Map.of("customerId", unique("cust"), "matter", "LIT-9"));
        int holdsBefore = t.read(t.topics.legalHolds()).size();
        String service = t.token("acme", "crm", "service");

        // Then a compliance admin, an auditor and a service may neither place nor release one
        for (String token : List.of(admin, auditor, service)) {
            assertProblem(place(token, Map.of("customerId", "c-1", "matter", "LIT-1")), 403, "forbidden");
            assertProblem(t.call("POST", "/v1/legal-holds/" + holdId + "/release", token, null), 403, "forbidden");
        }
        // And a service may not even read them
        assertProblem(t.call("GET", "/v1/legal-holds/" + holdId, service, null), 403, "forbidden");
        assertProblem(t.call("GET", "/v1/legal-holds", service, null), 403, "forbidden");
        // And legal counsel deletes nothing
        assertProblem(t.call("POST", "/v1/deletion-requests", counsel, DeletionRequestsTest.profile("c-1")), 403, "forbidden");
        assertProblem(t.call("GET", "/v1/legal-holds", null, null), 401, "unauthorized");

        assertThat(t.read(t.topics.legalHolds())).hasSize(holdsBefore);
        assertThat(t.call("GET", "/v1/legal-holds/" + holdId, auditor, null).json().get("state").asText()).isEqualTo("ACTIVE");
    }

    @Test
    void shouldAnswer404ForAnotherTenantsHoldExactlyAsForAMissingOne() {
        // Given a hold of acme
        String holdId = placed(counsel, Map.of("customerId", unique("cust"), "matter", "LIT-10"));
        String globex = t.token("globex", "gina", "legal_counsel");

        // Then globex cannot see, list or release it: the same 404 as an unknown id
        Res foreign = t.call("GET", "/v1/legal-holds/" + holdId, globex, null);
        Res unknown = t.call("GET", "/v1/legal-holds/" + UUID.randomUUID(), globex, null);
        assertProblem(foreign, 404, "not-found");
        assertThat(foreign.json().get("detail")).isEqualTo(unknown.json().get("detail"));
        assertProblem(t.call("POST", "/v1/legal-holds/" + holdId + "/release", globex, null), 404, "not-found");
        assertThat(ids(t.call("GET", "/v1/legal-holds", globex, null).json())).doesNotContain(holdId);
        assertThat(t.call("GET", "/v1/legal-holds/" + holdId, counsel, null).json().get("state").asText()).isEqualTo("ACTIVE");
        assertProblem(t.call("GET", "/v1/legal-holds/" + "x".repeat(129), counsel, null), 400, "validation");
    }

    @Test
    void shouldListATenantsHoldsNewestFirstFilteredByCustomerAndStateInPages() throws Exception {
        // Given a tenant of its own with two holds of one customer, one of another (released) and a tenant-wide one
        String tenant = unique("list");
        String lc = t.token(tenant, "lena", "legal_counsel");
        String first = placed(lc, Map.of("customerId", "c-a", "matter", "LIT-A1"));
        Thread.sleep(5); // distinct placedAt, so the order is by time
        String second = placed(lc, Map.of("customerId", "c-a", "matter", "LIT-A2"));
        Thread.sleep(5);
        String other = placed(lc, Map.of("customerId", "c-b", "matter", "LIT-B"));
        Thread.sleep(5);
        String wide = placed(lc, Map.of("matter", "LIT-ALL"));
        assertThat(t.call("POST", "/v1/legal-holds/" + other + "/release", lc, null).status()).isEqualTo(200);

        // Then the list is newest first, and filters by customer (its own holds) and by state
        assertThat(ids(t.call("GET", "/v1/legal-holds", lc, null).json())).containsExactly(wide, other, second, first);
        assertThat(ids(t.call("GET", "/v1/legal-holds?customerId=c-a", lc, null).json())).containsExactly(second, first);
        assertThat(ids(t.call("GET", "/v1/legal-holds?state=ACTIVE", lc, null).json())).containsExactly(wide, second, first);
        assertThat(ids(t.call("GET", "/v1/legal-holds?state=RELEASED", lc, null).json())).containsExactly(other);
        assertThat(ids(t.call("GET", "/v1/legal-holds?state=EXPIRED", lc, null).json())).isEmpty();

        // And pages of 3 follow the cursor to the end
        List<String> paged = new ArrayList<>();
        JsonNode page = t.call("GET", "/v1/legal-holds?limit=3", lc, null).json();
        paged.addAll(ids(page));
        assertThat(page.get("nextCursor").isNull()).isFalse();
        page = t.call("GET", "/v1/legal-holds?limit=3&cursor=" + page.get("nextCursor").asText(), lc, null).json();
        paged.addAll(ids(page));
        assertThat(page.get("nextCursor").isNull()).isTrue();
        assertThat(paged).containsExactly(wide, other, second, first);

        // And bad parameters are 400 with the parameter named
        for (String query : List.of("state=OPEN", "limit=0", "limit=501", "limit=x", "cursor=%21%21", "customerId=" + "x".repeat(129))) {
            Res bad = t.call("GET", "/v1/legal-holds?" + query, lc, null);
            assertProblem(bad, 400, "validation");
            assertThat(fields(bad)).as(query).containsExactly(query.substring(0, query.indexOf('=')));
        }
    }

    @Test
    void shouldShowWhichHoldsKeepARequestOnHoldAndHowLongAndNeverCountItOverdue() throws Exception {
        // Given a request due 10 days ago, ON_HOLD for 3 days now after 1 day of an earlier hold
        String holdId = placed(counsel, Map.of("customerId", "c-held", "matter", "LIT-11"));
        String requestId = UUID.randomUUID().toString();
        Instant now = Instant.now();
        Instant heldSince = now.minus(Duration.ofDays(3)).truncatedTo(ChronoUnit.MILLIS);
        t.writeStatus("acme", requestId, "c-held", RequestStatus.ON_HOLD, now.minus(Duration.ofDays(40)),
                now.minus(Duration.ofDays(10)), List.of(holdId), heldSince, Duration.ofDays(1).toMillis());

        // When it is read
        Res r = await("held request visible").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> t.call("GET", "/v1/deletion-requests/" + requestId, auditor, null), x -> x.status() == 200);

        // Then it names the hold, since when and for how long in all (3 days + 1 day)
        assertThat(r.json().get("status").asText()).isEqualTo("ON_HOLD");
        assertThat(r.json().get("holdIds")).hasSize(1);
        assertThat(r.json().get("holdIds").get(0).asText()).isEqualTo(holdId);
        assertThat(r.json().get("heldSince").asText()).isEqualTo(heldSince.toString());
        assertThat(r.json().get("heldForSeconds").asLong()).isCloseTo(Duration.ofDays(4).toSeconds(), within(120L));
        // and a request that is not held says so with an empty list and no held fields
        String free = UUID.randomUUID().toString();
        t.writeStatus("acme", free, "c-free", RequestStatus.IN_PROGRESS);
        Res notHeld = await("free request visible").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> t.call("GET", "/v1/deletion-requests/" + free, auditor, null), x -> x.status() == 200);
        assertThat(notHeld.json().get("holdIds")).isEmpty();
        assertThat(notHeld.json().has("heldForSeconds")).isFalse();
        assertThat(notHeld.json().has("heldSince")).isFalse();

        // And the listing filters by ON_HOLD
        assertThat(t.call("GET", "/v1/deletion-requests?status=ON_HOLD&customerId=c-held", auditor, null).json().get("items"))
                .singleElement().satisfies(i -> assertThat(i.get("requestId").asText()).isEqualTo(requestId));

        // And past its due date it is not overdue, though the same request IN_PROGRESS would be
        DeletionStatus held = heldStatus(requestId, now, holdId);
        assertThat(StatusStore.overdue(held, now)).isFalse();
        assertThat(StatusStore.overdue(DeletionStatus.newBuilder(held).setStatus(RequestStatus.IN_PROGRESS).build(), now)).isTrue();
        StatusStore store = new StatusStore();
        store.apply(requestId, held);
        assertThat(store.counts("acme", now)).containsEntry("ON_HOLD", 1L).containsEntry(StatusStore.OVERDUE, 0L);

        // And the metrics count held requests and active holds
        await("gauges").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String metrics = t.call("GET", "/metrics", null, null).raw().body();
            assertThat(gauge(metrics, "lethe_api_requests_on_hold")).isGreaterThanOrEqualTo(1);
            assertThat(gauge(metrics, "lethe_api_legal_holds_active")).isGreaterThanOrEqualTo(1);
        });
    }

    private static DeletionStatus heldStatus(String requestId, Instant now, String holdId) {
        return DeletionStatus.newBuilder().setRequestId(requestId).setTenant("acme").setCustomerId("c-held").setScope(Scope.PROFILE)
                .setItemId(null).setReason(Reason.CUSTOMER_REQUEST).setRegulation(Regulation.GDPR).setActor("cara")
                .setStatus(RequestStatus.ON_HOLD).setTasks(List.of()).setRequestedAt(now.minus(Duration.ofDays(40)))
                .setUpdatedAt(now).setCompletedAt(null).setDueAt(now.minus(Duration.ofDays(10))).setVerified(false)
                .setBulkId(null).setRequestHash(null).setHoldIds(List.of(holdId)).setHeldSince(now.minus(Duration.ofDays(3)))
                .setHeldMillis(0).build();
    }

    private static double gauge(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*} ([0-9.eE+-]+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}
