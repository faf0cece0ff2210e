package io.lethe.runtime.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.javalin.Javalin;
import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.LocalStackExtension.KafkaEndpoint;
import io.lethe.localstack.TestStack;
import io.lethe.runtime.config.Keys;
import io.lethe.runtime.config.LetheConfig;
import io.lethe.runtime.http.Health;
import io.lethe.runtime.http.Metrics;
import io.lethe.runtime.http.OpsRoutes;
import io.lethe.runtime.kafka.KafkaSettings;
import io.lethe.runtime.kafka.TopicProvisioner;
import io.lethe.schemas.Topic;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class StreamsRunnerTest {

    @Test
    void shouldShutTheClientDownAndTurnNotReadyOnAnUnexpectedException(KafkaEndpoint kafka) throws Exception {
        // Given a running topology whose processor has a bug, behind the ops endpoint
        String id = UUID.randomUUID().toString().substring(0, 8);
        KafkaSettings settings = new KafkaSettings(LetheConfig.of(Map.of(Keys.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                Keys.TOPIC_PREFIX, "r" + id + ".", Keys.TOPIC_PARTITIONS, "1", Keys.TOPIC_REPLICATION_FACTOR, "1",
                Keys.STATE_DIR, TestStack.newDirectory("state").toString())));
        Topic<String, String> input = new Topic<>("r" + id + ".input", Serdes.String(), Serdes.String(), Map.of());
        TopicProvisioner.ensure(settings, List.of(input, settings.topics().dlq()));
        Topology topology = new Topology();
        topology.addSource("in", Serdes.String().deserializer(), Serdes.String().deserializer(), input.name());
        topology.addProcessor("buggy", () -> new Processor<String, String, Void, Void>() {
            @Override
            public void process(Record<String, String> r) {
                throw new IllegalStateException("a bug, not bad input");
            }
        }, "in");
        PrometheusMeterRegistry registry = Metrics.newRegistry("test");
        try (StreamsRunner runner = new StreamsRunner(topology, settings.streams("app-" + id), settings.topics().dlq().name(), registry)) {
            Javalin ops = OpsRoutes.start("127.0.0.1", 0, registry, new Health("test", runner::isAlive, runner::isRunning));
            try {
                runner.start();
                await("running").atMost(Duration.ofSeconds(60)).until(runner::isRunning);
                assertThat(status(ops, "/health/ready")).isEqualTo(200);

                // When a record reaches the bug
                try (var p = new KafkaProducer<>(settings.producer("p"), Serdes.String().serializer(), Serdes.String().serializer())) {
                    p.send(new ProducerRecord<>(input.name(), "k", "v")).get();
                }

                // Then the client stops instead of looping, and both probes say so
                await("client shut down").atMost(Duration.ofSeconds(60)).until(() -> !runner.isAlive()
                        || runner.streams().state() == KafkaStreams.State.NOT_RUNNING);
                assertThat(runner.isRunning()).isFalse();
                assertThat(status(ops, "/health/ready")).isEqualTo(503);
                assertThat(registry.scrape()).contains("lethe_ready{service=\"test\"} 0.0");
            } finally {
                ops.stop();
            }
        }
    }

    private static int status(Javalin app, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
