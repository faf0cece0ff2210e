package io.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.events.AuditEvent;
import io.lethe.events.AuditType;
import io.lethe.events.DeletionRequested;
import io.lethe.events.Reason;
import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.LocalStackExtension.DatabaseEndpoint;
import io.lethe.localstack.LocalStackExtension.KafkaEndpoint;
import io.lethe.runtime.kafka.KafkaSettings;
import io.lethe.runtime.kafka.TopicReader;
import io.lethe.store.blob.BlobKeys;
import io.lethe.store.seed.Seeder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Legal holds through the whole pipeline on the real broker and PostgreSQL (the {@code lethe dev}
 * wiring): held requests erase nothing and complete after release; tenant-wide holds; expiry;
 * holds placed while the same customers' deletions run; retention expiries of held customers.
 */
@ExtendWith(LocalStackExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LegalHoldEndToEndTest {

    private static final int CUSTOMERS = 30;
    private static DevStack stack;

    @BeforeAll
    static void start(KafkaEndpoint kafka, DatabaseEndpoint db) throws Exception {
        stack = new DevStack(kafka, db, CUSTOMERS);
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    private static String placeHold(String customerId, Instant expiresAt) {
        StringBuilder body = new StringBuilder("{\"matter\":\"LIT-2026-42\"");
        if (customerId != null) {
            body.append(",\"customerId\":\"").append(customerId).append('"');
        }
        if (expiresAt != null) {
            body.append(",\"expiresAt\":\"").append(expiresAt).append('"');
        }
        DevStack.Res r = stack.call("POST", "/v1/legal-holds", body.append('}').toString());
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("holdId").asText();
    }

    private static void release(String holdId) {
        DevStack.Res r = stack.call("POST", "/v1/legal-holds/" + holdId + "/release", null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }


    private static JsonNode status(String requestId) {
        return stack.call("GET", "/v1/deletion-requests/" + requestId, null).json();
    }

    private static JsonNode awaitStatus(String requestId, String... wanted) {
        JsonNode[] last = new JsonNode[1];
        await("request " + requestId + " " + String.join("/", wanted)).atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250)).until(() -> {
                    last[0] = status(requestId);
                    return last[0] != null && last[0].has("status") && List.of(wanted).contains(last[0].get("status").asText());
                });
        return last[0];
    }

    private static void assertUnchangedFor(String customer, long pii, Duration window) {
        await("PII of " + customer + " untouched").during(window).atMost(window.plusSeconds(5))
                .until(() -> stack.pii(customer) == pii);
    }

    private static List<AuditEvent> audit() {
        KafkaSettings settings = new KafkaSettings(stack.env.config());
        return TopicReader.readAll(settings, settings.topics().audit(), Duration.ofSeconds(30)).stream().map(r -> r.value()).toList();
    }

    @Test
    @Order(1)
    void shouldEraseNothingOfAHeldCustomerAndCompleteAfterTheRelease() throws Exception {
        // Given a hold on a customer with PII everywhere
        String customer = Seeder.customerId(3);
        long before = stack.pii(customer);
        List<String> attachments = stack.strings("select id from attachments where tenant_id=? and customer_id=?", stack.tenant, customer);
        String holdId = placeHold(customer, null);

        // When a profile deletion is requested
        String requestId = stack.requestDeletion("PROFILE", customer, null);

        // Then it is ON_HOLD, names the hold, and nothing is erased while it lasts
        JsonNode held = awaitStatus(requestId, "ON_HOLD");
        assertThat(held.get("holdIds").toString()).contains(holdId);
        assertUnchangedFor(customer, before, Duration.ofSeconds(3));
        assertThat(attachments).allSatisfy(a -> assertThat(stack.blobs.exists(BlobKeys.attachment(stack.tenant, a))).isTrue());

        // When the hold is released, the request resumes and completes verified
        release(holdId);
        JsonNode done = awaitStatus(requestId, "COMPLETED", "FAILED");
        assertThat(done.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(done.get("verified").asBoolean()).isTrue();
        assertThat(stack.pii(customer)).isZero();
        List<AuditType> types = audit().stream().filter(e -> e.getRequestId().equals(requestId)).map(AuditEvent::getType).toList();
        assertThat(types).containsSubsequence(AuditType.ACCEPTED, AuditType.REQUEST_HELD, AuditType.REQUEST_RESUMED, AuditType.COMPLETED);
    }

    @Test
    @Order(2)
    void shouldHoldEveryScopeUnderATenantWideHold() throws Exception {
        String customer = Seeder.customerId(4);
        String attachment = stack.strings("select id from attachments where tenant_id=? and customer_id=? order by id limit 1",
                stack.tenant, customer).get(0);
        String holdId = placeHold(null, null);
        try {
            String item = stack.requestDeletion("ATTACHMENT", customer, attachment);
            String profile = stack.requestDeletion("PROFILE", Seeder.customerId(6), null);
            awaitStatus(item, "ON_HOLD");
            awaitStatus(profile, "ON_HOLD");
            assertThat(stack.blobs.exists(BlobKeys.attachment(stack.tenant, attachment))).isTrue();
            release(holdId);
            assertThat(awaitStatus(item, "COMPLETED", "FAILED").get("status").asText()).isEqualTo("COMPLETED");
            assertThat(awaitStatus(profile, "COMPLETED", "FAILED").get("status").asText()).isEqualTo("COMPLETED");
            assertThat(stack.blobs.exists(BlobKeys.attachment(stack.tenant, attachment))).isFalse();
        } finally {
            stack.call("POST", "/v1/legal-holds/" + holdId + "/release", null);
        }
    }

    @Test
    @Order(3)
    void shouldReleaseAnExpiredHoldByItselfAndAnnounceTheExpiryOnce() throws Exception {
        String customer = Seeder.customerId(5);
        String holdId = placeHold(customer, Instant.now().plusSeconds(8));
        String requestId = stack.requestDeletion("PROFILE", customer, null);
        awaitStatus(requestId, "ON_HOLD");
        assertThat(awaitStatus(requestId, "COMPLETED", "FAILED").get("status").asText()).isEqualTo("COMPLETED");
        assertThat(stack.pii(customer)).isZero();
        await("HOLD_EXPIRED on the audit topic").atMost(Duration.ofSeconds(30)).until(() ->
                audit().stream().filter(e -> e.getType() == AuditType.HOLD_EXPIRED && holdId.equals(e.getHoldId())).count() == 1);
    }

    @Test
    @Order(4)
    void shouldStopTheErasureOfCustomersHeldWhileTheirDeletionsRun() throws Exception {
        // Given deletions of twelve customers running
        List<String> customers = new ArrayList<>();
        for (int n = 10; n < 22; n++) {
            customers.add(Seeder.customerId(n));
        }
        Map<String, String> requests = new HashMap<>();
        customers.forEach(c -> requests.put(c, stack.requestDeletion("PROFILE", c, null)));

        // When holds are placed on half of them meanwhile, from several threads
        List<String> heldCustomers = customers.subList(0, 6);
        Map<String, String> holds = new HashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<String>> placed = new ArrayList<>();
            for (String c : heldCustomers) {
                placed.add(pool.submit(() -> placeHold(c, null)));
            }
            for (int i = 0; i < heldCustomers.size(); i++) {
                holds.put(heldCustomers.get(i), placed.get(i).get());
            }
        } finally {
            pool.shutdown();
        }

        // Then every other customer is erased, and each held one ends ON_HOLD with its remaining data
        // untouched, or COMPLETED when its whole erasure had started before the hold
        for (String c : customers) {
            JsonNode s = awaitStatus(requests.get(c), "COMPLETED", "FAILED", "ON_HOLD");
            if (!heldCustomers.contains(c)) {
                assertThat(s.get("status").asText()).as(c).isEqualTo("COMPLETED");
                assertThat(stack.pii(c)).as(c).isZero();
            }
        }
        Map<String, Long> remaining = new HashMap<>();
        int onHold = 0;
        for (String c : heldCustomers) {
            if (status(requests.get(c)).get("status").asText().equals("ON_HOLD")) {
                onHold++;
                remaining.put(c, stack.pii(c));
                assertThat(remaining.get(c)).as("PII of held %s", c).isPositive();
            }
        }
        assertThat(onHold).as("held customers caught in flight").isPositive();
        for (Map.Entry<String, Long> e : remaining.entrySet()) {
            assertUnchangedFor(e.getKey(), e.getValue(), Duration.ofSeconds(1));
        }

        // And after the releases every held request completes
        holds.values().forEach(LegalHoldEndToEndTest::release);
        for (String c : heldCustomers) {
            assertThat(awaitStatus(requests.get(c), "COMPLETED", "FAILED").get("status").asText()).as(c).isEqualTo("COMPLETED");
            assertThat(stack.pii(c)).as(c).isZero();
        }
    }

    @Test
    @Order(5)
    void shouldHoldARetentionExpiryOnceAndRunItAfterTheRelease() throws Exception {
        // Given a customer past a two-year limit, under a hold
        int days = 2 * 365;
        Instant cutoff = Instant.now().minus(Duration.ofDays(days));
        List<String> expired = stack.strings("select id from customers where tenant_id=? and last_contact_at < ? and name is not null"
                + " order by id", stack.tenant, java.sql.Timestamp.from(cutoff));
        assertThat(expired).hasSizeGreaterThan(1);
        String customer = expired.get(0);
        long before = stack.pii(customer);
        String holdId = placeHold(customer, null);

        // When the policy is set (after the scanner has indexed every customer)
        String policy = "{\"mode\":\"DELETE_AFTER_DAYS\",\"days\":" + days + "}";
        await("preview sees the expired customers").atMost(Duration.ofSeconds(60)).until(() -> {
            DevStack.Res r = stack.call("PUT", "/v1/retention-policy?dryRun=true", policy);
            return r.status() == 200 && r.json().get("wouldExpire").asLong() >= expired.size();
        });
        long wouldExpire = stack.call("PUT", "/v1/retention-policy?dryRun=true", policy).json().get("wouldExpire").asLong();
        DevStack.Res set = stack.call("PUT", "/v1/retention-policy",
                "{\"mode\":\"DELETE_AFTER_DAYS\",\"days\":" + days + ",\"confirmExpiring\":" + wouldExpire + "}");
        assertThat(set.status()).as(set.body()).isBetween(200, 204);

        // Then the other expired customers are erased, the held one is not, and its expiry is emitted once
        await("other expired profiles erased").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() ->
                expired.subList(1, expired.size()).stream().allMatch(c -> {
                    try {
                        return stack.pii(c) == 0;
                    } catch (Exception e) {
                        return false;
                    }
                }));
        assertUnchangedFor(customer, before, Duration.ofSeconds(4));
        KafkaSettings settings = new KafkaSettings(stack.env.config());
        List<DeletionRequested> expiries = TopicReader.readAll(settings, settings.topics().deletionRequests(), Duration.ofSeconds(30))
                .stream().map(r -> r.value()).filter(r -> r.getReason() == Reason.RETENTION_EXPIRED && r.getCustomerId().equals(customer))
                .toList();
        assertThat(expiries).hasSize(1);
        assertThat(awaitStatus(expiries.get(0).getRequestId(), "ON_HOLD").get("status").asText()).isEqualTo("ON_HOLD");

        // When released, the expiry runs
        release(holdId);
        assertThat(awaitStatus(expiries.get(0).getRequestId(), "COMPLETED", "FAILED").get("status").asText()).isEqualTo("COMPLETED");
        assertThat(stack.pii(customer)).isZero();
    }
}
