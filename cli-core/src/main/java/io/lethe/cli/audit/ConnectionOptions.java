package io.lethe.cli.audit;

import io.lethe.cli.CliConfig;
import io.lethe.cli.KafkaOptions;
import io.lethe.runtime.kafka.KafkaSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where the audit topic is. Precedence ({@link CliConfig}): the options, then {@code LETHE_*}
 * environment variables, then {@code .lethe/dev.env} in the working directory, then the built-in
 * defaults. Every {@code LETHE_KAFKA_*} variable (SASL, SSL) reaches the consumer unchanged.
 */
public final class ConnectionOptions {

    @Mixin
    KafkaOptions kafka = new KafkaOptions();

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "PT30M",
            description = "longest the whole read may take, ISO-8601 (default: ${DEFAULT-VALUE})")
    Duration timeout;

    KafkaSettings settings(Map<String, String> env, Path workDir) {
        try {
            return new KafkaSettings(CliConfig.load(kafka.into(new HashMap<>()), env, workDir));
        } catch (IllegalArgumentException e) {
            throw new AuditException(e.getMessage());
        }
    }
}
