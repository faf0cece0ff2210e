package io.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.api.DeletionApi;
import io.lethe.api.auth.DevKeys;
import io.lethe.api.policy.ScannerPreview;
import io.lethe.events.ContactActivity;
import io.lethe.events.DeletionRequested;
import io.lethe.events.Reason;
import io.lethe.localstack.KafkaBroker;
import io.lethe.localstack.LocalStackExtension.DatabaseEndpoint;
import io.lethe.localstack.LocalStackExtension.KafkaEndpoint;
import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.ServiceProcess;
import io.lethe.localstack.TestStack;
import io.lethe.runtime.config.Keys;
import io.lethe.runtime.config.LetheConfig;
import io.lethe.runtime.kafka.KafkaSettings;
import io.lethe.runtime.kafka.LetheProducer;
import io.lethe.runtime.kafka.TopicReader;
import io.lethe.schemas.Topics;
import io.lethe.store.CustomerStore;
import io.lethe.store.blob.FileBlobStore;
import io.lethe.store.census.PiiCensus;
import io.lethe.store.seed.Seeder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Held requests survive {@code kill -9} of the worker and of the retention scanner (each its own
 * JVM, as deployed): nothing held is erased, nothing is lost, a held retention expiry is not
 * emitted again, and everything completes after the release.
 */
@ExtendWith(LocalStackExtension.class)
class LegalHoldRestartTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final String id = UUID.randomUUID().toString().substring(0, 8);
    private final String tenant = "holds-" + id;
    private final Path dir = TestStack.newDirectory("holds-restart");
    private String api;
    private String token;

    private JsonNode call(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode n = r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
        ((com.fasterxml.jackson.databind.node.ObjectNode) n).put("_status", r.statusCode());
        return n;
    }

    private String status(String requestId) throws Exception {
        JsonNode n = call("GET", "/v1/deletion-requests/" + requestId, null);
        return n.has("status") ? n.get("status").asText() : "UNKNOWN";
    }

    private void awaitStatus(String requestId, String wanted) {
        await("request " + requestId + " " + wanted).atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> status(requestId).equals(wanted));
    }


    @Test
    void shouldKeepHeldRequestsHeldAndUnerasedAcrossKillNineOfTheWorkerAndTheScanner(KafkaEndpoint kafka, DatabaseEndpoint db)
            throws Exception {
        // Given seeded customers, their last contacts on the activity topic, and the three services
        DatabaseEndpoint database = db.createDatabase("holds_" + id);
        CustomerStore store = CustomerStore.connect(database.jdbcUrl(), database.user(), database.password());
        store.migrate();
        FileBlobStore blobs = new FileBlobStore(dir.resolve("blobs"));
        Seeder.seed(store.dataSource(), blobs, tenant, 12, 7, Instant.now());
        String prefix = "hr" + id + ".";
        Map<String, String> common = new HashMap<>();
        common.put("LETHE_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        common.put("LETHE_TOPIC_PREFIX", prefix);
        common.put("LETHE_TOPIC_PARTITIONS", "2");
        common.put("LETHE_TOPIC_REPLICATION_FACTOR", "1");
        KafkaSettings settings = new KafkaSettings(LetheConfig.of(Map.of(Keys.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                Keys.TOPIC_PREFIX, prefix, Keys.TOPIC_PARTITIONS, "2", Keys.TOPIC_REPLICATION_FACTOR, "1")));
        io.lethe.runtime.kafka.TopicProvisioner.ensure(settings, settings.topics().all(List.of(
                "conversations", "attachments", "integration-data", "customer-details")));

        Map<String, String> workerEnv = new HashMap<>(common);
        int workerPort = KafkaBroker.freePort();
        workerEnv.put("LETHE_JDBC_URL", database.jdbcUrl());
        workerEnv.put("LETHE_JDBC_USER", database.user());
        workerEnv.put("LETHE_JDBC_PASSWORD", database.password());
        workerEnv.put("LETHE_BLOB_DIR", dir.resolve("blobs").toString());
        workerEnv.put("LETHE_STATE_DIR", dir.resolve("state-worker").toString());
        workerEnv.put("LETHE_WORKER_HTTP_HOST", "127.0.0.1");
        workerEnv.put("LETHE_WORKER_HTTP_PORT", Integer.toString(workerPort));
        workerEnv.put("LETHE_WORKER_APPLICATION_ID", "holds-worker-" + id);
        workerEnv.put("LETHE_WORKER_INSTANCE_ID", "holds-" + id);
        workerEnv.put("LETHE_WORKER_RETRY_INITIAL_DELAY", "PT1S");
        workerEnv.put("LETHE_WORKER_RETRY_MAX_DELAY", "PT5S");
        Map<String, String> scannerEnv = new HashMap<>(common);
        int scannerPort = KafkaBroker.freePort();
        scannerEnv.put("LETHE_STATE_DIR", dir.resolve("state-scanner").toString());
        scannerEnv.put("LETHE_SCANNER_HTTP_HOST", "127.0.0.1");
        scannerEnv.put("LETHE_SCANNER_HTTP_PORT", Integer.toString(scannerPort));
        String previewSecret = UUID.randomUUID().toString();
        scannerEnv.put("LETHE_RETENTION_PREVIEW_TOKEN", previewSecret);
        scannerEnv.put("LETHE_SCANNER_INTERVAL", "PT1S");
        scannerEnv.put("LETHE_SCANNER_APPLICATION_ID", "holds-scanner-" + id);
        try (ServiceProcess worker = new ServiceProcess("worker", "io.lethe.worker.DeletionWorker", workerEnv,
                     dir.resolve("worker.log"), workerPort).start();
             ServiceProcess scanner = new ServiceProcess("scanner", "io.lethe.scanner.RetentionScanner", scannerEnv,
                     dir.resolve("scanner.log"), scannerPort).start()) {
            Map<String, String> apiConfig = new HashMap<>();
            common.forEach((k, v) -> apiConfig.put(k.substring("LETHE_".length()).toLowerCase().replace('_', '.'), v));
            apiConfig.put(DeletionApi.HOST, "127.0.0.1");
            apiConfig.put(DeletionApi.PORT, "0");
            apiConfig.put("auth.dev.key.dir", dir.resolve("dev-keys").toString());
            apiConfig.put(Keys.TOPIC_CREATE, "false");
            token = DevKeys.loadOrCreate(dir.resolve("dev-keys")).mint(tenant, List.of("privacy_officer"), "olga", Duration.ofHours(1));
            try (DeletionApi deletionApi = DeletionApi.start(LetheConfig.of(apiConfig),
                    ScannerPreview.parse("http://127.0.0.1:" + scannerPort, previewSecret))) {
                api = "http://127.0.0.1:" + deletionApi.port();
                worker.awaitReady(Duration.ofSeconds(120));
                scanner.awaitReady(Duration.ofSeconds(120));
                await("api ready").atMost(Duration.ofSeconds(60)).until(() -> call("GET", "/health/ready", null)
                        .get("_status").asInt() == 200);
                Map<String, Instant> lastContact = new LinkedHashMap<>();
                try (LetheProducer producer = new LetheProducer(settings, "holds-activity")) {
                    List<CompletableFuture<?>> sent = new ArrayList<>();
                    Seeder.forEachLastContact(store.dataSource(), tenant, (c, at) -> {
                        lastContact.put(c, at);
                        sent.add(producer.send(settings.topics().customerActivity(), Topics.subjectKey(tenant, c),
                                ContactActivity.newBuilder().setTenant(tenant).setCustomerId(c).setContactId("seed").setOccurredAt(at)
                                        .build()));
                    });
                    CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
                }
                String oldest = lastContact.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();
                String profileCustomer = lastContact.keySet().stream().filter(c -> !c.equals(oldest)).findFirst().orElseThrow();
                String otherCustomer = lastContact.keySet().stream().filter(c -> !c.equals(oldest) && !c.equals(profileCustomer))
                        .reduce((a, b) -> b).orElseThrow();

                // And holds on a customer to be deleted on request and on the one to expire
                String h1 = call("POST", "/v1/legal-holds", "{\"customerId\":\"" + profileCustomer + "\",\"matter\":\"LIT-7\"}")
                        .get("holdId").asText();
                String h2 = call("POST", "/v1/legal-holds", "{\"customerId\":\"" + oldest + "\",\"matter\":\"LIT-7\"}")
                        .get("holdId").asText();
                String held = call("POST", "/v1/deletion-requests", "{\"scope\":\"PROFILE\",\"customerId\":\"" + profileCustomer
                        + "\",\"reason\":\"CUSTOMER_REQUEST\",\"regulation\":\"GDPR\"}").get("requestId").asText();
                String free = call("POST", "/v1/deletion-requests", "{\"scope\":\"PROFILE\",\"customerId\":\"" + otherCustomer
                        + "\",\"reason\":\"CUSTOMER_REQUEST\",\"regulation\":\"GDPR\"}").get("requestId").asText();
                long days = Duration.between(lastContact.get(oldest), Instant.now()).toDays();
                await("preview sees the oldest customer").atMost(Duration.ofSeconds(60)).until(() ->
                        call("PUT", "/v1/retention-policy?dryRun=true", "{\"mode\":\"DELETE_AFTER_DAYS\",\"days\":" + days + "}")
                                .path("wouldExpire").asLong() >= 1);
                long would = call("PUT", "/v1/retention-policy?dryRun=true", "{\"mode\":\"DELETE_AFTER_DAYS\",\"days\":" + days + "}")
                        .path("wouldExpire").asLong();
                assertThat(call("PUT", "/v1/retention-policy", "{\"mode\":\"DELETE_AFTER_DAYS\",\"days\":" + days
                        + ",\"confirmExpiring\":" + would + "}").get("_status").asInt()).isEqualTo(200);
                awaitStatus(held, "ON_HOLD");
                awaitStatus(free, "COMPLETED");
                String expiry = await("the held customer's expiry").atMost(Duration.ofSeconds(60)).until(() ->
                        expiries(settings, oldest), l -> !l.isEmpty()).get(0).getRequestId();
                awaitStatus(expiry, "ON_HOLD");
                long piiHeld = pii(store, blobs, profileCustomer);
                long piiExpiring = pii(store, blobs, oldest);
                assertThat(piiHeld).isPositive();
                assertThat(piiExpiring).isPositive();

                // When the worker and the scanner are killed with SIGKILL and restarted
                worker.kill9();
                scanner.kill9();
                worker.start();
                scanner.start();
                worker.awaitReady(Duration.ofSeconds(120));
                scanner.awaitReady(Duration.ofSeconds(120));

                // Then, over several scanner ticks, the held requests stay held, nothing of theirs is erased,
                // and the expiry is not emitted again
                await("held data untouched after the restarts").during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(12))
                        .until(() -> pii(store, blobs, profileCustomer) == piiHeld && pii(store, blobs, oldest) == piiExpiring
                                && status(held).equals("ON_HOLD") && status(expiry).equals("ON_HOLD"));
                assertThat(expiries(settings, oldest)).hasSize(1);

                // When the holds are released, both complete and erase everything
                assertThat(call("POST", "/v1/legal-holds/" + h1 + "/release", null).get("_status").asInt()).isEqualTo(200);
                assertThat(call("POST", "/v1/legal-holds/" + h2 + "/release", null).get("_status").asInt()).isEqualTo(200);
                awaitStatus(held, "COMPLETED");
                awaitStatus(expiry, "COMPLETED");
                assertThat(pii(store, blobs, profileCustomer)).isZero();
                assertThat(pii(store, blobs, oldest)).isZero();
                assertThat(expiries(settings, oldest)).hasSize(1);
            }
        } finally {
            store.close();
        }
    }

    private static List<DeletionRequested> expiries(KafkaSettings settings, String customer) {
        return TopicReader.readAll(settings, settings.topics().deletionRequests(), Duration.ofSeconds(30)).stream()
                .map(r -> r.value()).filter(r -> r.getReason() == Reason.RETENTION_EXPIRED && r.getCustomerId().equals(customer))
                .toList();
    }

    private long pii(CustomerStore store, FileBlobStore blobs, String customer) throws Exception {
        try (Connection c = store.dataSource().getConnection()) {
            return PiiCensus.remainingPii(c, blobs, tenant, customer);
        }
    }
}
