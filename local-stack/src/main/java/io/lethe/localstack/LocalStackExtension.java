package io.lethe.localstack;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that hands tests the JVM-wide {@link TestStack}: declare a
 * {@link KafkaEndpoint} and/or {@link DatabaseEndpoint} parameter (constructor, lifecycle or
 * test method) and the broker or database is started on first use, once per test JVM.
 */
public final class LocalStackExtension implements ParameterResolver {

    /** Where the shared Kafka cluster is. */
    public record KafkaEndpoint(String bootstrapServers) {
    }

    /** Where the shared PostgreSQL database is. */
    public record DatabaseEndpoint(String jdbcUrl, String user, String password) {
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == KafkaEndpoint.class || type == DatabaseEndpoint.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        if (parameter.getParameter().getType() == KafkaEndpoint.class) {
            return new KafkaEndpoint(TestStack.kafkaBootstrap());
        }
        return new DatabaseEndpoint(TestStack.jdbcUrl(), TestStack.jdbcUser(), TestStack.jdbcPassword());
    }
}
