package io.lethe.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.runtime.kafka.KafkaSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LetheConfigTest {

    @Test
    void shouldLayerDefaultsThenFileThenEnvironment(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("lethe.properties");
        Files.writeString(file, "scanner.interval=PT5M\ntopic.prefix=file.\n");

        LetheConfig config = LetheConfig.builder()
                .defaults(Map.of("scanner.interval", "PT1M", "topic.prefix", "lethe.", "jdbc.user", "postgres"))
                .file(file)
                .env(Map.of("LETHE_SCANNER_INTERVAL", "PT5S", "PATH", "/usr/bin"))
                .build();

        assertThat(config.duration("scanner.interval")).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.string("topic.prefix")).isEqualTo("file.");
        assertThat(config.string("jdbc.user")).isEqualTo("postgres");
        assertThat(config.optString("path")).isEmpty();
    }

    @Test
    void shouldNameTheKeyAndItsVariableWhenAValueIsInvalid() {
        LetheConfig config = LetheConfig.builder().env(Map.of("LETHE_SCANNER_INTERVAL", "every minute",
                "LETHE_TOPIC_PARTITIONS", "-2")).build();

        assertThatThrownBy(() -> config.duration("scanner.interval")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("scanner.interval").hasMessageContaining("LETHE_SCANNER_INTERVAL")
                .hasMessageContaining("every minute").hasMessageContaining("PT1M");
        assertThatThrownBy(() -> config.positiveInt("topic.partitions")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("LETHE_TOPIC_PARTITIONS");
        assertThatThrownBy(() -> config.string("jdbc.url")).hasMessageContaining("missing configuration jdbc.url (set LETHE_JDBC_URL)");
    }

    @Test
    void shouldReadDevEnvFiles(@TempDir Path dir) throws Exception {
        Path env = dir.resolve("dev.env");
        Files.writeString(env, "LETHE_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:1234\nLETHE_JDBC_URL=jdbc:postgresql://x/y\n# comment\nLETHE_METRICS_URLS=\"http://a/metrics http://b/metrics\"\n");

        LetheConfig config = LetheConfig.builder().envFile(env).build();

        assertThat(config.string(Keys.KAFKA_BOOTSTRAP_SERVERS)).isEqualTo("127.0.0.1:1234");
        assertThat(config.string(Keys.JDBC_URL)).isEqualTo("jdbc:postgresql://x/y");
        assertThat(config.string("metrics.urls")).isEqualTo("http://a/metrics http://b/metrics");
    }

    @Test
    void shouldPassSecuritySettingsToEveryKafkaClient() {
        LetheConfig config = LetheConfig.builder().defaults(Keys.DEFAULTS).env(Map.of(
                "LETHE_KAFKA_BOOTSTRAP_SERVERS", "b:9093",
                "LETHE_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "LETHE_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")).build();
        KafkaSettings kafka = new KafkaSettings(config);

        for (Map<String, Object> props : new Map[] {kafka.producer("p"), kafka.consumer("g", "c"), kafka.admin("a"), kafka.streams("app")}) {
            assertThat(props).containsEntry("bootstrap.servers", "b:9093")
                    .containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "SCRAM-SHA-512");
        }
        assertThat(kafka.producer("p")).containsEntry("acks", "all").containsEntry("enable.idempotence", true);
        assertThat(kafka.streams("app")).containsEntry("processing.guarantee", "exactly_once_v2");
    }
}
