package io.lethe.cli.audit;

import io.lethe.runtime.config.Keys;
import io.lethe.runtime.config.LetheConfig;
import io.lethe.runtime.kafka.KafkaSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where the audit topic is. Precedence: the options, then {@code LETHE_*} environment
 * variables, then {@code .lethe/dev.env} in the working directory, then the built-in
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
        LetheConfig.Builder b = LetheConfig.builder().defaults(Keys.DEFAULTS);
        Path devEnv = workDir.resolve(".lethe").resolve("dev.env");
        if (Files.isRegularFile(devEnv)) {
            b.envFile(devEnv);
        }
        b.env(env);
        if (bootstrap != null && !bootstrap.isBlank()) {
            b.set(Keys.KAFKA_BOOTSTRAP_SERVERS, bootstrap.trim());
        }
        if (topicPrefix != null) {
            b.set(Keys.TOPIC_PREFIX, topicPrefix);
        }
        try {
            return new KafkaSettings(b.build());
        } catch (IllegalArgumentException e) {
            throw new AuditException(e.getMessage());
        }
    }
}
