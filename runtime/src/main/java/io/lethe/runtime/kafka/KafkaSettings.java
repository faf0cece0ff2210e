package io.lethe.runtime.kafka;

import io.lethe.runtime.config.Keys;
import io.lethe.runtime.config.LetheConfig;
import io.lethe.schemas.Topics;
import io.lethe.schemas.registry.RegistryClient;
import io.lethe.schemas.registry.SchemaRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Kafka client settings derived from configuration. Every {@code kafka.*} key is passed to
 * every client with the prefix removed, which is how SASL/SSL settings reach all of them
 * ({@code LETHE_KAFKA_SECURITY_PROTOCOL=SASL_SSL}, {@code LETHE_KAFKA_SASL_JAAS_CONFIG=…}).
 * On top come the guarantees Lethe relies on: {@code acks=all} and idempotence for
 * producers, {@code read_committed} consumers, {@code exactly_once_v2} Streams.
 */
public final class KafkaSettings {

    private final LetheConfig config;
    private final Topics topics;
    /** How long one call to an unreachable schema registry is retried before it fails. */
    static final Duration REGISTRY_RETRY = Duration.ofSeconds(10);

    /**
     * Settings Lethe's guarantees rest on. A {@code kafka.*} key may repeat them but not change
     * them: {@code kafka.acks=1} is refused at start-up rather than silently ignored.
     */
    static final Map<String, Set<String>> GUARANTEED = Map.of(
            ProducerConfig.ACKS_CONFIG, Set.of("all", "-1"),
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, Set.of("true"),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, Set.of("read_committed"),
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, Set.of("false"),
            StreamsConfig.PROCESSING_GUARANTEE_CONFIG, Set.of(StreamsConfig.EXACTLY_ONCE_V2));

    /** Streams' per-client prefixes ({@code producer.acks}, {@code main.consumer.isolation.level}) reach the same settings. */
    private static final List<String> CLIENT_PREFIXES = List.of("main.consumer.", "restore.consumer.", "global.consumer.",
            "consumer.", "producer.", "admin.");

    static String unprefixed(String key) {
        for (String p : CLIENT_PREFIXES) {
            if (key.startsWith(p)) {
                return key.substring(p.length());
            }
        }
        return key;
    }

    public KafkaSettings(LetheConfig config) {
        this.config = config;
        this.topics = new Topics(config.string(Keys.TOPIC_PREFIX, Topics.DEFAULT_PREFIX), registry(config));
        config.withPrefix("kafka").forEach((key, value) -> {
            Set<String> allowed = GUARANTEED.get(unprefixed(key));
            if (allowed != null && !allowed.contains(value.trim().toLowerCase(Locale.ROOT))) {
                throw LetheConfig.invalid("kafka." + key, value, "only " + String.join(" or ", new TreeSet<>(allowed))
                        + ": Lethe's delivery guarantees depend on it");
            }
        });
    }

    private static SchemaRegistry registry(LetheConfig config) {
        var url = config.optString(Keys.SCHEMA_REGISTRY_URL);
        if (url.isEmpty()) {
            return null;
        }
        try {
            return new SchemaRegistry(new RegistryClient(url.get(), config.optString(Keys.SCHEMA_REGISTRY_BASIC_AUTH).orElse(null),
                    config.optString(Keys.SCHEMA_REGISTRY_BEARER_TOKEN).orElse(null), REGISTRY_RETRY));
        } catch (IllegalArgumentException e) {
            throw LetheConfig.invalid(Keys.SCHEMA_REGISTRY_URL, url.get(), e.getMessage());
        }
    }

    public LetheConfig config() {
        return config;
    }

    public Topics topics() {
        return topics;
    }

    public String bootstrapServers() {
        return config.string(Keys.KAFKA_BOOTSTRAP_SERVERS);
    }

    public int partitions() {
        return config.positiveInt(Keys.TOPIC_PARTITIONS);
    }

    public short replicationFactor() {
        return (short) config.positiveInt(Keys.TOPIC_REPLICATION_FACTOR);
    }

    /** Settings common to every client: bootstrap servers and security pass-through. */
    public Map<String, Object> common() {
        Map<String, Object> props = new HashMap<>(config.withPrefix("kafka"));
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return props;
    }

    public Map<String, Object> admin(String clientId) {
        Map<String, Object> props = common();
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        return props;
    }

    /** A producer's settings; {@code linger.ms} defaults to 5 and may be tuned with {@code kafka.linger.ms}. */
    public Map<String, Object> producer(String clientId) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.putAll(common());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return props;
    }

    public Map<String, Object> consumer(String groupId, String clientId) {
        Map<String, Object> props = common();
        if (groupId != null) {
            props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return props;
    }

    public Map<String, Object> streams(String applicationId) {
        Map<String, Object> props = new HashMap<>();
        // defaults a kafka.* key may change
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
        props.putAll(common());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) replicationFactor());
        config.optString(Keys.STATE_DIR).ifPresent(dir -> props.put(StreamsConfig.STATE_DIR_CONFIG, dir));
        return props;
    }
}
