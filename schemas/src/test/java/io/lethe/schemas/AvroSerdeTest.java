package io.lethe.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.events.DeletionCompleted;
import io.lethe.events.DeletionFailed;
import io.lethe.events.DeletionRequested;
import io.lethe.events.Reason;
import io.lethe.events.Regulation;
import io.lethe.events.Scope;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

    private final AvroSerde<DeletionRequested> serde = AvroSerde.of(DeletionRequested.class);

    static DeletionRequested request() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return DeletionRequested.newBuilder().setRequestId("r-1").setTenant("acme").setCustomerId("c-1")
                .setScope(Scope.PROFILE).setReason(Reason.CUSTOMER_REQUEST).setRegulation(Regulation.GDPR)
                .setActor("alice").setRequestedAt(now).setDueAt(now.plus(30, ChronoUnit.DAYS)).build();
    }

    @Test
    void shouldWriteAvroSingleObjectEncoding() {
        byte[] bytes = serde.encode(request());

        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(fingerprint).isEqualTo(SchemaNormalization.parsingFingerprint64(DeletionRequested.getClassSchema()));
        DeletionRequested original = request();
        assertThat(serde.decode(serde.encode(original))).isEqualTo(original);
    }

    @Test
    void shouldDecodeARecordWrittenByAnOlderReleasedSchema() throws Exception {
        // Given a record written with a writer schema that lacks the newer optional fields
        Schema v1 = ReleasedSchemas.instance().versions("DeletionRequested").get(0);
        Schema older = Schema.createRecord(v1.getName(), v1.getDoc(), v1.getNamespace(), false,
                v1.getFields().stream().filter(f -> !f.name().equals("requestHash"))
                        .map(f -> new Schema.Field(f, f.schema())).toList());
        ReleasedSchemas.instance().register(older);
        GenericRecord rec = new GenericData.Record(older);
        for (Schema.Field f : older.getFields()) {
            Object v = switch (f.name()) {
                case "scope" -> new GenericData.EnumSymbol(f.schema(), "CONTACT");
                case "reason" -> new GenericData.EnumSymbol(f.schema(), "PII_SENT_BY_MISTAKE");
                case "regulation" -> new GenericData.EnumSymbol(f.schema(), "CCPA");
                case "requestedAt", "dueAt" -> 1_700_000_000_000L;
                case "itemId" -> "m-9";
                case "bulkId" -> null;
                case "redrive" -> false;
                default -> f.name() + "-v";
            };
            rec.put(f.name(), v);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0xC3, 0x01});
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(SchemaNormalization.parsingFingerprint64(older)).array());
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(older).write(rec, enc);
        enc.flush();

        // When the current serde decodes it
        DeletionRequested decoded = serde.decode(out.toByteArray());

        // Then the fields it had are kept and the new ones take their defaults
        assertThat(decoded.getScope()).isEqualTo(Scope.CONTACT);
        assertThat(decoded.getItemId()).isEqualTo("m-9");
        assertThat(decoded.getRequestHash()).isNull();
    }

    @Test
    void shouldRejectUnknownFingerprintsAndGarbageWithAClearError() {
        byte[] bytes = serde.encode(request());
        bytes[5] ^= 0x5A;
        assertThatThrownBy(() -> serde.decode(bytes)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("unknown schema fingerprint");
        assertThatThrownBy(() -> serde.decode(new byte[] {1, 2, 3})).isInstanceOf(SerializationException.class)
                .hasMessageContaining("neither Avro single-object encoding nor the Confluent framing");
        byte[] truncated = java.util.Arrays.copyOf(serde.encode(request()), 14);
        assertThatThrownBy(() -> serde.decode(truncated)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("cannot decode");
    }

    @Test
    void shouldCarrySeveralRecordTypesOnOneTopic() {
        Topics topics = new Topics("x.");
        var eventSerde = topics.deletionEvents().valueSerde();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        DeletionFailed failed = DeletionFailed.newBuilder().setRequestId("r").setTenant("t").setCustomerId("c")
                .setScope(Scope.PROFILE).setReason(Reason.OTHER).setFailedDataTypes(List.of("attachments"))
                .setErrorCodes(List.of("DB_UNAVAILABLE")).setRequestedAt(now).setFailedAt(now).build();

        SpecificRecord back = eventSerde.deserializer().deserialize("t", eventSerde.serializer().serialize("t", failed));

        assertThat(back).isInstanceOf(DeletionFailed.class).isEqualTo(failed);
        assertThatThrownBy(() -> eventSerde.deserializer().deserialize("t", serde.encode(request())))
                .isInstanceOf(SerializationException.class).hasMessageContaining("not expected here");
        assertThat(DeletionCompleted.getClassSchema().getField("verified")).isNotNull();
    }

    @Test
    void shouldNameTopicsWithTheConfiguredPrefix() {
        Topics topics = new Topics("acme.");
        assertThat(topics.deletionRequests().name()).isEqualTo("acme.deletion.requests");
        assertThat(topics.erasureTasks("integration-data").name()).isEqualTo("acme.erasure.tasks.integration-data");
        assertThat(topics.audit().config()).containsEntry("retention.ms", "-1");
        assertThat(topics.deletionStatus().config()).containsEntry("cleanup.policy", "compact");
        assertThatThrownBy(() -> topics.erasureTasks("../x")).isInstanceOf(IllegalArgumentException.class);
    }
}
