package io.lethe.schemas;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A value Lethe cannot decode, with a reason code. The message is Lethe's own (it names framings, schema
 * fingerprints, ids and types, never a value), so it may go onto the dead-letter topic's headers.
 */
public final class UndecodableRecordException extends SerializationException {

    /** Why a record could not be decoded; the dead-letter topic's {@code lethe.dlq.reason}. */
    public enum Reason {
        /** Neither Avro single-object encoding ({@code C3 01}) nor the Confluent framing (magic byte 0). */
        NOT_AVRO,
        /** Single-object encoding with a fingerprint no released schema has. */
        UNKNOWN_SCHEMA_FINGERPRINT,
        /** Confluent framing with an id the schema registry does not know. */
        UNKNOWN_SCHEMA_ID,
        /** Confluent framing, but this process has no schema registry configured. */
        NO_SCHEMA_REGISTRY,
        /** A record type this topic does not carry. */
        UNEXPECTED_RECORD_TYPE,
        /** A writer schema the reader's schema cannot read. */
        INCOMPATIBLE_SCHEMA,
        /** The header is fine, the Avro body is not (truncated, corrupt). */
        CORRUPT_BODY
    }

    private final Reason reason;

    public UndecodableRecordException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
