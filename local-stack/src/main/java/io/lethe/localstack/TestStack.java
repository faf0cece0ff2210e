package io.lethe.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The Kafka cluster and PostgreSQL database that one test JVM shares, started on first use.
 *
 * <ul>
 *   <li>Default: a real local broker (child JVM) and an embedded PostgreSQL in a temp dir.</li>
 *   <li>Default schema registry: Apicurio Registry ({@link SchemaRegistryServer}, child JVM, in memory).</li>
 *   <li>{@code LETHE_TEST_KAFKA_BOOTSTRAP} / {@code LETHE_TEST_JDBC_URL} (+ {@code _USER},
 *       {@code _PASSWORD}) / {@code LETHE_TEST_SCHEMA_REGISTRY_URL}: use an existing cluster /
 *       database / schema registry instead.</li>
 *   <li>{@code -Dlethe.test.kafka=testcontainers}: the {@code apache/kafka} image through
 *       Testcontainers. Needs a Docker engine, which the reference build machine lacks.</li>
 * </ul>
 * Tests isolate themselves with unique topic prefixes, application ids, and tenants.
 */
public final class TestStack {

    private static final Object LOCK = new Object();
    private static Path root;
    private static String bootstrap;
    private static Postgres postgres;
    private static String jdbcUrl;
    private static SchemaRegistryServer registry;
    private static String registryUrl;

    private TestStack() {
    }

    public static String kafkaBootstrap() {
        synchronized (LOCK) {
            if (bootstrap == null) {
                bootstrap = env("LETHE_TEST_KAFKA_BOOTSTRAP").orElseGet(TestStack::startKafka);
            }
            return bootstrap;
        }
    }

    public static String jdbcUrl() {
        synchronized (LOCK) {
            if (jdbcUrl == null) {
                jdbcUrl = env("LETHE_TEST_JDBC_URL").orElseGet(() -> {
                    postgres = Postgres.start(root().resolve("postgres"));
                    Runtime.getRuntime().addShutdownHook(new Thread(postgres::close, "test-postgres-stop"));
                    return postgres.jdbcUrl();
                });
            }
            return jdbcUrl;
        }
    }

    /**
     * The shared schema registry's Confluent-compatible URL ({@code .../apis/ccompat/v7}), Lethe's
     * {@code schema.registry.url}. Subjects are global: tests isolate themselves by topic prefix.
     */
    public static String schemaRegistryUrl() {
        synchronized (LOCK) {
            if (registryUrl == null) {
                registryUrl = env("LETHE_TEST_SCHEMA_REGISTRY_URL").orElseGet(() -> {
                    registry = SchemaRegistryServer.start(root().resolve("schema-registry"));
                    Runtime.getRuntime().addShutdownHook(new Thread(registry::stop, "test-schema-registry-stop"));
                    return registry.url();
                });
            }
            return registryUrl;
        }
    }

    /**
     * The shared schema registry's process, for a test that takes it offline
     * ({@link SchemaRegistryServer#stop()}, then {@link SchemaRegistryServer#startAgain()} on the
     * same URL; in memory, so it comes back empty); started on first use. Null when
     * {@code LETHE_TEST_SCHEMA_REGISTRY_URL} names an external one.
     */
    public static SchemaRegistryServer schemaRegistryServer() {
        synchronized (LOCK) {
            schemaRegistryUrl();
            return registry;
        }
    }

    public static String jdbcUser() {
        return env("LETHE_TEST_JDBC_USER").orElse("postgres");
    }

    public static String jdbcPassword() {
        return env("LETHE_TEST_JDBC_PASSWORD").orElse("");
    }

    /** A fresh directory under this JVM's test root. */
    public static Path newDirectory(String prefix) {
        try {
            return Files.createTempDirectory(root(), prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String startKafka() {
        if ("testcontainers".equals(System.getProperty("lethe.test.kafka"))) {
            return TestcontainersKafka.start();
        }
        KafkaBroker broker = KafkaBroker.start(root().resolve("kafka"));
        Runtime.getRuntime().addShutdownHook(new Thread(broker::stop, "test-broker-stop"));
        return broker.bootstrapServers();
    }

    private static Path root() {
        synchronized (LOCK) {
            if (root == null) {
                try {
                    root = Files.createTempDirectory("lethe-test-");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return root;
        }
    }

    private static Optional<String> env(String name) {
        return Optional.ofNullable(System.getenv(name)).filter(v -> !v.isBlank());
    }
}
