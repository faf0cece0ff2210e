package io.lethe.cli.audit;

import io.lethe.cli.CliConfig;
import io.lethe.runtime.config.Keys;
import io.lethe.runtime.kafka.KafkaSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where the audit topic is. Precedence ({@link CliConfig}): the options, then {@code LETHE_*}
 * environment variables, then {@code .lethe/dev.env} in the working directory, then the built-in
 * defaults. Every {@code LETHE_KAFKA_*} variable (SASL, SSL) reaches the consumer unchanged.
 */
public final class ConnectionOptions {

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "Kafka bootstrap servers (default: LETHE_KAFKA_BOOTSTRAP_SERVERS, else .lethe/dev.env)")
    String bootstrap;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX",
            description = "topic prefix (default: LETHE_TOPIC_PREFIX, else 'lethe.')")
    String topicPrefix;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "PT30M",
            description = "longest the whole read may take, ISO-8601 (default: ${DEFAULT-VALUE})")
    Duration timeout;

    KafkaSettings settings(Map<String, String> env, Path workDir) {
        Map<String, String> flags = new HashMap<>();
        flags.put(Keys.KAFKA_BOOTSTRAP_SERVERS, bootstrap == null || bootstrap.isBlank() ? null : bootstrap.trim());
        flags.put(Keys.TOPIC_PREFIX, topicPrefix);
        try {
            return new KafkaSettings(CliConfig.load(flags, env, workDir));
        } catch (IllegalArgumentException e) {
            throw new AuditException(e.getMessage());
        }
    }
}
