package io.lethe.runtime.config;

import java.util.Map;

/** Configuration keys shared by every service (docs/architecture.md, Configuration contract). */
public final class Keys {
    public static final String KAFKA_BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
    public static final String JDBC_URL = "jdbc.url";
    public static final String JDBC_USER = "jdbc.user";
    public static final String JDBC_PASSWORD = "jdbc.password";
    public static final String TOPIC_PREFIX = "topic.prefix";
    public static final String TOPIC_PARTITIONS = "topic.partitions";
    public static final String TOPIC_REPLICATION_FACTOR = "topic.replication.factor";
    public static final String TOPIC_CREATE = "topic.create";
    public static final String BLOB_DIR = "blob.dir";
    public static final String SCANNER_INTERVAL = "scanner.interval";
    public static final String STATE_DIR = "state.dir";
    /**
     * The secret the API presents to the retention scanner's {@code GET /v1/preview} (a bearer
     * token, the same value on both services); without it the scanner answers no previews.
     */
    public static final String RETENTION_PREVIEW_TOKEN = "retention.preview.token";
    /** A Confluent-compatible schema registry: when set, every Lethe producer writes the Confluent wire format. */
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String SCHEMA_REGISTRY_BASIC_AUTH = "schema.registry.basic.auth.user.info";
    public static final String SCHEMA_REGISTRY_BEARER_TOKEN = "schema.registry.bearer.token";

    /** The settings every service (and every {@code lethe} command) shares. */
    public static final java.util.List<Setting> SETTINGS = java.util.List.of(
            Setting.of(KAFKA_BOOTSTRAP_SERVERS, "localhost:9092", "Kafka, for every service and command. Any other `LETHE_KAFKA_*` "
                    + "reaches every Kafka client, e.g. `LETHE_KAFKA_SECURITY_PROTOCOL=SASL_SSL`, `LETHE_KAFKA_SASL_JAAS_CONFIG`; tuning "
                    + "such as `LETHE_KAFKA_LINGER_MS` overrides Lethe's default; a value weakening `acks=all`, idempotence, "
                    + "`read_committed`, manual commits or `exactly_once_v2` is refused at start"),
            Setting.of(TOPIC_PREFIX, "lethe.", "topic name prefix; the same for every service"),
            Setting.of(TOPIC_PARTITIONS, "6", "partitions of the topics Lethe creates; bounds the parallelism of each service"),
            Setting.of(TOPIC_REPLICATION_FACTOR, "3", "replication factor of the topics Lethe creates; 1 only on a one-broker cluster"),
            Setting.of(TOPIC_CREATE, "true", "`false` when the topics are created by your platform team"),
            Setting.unset(JDBC_URL, "the customer store (worker erasers; `seed`, `backfill-activity`, `datamap`, `audit recheck`)"),
            Setting.of(JDBC_USER, "postgres", "customer store user"),
            Setting.of(JDBC_PASSWORD, "", "customer store password"),
            Setting.unset(BLOB_DIR, "root of the attachment and recording files, shared with the platform (worker erasers)"),
            Setting.unset(STATE_DIR, "RocksDB state of the worker and the scanner; put it on a persistent volume"),
            Setting.of(SCANNER_INTERVAL, "PT1M", "how often the retention scanner looks for expiries"),
            Setting.unset(RETENTION_PREVIEW_TOKEN, "the secret the API presents to the scanners' `GET /v1/preview`, the same "
                    + "value on both; without it the scanner answers no previews"),
            Setting.unset(SCHEMA_REGISTRY_URL, "a Confluent-compatible schema registry (Confluent, Karapace, Redpanda, Apicurio's "
                    + "`/apis/ccompat/v7`): Lethe then writes the Confluent wire format and registers its schemas; unset: Avro "
                    + "single-object encoding. Either framing is always read"),
            Setting.unset(SCHEMA_REGISTRY_BASIC_AUTH, "`user:password` for the schema registry's HTTP basic authentication"),
            Setting.unset(SCHEMA_REGISTRY_BEARER_TOKEN, "a bearer token for the schema registry (instead of basic authentication); "
                    + "TLS is verified against the JVM's trust store"));

    /** Defaults every service starts from. */
    public static final Map<String, String> DEFAULTS = Setting.defaults(SETTINGS);

    private Keys() {
    }
}
