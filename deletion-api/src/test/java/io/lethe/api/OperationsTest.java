package io.lethe.api;

import static io.lethe.api.DeletionRequestsTest.profile;
import static io.lethe.api.TestApi.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.api.TestApi.Res;
import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.LocalStackExtension.KafkaEndpoint;
import io.lethe.runtime.config.Keys;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Rate limit, Kafka unavailability, OpenAPI, metrics and health. */
@ExtendWith(LocalStackExtension.class)
class OperationsTest {

    private static TestApi t;
    private static String admin;
    private static String bootstrap;

    @BeforeAll
    static void start(KafkaEndpoint kafka) throws Exception {
        bootstrap = kafka.bootstrapServers();
        t = TestApi.start(bootstrap);
        admin = t.token("acme", "alice", "compliance_admin");
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    @Test
    void shouldAnswer429WithRetryAfterWhenATokenExceedsItsRate() throws Exception {
        // Given an API allowing 2 requests a second per token
        try (TestApi limited = new TestApi(bootstrap, Map.of(DeletionApi.RATE_LIMIT, "2"), io.lethe.api.policy.RetentionPreview.NONE)) {
            String token = limited.token("acme", "burst", "service");
            long before = limited.requestCount();
            // When one token sends 6 requests at once
            List<Res> answers = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                answers.add(limited.call("POST", "/v1/deletion-requests", token, profile("c-rate-" + i)));
            }
            // Then the excess is refused with 429 + Retry-After, and only the accepted ones were published
            List<Res> limitedAnswers = answers.stream().filter(r -> r.status() == 429).toList();
            assertThat(limitedAnswers).isNotEmpty();
            limitedAnswers.forEach(r -> {
                assertProblem(r, 429, "rate-limited");
                assertThat(r.header("Retry-After")).isEqualTo("1");
            });
            long accepted = answers.stream().filter(r -> r.status() == 202).count();
            assertThat(accepted + limitedAnswers.size()).isEqualTo(6);
            assertThat(limited.requestCount()).isEqualTo(before + accepted);
            // And another token is not affected
            assertThat(limited.call("GET", "/v1/deletion-requests", limited.token("acme", "calm", "auditor"), null).status()).isEqualTo(200);
        }
    }

    /** The test API's configuration on a prefix whose topics do not exist (and are not created), 1 s publish timeout. */
    private static io.lethe.runtime.config.LetheConfig withoutTopics(String prefix) {
        Map<String, String> cfg = new java.util.HashMap<>(t.config().asMap());
        cfg.put(Keys.TOPIC_PREFIX, prefix);
        cfg.put(Keys.TOPIC_CREATE, "false");
        cfg.put(DeletionApi.PUBLISH_TIMEOUT, "PT1S");
        return io.lethe.runtime.config.LetheConfig.of(cfg);
    }

    @Test
    void shouldAnswer503WithRetryAfterWhenKafkaDoesNotAcknowledgeInTime() throws Exception {
        // Given an API whose topics do not exist (topic.create=false) and a 1 s publish timeout
        String missingPrefix = "missing" + UUID.randomUUID().toString().substring(0, 8) + ".";
        long before = t.requestCount();
        try (DeletionApi dead = DeletionApi.start(withoutTopics(missingPrefix))) {
            // When a request is posted
            Res r = TestApi.callOn(dead.port(), "POST", "/v1/deletion-requests", admin, profile("c-503"), Map.of());
            // Then 503 + Retry-After, readiness is down, and no record exists anywhere
            assertProblem(r, 503, "kafka-unavailable");
            assertThat(r.header("Retry-After")).isEqualTo("5");
            Res policy = TestApi.callOn(dead.port(), "PUT", "/v1/retention-policy", admin, "{\"mode\":\"KEEP_FOREVER\"}", Map.of());
            assertProblem(policy, 503, "kafka-unavailable");
            assertThat(TestApi.callOn(dead.port(), "GET", "/health/ready", null, null, Map.of()).status()).isEqualTo(503);
            assertThat(TestApi.callOn(dead.port(), "GET", "/health/live", null, null, Map.of()).status()).isEqualTo(200);
            try (Admin a = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                assertThat(a.listTopics().names().get()).noneMatch(n -> n.startsWith(missingPrefix));
            }
            assertThat(t.requestCount()).isEqualTo(before);
            String metrics = TestApi.callOn(dead.port(), "GET", "/metrics", null, null, Map.of()).raw().body();
            assertThat(metrics).contains("lethe_api_requests_rejected_total{cause=\"kafka-unavailable\"");
        }
    }

    @Test
    void shouldTurnA503IntoExactlyOneRequestWhenTheClientRetriesWithItsIdempotencyKey() throws Exception {
        // Given an API that answers 503 because its topics are missing (Kafka "down" for it)
        String prefix = "late" + UUID.randomUUID().toString().substring(0, 8) + ".";
        io.lethe.runtime.config.LetheConfig config = withoutTopics(prefix);
        io.lethe.schemas.Topics topics = new io.lethe.schemas.Topics(prefix);
        Map<String, String> key = Map.of("Idempotency-Key", "retry-after-503");
        try (DeletionApi api = DeletionApi.start(config)) {
            assertProblem(TestApi.callOn(api.port(), "POST", "/v1/deletion-requests", admin, profile("c-late"), key),
                    503, "kafka-unavailable");

            // When Kafka is back (the topics exist) and the client retries with the same key, twice
            io.lethe.runtime.kafka.TopicProvisioner.ensure(new io.lethe.runtime.kafka.KafkaSettings(config),
                    List.of(topics.deletionRequests(), topics.deletionStatus(), topics.retentionPolicies(),
                            topics.bulkDeletions(), topics.audit(), topics.consoleSignouts(), topics.legalHolds()));
            Res accepted = org.awaitility.Awaitility.await("202 once Kafka is back").atMost(java.time.Duration.ofSeconds(30))
                    .pollInterval(java.time.Duration.ofMillis(500))
                    .until(() -> TestApi.callOn(api.port(), "POST", "/v1/deletion-requests", admin, profile("c-late"), key),
                            r -> r.status() == 202);
            String requestId = accepted.json().get("requestId").asText();
            Res again = TestApi.callOn(api.port(), "POST", "/v1/deletion-requests", admin, profile("c-late"), key);

            // Then both answers name the same request, and exactly one record of it was published
            assertThat(again.status()).isEqualTo(202);
            assertThat(again.json().get("requestId").asText()).isEqualTo(requestId);
            // and it stays one: a late delivery of the first attempt would show within these 2 s
            io.lethe.runtime.kafka.KafkaSettings settings = new io.lethe.runtime.kafka.KafkaSettings(config);
            org.awaitility.Awaitility.await("exactly one published request").during(java.time.Duration.ofSeconds(2))
                    .atMost(java.time.Duration.ofSeconds(20)).pollInterval(java.time.Duration.ofMillis(500))
                    .untilAsserted(() -> assertThat(io.lethe.runtime.kafka.TopicReader.readAll(settings, topics.deletionRequests(),
                            java.time.Duration.ofSeconds(10))).extracting(r -> r.value().getRequestId()).containsExactly(requestId));
        }
    }

    @Test
    void shouldTakeTheDueDateOfEachRegulationFromConfiguration() throws Exception {
        // Given an API configured with 7 days for GDPR and 60 for CCPA
        try (TestApi custom = new TestApi(bootstrap, Map.of("sla.days.gdpr", "7", "sla.days.ccpa", "60"),
                io.lethe.api.policy.RetentionPreview.NONE)) {
            String token = custom.token("acme", "alice", "compliance_admin");
            for (Map.Entry<String, Integer> e : Map.of("GDPR", 7, "CCPA", 60, "OTHER", 30).entrySet()) {
                java.time.Instant before = java.time.Instant.now();
                // When a request under that regulation is accepted
                Res r = custom.call("POST", "/v1/deletion-requests", token, "{\"scope\":\"PROFILE\",\"customerId\":\"c-sla-"
                        + e.getKey() + "\",\"reason\":\"OTHER\",\"regulation\":\"" + e.getKey() + "\"}");
                // Then its dueAt is that many days later (OTHER keeps its default)
                assertThat(r.status()).isEqualTo(202);
                assertThat(java.time.Instant.parse(r.json().get("dueAt").asText())).isBetween(
                        before.plus(java.time.Duration.ofDays(e.getValue())),
                        java.time.Instant.now().plus(java.time.Duration.ofDays(e.getValue())));
            }
        }
        // And a nonsensical setting stops the API at start, naming the variable
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new TestApi(bootstrap, Map.of("sla.days.gdpr", "0"),
                        io.lethe.api.policy.RetentionPreview.NONE))
                .hasMessageContaining("sla.days.gdpr").hasMessageContaining("LETHE_SLA_DAYS_GDPR");
    }

    @Test
    void shouldBeReadyWhenTheProducerIsConnectedAndTheViewsCaughtUp() {
        Res ready = t.call("GET", "/health/ready", null, null);
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("status").asText()).isEqualTo("UP");
    }

    @Test
    void shouldDescribeEveryServedRouteInOpenApiAndNothingElse() {
        // Given the served OpenAPI document
        Res r = t.call("GET", "/openapi.json", null, null);
        assertThat(r.status()).isEqualTo(200);
        JsonNode doc = r.json();
        assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");
        Set<String> documented = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext(); ) {
            var path = paths.next();
            path.getValue().fieldNames().forEachRemaining(m -> documented.add(m.toUpperCase(Locale.ROOT) + " " + path.getKey()));
        }
        // Then it lists exactly the routes the server registered
        Set<String> served = new HashSet<>();
        t.api.routes().forEach(route -> served.add(route.method().name() + " " + route.path()));
        assertThat(documented).isEqualTo(served);
        assertThat(documented).contains("POST /v1/deletion-requests", "GET /v1/deletion-requests/{requestId}",
                "POST /v1/bulk-deletions/{bulkId}/approve", "PUT /v1/retention-policy", "GET /health/ready");
        // And every documented route really answers (no routing 404 or 405)
        for (String op : documented) {
            String method = op.substring(0, op.indexOf(' '));
            String path = op.substring(op.indexOf(' ') + 1).replace("{requestId}", UUID.randomUUID().toString())
                    .replace("{bulkId}", UUID.randomUUID().toString()).replace("{holdId}", UUID.randomUUID().toString());
            Res answer = t.call(method, path, admin, method.equals("GET") || path.contains("/approve") || path.contains("/reject")
                    || path.contains("/retry") || path.contains("/release") ? null : "{}");
            assertThat(answer.status()).as(op).isNotEqualTo(405);
            if (answer.status() == 404) {
                assertThat(answer.json().get("detail").asText()).as(op).isNotEqualTo("no such route");
            }
        }
        // And each operation documents its errors as problem documents
        JsonNode create = doc.get("paths").get("/v1/deletion-requests").get("post");
        assertThat(create.get("responses").fieldNames()).toIterable()
                .contains("202", "400", "401", "403", "413", "415", "422", "429", "503");
        assertThat(create.get("requestBody").get("content").get("application/json").get("schema").get("$ref").asText())
                .isEqualTo("#/components/schemas/CreateDeletionRequest");
        assertThat(doc.get("components").get("schemas").has("CreateDeletionRequest")).isTrue();
        doc.get("paths").forEach(path -> path.forEach(operation -> operation.get("responses").forEach(resp -> {
            if (resp.has("content") && resp.get("content").has("application/json")) {
                String ref = resp.get("content").get("application/json").get("schema").get("$ref").asText();
                assertThat(doc.get("components").get("schemas").has(ref.substring(ref.lastIndexOf('/') + 1))).as(ref).isTrue();
            }
        })));
    }

    @Test
    void shouldExposeAcceptedRejectedPublishLatencyAndHttpMetrics() {
        // Given one accepted and one rejected request
        assertThat(t.call("POST", "/v1/deletion-requests", admin, profile("c-metrics")).status()).isEqualTo(202);
        assertThat(t.call("POST", "/v1/deletion-requests", admin, "{}").status()).isEqualTo(400);
        // When /metrics is scraped
        String metrics = t.call("GET", "/metrics", null, null).raw().body();
        // Then the API's meters are there
        assertThat(metrics).containsPattern("lethe_api_requests_accepted_total\\{[^}]*reason=\"CUSTOMER_REQUEST\"[^}]*scope=\"PROFILE\"");
        assertThat(metrics).contains("lethe_api_requests_rejected_total{cause=\"validation\"");
        assertThat(metrics).contains("lethe_api_publish_latency_seconds_count");
        assertThat(metrics).containsPattern("http_server_requests_seconds_count\\{[^}]*method=\"POST\"[^}]*status=\"202\"[^}]*uri=\"/v1/deletion-requests\"");
        assertThat(metrics).as("Kafka producer client metrics are bound").contains("kafka_producer_record_send_total");
    }
}
