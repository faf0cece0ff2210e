package io.lethe.api;

import io.lethe.api.problem.ProblemException;
import io.lethe.api.problem.ProblemType;
import io.lethe.runtime.kafka.LetheProducer;
import io.lethe.schemas.Topic;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes with {@code acks=all} and turns "no acknowledgement within {@code api.publish.timeout}"
 * into a 503 problem. Sends run on a small executor because {@code KafkaProducer.send} blocks
 * while it has no metadata for a topic; HTTP threads never wait on Kafka.
 *
 * <p>A 503 does not prove the record was lost: the producer keeps retrying in the background
 * and may still deliver it. Clients retry with the same {@code Idempotency-Key} to stay safe.
 */
public final class Publisher implements AutoCloseable {

    /** One record to publish. */
    public record Rec<V>(String key, V value) {
    }

    private final LetheProducer producer;
    private final Duration timeout;
    private final Timer latency;
    private final ExecutorService sends;

    public Publisher(LetheProducer producer, Duration timeout, Timer latency, ExecutorService sends) {
        this.producer = producer;
        this.timeout = timeout;
        this.latency = latency;
        this.sends = sends;
    }

    public <V> CompletableFuture<Void> publish(Topic<String, V> topic, String key, V value) {
        return publishAll(topic, List.of(new Rec<>(key, value)), () -> { });
    }

    /** As {@link #publish}, and runs {@code onAcked} when the broker acknowledges, even after the timeout answered 503. */
    public <V> CompletableFuture<Void> publish(Topic<String, V> topic, String key, V value, Runnable onAcked) {
        return publishAll(topic, List.of(new Rec<>(key, value)), onAcked);
    }

    public <V> CompletableFuture<Void> publishAll(Topic<String, V> topic, List<Rec<V>> records) {
        return publishAll(topic, records, () -> { });
    }

    /**
     * Sends every record in order and completes when the broker acknowledged all of them;
     * fails with a 503 problem when that does not happen within the timeout (scaled for
     * large batches).
     */
    public <V> CompletableFuture<Void> publishAll(Topic<String, V> topic, List<Rec<V>> records, Runnable onAcked) {
        long started = System.nanoTime();
        long millis = timeout.toMillis() * Math.max(1, records.size() / 1000 + 1);
        CompletableFuture<Void> acked = CompletableFuture.supplyAsync(() -> {
            CompletableFuture<?>[] all = records.stream()
                    .map(r -> producer.send(topic, r.key(), r.value())).toArray(CompletableFuture[]::new);
            return CompletableFuture.allOf(all);
        }, sends).thenCompose(f -> f);
        // a late acknowledgement still counts: the record is in Kafka and the worker will act on it
        // (and the reply waits for onAcked, so a GET right after a 202 finds the request)
        CompletableFuture<Void> recorded = acked.thenRun(onAcked);
        return recorded.copy().orTimeout(millis, TimeUnit.MILLISECONDS)
                .handle((ok, error) -> {
                    if (error == null) {
                        latency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                        return null;
                    }
                    throw new CompletionException(unavailable(error));
                });
    }

    private static ProblemException unavailable(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        String why = cause instanceof TimeoutException ? "no acknowledgement in time" : cause.getClass().getSimpleName();
        return new ProblemException(ProblemType.UNAVAILABLE, "Kafka did not acknowledge the request (" + why
                + "); nothing is known to be accepted, retry with the same Idempotency-Key", List.of(),
                Map.of("retryAfterSeconds", 5));
    }

    @Override
    public void close() {
        sends.shutdown();
        producer.unwrap().close(Duration.ofSeconds(3)); // do not hold shutdown for a dead broker
    }
}
