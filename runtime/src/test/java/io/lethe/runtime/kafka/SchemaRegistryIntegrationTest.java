package io.lethe.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.lethe.events.DeletionCompleted;
import io.lethe.events.DeletionRequested;
import io.lethe.events.Reason;
import io.lethe.events.Regulation;
import io.lethe.events.Scope;
import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.LocalStackExtension.KafkaEndpoint;
import io.lethe.localstack.LocalStackExtension.RegistryEndpoint;
import io.lethe.localstack.TcpProxy;
import io.lethe.runtime.config.ConfigException;
import io.lethe.runtime.config.Keys;
import io.lethe.runtime.config.LetheConfig;
import io.lethe.schemas.AvroSerde;
import io.lethe.schemas.ReleasedSchemas;
import io.lethe.schemas.Topic;
import io.lethe.schemas.Topics;
import io.lethe.schemas.UndecodableRecordException;
import io.lethe.schemas.registry.RegistryClient;
import io.lethe.schemas.registry.RegistryUnavailableException;
import io.lethe.schemas.registry.SchemaRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Confluent wire format on a real schema registry (Apicurio Registry 3.3.3, its Confluent-compatible API) and a
 * real broker: registration of every released version, both framings read, a consumer holding only an older
 * release, another vendor's serde in both directions, and the faults.
 */
@ExtendWith(LocalStackExtension.class)
class SchemaRegistryIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final String id = UUID.randomUUID().toString().substring(0, 8);
    private final String prefix = "sr" + id + ".";
    private String bootstrap;
    private String registryUrl;

    @BeforeEach
    void endpoints(KafkaEndpoint kafka, RegistryEndpoint registry) {
        bootstrap = kafka.bootstrapServers();
        registryUrl = registry.url();
    }

    private KafkaSettings settings(String url) {
        Map<String, String> c = new HashMap<>(Keys.DEFAULTS);
        c.put(Keys.KAFKA_BOOTSTRAP_SERVERS, bootstrap);
        c.put(Keys.TOPIC_PREFIX, prefix);
        c.put(Keys.TOPIC_PARTITIONS, "2");
        c.put(Keys.TOPIC_REPLICATION_FACTOR, "1");
        c.put(Keys.SCHEMA_REGISTRY_URL, url);
        return new KafkaSettings(LetheConfig.of(c));
    }

    @Test
    void shouldRegisterEveryReleasedVersionBackwardTransitiveAndWriteTheConfluentFraming() throws Exception {
        // Given a service's topics with a registry configured
        Topics topics = settings(registryUrl).topics();
        RegistryClient client = topics.registry().orElseThrow().client();

        // When it starts
        SchemaRegistration registration = SchemaRegistration.start(topics, topics.all(List.of("conversations")));

        // Then every subject is BACKWARD_TRANSITIVE with every released version, and records carry the registry's id
        assertThat(registration.isDone()).isTrue();
        String status = prefix + "deletion.status-value";
        assertThat(client.compatibility(status)).isEqualTo("BACKWARD_TRANSITIVE");
        assertThat(versions(status)).hasSize(ReleasedSchemas.instance().versions("DeletionStatus").size());
        String completedSubject = prefix + "deletion.events-io.lethe.events.DeletionCompleted";
        assertThat(versions(completedSubject)).hasSize(ReleasedSchemas.instance().versions("DeletionCompleted").size());
        assertThat(versions(prefix + "erasure.tasks.conversations-value")).hasSize(1);

        Topic<String, org.apache.avro.specific.SpecificRecord> events = topics.deletionEvents();
        DeletionCompleted completed = completed(Reason.CUSTOMER_REQUEST);
        byte[] bytes = events.valueSerde().serializer().serialize(events.name(), completed);
        assertThat(bytes[0]).isZero();
        int schemaId = ByteBuffer.wrap(bytes, 1, 4).getInt();
        assertThat(new Schema.Parser().parse(client.schemaById(schemaId))).isEqualTo(DeletionCompleted.getClassSchema());
        assertThat(events.valueSerde().deserializer().deserialize(events.name(), bytes)).isEqualTo(completed);
        // and a record written before the registry (single-object encoding) still reads
        byte[] single = AvroSerde.of(DeletionCompleted.class).encode(completed);
        assertThat(events.valueSerde().deserializer().deserialize(events.name(), single)).isEqualTo(completed);
    }

    @Test
    void shouldLetAConsumerHoldingOnlyThePreviousReleaseDecodeCurrentEvents() throws Exception {
        // Given a current event with a symbol the first release did not have, written through the registry
        KafkaSettings settings = settings(registryUrl);
        Topics topics = settings.topics();
        TopicProvisioner.ensure(settings, List.of(topics.deletionEvents()));
        SchemaRegistration.start(topics, List.of(topics.deletionEvents()));
        DeletionCompleted completed = completed(Reason.RESURRECTED);
        try (LetheProducer producer = new LetheProducer(settings, "sr-" + id)) {
            producer.send(topics.deletionEvents(), "acme/c-1", completed).get();
        }

        // When a consumer written for DeletionCompleted v1 reads it: writer schema by id, its own v1 as reader
        Schema v1 = ReleasedSchemas.instance().versions("DeletionCompleted").get(0);
        byte[] value = readOne(topics.deletionEvents().name());
        int schemaId = ByteBuffer.wrap(value, 1, 4).getInt();
        Schema writer = new Schema.Parser().parse(JSON.readTree(get("/schemas/ids/" + schemaId)).get("schema").asText());
        GenericRecord read = new GenericDatumReader<GenericRecord>(writer, v1)
                .read(null, DecoderFactory.get().binaryDecoder(value, 5, value.length - 5, null));

        // Then it decodes, and the unknown symbol becomes v1's default
        assertThat(read.get("requestId").toString()).isEqualTo(completed.getRequestId());
        assertThat(read.get("verified")).isEqualTo(true);
        assertThat(read.get("reason").toString()).isEqualTo(v1.getField("reason").schema().getEnumDefault());
    }

    @Test
    void shouldInteroperateWithApicuriosSerdeInConfluentModeBothWays() throws Exception {
        KafkaSettings settings = settings(registryUrl);
        Topics topics = settings.topics();
        TopicProvisioner.ensure(settings, List.of(topics.deletionEvents(), topics.deletionRequests()));
        SchemaRegistration.start(topics, List.of(topics.deletionEvents(), topics.deletionRequests()));
        Map<String, Object> apicurio = Map.of(
                SerdeConfig.REGISTRY_URL, registryUrl.replace("/apis/ccompat/v7", "/apis/registry/v2"),
                SerdeConfig.ENABLE_CONFLUENT_ID_HANDLER, true,
                SerdeConfig.USE_ID, "contentId",
                SerdeConfig.ENABLE_HEADERS, false,
                SerdeConfig.AUTO_REGISTER_ARTIFACT, true);

        // Lethe writes, Apicurio's deserializer reads
        DeletionCompleted completed = completed(Reason.CUSTOMER_REQUEST);
        try (LetheProducer producer = new LetheProducer(settings, "sr-" + id)) {
            producer.send(topics.deletionEvents(), "acme/c-1", completed).get();
        }
        try (AvroKafkaDeserializer<GenericRecord> deserializer = new AvroKafkaDeserializer<>()) {
            deserializer.configure(apicurio, false);
            GenericRecord read = deserializer.deserialize(topics.deletionEvents().name(), readOne(topics.deletionEvents().name()));
            assertThat(read.getSchema().getFullName()).isEqualTo("io.lethe.events.DeletionCompleted");
            assertThat(read.get("requestId").toString()).isEqualTo(completed.getRequestId());
            assertThat(read.get("rowsDeleted")).isEqualTo(7L);
        }

        // Apicurio's serializer writes a deletion request, Lethe reads it
        DeletionRequested request = request();
        GenericRecord generic = toGeneric(request);
        Map<String, Object> producerProps = new HashMap<>(settings.producer("apicurio-" + id));
        producerProps.putAll(apicurio);
        producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroKafkaSerializer.class);
        try (KafkaProducer<String, GenericRecord> producer = new KafkaProducer<>(producerProps)) {
            producer.send(new ProducerRecord<>(topics.deletionRequests().name(), "acme/c-2", generic)).get();
        }
        byte[] written = readOne(topics.deletionRequests().name());
        assertThat(written[0]).as("Confluent framing").isZero();
        assertThat(topics.deletionRequests().valueSerde().deserializer().deserialize(topics.deletionRequests().name(), written))
                .isEqualTo(request);
    }

    @Test
    void shouldRefuseAtStartASchemaTheRegistryFindsIncompatibleNamingTheSubject() throws Exception {
        // Given a subject that already holds a DeletionRequested Lethe's cannot read
        Topics topics = settings(registryUrl).topics();
        String subject = prefix + "deletion.requests-value";
        topics.registry().orElseThrow().client().register(subject, "{\"type\":\"record\",\"name\":\"DeletionRequested\","
                + "\"namespace\":\"io.lethe.events\",\"fields\":[{\"name\":\"requestId\",\"type\":\"int\"}]}");

        // When the service starts, then it stops with the subject and the registry's message
        assertThatThrownBy(() -> SchemaRegistration.start(topics, List.of(topics.deletionRequests())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema registry refused DeletionRequested v1 under subject " + subject)
                .hasMessageContaining("ncompatible");
    }

    @Test
    void shouldStayNotReadyWhileTheRegistryIsUnreachableAndRecoverByItself() throws Exception {
        URI registry = URI.create(registryUrl);
        try (TcpProxy proxy = TcpProxy.to(registry.getHost(), registry.getPort())) {
            proxy.cut();
            Topics topics = settings("http://127.0.0.1:" + proxy.port() + registry.getPath()).topics();

            SchemaRegistration registration = SchemaRegistration.start(topics, List.of(topics.deletionRequests()));
            assertThat(registration.isDone()).isFalse();

            proxy.restore();
            await("registered after the registry came back").atMost(Duration.ofSeconds(60)).until(registration::isDone);
            registration.close();
        }
    }

    @Test
    void shouldDeadLetterAWriterSchemaOfAnotherTypeOrOneItsReaderCannotResolve() {
        RegistryClient client = new RegistryClient(registryUrl, null, null, Duration.ofSeconds(5));
        AvroSerde<DeletionRequested> serde = AvroSerde.of(DeletionRequested.class, new SchemaRegistry(client));
        String subject = "foreign-" + UUID.randomUUID().toString().substring(0, 8) + "-value";
        // another team's record on Lethe's topic
        int other = client.register(subject, "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"com.example\","
                + "\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}");
        // a DeletionRequested written by a schema Lethe never released: requestId an int, nothing else
        int incompatible = client.register(subject + "-2", "{\"type\":\"record\",\"name\":\"DeletionRequested\","
                + "\"namespace\":\"io.lethe.events\",\"fields\":[{\"name\":\"requestId\",\"type\":\"int\"}]}");

        assertThatThrownBy(() -> serde.decode(confluent(other, new byte[] {2, 'x'})))
                .isInstanceOfSatisfying(UndecodableRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo(UndecodableRecordException.Reason.UNEXPECTED_RECORD_TYPE));
        assertThatThrownBy(() -> serde.decode(confluent(incompatible, new byte[] {2})))
                .isInstanceOfSatisfying(UndecodableRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo(UndecodableRecordException.Reason.INCOMPATIBLE_SCHEMA));
    }

    private static byte[] confluent(int id, byte[] body) {
        return ByteBuffer.allocate(5 + body.length).put((byte) 0).putInt(id).put(body).array();
    }

    @Test
    void shouldTellAnUnknownIdAndAnUnreachableRegistryApart() throws Exception {
        URI registry = URI.create(registryUrl);
        try (TcpProxy proxy = TcpProxy.to(registry.getHost(), registry.getPort())) {
            SchemaRegistry viaProxy = new SchemaRegistry(new RegistryClient("http://127.0.0.1:" + proxy.port() + registry.getPath(),
                    null, null, Duration.ofSeconds(1)));
            AvroSerde<DeletionRequested> serde = AvroSerde.of(DeletionRequested.class, viaProxy);
            byte[] unknownId = {0, 0x7f, (byte) 0xff, (byte) 0xff, 0x01, 2, 'x'};

            // an id the registry does not know is the record's fault: a dead letter with its reason
            assertThatThrownBy(() -> serde.decode(unknownId)).isInstanceOfSatisfying(UndecodableRecordException.class,
                    e -> assertThat(e.reason()).isEqualTo(UndecodableRecordException.Reason.UNKNOWN_SCHEMA_ID));
            // an unreachable registry is not: the reader must read it again later
            proxy.cut();
            assertThatThrownBy(() -> serde.decode(unknownId)).isInstanceOf(RegistryUnavailableException.class);
            // and no registry at all, for Confluent-framed bytes, is a reason of its own
            assertThatThrownBy(() -> AvroSerde.of(DeletionRequested.class).decode(unknownId))
                    .isInstanceOfSatisfying(UndecodableRecordException.class,
                            e -> assertThat(e.reason()).isEqualTo(UndecodableRecordException.Reason.NO_SCHEMA_REGISTRY));
        }
    }

    private DeletionCompleted completed(Reason reason) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return DeletionCompleted.newBuilder().setRequestId(UUID.randomUUID().toString()).setTenant("acme").setCustomerId("c-1")
                .setScope(Scope.PROFILE).setReason(reason).setDataTypes(List.of("conversations", "customer-details"))
                .setRowsScrubbed(3).setRowsDeleted(7).setBlobsDeleted(1).setVerified(true).setRequestedAt(now)
                .setCompletedAt(now).build();
    }

    private static DeletionRequested request() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return DeletionRequested.newBuilder().setRequestId(UUID.randomUUID().toString()).setTenant("acme").setCustomerId("c-2")
                .setScope(Scope.PROFILE).setReason(Reason.CUSTOMER_REQUEST).setRegulation(Regulation.GDPR).setActor("crm")
                .setRequestedAt(now).setDueAt(now.plus(30, ChronoUnit.DAYS)).build();
    }

    /** The same record as a generic one, as a service without Lethe's classes would build it. */
    private static GenericRecord toGeneric(DeletionRequested r) throws Exception {
        byte[] body = AvroSerde.of(DeletionRequested.class).encode(r);
        Schema schema = DeletionRequested.getClassSchema();
        return new GenericDatumReader<GenericRecord>(schema, schema)
                .read(null, DecoderFactory.get().binaryDecoder(body, 10, body.length - 10, null));
    }

    private byte[] readOne(String topic) {
        Map<String, Object> props = new HashMap<>(settings(registryUrl).consumer(null, "sr-read-" + id));
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            var partitions = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList();
            c.assign(partitions);
            c.seekToBeginning(partitions);
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    return r.value();
                }
            }
        }
        throw new AssertionError("nothing on " + topic);
    }

    private List<Integer> versions(String subject) throws Exception {
        return JSON.readerForListOf(Integer.class).readValue(get("/subjects/" + subject + "/versions"));
    }

    private String get(String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(registryUrl + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
        return r.body();
    }
}
