package io.lethe.audit;

import io.lethe.events.AuditEvent;
import io.lethe.schemas.Topic;

/**
 * One record of the audit topic as a reader saw it: decoded through the topic's serde, or
 * not decodable by any released schema version. The raw key and value travel along so that
 * {@link Verifier} can scan bytes the reader schema does not show.
 */
public sealed interface AuditRecord permits AuditRecord.Decoded, AuditRecord.Undecodable {

    int partition();

    long offset();

    /** The raw record key: a requestId when written by Lethe. */
    byte[] key();

    /** The raw record value. */
    byte[] raw();

    record Decoded(int partition, long offset, byte[] key, byte[] raw, AuditEvent event) implements AuditRecord {
    }

    record Undecodable(int partition, long offset, byte[] key, byte[] raw, String error) implements AuditRecord {
    }

    /**
     * Decodes one record's value with {@code topic}'s value serde. A tombstone or a value the
     * serde rejects becomes {@link Undecodable} rather than an exception: an audit must see,
     * and report, everything on the topic.
     */
    static AuditRecord decode(Topic<String, AuditEvent> topic, int partition, long offset, byte[] key, byte[] value) {
        try {
            AuditEvent event = topic.valueSerde().deserializer().deserialize(topic.name(), value);
            return event == null
                    ? new Undecodable(partition, offset, key, value, "empty value (tombstone)")
                    : new Decoded(partition, offset, key, value, event);
        } catch (RuntimeException e) {
            // the serde's messages name the problem (header, fingerprint, type), never field values
            return new Undecodable(partition, offset, key, value, String.valueOf(e.getMessage()));
        }
    }
}
