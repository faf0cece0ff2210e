package io.lethe.runtime.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.schemas.UndecodableRecordException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

    @Test
    void shouldNeverWriteTheMessageOfALibrarysExceptionOntoTheTopic() {
        // a driver's message can quote the data it choked on
        var e = new SQLException("duplicate key value violates unique constraint: (email)=(jane@example.com)");

        ProducerRecord<byte[], byte[]> dead = DeadLetters.record("dlq", "processing", "t", 1, 2, null, new byte[] {1}, e);

        assertThat(header(dead, DeadLetters.HEADER_REASON)).isEqualTo(DeadLetters.UNEXPECTED_ERROR);
        assertThat(header(dead, DeadLetters.HEADER_ERROR_CLASS)).isEqualTo("java.sql.SQLException");
        assertThat(dead.headers().lastHeader(DeadLetters.HEADER_ERROR_MESSAGE)).isNull();
        dead.headers().forEach(h -> assertThat(new String(h.value(), StandardCharsets.UTF_8)).doesNotContain("jane"));
        assertThat(DeadLetters.describe(e)).doesNotContain("jane").contains("UNEXPECTED_ERROR");
    }

    @Test
    void shouldWriteLethesOwnReasonCodesAndMessages() {
        var undecodable = new UndecodableRecordException(UndecodableRecordException.Reason.UNKNOWN_SCHEMA_ID, "schema id 9 is unknown");
        var invalid = new InvalidRecordException("customerId must not be empty");

        assertThat(header(DeadLetters.record("dlq", "deserialization", "t", 0, 0, null, null, undecodable), DeadLetters.HEADER_REASON))
                .isEqualTo("UNKNOWN_SCHEMA_ID");
        var dead = DeadLetters.record("dlq", "processing", "t", 0, 0, null, null, invalid);
        assertThat(header(dead, DeadLetters.HEADER_REASON)).isEqualTo(DeadLetters.INVALID_RECORD);
        assertThat(header(dead, DeadLetters.HEADER_ERROR_MESSAGE)).isEqualTo("customerId must not be empty");
    }

    private static String header(ProducerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
