package io.lethe.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lethe.events.AuditType;
import io.lethe.events.DeletionRequested;
import io.lethe.events.DeletionStatus;
import io.lethe.events.RequestStatus;
import io.lethe.events.Scope;
import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.LocalStackExtension.DatabaseEndpoint;
import io.lethe.localstack.LocalStackExtension.KafkaEndpoint;
import io.lethe.localstack.LocalStackExtension.RegistryEndpoint;
import io.lethe.localstack.TcpProxy;
import io.lethe.runtime.kafka.SchemaRegistration;
import io.lethe.runtime.kafka.TopicReader;
import io.lethe.runtime.streams.DeadLetters;
import io.lethe.schemas.AvroSerde;
import io.lethe.schemas.Topics;
import io.lethe.store.seed.Seeder;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The worker with a schema registry that goes away: unreachable at start (not ready, then ready by itself), down
 * mid-run (Lethe's own records need it not at all; a record with an id it has not seen waits, its transaction
 * aborted, and is acted on exactly once when the registry is back: nothing lost, nothing dead-lettered).
 * The registry is reached through a {@link TcpProxy}, so an outage keeps the registry's state.
 */
@ExtendWith(LocalStackExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegistryFaultIntegrationTest {

    private static TcpProxy proxy;
    private static WorkerHarness env;
    private static DeletionWorker worker;
    private static String registryViaProxy;

    @BeforeAll
    static void start(KafkaEndpoint kafka, DatabaseEndpoint db, RegistryEndpoint registry) throws Exception {
        URI real = URI.create(registry.url());
        proxy = TcpProxy.to(real.getHost(), real.getPort());
        registryViaProxy = "http://127.0.0.1:" + proxy.port() + real.getPath();
        env = new WorkerHarness(kafka, db, registryViaProxy);
        Seeder.seed(env.store.dataSource(), env.blobs, env.tenant, 4, 17);
    }

    @AfterAll
    static void stop() {
        if (worker != null) {
            worker.close();
        }
        env.close();
        proxy.close();
    }

    @Test
    @Order(1)
    void shouldBeNotReadyWhileTheRegistryIsUnreachableAtStartThenReadyAndWorkingByItself() throws Exception {
        // Given the registry unreachable when the worker starts
        proxy.cut();
        worker = DeletionWorker.start(env.config());

        // Then it is live but not ready, and becomes ready when the registry answers again
        assertThat(status("/health/ready")).isEqualTo(503);
        assertThat(status("/health/live")).isEqualTo(200);
        proxy.restore();
        await("worker ready").atMost(Duration.ofSeconds(90)).until(() -> status("/health/ready") == 200);

        // and it erases
        warmProducer();
        DeletionStatus s = env.awaitTerminal(env.submit(env.request(Scope.PROFILE, Seeder.customerId(1), null)));
        assertThat(s.getStatus()).isEqualTo(RequestStatus.COMPLETED);
        assertThat(s.getVerified()).isTrue();

        // Lethe's own records need no registry once the ids are cached: a deletion completes during an outage
        proxy.cut();
        try {
            DeletionStatus during = env.awaitTerminal(env.submit(env.request(Scope.PROFILE, Seeder.customerId(2), null)));
            assertThat(during.getStatus()).isEqualTo(RequestStatus.COMPLETED);
            assertThat(during.getVerified()).isTrue();
        } finally {
            proxy.restore();
        }
    }

    @Test
    @Order(2)
    void shouldActExactlyOnceOnARecordWithAnUnseenSchemaIdOnceTheRegistryIsBack() throws Exception {
        await("worker ready").atMost(Duration.ofSeconds(90)).until(() -> status("/health/ready") == 200);
        // Given another service's compatible newer DeletionRequested (one more optional field), registered by it
        Schema theirs = extended(DeletionRequested.getClassSchema());
        String topic = env.topics.deletionRequests().name();
        int theirId = env.topics.registry().orElseThrow().client().register(topic + "-value", theirs.toString());
        DeletionRequested request = env.request(Scope.PROFILE, Seeder.customerId(3), null);
        byte[] value = confluent(theirId, theirs, request);

        // When the registry goes down before the worker saw that id, and the record arrives
        proxy.cut();
        try {
            env.producer.unwrap().send(new ProducerRecord<>(topic,
                    Topics.subjectKey(env.tenant, request.getCustomerId()).getBytes(StandardCharsets.UTF_8), value)).get();
            await("not acted on while the registry is down").during(Duration.ofSeconds(12)).atMost(Duration.ofSeconds(30))
                    .until(() -> !env.statuses().containsKey(request.getRequestId()));
        } finally {
            proxy.restore();
        }

        // Then, the registry back, the request is accepted once and completes; nothing went to the dead-letter topic
        DeletionStatus s = env.awaitTerminal(request.getRequestId());
        assertThat(s.getStatus()).isEqualTo(RequestStatus.COMPLETED);
        assertThat(s.getVerified()).isTrue();
        assertThat(TopicReader.readAll(env.settings, env.topics.audit(), Duration.ofSeconds(30)).stream()
                .filter(r -> r.value().getRequestId().equals(request.getRequestId()) && r.value().getType() == AuditType.ACCEPTED))
                .hasSize(1);
        assertThat(TopicReader.readAll(env.settings, env.topics.dlq(), Duration.ofSeconds(30)).stream()
                .filter(r -> topic.equals(header(r.headers(), DeadLetters.HEADER_TOPIC)))).isEmpty();
    }

    /** The test's own producer registers its schemas (ids cached) while the registry is up. */
    private static void warmProducer() {
        SchemaRegistration.start(env.topics, List.of(env.topics.deletionRequests()));
    }

    private static Schema extended(Schema current) {
        String json = current.toString();
        String field = "{\"name\":\"sourceSystem\",\"type\":[\"null\",\"string\"],\"default\":null}";
        int end = json.lastIndexOf(']');
        return new Schema.Parser().parse(json.substring(0, end) + "," + field + json.substring(end));
    }

    private static byte[] confluent(int id, Schema writer, DeletionRequested r) throws Exception {
        byte[] single = AvroSerde.of(DeletionRequested.class).encode(r);
        GenericRecord current = new GenericDatumReader<GenericRecord>(DeletionRequested.getClassSchema(), writer)
                .read(null, DecoderFactory.get().binaryDecoder(single, 10, single.length - 10, null));
        current.put("sourceSystem", "crm");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(new byte[] {(byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id});
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(writer).write(current, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static String header(org.apache.kafka.common.header.Headers headers, String name) {
        var h = headers.lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static int status(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.httpPort() + path))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
