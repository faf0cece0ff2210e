package io.lethe.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.runtime.config.ConfigException;
import io.lethe.runtime.config.LetheConfig;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class KafkaSettingsTest {

    private static KafkaSettings settings(Map<String, String> values) {
        Map<String, String> all = new java.util.HashMap<>(values);
        all.put("topic.replication.factor", "1");
        return new KafkaSettings(LetheConfig.of(all));
    }

    @Test
    void shouldPassSecuritySettingsToEveryClient() {
        KafkaSettings s = settings(Map.of("kafka.bootstrap.servers", "b:9092", "kafka.security.protocol", "SASL_SSL"));

        assertThat(s.producer("p")).containsEntry("security.protocol", "SASL_SSL");
        assertThat(s.consumer("g", "c")).containsEntry("security.protocol", "SASL_SSL");
        assertThat(s.streams("app")).containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void shouldLetTuningSettingsOverrideTheDefaults() {
        KafkaSettings defaults = settings(Map.of("kafka.bootstrap.servers", "b:9092"));
        KafkaSettings tuned = settings(Map.of("kafka.bootstrap.servers", "b:9092", "kafka.linger.ms", "0",
                "kafka.commit.interval.ms", "50", "kafka.producer.linger.ms", "1"));

        assertThat(defaults.producer("p")).containsEntry(ProducerConfig.LINGER_MS_CONFIG, 5);
        assertThat(tuned.producer("p")).containsEntry(ProducerConfig.LINGER_MS_CONFIG, "0");
        assertThat(tuned.streams("app")).containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "50")
                .containsEntry(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), "1");
    }

    @Test
    void shouldKeepTheDeliveryGuaranteesWhateverIsPassedThrough() {
        KafkaSettings s = settings(Map.of("kafka.bootstrap.servers", "b:9092", "kafka.acks", "-1",
                "kafka.enable.idempotence", "TRUE"));

        assertThat(s.producer("p")).containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        assertThat(s.consumer("g", "c")).containsEntry("isolation.level", "read_committed")
                .containsEntry("enable.auto.commit", false);
        assertThat(s.streams("app")).containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    }

    @Test
    void shouldRefuseASettingThatWeakensAGuarantee() {
        assertThatThrownBy(() -> settings(Map.of("kafka.bootstrap.servers", "b:9092", "kafka.acks", "1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("kafka.acks").hasMessageContaining("LETHE_KAFKA_ACKS");
        assertThatThrownBy(() -> settings(Map.of("kafka.bootstrap.servers", "b:9092", "kafka.isolation.level", "read_uncommitted")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("read_committed");
        assertThatThrownBy(() -> settings(Map.of("kafka.bootstrap.servers", "b:9092", "kafka.processing.guarantee", "at_least_once")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("exactly_once_v2");
        assertThatThrownBy(() -> settings(Map.of("kafka.bootstrap.servers", "b:9092", "kafka.enable.auto.commit", "true")))
                .isInstanceOf(ConfigException.class);
        // nor through a client prefix that Kafka Streams passes on
        assertThatThrownBy(() -> settings(Map.of("kafka.bootstrap.servers", "b:9092", "kafka.producer.acks", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("kafka.producer.acks");
        assertThatThrownBy(() -> settings(Map.of("kafka.bootstrap.servers", "b:9092",
                "kafka.main.consumer.isolation.level", "read_uncommitted"))).isInstanceOf(ConfigException.class);
    }
}
