package io.lethe.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.lethe.events.DeletionRequested;
import io.lethe.runtime.kafka.KafkaSettings;
import io.lethe.runtime.kafka.LetheProducer;
import io.lethe.schemas.Topic;
import io.lethe.schemas.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * {@code ceiling-api}: what the API would cost without Lethe's logic. A bare endpoint in this JVM
 * on the same server library (Javalin on Jetty) that reads the same JSON body, builds the same
 * {@code DeletionRequested}, publishes it with the API's producer settings ({@code acks=all},
 * idempotent, the same linger and blocking limit) and answers 202 with its requestId once the
 * broker acknowledged. No authentication, validation, idempotency keys or status view: the
 * {@code api} rows divided by this one show what those cost, at the same concurrency.
 */
final class ApiCeiling implements AutoCloseable {

    static final String NAME = "ceiling-api";
    static final String PATH = "/v1/deletion-requests";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LetheProducer producer;
    private final Javalin app;

    ApiCeiling(BenchEnvironment env, String tenant) {
        KafkaSettings settings = env.settings(NAME);
        Topic<String, DeletionRequested> topic = settings.topics().deletionRequests();
        env.createTopics(List.of(topic), env.partitions);
        Map<String, Object> props = settings.producer("bench-" + env.runId + "-bare-endpoint");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) Duration.ofSeconds(5).toMillis()); // as api.publish.timeout
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.BULK_MAX_BYTES);
        producer = new LetheProducer(new KafkaProducer<>(props));
        app = Javalin.create(c -> {
            c.showJavalinBanner = false;
            c.startupWatcherEnabled = false;
        }).post(PATH, ctx -> {
            JsonNode body = JSON.readTree(ctx.bodyInputStream());
            DeletionRequested r = BenchEnvironment.profileRequest(tenant, body.path("customerId").asText());
            ctx.future(() -> producer.send(topic, Topics.subjectKey(tenant, r.getCustomerId()), r)
                    .thenAccept(acked -> ctx.status(202).contentType("application/json")
                            .result("{\"requestId\":\"" + r.getRequestId() + "\",\"status\":\"ACCEPTED\"}")));
        }).start("127.0.0.1", 0);
    }

    int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
        producer.close();
    }
}
