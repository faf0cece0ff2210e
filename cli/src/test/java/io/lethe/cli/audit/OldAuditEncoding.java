package io.lethe.cli.audit;

import io.lethe.events.AuditEvent;
import io.lethe.schemas.ReleasedSchemas;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;

/** Audit events as an older release wrote them (the histories themselves come from io.lethe.audit.AuditEvents). */
final class OldAuditEncoding {

    private OldAuditEncoding() {
    }

    /**
     * An event encoded by hand with the oldest released AuditEvent schema, as a generic
     * record: what a worker of that release put on the topic.
     */
    static byte[] encodeWithOldestReleasedSchema(AuditEvent e) {
        Schema v1 = ReleasedSchemas.instance().versions("AuditEvent").get(0);
        GenericRecord r = new GenericData.Record(v1);
        for (Schema.Field f : v1.getFields()) {
            Object value = e.get(f.name());
            r.put(f.name(), generic(f.schema(), value));
        }
        try {
            ByteBuffer b = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(r);
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    private static Object generic(Schema schema, Object value) {
        if (value == null) {
            return null;
        }
        if (schema.getType() == Schema.Type.UNION) {
            Schema nonNull = schema.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL).findFirst().orElseThrow();
            return generic(nonNull, value);
        }
        return switch (schema.getType()) {
            case ENUM -> new GenericData.EnumSymbol(schema, value.toString());
            case LONG -> value instanceof Instant i ? i.toEpochMilli() : value;
            case ARRAY -> new GenericData.Array<>(schema, (List<?>) value);
            default -> value;
        };
    }
}
