package io.lethe.cli.chaos;

import io.lethe.api.auth.DevKeys;
import io.lethe.cli.http.ApiClient;
import io.lethe.localstack.KafkaBroker;
import io.lethe.localstack.Postgres;
import io.lethe.localstack.SchemaRegistryServer;
import io.lethe.localstack.ServiceProcess;
import io.lethe.runtime.config.Keys;
import io.lethe.runtime.config.LetheConfig;
import io.lethe.runtime.kafka.KafkaSettings;
import io.lethe.schemas.Topics;
import io.lethe.store.CustomerStore;
import io.lethe.store.blob.FileBlobStore;
import io.lethe.store.seed.Seeder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The processes of a fault run and how they are started and stopped: a real broker (child
 * process), PostgreSQL (embedded) with the seeded tenant, and the deletion-api, deletion-worker(s)
 * and retention-scanner as child JVMs configured by {@code LETHE_*} variables. The faults act on
 * what this holds; {@link #close()} stops everything in reverse order.
 */
final class ChaosStack implements AutoCloseable {

    static final String TENANT = "chaos";
    static final String PREFIX = Topics.DEFAULT_PREFIX;

    private final ChaosRun.Options o;
    private final List<ServiceProcess> processes = new ArrayList<>();
    private final Map<String, String> common = new HashMap<>();
    private KafkaBroker broker;
    private Postgres postgres;
    private SchemaRegistryServer registry;
    private CustomerStore store;
    private FileBlobStore blobs;
    private KafkaSettings settings;
    private ServiceProcess api;
    private ServiceProcess worker1;
    private ServiceProcess worker2;
    private ServiceProcess scanner;
    private volatile ApiClient apiClient;

    ChaosStack(ChaosRun.Options o) {
        this.o = o;
    }

    /** Broker and PostgreSQL, migrated and seeded with {@code o.customers()} customers as of {@code asOf}. */
    void startData(Instant asOf) {
        try {
            Files.createDirectories(o.dir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        o.print("starting broker and PostgreSQL in %s", o.dir());
        broker = KafkaBroker.start(o.dir().resolve("kafka"));
        postgres = Postgres.start(o.dir().resolve("postgres"));
        store = CustomerStore.connect(postgres.jdbcUrl(), postgres.user(), postgres.password());
        store.migrate();
        blobs = new FileBlobStore(o.dir().resolve("blobs"));
        try {
            Seeder.seed(store.dataSource(), blobs, TENANT, o.customers(), o.seed(), asOf);
        } catch (SQLException e) {
            throw new IllegalStateException("seeding failed: " + e.getMessage(), e);
        }
        o.print("seeded %d customers", o.customers());
        common.put("LETHE_KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        common.put("LETHE_TOPIC_PREFIX", PREFIX);
        if (o.schemaRegistry()) {
            registry = SchemaRegistryServer.startPersistent(o.dir().resolve("registry"));
            o.print("schema registry at %s", registry.url());
            common.put("LETHE_SCHEMA_REGISTRY_URL", registry.url());
        }
        common.put("LETHE_TOPIC_PARTITIONS", "6");
        common.put("LETHE_TOPIC_REPLICATION_FACTOR", "1");
        // the secret the API asks the scanner's previews with (both services read it)
        common.put("LETHE_RETENTION_PREVIEW_TOKEN", UUID.randomUUID().toString());
        Map<String, String> cfg = new HashMap<>();
        cfg.put(Keys.KAFKA_BOOTSTRAP_SERVERS, broker.bootstrapServers());
        cfg.put(Keys.TOPIC_PREFIX, PREFIX);
        if (registry != null) {
            cfg.put(Keys.SCHEMA_REGISTRY_URL, registry.url());
        }
        settings = new KafkaSettings(LetheConfig.of(cfg));
    }

    /** The API (with dev keys and an operator token), one worker and the scanner, each ready. */
    void startServices() {
        Path keys = o.dir().resolve("dev-keys");
        DevKeys devKeys = DevKeys.loadOrCreate(keys);
        String token = devKeys.mint(TENANT, List.of("compliance_admin", "privacy_officer"), "chaos-operator", Duration.ofHours(6));
        Map<String, String> apiEnv = new HashMap<>(common);
        int apiPort = KafkaBroker.freePort();
        apiEnv.put("LETHE_API_HOST", "127.0.0.1");
        apiEnv.put("LETHE_API_PORT", Integer.toString(apiPort));
        apiEnv.put("LETHE_AUTH_DEV_KEY_DIR", keys.toString());
        apiEnv.put("LETHE_AUTH_DEV_MODE", "true"); // io.lethe.api.Main refuses dev keys without it
        apiEnv.put("LETHE_API_RATE_LIMIT_PER_SECOND", "100000");
        apiEnv.put("LETHE_API_PUBLISH_TIMEOUT", "PT5S");
        // the API asks the scanner how many profiles a policy change would expire, as in production
        scanner = scannerProcess();
        apiEnv.put("LETHE_API_RETENTION_PREVIEW_URLS", "http://127.0.0.1:" + scanner.httpPort());
        api = service("deletion-api", "io.lethe.api.Main", apiEnv, apiPort).start();
        api.awaitReady(Duration.ofSeconds(120));
        apiClient = new ApiClient("http://127.0.0.1:" + api.httpPort(), token, Duration.ofSeconds(3));

        worker1 = worker("worker-1").start();
        scanner.start();
        worker1.awaitReady(Duration.ofSeconds(180));
        scanner.awaitReady(Duration.ofSeconds(180));
        o.print("services ready: api :%d, worker-1 pid %d, scanner pid %d", apiPort, worker1.pid(), scanner.pid());
    }

    KafkaBroker broker() {
        return broker;
    }

    /** The run's schema registry, if it has one. */
    java.util.Optional<String> schemaRegistryUrl() {
        return java.util.Optional.ofNullable(registry).map(SchemaRegistryServer::url);
    }

    CustomerStore store() {
        return store;
    }

    FileBlobStore blobs() {
        return blobs;
    }

    KafkaSettings settings() {
        return settings;
    }

    /** The API of this run (its port is fixed for the run, across restarts). */
    ApiClient api() {
        return apiClient;
    }

    ServiceProcess worker1() {
        return worker1;
    }

    /** The second worker instance, created (not started) on first use. */
    synchronized ServiceProcess worker2() {
        if (worker2 == null) {
            worker2 = worker("worker-2");
        }
        return worker2;
    }

    ServiceProcess scanner() {
        return scanner;
    }

    /** Stops PostgreSQL, waits {@code outage} and starts it again on the same data directory and port. */
    void databaseOutage(Duration outage) {
        postgres.close();
        ServiceProcess.sleep(outage);
        postgres = Postgres.start(o.dir().resolve("postgres"));
        o.print("PostgreSQL back on port %d", postgres.port());
    }

    /** The scanner's local state (RocksDB), which a restarted scanner restores from its changelogs. */
    Path scannerState() {
        return o.dir().resolve("state").resolve("scanner");
    }

    private ServiceProcess service(String name, String main, Map<String, String> env, int port) {
        ServiceProcess p = new ServiceProcess(name, main, env, o.dir().resolve(name + ".log"), port);
        processes.add(p);
        return p;
    }

    private ServiceProcess worker(String name) {
        Map<String, String> env = new HashMap<>(common);
        int port = KafkaBroker.freePort();
        env.put("LETHE_JDBC_URL", postgres.jdbcUrl());
        env.put("LETHE_JDBC_USER", postgres.user());
        env.put("LETHE_JDBC_PASSWORD", postgres.password());
        env.put("LETHE_BLOB_DIR", o.dir().resolve("blobs").toString());
        env.put("LETHE_STATE_DIR", o.dir().resolve("state").resolve(name).toString());
        env.put("LETHE_WORKER_HTTP_HOST", "127.0.0.1");
        env.put("LETHE_WORKER_HTTP_PORT", Integer.toString(port));
        env.put("LETHE_WORKER_APPLICATION_ID", "lethe-deletion-worker");
        env.put("LETHE_WORKER_INSTANCE_ID", name);
        env.put("LETHE_WORKER_RETRY_INITIAL_DELAY", "PT1S");
        env.put("LETHE_WORKER_RETRY_MAX_DELAY", "PT5S");
        env.put("LETHE_WORKER_RETRY_MAX_ATTEMPTS", "20");
        // a frozen instance loses its partitions and its open transaction in seconds, so the
        // SIGSTOP fault tests fencing rather than waiting out the defaults
        env.put("LETHE_KAFKA_SESSION_TIMEOUT_MS", "10000");
        env.put("LETHE_KAFKA_HEARTBEAT_INTERVAL_MS", "2000");
        env.put("LETHE_KAFKA_TRANSACTION_TIMEOUT_MS", "10000");
        return service(name, "io.lethe.worker.DeletionWorker", env, port);
    }

    private ServiceProcess scannerProcess() {
        Map<String, String> env = new HashMap<>(common);
        int port = KafkaBroker.freePort();
        env.put("LETHE_STATE_DIR", scannerState().toString());
        env.put("LETHE_SCANNER_HTTP_HOST", "127.0.0.1");
        env.put("LETHE_SCANNER_HTTP_PORT", Integer.toString(port));
        env.put("LETHE_SCANNER_INTERVAL", "PT2S");
        env.put("LETHE_SCANNER_MAX_EXPIRIES_PER_TICK", "20");
        return service("retention-scanner", "io.lethe.scanner.RetentionScanner", env, port);
    }


    static void deleteTree(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        List<ServiceProcess> reverse = new ArrayList<>(processes);
        Collections.reverse(reverse);
        for (ServiceProcess p : reverse) {
            try {
                p.close();
            } catch (RuntimeException e) {
                o.print("stopping %s: %s", p.name(), e);
            }
        }
        if (store != null) {
            store.close();
        }
        if (postgres != null) {
            try {
                postgres.close();
            } catch (RuntimeException e) {
                o.print("stopping PostgreSQL: %s", e);
            }
        }
        if (broker != null) {
            broker.stop();
        }
        if (registry != null) {
            registry.close();
        }
    }
}
