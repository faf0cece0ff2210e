package io.lethe.schemas;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for generated Avro classes in Avro single-object encoding
 * ({@code C3 01} + 8-byte little-endian schema fingerprint + binary body).
 *
 * <p>Decoding resolves the writer schema from {@link ReleasedSchemas}, so records written by
 * any released version decode into the current class. One serde may accept several record
 * types (the {@code deletion.events} topic carries both {@code DeletionCompleted} and
 * {@code DeletionFailed}): the writer schema's full name picks the class.
 * Undecodable bytes fail with a {@link SerializationException} naming the cause, which the
 * services' deserialization handlers route to the dead-letter topic.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

    private static final byte V1_HEADER_0 = (byte) 0xC3;
    private static final byte V1_HEADER_1 = (byte) 0x01;

    private final Class<T> baseType;
    private final Map<String, Codec<? extends T>> codecsByName = new LinkedHashMap<>();

    private record Codec<R extends SpecificRecord>(BinaryMessageEncoder<R> encoder, BinaryMessageDecoder<R> decoder) {
    }

    private AvroSerde(Class<T> baseType, List<Class<? extends T>> types) {
        this.baseType = baseType;
        for (Class<? extends T> type : types) {
            addCodec(type);
        }
    }

    /** A serde for exactly one generated record class. */
    public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
        return new AvroSerde<>(type, List.of(type));
    }

    /** A serde for a topic that carries several record types sharing a common supertype. */
    @SafeVarargs
    public static <T extends SpecificRecord> AvroSerde<T> oneOf(Class<T> baseType, Class<? extends T>... types) {
        return new AvroSerde<>(baseType, List.of(types));
    }

    private <R extends T> void addCodec(Class<R> type) {
        Schema schema = SpecificData.get().getSchema(type);
        ReleasedSchemas.instance().register(schema);
        SpecificData model = SpecificData.getForClass(type);
        codecsByName.put(schema.getFullName(), new Codec<>(
                new BinaryMessageEncoder<>(model, schema),
                new BinaryMessageDecoder<>(model, schema, ReleasedSchemas.instance())));
    }

    public byte[] encode(T value) {
        Codec<? extends T> codec = codecsByName.get(value.getSchema().getFullName());
        if (codec == null) {
            throw new SerializationException("no codec for " + value.getSchema().getFullName() + " in serde of " + baseType.getSimpleName());
        }
        return encodeWith(codec, value);
    }

    @SuppressWarnings("unchecked")
    private static <R extends SpecificRecord> byte[] encodeWith(Codec<R> codec, Object value) {
        try {
            ByteBuffer buffer = codec.encoder().encode((R) value);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (Exception e) {
            throw new SerializationException("cannot encode " + ((SpecificRecord) value).getSchema().getName() + ": " + e.getMessage(), e);
        }
    }

    public T decode(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        if (bytes.length < 10 || bytes[0] != V1_HEADER_0 || bytes[1] != V1_HEADER_1) {
            throw new SerializationException("not Avro single-object encoding (bad header, " + bytes.length + " bytes)");
        }
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        Schema writer = ReleasedSchemas.instance().findByFingerprint(fingerprint);
        if (writer == null) {
            throw new SerializationException("unknown schema fingerprint " + Long.toHexString(fingerprint));
        }
        Codec<? extends T> codec = codecsByName.get(writer.getFullName());
        if (codec == null) {
            throw new SerializationException("record of type " + writer.getFullName() + " is not expected here (" + baseType.getSimpleName() + ")");
        }
        try {
            return codec.decoder().decode(bytes);
        } catch (MissingSchemaException | BadHeaderException e) {
            throw new SerializationException(e.getMessage(), e);
        } catch (Exception e) {
            throw new SerializationException("cannot decode " + writer.getName() + ": " + e.getClass().getSimpleName(), e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> value == null ? null : encode(value);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> decode(bytes);
    }
}
