package io.lethe.cli.bench;

import io.lethe.runtime.kafka.KafkaSettings;
import io.lethe.schemas.Topic;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Scenario 3, {@code ceiling-streams}: a pass-through Kafka Streams application with the
 * settings of Lethe's own ({@code exactly_once_v2}, 100 ms commits, one stream thread) over
 * pre-produced records of the request size. Records/s counts reads plus writes (2 per input
 * record), the same way the fanout counts the coordinator's work.
 */
final class StreamsCeiling {

    static final String NAME = "ceiling-streams";

    private StreamsCeiling() {
    }

    static ScenarioResult run(BenchEnvironment env) throws InterruptedException {
        int n = env.sizes.streamsRecords();
        ProducerCeiling.Sample sample = ProducerCeiling.Sample.of(env.name("tenant"), 10_000);
        Topic<byte[], byte[]> in = env.rawTopic("ceiling-streams-in", env.partitions);
        Topic<byte[], byte[]> out = env.rawTopic("ceiling-streams-out", env.partitions);
        KafkaSettings settings = env.settings(NAME);
        env.progress.say("%s: pre-producing %,d records", NAME, n);
        try (Producer<byte[], byte[]> producer = new KafkaProducer<>(settings.producer("lethe-bench-streams-input"))) {
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>(in.name(), sample.keys()[i % sample.keys().length], sample.value()));
            }
            producer.flush();
        }
        StreamsBuilder b = new StreamsBuilder();
        b.stream(in.name(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("ceiling-source"))
                .to(out.name(), Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("ceiling-sink"));
        String appId = env.name(NAME);
        Map<String, Object> props = settings.streams(appId);
        props.put(StreamsConfig.STATE_DIR_CONFIG, env.dir.resolve("state").resolve(NAME).toString());
        java.util.Properties p = new java.util.Properties();
        p.putAll(props);
        KafkaStreams streams = new KafkaStreams(b.build(), p);
        try {
            streams.start();
            double seconds = Drain.seconds(env, NAME, () -> streams.state() == KafkaStreams.State.RUNNING, appId, in.name(), n,
                    Duration.ofMinutes(10));
            long written = env.countRecords(java.util.List.of(out.name()));
            long records = n + written;
            Map<String, Number> f = new LinkedHashMap<>();
            f.put("recordsPerSecond", Math.round(records / seconds));
            f.put("read", n);
            f.put("written", written);
            f.put("seconds", ProducerCeiling.round(seconds));
            env.progress.say("%s: %,.0f records/s (%,d read + %,d written in %.2f s)", NAME, records / seconds, n, written, seconds);
            return new ScenarioResult(NAME, "recordsPerSecond", "records/s", f, NAME, "ceiling");
        } finally {
            streams.close(Duration.ofSeconds(30));
        }
    }
}
