package io.lethe.worker;

import static org.awaitility.Awaitility.await;

import io.lethe.events.DeletionRequested;
import io.lethe.events.DeletionStatus;
import io.lethe.events.Reason;
import io.lethe.events.Regulation;
import io.lethe.events.RequestStatus;
import io.lethe.events.Scope;
import io.lethe.localstack.LocalStackExtension.DatabaseEndpoint;
import io.lethe.localstack.LocalStackExtension.KafkaEndpoint;
import io.lethe.localstack.TestStack;
import io.lethe.runtime.config.Keys;
import io.lethe.runtime.config.LetheConfig;
import io.lethe.runtime.kafka.KafkaSettings;
import io.lethe.runtime.kafka.LetheProducer;
import io.lethe.runtime.kafka.TopicReader;
import io.lethe.schemas.Topics;
import io.lethe.store.CustomerStore;
import io.lethe.store.blob.FileBlobStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One isolated Lethe environment on the shared test broker and PostgreSQL server: its own
 * topic prefix, application id, state directory, database (so a test can take it offline)
 * and blob directory.
 */
final class WorkerHarness implements AutoCloseable {

    final String id = UUID.randomUUID().toString().substring(0, 8);
    final String tenant = "tenant-" + id;
    final Topics topics;
    final String database = "w_" + id;
    final String jdbcUrl;
    final DatabaseEndpoint db;
    final CustomerStore store;
    final FileBlobStore blobs = new FileBlobStore(TestStack.newDirectory("blobs"));
    final KafkaSettings settings;
    final LetheProducer producer;
    final Map<String, String> config = new HashMap<>();

    WorkerHarness(KafkaEndpoint kafka, DatabaseEndpoint db) throws SQLException {
        this(kafka, db, null);
    }

    /** With {@code registryUrl} set, every Avro topic is written in the Confluent wire format through that registry. */
    WorkerHarness(KafkaEndpoint kafka, DatabaseEndpoint db, String registryUrl) throws SQLException {
        this.db = db;
        jdbcUrl = db.createDatabase(database).jdbcUrl();
        store = CustomerStore.connect(jdbcUrl, db.user(), db.password());
        store.migrate();
        config.putAll(DeletionWorker.DEFAULTS);
        config.put(Keys.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        config.put(Keys.TOPIC_PREFIX, "w" + id + ".");
        config.put(Keys.TOPIC_PARTITIONS, "2");
        config.put(Keys.TOPIC_REPLICATION_FACTOR, "1");
        config.put(Keys.JDBC_URL, jdbcUrl);
        config.put(Keys.JDBC_USER, db.user());
        config.put(Keys.JDBC_PASSWORD, db.password());
        config.put(Keys.BLOB_DIR, blobs.root().toString());
        config.put(Keys.STATE_DIR, TestStack.newDirectory("state").toString());
        config.put(DeletionWorker.HTTP_PORT, "0");
        config.put(DeletionWorker.APPLICATION_ID, "worker-" + id);
        config.put(DeletionWorker.ERASER_GROUP_PREFIX, "worker-" + id + "-eraser-"); // as a second deployment on a shared cluster
        config.put("worker.retry.initial.delay", "PT1S");
        config.put("worker.retry.max.delay", "PT2S");
        config.put("worker.retry.max.attempts", "4");
        if (registryUrl != null) {
            config.put(Keys.SCHEMA_REGISTRY_URL, registryUrl);
        }
        settings = new KafkaSettings(LetheConfig.of(config));
        topics = settings.topics();
        producer = new LetheProducer(settings, "test-" + id);
    }

    LetheConfig config() {
        return LetheConfig.of(config);
    }

    DeletionRequested request(Scope scope, String customerId, String itemId) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return DeletionRequested.newBuilder().setRequestId(UUID.randomUUID().toString()).setTenant(tenant)
                .setCustomerId(customerId).setScope(scope).setItemId(itemId).setReason(Reason.CUSTOMER_REQUEST)
                .setRegulation(Regulation.GDPR).setActor("test-admin").setRequestedAt(now).setDueAt(now.plus(30, ChronoUnit.DAYS))
                .build();
    }

    String submit(DeletionRequested r) {
        producer.send(topics.deletionRequests(), Topics.subjectKey(r.getTenant(), r.getCustomerId()), r).join();
        return r.getRequestId();
    }

    /** The latest status of every request, by id. */
    Map<String, DeletionStatus> statuses() {
        Map<String, DeletionStatus> latest = new LinkedHashMap<>();
        TopicReader.readAll(settings, topics.deletionStatus(), Duration.ofSeconds(30)).forEach(r -> latest.put(r.key(), r.value()));
        return latest;
    }

    DeletionStatus awaitTerminal(String requestId) {
        DeletionStatus[] found = new DeletionStatus[1];
        await("request " + requestId + " terminal").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).until(() -> {
            DeletionStatus s = statuses().get(requestId);
            found[0] = s;
            return s != null && (s.getStatus() == RequestStatus.COMPLETED || s.getStatus() == RequestStatus.FAILED);
        });
        return found[0];
    }

    List<String> column(String sql, Object... args) throws SQLException {
        try (Connection c = store.dataSource().getConnection(); var ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }

    /** Takes the database offline for Lethe: refuses new connections and ends existing ones. */
    void databaseOffline() throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()); Statement s = c.createStatement()) {
            s.execute("alter database " + database + " allow_connections false");
            s.execute("select pg_terminate_backend(pid) from pg_stat_activity where datname = '" + database + "'");
        }
    }

    void databaseOnline() throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()); Statement s = c.createStatement()) {
            s.execute("alter database " + database + " allow_connections true");
        }
    }

    @Override
    public void close() {
        producer.close();
        store.close();
    }
}
