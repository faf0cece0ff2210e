package io.lethe.cli;

import io.lethe.runtime.config.Keys;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where Kafka is, for every {@code lethe} command that reads or writes topics. Unset options
 * fall back to {@code LETHE_*} variables, then {@code .lethe/dev.env}, then the defaults
 * ({@link CliConfig}). Every {@code LETHE_KAFKA_*} variable (SASL, SSL) reaches the clients unchanged; with a schema
 * registry (option, {@code LETHE_SCHEMA_REGISTRY_URL} or dev.env) records in either framing are read.
 */
public final class KafkaOptions {

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "Kafka bootstrap servers (default: LETHE_KAFKA_BOOTSTRAP_SERVERS, else .lethe/dev.env)")
    String bootstrap;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", description = "topic prefix (default: LETHE_TOPIC_PREFIX, else 'lethe.')")
    String topicPrefix;

    @Option(names = "--schema-registry", paramLabel = "URL",
            description = "a Confluent-compatible schema registry, to read records in the Confluent wire format "
                    + "(default: LETHE_SCHEMA_REGISTRY_URL, else .lethe/dev.env)")
    String schemaRegistry;

    /** Adds the options given to {@code flags}, for {@link CliConfig#load(Map, Map, java.nio.file.Path)}. */
    public Map<String, String> into(Map<String, String> flags) {
        flags.put(Keys.KAFKA_BOOTSTRAP_SERVERS, bootstrap == null || bootstrap.isBlank() ? null : bootstrap.trim());
        flags.put(Keys.TOPIC_PREFIX, topicPrefix);
        flags.put(Keys.SCHEMA_REGISTRY_URL, schemaRegistry == null || schemaRegistry.isBlank() ? null : schemaRegistry.trim());
        return flags;
    }
}
