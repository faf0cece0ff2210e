package io.lethe.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class ForeignClientsTest {

    private static final int PARTITIONS = 3;
    private static final Path KCAT = Path.of("/usr/bin/kcat");
    private final String prefix = "foreign-" + UUID.randomUUID().toString().substring(0, 8) + "-";

    @Test
    void shouldPartitionLikeLibrdkafkaNotLikeTheJavaClient() throws Exception {
        ForeignClients.requirePython();
        // Given a topic with 3 partitions and a key the two partitioners place apart
        String bootstrap = TestStack.kafkaBootstrap();
        String topic = prefix + "raw";
        createTopic(bootstrap, topic);
        String key = differentlyPlacedKey("tenant-1|customer-");
        byte[] value = new byte[100_000];
        new Random(7).nextBytes(value);

        // When librdkafka produces it with its default partitioner
        int partition = ForeignClients.produceRaw(bootstrap, topic, key, value);

        // Then it chose CRC32, not murmur2, and the bytes arrived intact
        assertThat(partition).isEqualTo(ForeignClients.librdkafkaPartition(key, PARTITIONS)).isNotEqualTo(murmur2(key));
        List<ConsumerRecord<String, byte[]>> records = readAll(bootstrap, topic, 1);
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo(key);
            assertThat(r.partition()).isEqualTo(partition);
            assertThat(r.value()).isEqualTo(value);
        });
    }

    @Test
    void shouldSendNonAsciiKeysAsUtf8() throws Exception {
        ForeignClients.requirePython();
        String bootstrap = TestStack.kafkaBootstrap();
        String topic = prefix + "utf8";
        createTopic(bootstrap, topic);
        String key = "tenant-ü|kunde-ß-€";

        int partition = ForeignClients.produceRaw(bootstrap, topic, key, "v".getBytes(StandardCharsets.UTF_8));

        assertThat(partition).isEqualTo(ForeignClients.librdkafkaPartition(key, PARTITIONS));
        assertThat(readAll(bootstrap, topic, 1)).singleElement()
                .satisfies(r -> assertThat(r.key()).isEqualTo(key));
    }

    @Test
    void shouldReportTheErrorWhenTheTopicDoesNotExist() {
        ForeignClients.requirePython();
        String bootstrap = TestStack.kafkaBootstrap(); // the broker does not auto-create topics

        assertThatThrownBy(() -> ForeignClients.produceRaw(bootstrap, prefix + "missing", "k", new byte[] {1}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("delivery failed");
    }

    @Test
    void shouldRoundTripAvroThroughTheRegistryBetweenPythonAndNode() throws Exception {
        ForeignClients.requirePython();
        ForeignClients.requireNode();
        // Given a topic and a schema the registry has not seen
        String bootstrap = TestStack.kafkaBootstrap();
        String registry = TestStack.schemaRegistryUrl();
        String topic = prefix + "avro";
        createTopic(bootstrap, topic);
        String schema = """
                {"type": "record", "name": "Probe", "namespace": "io.lethe.test",
                 "fields": [
                   {"name": "subjectId", "type": "string"},
                   {"name": "attempt", "type": "int"},
                   {"name": "at", "type": "long"},
                   {"name": "note", "type": ["null", "string"], "default": null}
                 ]}""";
        String key = differentlyPlacedKey("tenant-2|customer-");

        // When librdkafka's Python client produces a record through the registry
        int partition = ForeignClients.produceAvro(bootstrap, registry, topic, key, schema,
                "{\"subjectId\": \"customer-42\", \"attempt\": 3, \"at\": 1700000000123, \"note\": \"grüße\"}");

        // Then kafkajs reads it and the Node registry client decodes it, the key being plain UTF-8
        assertThat(partition).isEqualTo(ForeignClients.librdkafkaPartition(key, PARTITIONS));
        List<String> lines = ForeignClients.consumeWithRegistry(bootstrap, registry, topic, 1, Duration.ofSeconds(60));
        assertThat(lines).containsExactly("{\"key\":\"" + key + "\",\"partition\":" + partition + ",\"offset\":0,"
                + "\"value\":{\"subjectId\":\"customer-42\",\"attempt\":3,\"at\":1700000000123,\"note\":\"grüße\"}}");
    }

    @Test
    void shouldTimeOutWhenFewerRecordsArrive() throws Exception {
        ForeignClients.requireNode();
        String bootstrap = TestStack.kafkaBootstrap();
        String topic = prefix + "empty";
        createTopic(bootstrap, topic);

        assertThatThrownBy(() -> ForeignClients.consumeWithRegistry(bootstrap, TestStack.schemaRegistryUrl(), topic, 1,
                Duration.ofSeconds(5)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("timed out after 5000 ms with 0 of 1 records");
    }

    @Test
    void shouldComputeLibrdkafkasConsistentPartitionFromTheCrc32OfTheKey() {
        // The CRC-32 check values; the kcat test above shows librdkafka places keys by this CRC
        assertThat(ForeignClients.librdkafkaPartition("a", 3)).isEqualTo((int) (0xe8b7be43L % 3));
        assertThat(ForeignClients.librdkafkaPartition("123456789", 12)).isEqualTo((int) (0xcbf43926L % 12));
        assertThatThrownBy(() -> ForeignClients.librdkafkaPartition("", 3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldAgreeWithLibrdkafkaOnEveryKeyKcatProduces() throws Exception {
        // kcat is librdkafka's own command-line client; optional, so only skipped without it
        Assumptions.assumeTrue(Files.isExecutable(KCAT), "kcat not installed: apt-get install kcat");
        String bootstrap = TestStack.kafkaBootstrap();
        String topic = prefix + "kcat";
        createTopic(bootstrap, topic);
        List<String> keys = new ArrayList<>();
        for (int n = 0; n < 60; n++) {
            keys.add("tenant-" + (n % 7) + "|customer-" + n + "-ünïcode".substring(0, n % 9));
        }

        Process kcat = new ProcessBuilder(KCAT.toString(), "-P", "-b", bootstrap, "-t", topic, "-K", "\t")
                .redirectErrorStream(true).start();
        try (var in = kcat.getOutputStream()) {
            for (String key : keys) {
                in.write((key + "\tv\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        assertThat(kcat.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(kcat.exitValue()).as(new String(kcat.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();

        List<ConsumerRecord<String, byte[]>> records = readAll(bootstrap, topic, keys.size());
        assertThat(records).hasSize(keys.size()).allSatisfy(r ->
                assertThat(r.partition()).as(r.key()).isEqualTo(ForeignClients.librdkafkaPartition(r.key(), PARTITIONS)));
        assertThat(records).anySatisfy(r -> assertThat(r.partition()).isNotEqualTo(murmur2(r.key())));
    }

    private static String differentlyPlacedKey(String stem) {
        for (int n = 0; ; n++) {
            String key = stem + n;
            if (ForeignClients.librdkafkaPartition(key, PARTITIONS) != murmur2(key)) {
                return key;
            }
        }
    }

    private static int murmur2(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    private static void createTopic(String bootstrap, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
        }
    }

    private static List<ConsumerRecord<String, byte[]>> readAll(String bootstrap, String topic, int count) {
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", bootstrap,
                "group.id", topic + "-reader", "auto.offset.reset", "earliest", "max.partition.fetch.bytes", 2_000_000),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(Set.of(topic));
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }
}
