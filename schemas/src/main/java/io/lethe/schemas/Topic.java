package io.lethe.schemas;

import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/**
 * A topic with its key and value serdes: every producer, consumer and topology takes both
 * from here, so a topic's wire format is decided in exactly one place.
 *
 * @param name        full topic name, prefix included
 * @param keySerde    serde of the record key
 * @param valueSerde  serde of the record value
 * @param config      topic-level configs to create it with (retention, compaction)
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, Map<String, String> config) {

    public Topic {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(keySerde, "keySerde");
        Objects.requireNonNull(valueSerde, "valueSerde");
        config = Map.copyOf(config);
    }

    @Override
    public String toString() {
        return name;
    }
}
