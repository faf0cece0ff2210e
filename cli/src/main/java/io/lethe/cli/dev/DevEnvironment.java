package io.lethe.cli.dev;

import io.lethe.api.DeletionApi;
import io.lethe.api.auth.DevKeys;
import io.lethe.events.ContactActivity;
import io.lethe.localstack.LocalStack;
import io.lethe.localstack.SchemaRegistryServer;
import io.lethe.runtime.config.Keys;
import io.lethe.runtime.config.LetheConfig;
import io.lethe.runtime.kafka.KafkaSettings;
import io.lethe.runtime.kafka.LetheProducer;
import io.lethe.scanner.RetentionScanner;
import io.lethe.schemas.Topics;
import io.lethe.store.CustomerStore;
import io.lethe.store.blob.FileBlobStore;
import io.lethe.store.seed.SeedSummary;
import io.lethe.store.seed.Seeder;
import io.lethe.worker.DeletionWorker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything of Lethe on one machine: the local stack (or a given Kafka and PostgreSQL), a schema
 * registry (Apicurio, or a given one), the customer store migrated and seeded with a demo tenant,
 * and the three services in this JVM.
 * State lives under one directory, so a restart resumes unfinished deletions. Used by
 * {@code lethe dev} and by the end-to-end tests. Not a production deployment.
 */
public final class DevEnvironment implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DevEnvironment.class);

    /**
     * @param dir           where broker, database, schema registry, blobs, Streams state and dev keys live
     * @param bootstrap     an existing Kafka cluster, or null to start the local broker
     * @param jdbcUrl       an existing PostgreSQL, or null to start the embedded one
     * @param schemaRegistryUrl an existing Confluent-compatible schema registry, null to start the
     *                      local one (Apicurio, under {@code dir/registry}), or "" for none (Avro
     *                      single-object encoding)
     */
    public record Options(Path dir, String tenant, int customers, int apiPort, int workerPort, int scannerPort,
                          Duration scanInterval, String topicPrefix, String bootstrap, String jdbcUrl, String jdbcUser,
                          String jdbcPassword, String schemaRegistryUrl) {

        /**
         * Without a schema registry setting: the local registry when the local broker is started
         * ({@code bootstrap} null, as {@code lethe dev}), none on a given cluster.
         */
        public Options(Path dir, String tenant, int customers, int apiPort, int workerPort, int scannerPort,
                       Duration scanInterval, String topicPrefix, String bootstrap, String jdbcUrl, String jdbcUser,
                       String jdbcPassword) {
            this(dir, tenant, customers, apiPort, workerPort, scannerPort, scanInterval, topicPrefix, bootstrap, jdbcUrl,
                    jdbcUser, jdbcPassword, bootstrap == null ? null : "");
        }

        public static Options defaults(Path dir) {
            return new Options(dir, "demo", 1000, 8080, 8081, 8082, Duration.ofSeconds(5), Topics.DEFAULT_PREFIX,
                    null, null, "postgres", "", null);
        }
    }

    private final LocalStack stack;
    private final SchemaRegistryServer registry;
    private final List<AutoCloseable> services;
    private final DeletionApi api;
    private final String token;
    private final Map<String, String> devEnv;
    private final LetheConfig config;

    private DevEnvironment(LocalStack stack, SchemaRegistryServer registry, List<AutoCloseable> services, DeletionApi api,
                           String token, Map<String, String> devEnv, LetheConfig config) {
        this.stack = stack;
        this.registry = registry;
        this.services = services;
        this.api = api;
        this.token = token;
        this.devEnv = devEnv;
        this.config = config;
    }

    public static DevEnvironment start(Options o) {
        Path dir = o.dir().toAbsolutePath();
        LocalStack stack = null;
        SchemaRegistryServer registry = null;
        CompletableFuture<SchemaRegistryServer> registryStart = null;
        List<AutoCloseable> started = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            String bootstrap = o.bootstrap();
            String jdbcUrl = o.jdbcUrl();
            String registryUrl = o.schemaRegistryUrl();
            if (registryUrl == null) {
                // Apicurio keeps its schemas in an H2 file under dir/registry: the ids in the records
                // of a previous run (Lethe's own, and those of any external producer) still resolve
                // after a restart. In memory, Lethe would re-register its schemas at start, but under
                // new ids, and records already written with the old ones could not be decoded.
                // Started alongside the broker and the database: its JVM takes about 6 s.
                registryStart = CompletableFuture.supplyAsync(() -> SchemaRegistryServer.startPersistent(dir.resolve("registry")));
            }
            try {
                if (bootstrap == null || jdbcUrl == null) {
                    stack = LocalStack.start(dir);
                    bootstrap = stack.bootstrapServers();
                    jdbcUrl = stack.jdbcUrl();
                }
            } catch (RuntimeException e) {
                if (registryStart != null) {
                    registryStart.thenAccept(SchemaRegistryServer::close);
                }
                throw e;
            }
            if (registryStart != null) {
                try {
                    registry = registryStart.join();
                } catch (java.util.concurrent.CompletionException e) {
                    throw e.getCause() instanceof RuntimeException r ? r : e;
                }
                registryUrl = registry.url();
            }
            Map<String, String> c = new HashMap<>();
            c.putAll(DeletionWorker.DEFAULTS);
            c.putAll(RetentionScanner.DEFAULTS);
            c.putAll(DeletionApi.DEFAULTS);
            c.put(Keys.KAFKA_BOOTSTRAP_SERVERS, bootstrap);
            if (!registryUrl.isBlank()) {
                c.put(Keys.SCHEMA_REGISTRY_URL, registryUrl);
            }
            c.put(Keys.JDBC_URL, jdbcUrl);
            c.put(Keys.JDBC_USER, o.jdbcUser());
            c.put(Keys.JDBC_PASSWORD, o.jdbcPassword());
            c.put(Keys.BLOB_DIR, dir.resolve("blobs").toString());
            c.put(Keys.TOPIC_PREFIX, o.topicPrefix());
            c.put(Keys.TOPIC_PARTITIONS, "3");
            c.put(Keys.TOPIC_REPLICATION_FACTOR, "1");
            c.put(Keys.SCANNER_INTERVAL, o.scanInterval().toString());
            // a dev stack is small: recheck erased data as often as it scans for expiries
            c.put(DeletionWorker.RECHECK_INTERVAL, o.scanInterval().toString());
            c.put(DeletionWorker.RECHECK_RATE, "1000");
            c.put(DeletionApi.HOST, "127.0.0.1");
            c.put(DeletionApi.PORT, Integer.toString(o.apiPort()));
            c.put(DeletionWorker.HTTP_HOST, "127.0.0.1");
            c.put(DeletionWorker.HTTP_PORT, Integer.toString(o.workerPort()));
            c.put(RetentionScanner.HTTP_HOST, "127.0.0.1");
            c.put(RetentionScanner.HTTP_PORT, Integer.toString(o.scannerPort()));
            c.put("auth.dev.key.dir", dir.resolve("dev-keys").toString());
            // the console's dev sign-in form; lethe dev is never production
            c.put("auth.dev.mode", "true");
            c.put("worker.instance.id", "dev-worker");
            c.put(RetentionScanner.INSTANCE_ID, "dev-scanner");
            String appSuffix = o.topicPrefix().equals(Topics.DEFAULT_PREFIX) ? "" : "-" + o.topicPrefix().replaceAll("[^A-Za-z0-9]", "");
            c.put(DeletionWorker.APPLICATION_ID, "lethe-deletion-worker" + appSuffix);
            c.put(RetentionScanner.APPLICATION_ID, "lethe-retention-scanner" + appSuffix);
            LetheConfig base = LetheConfig.of(c);

            CustomerStore store = CustomerStore.connect(jdbcUrl, o.jdbcUser(), o.jdbcPassword());
            started.add(store);
            store.migrate();
            FileBlobStore blobs = new FileBlobStore(dir.resolve("blobs"));
            boolean seededNow = false;
            if (customers(store, o.tenant()) == 0 && o.customers() > 0) {
                SeedSummary s = Seeder.seed(store.dataSource(), blobs, o.tenant(), o.customers(), 1L, Instant.now());
                LOG.info("seeded tenant {} with {} customers ({} rows) in {} ms", o.tenant(), s.customers(), s.rows(), s.elapsed().toMillis());
                seededNow = true;
            }

            // each service gets its own state directory: two Streams apps must not share one
            CompletableFuture<DeletionWorker> worker = CompletableFuture.supplyAsync(() ->
                    DeletionWorker.start(base.with(Map.of(Keys.STATE_DIR, dir.resolve("state/worker").toString()))));
            RetentionScanner scanner = RetentionScanner.start(base.with(Map.of(Keys.STATE_DIR, dir.resolve("state/scanner").toString())));
            started.add(scanner);
            DeletionWorker deletionWorker = worker.join();
            started.add(deletionWorker);
            DeletionApi api = DeletionApi.start(base, scanner::wouldExpire);
            started.add(api);
            if (seededNow) {
                publishActivity(base, store, o.tenant());
            }

            DevKeys keys = DevKeys.loadOrCreate(dir.resolve("dev-keys"));
            String token = keys.mint(o.tenant(), List.of("compliance_admin", "privacy_officer"), "dev-admin", Duration.ofDays(1));
            String apiUrl = "http://127.0.0.1:" + api.port();
            Map<String, String> env = new LinkedHashMap<>();
            env.put("LETHE_API_URL", apiUrl);
            // localhost, not 127.0.0.1: browsers treat it as a secure context, so the Secure session cookie works over http
            env.put("LETHE_CONSOLE_URL", "http://localhost:" + api.port() + "/console/");
            env.put("LETHE_KAFKA_BOOTSTRAP_SERVERS", bootstrap);
            if (!registryUrl.isBlank()) {
                env.put("LETHE_SCHEMA_REGISTRY_URL", registryUrl);
            }
            env.put("LETHE_TOPIC_PREFIX", o.topicPrefix());
            env.put("LETHE_JDBC_URL", jdbcUrl);
            env.put("LETHE_JDBC_USER", o.jdbcUser());
            env.put("LETHE_JDBC_PASSWORD", o.jdbcPassword());
            env.put("LETHE_BLOB_DIR", dir.resolve("blobs").toString());
            env.put("LETHE_AUTH_DEV_KEY_DIR", dir.resolve("dev-keys").toString());
            env.put("LETHE_DEV_TOKEN", token);
            env.put("LETHE_METRICS_URLS", String.join(" ", apiUrl + "/metrics",
                    "http://127.0.0.1:" + deletionWorker.httpPort() + "/metrics",
                    "http://127.0.0.1:" + scanner.httpPort() + "/metrics"));
            Files.writeString(dir.resolve("dev.env"), env.entrySet().stream().map(e -> e.getKey() + "=" + shellValue(e.getValue()))
                    .collect(Collectors.joining("\n", "", "\n")));
            List<AutoCloseable> stopOrder = new ArrayList<>(started);
            java.util.Collections.reverse(stopOrder);
            return new DevEnvironment(stack, registry, stopOrder, api, token, env, base);
        } catch (IOException e) {
            closeAll(started, registry, stack);
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            closeAll(started, registry, stack);
            throw new IllegalStateException("customer store: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeAll(started, registry, stack);
            throw e;
        }
    }

    /** Values with spaces are double-quoted so that {@code source .lethe/dev.env} works. */
    static String shellValue(String v) {
        return v.chars().anyMatch(Character::isWhitespace) ? "\"" + v + "\"" : v;
    }

    /** The last contact of every seeded customer, so the retention scanner knows them. */
    private static void publishActivity(LetheConfig config, CustomerStore store, String tenant) throws SQLException {
        Topics topics = new KafkaSettings(config).topics();
        try (LetheProducer producer = new LetheProducer(new KafkaSettings(config), "dev-activity")) {
            List<CompletableFuture<?>> sent = new ArrayList<>();
            Seeder.forEachLastContact(store.dataSource(), tenant, (customer, at) -> sent.add(producer.send(
                    topics.customerActivity(), Topics.subjectKey(tenant, customer), ContactActivity.newBuilder()
                            .setTenant(tenant).setCustomerId(customer).setContactId("seed-last-contact").setOccurredAt(at).build())));
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
            LOG.info("published the last contact of {} customers to {}", sent.size(), topics.customerActivity());
        }
    }

    /** Customers of the tenant in the store (0: not seeded yet). */
    static long customers(CustomerStore store, String tenant) throws SQLException {
        try (Connection c = store.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("select count(*) from customers where tenant_id = ?")) {
            ps.setString(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    public String apiUrl() {
        return devEnv.get("LETHE_API_URL");
    }

    /** The schema registry the services use ({@code schema.registry.url}), or null when there is none. */
    public String schemaRegistryUrl() {
        return devEnv.get("LETHE_SCHEMA_REGISTRY_URL");
    }

    public String consoleUrl() {
        return devEnv.get("LETHE_CONSOLE_URL");
    }

    public String token() {
        return token;
    }

    public Map<String, String> devEnv() {
        return devEnv;
    }

    public LetheConfig config() {
        return config;
    }

    public DeletionApi api() {
        return api;
    }

    @Override
    public void close() {
        closeAll(services, registry, stack);
    }

    private static void closeAll(List<AutoCloseable> services, SchemaRegistryServer registry, LocalStack stack) {
        for (AutoCloseable s : services) {
            try {
                s.close();
            } catch (Exception e) {
                LOG.warn("stopping {} failed: {}", s.getClass().getSimpleName(), e.toString());
            }
        }
        if (registry != null) {
            try {
                registry.close();
            } catch (RuntimeException e) {
                LOG.warn("stopping the schema registry failed: {}", e.toString());
            }
        }
        if (stack != null) {
            stack.close();
        }
    }
}
