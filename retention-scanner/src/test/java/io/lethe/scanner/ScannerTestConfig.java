package io.lethe.scanner;

import io.lethe.runtime.config.Keys;
import io.lethe.runtime.config.LetheConfig;
import io.lethe.schemas.Topics;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** A retention scanner on the shared test broker: its own topics, application id and state directory, 1 s ticks. */
final class ScannerTestConfig {

    private ScannerTestConfig() {
    }

    static LetheConfig of(String bootstrap, Topics topics, String applicationId, int partitions, Path stateDir,
                          Map<String, String> overrides) {
        Map<String, String> c = new HashMap<>(RetentionScanner.DEFAULTS);
        c.put(Keys.KAFKA_BOOTSTRAP_SERVERS, bootstrap);
        c.put(Keys.TOPIC_PREFIX, topics.prefix());
        c.put(Keys.TOPIC_PARTITIONS, Integer.toString(partitions));
        c.put(Keys.TOPIC_REPLICATION_FACTOR, "1");
        c.put(Keys.SCANNER_INTERVAL, "PT1S");
        c.put(Keys.STATE_DIR, stateDir.toString());
        c.put(RetentionScanner.HTTP_PORT, "0");
        c.put(RetentionScanner.APPLICATION_ID, applicationId);
        c.putAll(overrides);
        return LetheConfig.of(c);
    }
}
