package io.lethe.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.api.auth.DevKeys;
import io.lethe.api.policy.RetentionPreview;
import io.lethe.events.DeletionRequested;
import io.lethe.events.DeletionStatus;
import io.lethe.events.Reason;
import io.lethe.events.Regulation;
import io.lethe.events.RequestStatus;
import io.lethe.events.Scope;
import io.lethe.events.TaskState;
import io.lethe.events.TaskStatus;
import io.lethe.runtime.config.Keys;
import io.lethe.runtime.config.LetheConfig;
import io.lethe.runtime.kafka.KafkaSettings;
import io.lethe.runtime.kafka.LetheProducer;
import io.lethe.runtime.kafka.TopicProvisioner;
import io.lethe.schemas.Topic;
import io.lethe.schemas.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * A real DeletionApi on a random port against the shared test broker, with its own topic
 * prefix, dev keys to mint tokens, and helpers to call it over HTTP and to look at topics.
 */
final class TestApi implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final String bootstrap;
    final Topics topics;
    final Path keyDir;
    final DevKeys keys;
    final Map<String, String> overrides;
    final RetentionPreview preview;
    DeletionApi api;
    private final LetheProducer testProducer;

    /** A response: status, headers and the body parsed as JSON (null when empty or not JSON). */
    record Res(int status, HttpResponse<String> raw, JsonNode json) {
        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        String type() {
            return json == null || json.get("type") == null ? null : json.get("type").asText();
        }
    }

    TestApi(String bootstrap, Map<String, String> overrides, RetentionPreview preview) throws Exception {
        this.bootstrap = bootstrap;
        this.overrides = overrides;
        this.preview = preview;
        String prefix = "t" + UUID.randomUUID().toString().substring(0, 8) + ".";
        this.topics = new Topics(prefix);
        this.keyDir = Files.createTempDirectory("lethe-dev-keys");
        this.keys = DevKeys.loadOrCreate(keyDir);
        KafkaSettings settings = new KafkaSettings(config());
        TopicProvisioner.ensure(settings, List.of(topics.deletionRequests(), topics.deletionStatus(),
                topics.retentionPolicies(), topics.bulkDeletions(), topics.audit(), topics.consoleSignouts(), topics.legalHolds()));
        this.testProducer = new LetheProducer(settings, "test-producer");
        start();
    }

    static TestApi start(String bootstrap) throws Exception {
        return new TestApi(bootstrap, Map.of(), RetentionPreview.NONE);
    }

    LetheConfig config() {
        Map<String, String> m = new HashMap<>();
        m.put(Keys.KAFKA_BOOTSTRAP_SERVERS, bootstrap);
        m.put(Keys.TOPIC_PREFIX, topics.prefix());
        m.put(Keys.TOPIC_PARTITIONS, "2");
        m.put(Keys.TOPIC_REPLICATION_FACTOR, "1");
        m.put(Keys.TOPIC_CREATE, "false");
        m.put("auth.dev.key.dir", keyDir.toString());
        m.put(DeletionApi.PORT, "0");
        m.put(DeletionApi.HOST, "127.0.0.1");
        m.put(DeletionApi.RATE_LIMIT, "10000");
        m.put(DeletionApi.PUBLISH_TIMEOUT, "PT15S");
        m.putAll(overrides);
        return LetheConfig.of(m);
    }

    void start() {
        api = DeletionApi.start(config(), preview);
        await("deletion-api ready").atMost(Duration.ofSeconds(60)).until(() -> call("GET", "/health/ready", null, null).status() == 200);
    }

    void restart() {
        api.close();
        start();
    }

    String token(String tenant, String subject, String... roles) {
        return keys.mint(tenant, List.of(roles), subject, Duration.ofMinutes(10));
    }

    Res call(String method, String path, String token, String body) {
        return call(method, path, token, body, Map.of());
    }

    Res call(String method, String path, String token, String body, Map<String, String> headers) {
        return callOn(api.port(), method, path, token, body, headers);
    }

    static Res callOn(int port, String method, String path, String token, String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null && !headers.containsKey("Content-Type")) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        headers.forEach(b::header);
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            try {
                json = r.body().isEmpty() ? null : JSON.readTree(r.body());
            } catch (Exception notJson) {
                // e.g. /metrics
            }
            return new Res(r.statusCode(), r, json);
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + " failed", e);
        }
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** How many records the deletion.requests topic holds (sum of end offsets). */
    long requestCount() {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(new KafkaSettings(config()).consumer(null, "test-count"))) {
            List<TopicPartition> parts = c.partitionsFor(topics.deletionRequests().name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            return c.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** Every record of a topic, read from the beginning to its current end. */
    <V> List<ConsumerRecord<String, V>> read(Topic<String, V> topic) {
        List<ConsumerRecord<String, V>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(new KafkaSettings(config()).consumer(null, "test-read"))) {
            List<TopicPartition> parts = c.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
                for (var r : c.poll(Duration.ofMillis(200))) {
                    out.add(new ConsumerRecord<>(r.topic(), r.partition(), r.offset(),
                            topic.keySerde().deserializer().deserialize(topic.name(), r.key()),
                            topic.valueSerde().deserializer().deserialize(topic.name(), r.value())));
                }
            }
        }
        return out;
    }

    List<DeletionRequested> requestsFor(String requestId) {
        return read(topics.deletionRequests()).stream().map(ConsumerRecord::value)
                .filter(r -> r.getRequestId().equals(requestId)).toList();
    }

    /** Writes a status record as the worker would. */
    void writeStatus(String tenant, String requestId, String customerId, RequestStatus status) throws Exception {
        writeStatus(tenant, requestId, customerId, status, Instant.now(), Instant.now().plus(Duration.ofDays(30)));
    }

    /** Writes a status record as the worker would, requested and due at the given times. */
    void writeStatus(String tenant, String requestId, String customerId, RequestStatus status, Instant requestedAt, Instant dueAt)
            throws Exception {
        writeStatus(tenant, requestId, customerId, status, requestedAt, dueAt, List.of(), null, 0);
    }

    /** Writes a status record as the worker would, with the legal holds keeping it (ON_HOLD since {@code heldSince}). */
    void writeStatus(String tenant, String requestId, String customerId, RequestStatus status, Instant requestedAt, Instant dueAt,
                     List<String> holdIds, Instant heldSince, long heldMillis) throws Exception {
        Instant now = requestedAt;
        DeletionStatus s = DeletionStatus.newBuilder().setRequestId(requestId).setTenant(tenant).setCustomerId(customerId)
                .setScope(Scope.PROFILE).setItemId(null).setReason(Reason.CUSTOMER_REQUEST).setRegulation(Regulation.GDPR)
                .setActor("worker").setStatus(status)
                .setTasks(List.of(TaskState.newBuilder().setDataType("conversations").setStatus(
                        status == RequestStatus.FAILED ? TaskStatus.FAILED : TaskStatus.SUCCEEDED).setAttempts(3)
                        .setRowsScrubbed(4).setRowsDeleted(5).setBlobsDeleted(6).setResidual(status == RequestStatus.FAILED ? 2L : 0L)
                        .setErrorCode(status == RequestStatus.FAILED ? "DB_TIMEOUT" : null).setPhase(0).setNextAttemptAt(null).build()))
                .setRequestedAt(now).setUpdatedAt(now).setCompletedAt(status == RequestStatus.COMPLETED ? now : null)
                .setDueAt(dueAt).setVerified(status == RequestStatus.COMPLETED).setBulkId(null)
                .setRequestHash(null).setHoldIds(holdIds).setHeldSince(heldSince).setHeldMillis(heldMillis).build();
        testProducer.send(topics.deletionStatus(), requestId, s).get();
    }

    /** Writes one record to a topic, as another service would. */
    <V> void write(Topic<String, V> topic, String key, V value) throws Exception {
        testProducer.send(topic, key, value).get();
    }

    static void assertProblem(Res r, int status, String slug) {
        assertThat(r.status()).as("status of %s", r.raw().body()).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.type()).isEqualTo("https://lethe.dev/problems/" + slug);
        assertThat(r.json().get("title").asText()).isNotBlank();
        assertThat(r.json().get("status").asInt()).isEqualTo(status);
        assertThat(r.json().has("detail")).isTrue();
    }

    @Override
    public void close() {
        api.close();
        testProducer.close();
    }
}
