package io.lethe.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.LocalStackExtension.KafkaEndpoint;
import io.lethe.runtime.config.ConfigException;
import io.lethe.runtime.config.LetheConfig;
import io.lethe.schemas.Topics;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Topic creation against the real broker: partitions, replication, retention and compaction as the registry says. */
@ExtendWith(LocalStackExtension.class)
class TopicProvisionerTest {

    private static KafkaSettings settings(KafkaEndpoint kafka, String prefix, int partitions) {
        return new KafkaSettings(LetheConfig.of(Map.of("kafka.bootstrap.servers", kafka.bootstrapServers(),
                "topic.prefix", prefix, "topic.partitions", Integer.toString(partitions), "topic.replication.factor", "1")));
    }

    private static String config(Admin admin, String topic, String key) throws Exception {
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config c = admin.describeConfigs(List.of(r)).all().get().get(r);
        return c.get(key).value();
    }

    @Test
    void shouldCreateEveryTopicWithItsPartitionsRetentionAndCompactionAndLeaveExistingOnesAlone() throws Exception {
        // Given a fresh prefix
        String prefix = "prov" + UUID.randomUUID().toString().substring(0, 8) + ".";
        KafkaSettings s = settings(kafka(), prefix, 4);
        Topics topics = s.topics();
        var all = topics.all(List.of("conversations"));

        // When the topics are ensured twice
        TopicProvisioner.ensure(s, all);
        TopicProvisioner.ensure(s, all);

        // Then each exists once, with the configured partitions and replication and the registry's configs
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka().bootstrapServers()))) {
            var described = admin.describeTopics(all.stream().map(t -> t.name()).toList()).allTopicNames().get();
            assertThat(described).hasSize(all.size());
            described.values().forEach(d -> {
                assertThat(d.partitions()).hasSize(4);
                assertThat(d.partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(1));
            });
            assertThat(config(admin, topics.audit().name(), "retention.ms")).isEqualTo("-1");
            assertThat(config(admin, topics.deletionStatus().name(), "cleanup.policy")).isEqualTo("compact");
            assertThat(config(admin, topics.retentionPolicies().name(), "cleanup.policy")).isEqualTo("compact");
            assertThat(config(admin, topics.deletionRequests().name(), "cleanup.policy")).isEqualTo("delete");
            all.forEach(t -> t.config().forEach((k, v) -> {
                try {
                    assertThat(config(admin, t.name(), k)).as(t.name() + " " + k).isEqualTo(v);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }));
        }
    }

    @Test
    void shouldRefuseTopicsJoinedByKeyWithDifferentPartitionCounts() throws Exception {
        String prefix = "copart" + UUID.randomUUID().toString().substring(0, 8) + ".";
        KafkaSettings s = settings(kafka(), prefix, 3);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka().bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(prefix + "a", 3, (short) 1), new NewTopic(prefix + "b", 2, (short) 1)))
                    .all().get();
        }
        assertThatThrownBy(() -> TopicProvisioner.requireCoPartitioned(s, prefix + "a", prefix + "b"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("same partition count");
    }

    private static KafkaEndpoint endpoint;

    @org.junit.jupiter.api.BeforeAll
    static void broker(KafkaEndpoint kafka) {
        endpoint = kafka;
    }

    private static KafkaEndpoint kafka() {
        return endpoint;
    }
}
