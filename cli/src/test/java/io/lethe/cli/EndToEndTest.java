package io.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.LocalStackExtension.DatabaseEndpoint;
import io.lethe.localstack.LocalStackExtension.KafkaEndpoint;
import io.lethe.store.blob.BlobKeys;
import io.lethe.store.seed.Seeder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One profile deletion through everything: HTTP API → Kafka → worker → erasers → PostgreSQL
 * and blob store → status back through the API; the database then matches docs/architecture.md, Deletion levels.
 */
@ExtendWith(LocalStackExtension.class)
class EndToEndTest {

    private static DevStack stack;

    @BeforeAll
    static void start(KafkaEndpoint kafka, DatabaseEndpoint db) throws Exception {
        stack = new DevStack(kafka, db, 12);
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void shouldDeleteASeededProfileThroughTheApiAndKeepOnlyTheNonPiiIds() throws Exception {
        // Given a seeded customer with PII everywhere, and the state of every other customer
        String customer = Seeder.customerId(3);
        String t = stack.tenant;
        Map<String, Long> othersBefore = new HashMap<>();
        Map<String, Long> sharedRelationships = new HashMap<>();
        for (int n = 1; n <= 12; n++) {
            String other = Seeder.customerId(n);
            othersBefore.put(other, stack.pii(other));
            // a relationship row between the two names the erased customer too, so it goes with them
            sharedRelationships.put(other, Long.parseLong(stack.strings("select count(*) from customer_relationships where tenant_id=?"
                    + " and ((customer_id=? and related_customer_id=?) or (customer_id=? and related_customer_id=?))",
                    t, other, customer, customer, other).get(0)));
        }
        assertThat(othersBefore.get(customer)).isPositive();
        List<String> conversations = stack.strings("select id from conversations where tenant_id=? and customer_id=? order by id", t, customer);
        List<String> contacts = stack.strings("select id from contacts where tenant_id=? and customer_id=? order by id", t, customer);
        List<String> attachments = stack.strings("select id from attachments where tenant_id=? and customer_id=? order by id", t, customer);
        List<String> recordings = stack.strings("select id from voice_recordings where tenant_id=? and customer_id=? order by id", t, customer);
        List<String> sessions = stack.strings("select id from work_sessions where tenant_id=? and customer_id=? order by id", t, customer);
        assertThat(attachments).isNotEmpty().allSatisfy(a -> assertThat(stack.blobs.exists(BlobKeys.attachment(t, a))).isTrue());

        // When a compliance admin asks for a PROFILE deletion over HTTP
        DevStack.Res accepted = stack.call("POST", "/v1/deletion-requests",
                "{\"scope\":\"PROFILE\",\"customerId\":\"" + customer + "\",\"reason\":\"CUSTOMER_REQUEST\",\"regulation\":\"GDPR\"}");
        assertThat(accepted.status()).isEqualTo(202);
        String requestId = accepted.json().get("requestId").asText();
        assertThat(accepted.json().get("statusUrl").asText()).endsWith("/v1/deletion-requests/" + requestId);

        // Then the API reports it COMPLETED and verified, with per-task counts
        JsonNode done = stack.awaitTerminal(requestId);
        assertThat(done.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(done.get("verified").asBoolean()).isTrue();
        assertThat(done.get("completedAt").isNull()).isFalse();
        assertThat(done.get("tasks")).hasSize(4).allSatisfy(task -> {
            assertThat(task.get("status").asText()).isEqualTo("SUCCEEDED");
            assertThat(task.get("residual").asLong()).isZero();
        });

        // And every PII column and blob of that customer is gone
        assertThat(stack.pii(customer)).isZero();
        assertThat(attachments).allSatisfy(a -> assertThat(stack.blobs.exists(BlobKeys.attachment(t, a))).isFalse());
        assertThat(recordings).allSatisfy(r -> assertThat(stack.blobs.exists(BlobKeys.recording(t, r))).isFalse());
        assertThat(stack.strings("select name from customers where tenant_id=? and id=?", t, customer)).containsExactly((String) null);
        assertThat(stack.strings("select count(*) from integration_records where tenant_id=? and customer_id=?", t, customer)).containsExactly("0");
        assertThat(stack.strings("select count(*) from customer_emails where tenant_id=? and customer_id=?", t, customer)).containsExactly("0");
        // And the non-PII ids that reporting needs are all still there
        assertThat(stack.strings("select id from customers where tenant_id=? and id=?", t, customer)).containsExactly(customer);
        assertThat(stack.strings("select id from conversations where tenant_id=? and customer_id=? order by id", t, customer)).isEqualTo(conversations);
        assertThat(stack.strings("select id from contacts where tenant_id=? and customer_id=? order by id", t, customer)).isEqualTo(contacts);
        assertThat(stack.strings("select id from attachments where tenant_id=? and customer_id=? order by id", t, customer)).isEqualTo(attachments);
        assertThat(stack.strings("select id from work_sessions where tenant_id=? and customer_id=? order by id", t, customer)).isEqualTo(sessions);
        assertThat(stack.strings("select count(*) from contacts where tenant_id=? and customer_id=? and (channel is null or occurred_at is null)",
                t, customer)).containsExactly("0");
        // And no other customer lost anything but a relationship row to the erased one
        for (int n = 1; n <= 12; n++) {
            String other = Seeder.customerId(n);
            if (!other.equals(customer)) {
                assertThat(stack.pii(other)).as(other).isEqualTo(othersBefore.get(other) - sharedRelationships.get(other));
            }
        }
    }
}
