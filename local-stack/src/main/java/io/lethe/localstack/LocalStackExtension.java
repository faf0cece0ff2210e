package io.lethe.localstack;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that hands tests the JVM-wide {@link TestStack}: declare a
 * {@link KafkaEndpoint}, {@link DatabaseEndpoint} and/or {@link RegistryEndpoint} parameter
 * (constructor, lifecycle or test method) and the broker, database or schema registry is started
 * on first use, once per test JVM.
 */
public final class LocalStackExtension implements ParameterResolver {

    /** Where the shared Kafka cluster is. */
    public record KafkaEndpoint(String bootstrapServers) {
    }

    /** Where the shared schema registry is: its Confluent-compatible API, Lethe's {@code schema.registry.url}. */
    public record RegistryEndpoint(String url) {
    }

    /** Where the shared PostgreSQL database is. */
    public record DatabaseEndpoint(String jdbcUrl, String user, String password) {

        /**
         * Creates a new, empty database on the same server and returns its endpoint: a test
         * that needs a database of its own (to take it offline, or to count rows without
         * other tests' data) uses this instead of another server.
         */
        public DatabaseEndpoint createDatabase(String name) {
            if (!name.matches("[a-z][a-z0-9_]{0,62}")) {
                throw new IllegalArgumentException("database names here are lower-case identifiers: " + name);
            }
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(jdbcUrl, user, password);
                 java.sql.Statement s = c.createStatement()) {
                s.execute("create database " + name);
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
            }
            java.net.URI uri = java.net.URI.create(jdbcUrl.substring("jdbc:".length()));
            String url = "jdbc:" + uri.getScheme() + "://" + uri.getAuthority() + "/" + name
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            return new DatabaseEndpoint(url, user, password);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == KafkaEndpoint.class || type == DatabaseEndpoint.class || type == RegistryEndpoint.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        if (parameter.getParameter().getType() == KafkaEndpoint.class) {
            return new KafkaEndpoint(TestStack.kafkaBootstrap());
        }
        if (parameter.getParameter().getType() == RegistryEndpoint.class) {
            return new RegistryEndpoint(TestStack.schemaRegistryUrl());
        }
        return new DatabaseEndpoint(TestStack.jdbcUrl(), TestStack.jdbcUser(), TestStack.jdbcPassword());
    }
}
