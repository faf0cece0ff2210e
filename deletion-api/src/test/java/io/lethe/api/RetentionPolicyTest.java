package io.lethe.api;

import static io.lethe.api.TestApi.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lethe.api.TestApi.Res;
import io.lethe.api.policy.RetentionPreview;
import io.lethe.events.PolicyMode;
import io.lethe.events.RetentionPolicy;
import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.LocalStackExtension.KafkaEndpoint;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(LocalStackExtension.class)
class RetentionPolicyTest {

    /** Test data: last contact per customer per tenant, counted the way the scanner will. */
    static final class LastContacts implements RetentionPreview {
        final Map<String, Map<String, Instant>> byTenant = new ConcurrentHashMap<>();

        void add(String tenant, int customers, Duration ago) {
            Map<String, Instant> m = byTenant.computeIfAbsent(tenant, x -> new ConcurrentHashMap<>());
            int start = m.size();
            for (int i = 0; i < customers; i++) {
                m.put("c-" + (start + i), Instant.now().minus(ago));
            }
        }

        @Override
        public long wouldExpire(String tenant, int days) {
            Instant limit = Instant.now().minus(Duration.ofDays(days));
            return byTenant.getOrDefault(tenant, Map.of()).values().stream().filter(t -> t.isBefore(limit)).count();
        }
    }

    private static TestApi t;
    private static String admin;

    @BeforeAll
    static void start(KafkaEndpoint kafka) throws Exception {
        LastContacts contacts = new LastContacts();
        contacts.add("acme", 30, Duration.ofDays(400));   // 30 older than a year
        contacts.add("acme", 70, Duration.ofDays(100));   // +70 older than 90 days
        contacts.add("acme", 10, Duration.ofDays(1));
        t = new TestApi(kafka.bootstrapServers(), Map.of(), contacts);
        admin = t.token("acme", "alice", "compliance_admin");
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    private static List<RetentionPolicy> published(String tenant) {
        return t.read(t.topics.retentionPolicies()).stream().filter(r -> r.key().equals(tenant)).map(ConsumerRecord::value).toList();
    }

    @Test
    void shouldDefaultToKeepForever() {
        Res r = t.call("GET", "/v1/retention-policy", t.token("initech", "a", "auditor"), null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("mode").asText()).isEqualTo("KEEP_FOREVER");
    }

    @Test
    void shouldPublishAPolicyKeyedByTenantAndReadItBack() {
        String token = t.token("hooli", "hal", "compliance_admin");
        Res put = t.call("PUT", "/v1/retention-policy", token, "{\"mode\":\"DELETE_AFTER_DAYS\",\"days\":365}");
        assertThat(put.status()).isEqualTo(200);
        assertThat(put.json().get("days").asInt()).isEqualTo(365);
        List<RetentionPolicy> records = published("hooli");
        assertThat(records).hasSize(1);
        assertThat(records.get(0).getMode()).isEqualTo(PolicyMode.DELETE_AFTER_DAYS);
        assertThat(records.get(0).getDays()).isEqualTo(365);
        assertThat(records.get(0).getUpdatedBy()).isEqualTo("hal");
        // and the change is on the audit trail with who made it
        assertThat(t.read(t.topics.audit())).extracting(r -> r.value())
                .filteredOn(e -> e.getTenant().equals("hooli") && e.getType() == io.lethe.events.AuditType.POLICY_CHANGED)
                .singleElement().satisfies(e -> {
                    assertThat(e.getActor()).isEqualTo("hal");
                    assertThat(e.getCustomerId()).isEqualTo("-");
                });
        Res get = t.call("GET", "/v1/retention-policy", t.token("hooli", "aud", "auditor"), null);
        assertThat(get.json().get("mode").asText()).isEqualTo("DELETE_AFTER_DAYS");
        assertThat(get.json().get("days").asInt()).isEqualTo(365);
        // and another tenant still sees its own default
        assertThat(t.call("GET", "/v1/retention-policy", t.token("initech", "a", "auditor"), null).json().get("mode").asText())
                .isEqualTo("KEEP_FOREVER");
    }

    @Test
    void shouldReadAPolicyWrittenByAnotherInstanceFromTheTopic() throws Exception {
        // Given a policy published straight to the topic (as another API instance would)
        RetentionPolicy p = RetentionPolicy.newBuilder().setTenant("umbrella").setMode(PolicyMode.DELETE_AFTER_DAYS).setDays(7)
                .setUpdatedBy("ops").setUpdatedAt(Instant.now()).build();
        try (var producer = new io.lethe.runtime.kafka.LetheProducer(new io.lethe.runtime.kafka.KafkaSettings(t.config()), "p")) {
            producer.send(t.topics.retentionPolicies(), "umbrella", p).get();
        }
        // Then GET shows it within a second or so
        await("policy of umbrella materialized").atMost(Duration.ofSeconds(5)).until(() ->
                t.call("GET", "/v1/retention-policy", t.token("umbrella", "a", "auditor"), null).json().path("days").asInt() == 7);
    }

    @Test
    void shouldAnswerADryRunWithTheCountAndPublishNothing() {
        int before = published("acme").size();
        Res r = t.call("PUT", "/v1/retention-policy?dryRun=true", admin, "{\"mode\":\"DELETE_AFTER_DAYS\",\"days\":90}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("wouldExpire").asLong()).isEqualTo(100);
        assertThat(t.call("PUT", "/v1/retention-policy?dryRun=true", admin, "{\"mode\":\"KEEP_FOREVER\"}").json().get("wouldExpire").asLong())
                .isZero();
        assertThat(published("acme")).hasSize(before);
    }

    @Test
    void shouldRequireConfirmationWhenMoreThan50WouldExpire() {
        int before = published("acme").size();
        // When a change would expire 100 profiles without confirmation
        Res refused = t.call("PUT", "/v1/retention-policy", admin, "{\"mode\":\"DELETE_AFTER_DAYS\",\"days\":90}");
        // Then 409 with the count, and nothing is published
        assertProblem(refused, 409, "confirmation-required");
        assertThat(refused.json().get("wouldExpire").asLong()).isEqualTo(100);
        Res wrongCount = t.call("PUT", "/v1/retention-policy", admin, "{\"mode\":\"DELETE_AFTER_DAYS\",\"days\":90,\"confirmExpiring\":99}");
        assertProblem(wrongCount, 409, "confirmation-required");
        assertThat(published("acme")).hasSize(before);
        // When the count is confirmed, Then it takes effect
        Res confirmed = t.call("PUT", "/v1/retention-policy", admin, "{\"mode\":\"DELETE_AFTER_DAYS\",\"days\":90,\"confirmExpiring\":100}");
        assertThat(confirmed.status()).isEqualTo(200);
        assertThat(published("acme")).hasSize(before + 1);
        // And a change expiring 50 or fewer needs no confirmation
        assertThat(t.call("PUT", "/v1/retention-policy", admin, "{\"mode\":\"DELETE_AFTER_DAYS\",\"days\":365}").status()).isEqualTo(200);
        assertThat(t.call("PUT", "/v1/retention-policy", admin, "{\"mode\":\"KEEP_FOREVER\"}").status()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"mode\":\"DELETE_AFTER_DAYS\"}",
            "{\"mode\":\"DELETE_AFTER_DAYS\",\"days\":0}",
            "{\"mode\":\"DELETE_AFTER_DAYS\",\"days\":36501}",
            "{\"mode\":\"DELETE_AFTER_DAYS\",\"days\":\"30\"}",
            "{\"mode\":\"DELETE_AFTER_DAYS\",\"days\":1.5}",
            "{\"mode\":\"KEEP_FOREVER\",\"days\":30}",
            "{\"mode\":\"SOMETIMES\"}",
            "{\"mode\":\"KEEP_FOREVER\",\"extra\":1}"})
    void shouldRejectAnInvalidPolicy(String body) {
        int before = published("acme").size();
        assertProblem(t.call("PUT", "/v1/retention-policy", admin, body), 400, "validation");
        assertThat(published("acme")).hasSize(before);
    }

    @Test
    void shouldAcceptTheBoundsOfDays() {
        assertThat(t.call("PUT", "/v1/retention-policy?dryRun=true", admin, "{\"mode\":\"DELETE_AFTER_DAYS\",\"days\":1}").status()).isEqualTo(200);
        assertThat(t.call("PUT", "/v1/retention-policy?dryRun=true", admin, "{\"mode\":\"DELETE_AFTER_DAYS\",\"days\":36500}").status()).isEqualTo(200);
    }

    @Test
    void shouldLetOnlyAdminsAndOfficersChangeThePolicy() {
        int before = published("acme").size();
        String body = "{\"mode\":\"KEEP_FOREVER\"}";
        assertProblem(t.call("PUT", "/v1/retention-policy", t.token("acme", "a", "auditor"), body), 403, "forbidden");
        assertProblem(t.call("PUT", "/v1/retention-policy", t.token("acme", "s", "service"), body), 403, "forbidden");
        assertThat(published("acme")).hasSize(before);
        assertThat(t.call("PUT", "/v1/retention-policy", t.token("acme", "p", "privacy_officer"), body).status()).isEqualTo(200);
        assertThat(t.call("GET", "/v1/retention-policy", t.token("acme", "s", "service"), null).status()).isEqualTo(200);
    }
}
