package io.lethe.schemas;

import io.lethe.schemas.UndecodableRecordException.Reason;
import io.lethe.schemas.registry.RegistryException;
import io.lethe.schemas.registry.SchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for generated Avro classes, in one of two framings (docs/architecture.md, Wire format):
 *
 * <ul>
 *   <li>Avro single-object encoding ({@code C3 01} + 8-byte little-endian schema fingerprint + binary body),
 *       when no schema registry is configured;</li>
 *   <li>the Confluent wire format (magic byte {@code 0} + 4-byte big-endian schema id + binary body), when one
 *       is: the schema is registered under the subject {@code <topic>-value} (TopicNameStrategy), or
 *       {@code <topic>-<record full name>} on a topic that carries several record types, and its id cached.</li>
 * </ul>
 *
 * <p>Decoding accepts both framings whatever this serde writes (the audit topic is kept forever and holds
 * single-object records): a fingerprint is resolved from {@link ReleasedSchemas}, an id through the registry
 * (once per id), and the writer's schema is then resolved to the current class. One serde may accept several
 * record types ({@code deletion.events} carries {@code DeletionCompleted} and {@code DeletionFailed}): the
 * writer schema's full name picks the class. Undecodable bytes fail with an {@link UndecodableRecordException}
 * naming the reason; an unreachable registry fails with
 * {@link io.lethe.schemas.registry.RegistryUnavailableException}, which is not the record's fault.
 *
 * <p>The Confluent framing is written here rather than with Confluent's serializer, which is not on Maven
 * Central; it is interoperable with it and with Apicurio's serde in Confluent mode (tested).
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

    private static final byte V1_HEADER_0 = (byte) 0xC3;
    private static final byte V1_HEADER_1 = (byte) 0x01;
    private static final byte CONFLUENT_MAGIC = 0;

    private final Class<T> baseType;
    private final SchemaRegistry registry;
    private final Map<String, Codec<? extends T>> codecsByName = new LinkedHashMap<>();

    private record Codec<R extends SpecificRecord>(Schema schema, SpecificData model, BinaryMessageEncoder<R> encoder,
                                                   BinaryMessageDecoder<R> decoder) {
    }

    private AvroSerde(Class<T> baseType, List<Class<? extends T>> types, SchemaRegistry registry) {
        this.baseType = baseType;
        this.registry = registry;
        for (Class<? extends T> type : types) {
            addCodec(type);
        }
    }

    /** A single-object-encoding serde for exactly one generated record class (state stores, tests). */
    public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
        return new AvroSerde<>(type, List.of(type), null);
    }

    /** A serde for one record class that writes the Confluent framing through {@code registry} when it is not null. */
    public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type, SchemaRegistry registry) {
        return new AvroSerde<>(type, List.of(type), registry);
    }

    /** A serde for a topic that carries several record types sharing a common supertype. */
    @SafeVarargs
    public static <T extends SpecificRecord> AvroSerde<T> oneOf(Class<T> baseType, Class<? extends T>... types) {
        return new AvroSerde<>(baseType, List.of(types), null);
    }

    /** As {@link #oneOf(Class, Class[])}, writing the Confluent framing through {@code registry} when it is not null. */
    @SafeVarargs
    public static <T extends SpecificRecord> AvroSerde<T> oneOf(SchemaRegistry registry, Class<T> baseType,
                                                                Class<? extends T>... types) {
        return new AvroSerde<>(baseType, List.of(types), registry);
    }

    private <R extends T> void addCodec(Class<R> type) {
        Schema schema = SpecificData.get().getSchema(type);
        ReleasedSchemas.instance().register(schema);
        SpecificData model = SpecificData.getForClass(type);
        codecsByName.put(schema.getFullName(), new Codec<>(schema, model,
                new BinaryMessageEncoder<>(model, schema),
                new BinaryMessageDecoder<>(model, schema, ReleasedSchemas.instance())));
    }

    /** Whether this serde writes the Confluent framing. */
    public boolean usesRegistry() {
        return registry != null;
    }

    /** The registry subject a record of {@code schema} written to {@code topic} is registered under. */
    public String subject(String topic, Schema schema) {
        return codecsByName.size() == 1 ? topic + "-value" : topic + "-" + schema.getFullName();
    }

    /** A subject of this serde on one topic, with the schema's released versions and its current schema. */
    public record Registration(String subject, String schemaName, List<Schema> released, Schema current) {
    }

    /** What {@link SchemaRegistry#ensure} registers for this serde on {@code topic}. */
    public List<Registration> registrations(String topic) {
        List<Registration> all = new ArrayList<>();
        for (Codec<? extends T> c : codecsByName.values()) {
            all.add(new Registration(subject(topic, c.schema()), c.schema().getName(),
                    ReleasedSchemas.instance().versions(c.schema().getName()), c.schema()));
        }
        return all;
    }

    /** Encodes in single-object encoding (whatever this serde writes to a topic). */
    public byte[] encode(T value) {
        return encodeWith(codec(value), value);
    }

    /** Encodes as written to {@code topic}: the Confluent framing with a registry, else single-object encoding. */
    public byte[] encode(String topic, T value) {
        Codec<? extends T> codec = codec(value);
        if (registry == null) {
            return encodeWith(codec, value);
        }
        int id = registry.idFor(subject(topic, codec.schema()), codec.schema());
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        out.write(CONFLUENT_MAGIC);
        out.write(id >>> 24);
        out.write(id >>> 16);
        out.write(id >>> 8);
        out.write(id);
        writeBody(codec, value, out);
        return out.toByteArray();
    }

    private Codec<? extends T> codec(T value) {
        Codec<? extends T> codec = codecsByName.get(value.getSchema().getFullName());
        if (codec == null) {
            throw new SerializationException("no codec for " + value.getSchema().getFullName() + " in serde of " + baseType.getSimpleName());
        }
        return codec;
    }

    @SuppressWarnings("unchecked")
    private static <R extends SpecificRecord> void writeBody(Codec<R> codec, Object value, ByteArrayOutputStream out) {
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            new SpecificDatumWriter<R>(codec.schema(), codec.model()).write((R) value, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot encode " + codec.schema().getName() + ": " + e.getClass().getSimpleName(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <R extends SpecificRecord> byte[] encodeWith(Codec<R> codec, Object value) {
        try {
            ByteBuffer buffer = codec.encoder().encode((R) value);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (Exception e) {
            throw new SerializationException("cannot encode " + ((SpecificRecord) value).getSchema().getName() + ": "
                    + e.getClass().getSimpleName(), e);
        }
    }

    /** Decodes either framing. */
    public T decode(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        if (bytes.length >= 5 && bytes[0] == CONFLUENT_MAGIC) {
            return decodeConfluent(bytes);
        }
        if (bytes.length < 10 || bytes[0] != V1_HEADER_0 || bytes[1] != V1_HEADER_1) {
            throw new UndecodableRecordException(Reason.NOT_AVRO,
                    "neither Avro single-object encoding nor the Confluent framing (" + bytes.length + " bytes)");
        }
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        Schema writer = ReleasedSchemas.instance().findByFingerprint(fingerprint);
        if (writer == null) {
            throw new UndecodableRecordException(Reason.UNKNOWN_SCHEMA_FINGERPRINT, "unknown schema fingerprint " + Long.toHexString(fingerprint));
        }
        Codec<? extends T> codec = expected(writer);
        try {
            return codec.decoder().decode(bytes);
        } catch (Exception e) {
            throw new UndecodableRecordException(Reason.CORRUPT_BODY, "cannot decode " + writer.getName() + ": " + e.getClass().getSimpleName());
        }
    }

    private Codec<? extends T> expected(Schema writer) {
        Codec<? extends T> codec = codecsByName.get(writer.getFullName());
        if (codec == null) {
            throw new UndecodableRecordException(Reason.UNEXPECTED_RECORD_TYPE,
                    "record of type " + writer.getFullName() + " is not expected here (" + baseType.getSimpleName() + ")");
        }
        return codec;
    }

    private T decodeConfluent(byte[] bytes) {
        int id = ByteBuffer.wrap(bytes, 1, 4).order(ByteOrder.BIG_ENDIAN).getInt();
        if (registry == null) {
            throw new UndecodableRecordException(Reason.NO_SCHEMA_REGISTRY,
                    "Confluent framing (schema id " + id + ") but no schema registry is configured (LETHE_SCHEMA_REGISTRY_URL)");
        }
        Schema writer;
        try {
            writer = registry.schemaById(id);
        } catch (RegistryException e) {
            if (e.status() == 404) {
                throw new UndecodableRecordException(Reason.UNKNOWN_SCHEMA_ID, "schema id " + id + " is unknown to the schema registry");
            }
            throw e;
        }
        Codec<? extends T> codec = expected(writer);
        if (SchemaCompatibility.checkReaderWriterCompatibility(codec.schema(), writer).getType()
                != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw new UndecodableRecordException(Reason.INCOMPATIBLE_SCHEMA,
                    "writer schema id " + id + " of " + writer.getName() + " cannot be read as the current " + codec.schema().getName());
        }
        return decodeBody(codec, writer, bytes, id);
    }

    private T decodeBody(Codec<? extends T> codec, Schema writer, byte[] bytes, int id) {
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null);
            T value = new SpecificDatumReader<T>(writer, codec.schema(), codec.model()).read(null, decoder);
            if (!decoder.isEnd()) {
                throw new IOException("trailing bytes");
            }
            return value;
        } catch (IOException | RuntimeException e) {
            throw new UndecodableRecordException(Reason.CORRUPT_BODY,
                    "cannot decode " + writer.getName() + " (schema id " + id + "): " + e.getClass().getSimpleName());
        }
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> value == null ? null : encode(topic, value);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> decode(bytes);
    }
}
