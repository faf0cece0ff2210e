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

    /** Defaults every service starts from. */
    public static final Map<String, String> DEFAULTS = Map.of(
            KAFKA_BOOTSTRAP_SERVERS, "localhost:9092",
            TOPIC_PREFIX, "lethe.",
            TOPIC_PARTITIONS, "6",
            TOPIC_REPLICATION_FACTOR, "3",
            TOPIC_CREATE, "true",
            SCANNER_INTERVAL, "PT1M",
            JDBC_USER, "postgres",
            JDBC_PASSWORD, "");

    private Keys() {
    }
}
