package io.lethe.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.events.DeletionStatus;
import io.lethe.events.RequestStatus;
import io.lethe.localstack.ForeignClients;
import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.LocalStackExtension.DatabaseEndpoint;
import io.lethe.localstack.LocalStackExtension.KafkaEndpoint;
import io.lethe.localstack.LocalStackExtension.RegistryEndpoint;
import io.lethe.schemas.Topics;
import io.lethe.store.seed.Seeder;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Lethe with a schema registry, driven by clients its own code did not write: a Python service publishes a deletion
 * with the legacy {@code confluent_kafka.avro} serializer (Debian's python3-confluent-kafka and python3-avro,
 * librdkafka's default partitioner, the schema file as docs/events.md says), and a Node.js service reads the
 * {@code DeletionCompleted} with kafkajs and {@code @kafkajs/confluent-schema-registry}, by schema id.
 */
@ExtendWith(LocalStackExtension.class)
class ForeignRegistryClientsIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static WorkerHarness env;
    private static DeletionWorker worker;
    private static String bootstrap;
    private static String registryUrl;

    @BeforeAll
    static void start(KafkaEndpoint kafka, DatabaseEndpoint db, RegistryEndpoint registry) throws Exception {
        ForeignClients.requirePython();
        ForeignClients.requireNode();
        bootstrap = kafka.bootstrapServers();
        registryUrl = registry.url();
        env = new WorkerHarness(kafka, db, registryUrl);
        Seeder.seed(env.store.dataSource(), env.blobs, env.tenant, 3, 23);
        worker = DeletionWorker.start(env.config());
        await("worker ready").atMost(Duration.ofSeconds(90)).until(worker::isReady);
    }

    @AfterAll
    static void stop() {
        if (worker != null) {
            worker.close();
        }
        if (env != null) {
            env.close();
        }
    }

    @Test
    void shouldCompleteAPythonServicesDeletionAndLetANodeServiceReadItsCompletion() throws Exception {
        // Given a Python service holding DeletionRequested's released schema file
        String customer = Seeder.customerId(2);
        String requestId = UUID.randomUUID().toString();
        long now = Instant.now().truncatedTo(ChronoUnit.MILLIS).toEpochMilli();
        String value = JSON.writeValueAsString(new java.util.LinkedHashMap<String, Object>() {{
                put("requestId", requestId);
                put("tenant", env.tenant);
                put("customerId", customer);
                put("scope", "PROFILE");
                put("itemId", null);
                put("reason", "CUSTOMER_REQUEST");
                put("regulation", "GDPR");
                put("actor", "crm-python");
                put("requestedAt", now);
                put("dueAt", now + Duration.ofDays(30).toMillis());
                put("bulkId", null);
                put("redrive", false);
                put("requestHash", null);
                put("originalRequestId", null);
            }});

        // When it publishes a deletion through the registry, with its client's defaults
        String requests = env.topics.deletionRequests().name();
        ForeignClients.produceAvro(bootstrap, registryUrl, requests, Topics.subjectKey(env.tenant, customer),
                releasedSchema("DeletionRequested", 2), value);

        // Then the deletion completes and verifies
        DeletionStatus done = env.awaitTerminal(requestId);
        assertThat(done.getStatus()).isEqualTo(RequestStatus.COMPLETED);
        assertThat(done.getVerified()).isTrue();
        assertThat(done.getActor()).isEqualTo("crm-python");

        // and a Node.js service decodes its DeletionCompleted through the registry
        List<String> lines = ForeignClients.consumeWithRegistry(bootstrap, registryUrl, env.topics.deletionEvents().name(), 1,
                Duration.ofSeconds(90));
        JsonNode event = JSON.readTree(lines.get(0));
        assertThat(event.get("key").asText()).isEqualTo(Topics.subjectKey(env.tenant, customer));
        assertThat(event.at("/value/requestId").asText()).isEqualTo(requestId);
        assertThat(event.at("/value/verified").asBoolean()).isTrue();
        assertThat(event.at("/value/dataTypes")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("conversations", "attachments", "integration-data", "customer-details");
    }

    private static String releasedSchema(String name, int version) throws Exception {
        try (InputStream in = ForeignRegistryClientsIntegrationTest.class.getClassLoader()
                .getResourceAsStream("avro-history/" + name + "/v" + version + ".avsc")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
