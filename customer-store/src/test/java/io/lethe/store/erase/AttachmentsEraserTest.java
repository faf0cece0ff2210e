package io.lethe.store.erase;

import static io.lethe.store.StoreFixture.column;
import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.events.Scope;
import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.LocalStackExtension.DatabaseEndpoint;
import io.lethe.store.CustomerStore;
import io.lethe.store.StoreFixture;
import io.lethe.store.StoreFixture.Seeded;
import io.lethe.store.blob.BlobKeys;
import io.lethe.store.blob.BlobStore;
import io.lethe.store.census.PiiCensus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class AttachmentsEraserTest {

    private static CustomerStore store;
    private final StoreFixture fx = new StoreFixture();
    private final String tenant = StoreFixture.newTenant();
    private final String otherTenant = StoreFixture.newTenant();
    private BatchEraser eraser;
    private Seeded c1;
    private Seeded c2;
    private Seeded c1Elsewhere;

    @BeforeAll
    static void setUp(DatabaseEndpoint db) {
        store = StoreFixture.store(db);
    }

    @BeforeEach
    void seed() throws SQLException {
        eraser = new BatchEraser(store.dataSource(), fx.blobs, Erasers.builtIn().get(Erasers.ATTACHMENTS));
        c1 = fx.seedCustomer(store, tenant, "c1");
        c2 = fx.seedCustomer(store, tenant, "c2");
        c1Elsewhere = fx.seedCustomer(store, otherTenant, "c1");
    }

    @Test
    void shouldEraseAttachmentsButKeepTheirIds() throws SQLException {
        // Given
        long c2Before = pii(c2);
        long elsewhereBefore = pii(c1Elsewhere);

        // When
        var result = eraser.run(List.of(ErasureTarget.profile("t", tenant, "c1")));

        // Then: 2 file names scrubbed, 2 attachment blobs + 1 audio blob deleted
        assertThat(result.get("t")).isEqualTo(new ErasureCounts(2, 0, 3, 0, null));
        assertThat(column(store, "select concat(file_name, '|', id, content_type, size_bytes, created_at)"
                + " from attachments where tenant_id = ? and customer_id = 'c1' order by id", tenant))
                .hasSize(2).allMatch(v -> v.startsWith("|c1-a") && v.contains("text/plain5"));
        assertThat(fx.blobs.exists(BlobKeys.attachment(tenant, c1.attachment(0)))).isFalse();
        assertThat(fx.blobs.exists(BlobKeys.attachment(tenant, c1.attachment(1)))).isFalse();
        assertThat(fx.blobs.exists(BlobKeys.recording(tenant, c1.recording()))).isFalse();
        assertThat(column(store, "select id || duration_seconds from voice_recordings where tenant_id = ?"
                + " and customer_id = 'c1'", tenant)).containsExactly(c1.recording() + "42");
        assertThat(fx.blobs.exists(BlobKeys.attachment(tenant, c2.attachment(0)))).isTrue();
        assertThat(fx.blobs.exists(BlobKeys.attachment(otherTenant, c1Elsewhere.attachment(0)))).isTrue();
        assertThat(pii(c2)).isEqualTo(c2Before).isPositive();
        assertThat(pii(c1Elsewhere)).isEqualTo(elsewhereBefore).isPositive();
    }

    @Test
    void shouldEraseNothingAndSucceedWhenRunAgain() throws SQLException {
        // Given
        var targets = List.of(ErasureTarget.profile("p", tenant, "c1"),
                new ErasureTarget("v", tenant, "c1", Scope.VOICE_RECORDING, c1.recording()),
                new ErasureTarget("a", tenant, "c2", Scope.ATTACHMENT, c2.attachment(1)));
        eraser.run(targets);

        // When
        var second = eraser.run(targets);

        // Then
        assertThat(second.values()).containsOnly(new ErasureCounts(0, 0, 0, 0, null));
    }

    @Test
    void shouldDeleteABlobLeftBehindAfterTheCommitWhenRunAgain() throws SQLException {
        // Given: the rows were scrubbed, but the process died before deleting this blob
        eraser.run(List.of(ErasureTarget.profile("t", tenant, "c1")));
        fx.blobs.put(BlobKeys.attachment(tenant, c1.attachment(1)), new byte[] {9});

        // When
        var rerun = eraser.run(List.of(ErasureTarget.profile("t", tenant, "c1")));

        // Then
        assertThat(rerun.get("t")).isEqualTo(new ErasureCounts(0, 0, 1, 0, null));
        assertThat(fx.blobs.exists(BlobKeys.attachment(tenant, c1.attachment(1)))).isFalse();
    }

    @Test
    void shouldEraseOnlyTheAttachmentsOfOneContact() throws SQLException {
        // When
        var result = eraser.run(List.of(new ErasureTarget("t", tenant, "c1", Scope.CONTACT, c1.contact(0))));

        // Then
        assertThat(result.get("t")).isEqualTo(new ErasureCounts(1, 0, 1, 0, null));
        assertThat(column(store, "select file_name from attachments where tenant_id = ? and customer_id = 'c1'"
                + " order by id", tenant)).containsExactly(null, "file-1-c1.txt");
        assertThat(fx.blobs.exists(BlobKeys.attachment(tenant, c1.attachment(1)))).isTrue();
        assertThat(fx.blobs.exists(BlobKeys.recording(tenant, c1.recording()))).isTrue();
    }

    @Test
    void shouldDeleteTheAudioOfAVoiceContactButLeaveItsTranscriptToConversations() throws SQLException {
        // When
        var result = eraser.run(List.of(new ErasureTarget("t", tenant, "c1", Scope.CONTACT, c1.recordingContact())));

        // Then
        assertThat(result.get("t")).isEqualTo(new ErasureCounts(0, 0, 1, 0, null));
        assertThat(fx.blobs.exists(BlobKeys.recording(tenant, c1.recording()))).isFalse();
        assertThat(column(store, "select transcript from voice_recordings where tenant_id = ? and id = ?", tenant,
                c1.recording())).containsExactly("Transcript of c1");
    }

    @Test
    void shouldEraseOneAttachment() throws SQLException {
        // When
        var result = eraser.run(List.of(new ErasureTarget("t", tenant, "c1", Scope.ATTACHMENT, c1.attachment(1))));

        // Then
        assertThat(result.get("t")).isEqualTo(new ErasureCounts(1, 0, 1, 0, null));
        assertThat(column(store, "select file_name from attachments where tenant_id = ? and customer_id = 'c1'"
                + " order by id", tenant)).containsExactly("file-0-c1.txt", null);
        assertThat(fx.blobs.exists(BlobKeys.attachment(tenant, c1.attachment(0)))).isTrue();
    }

    @Test
    void shouldEraseOneRecordingsAudioAndTranscript() throws SQLException {
        // When
        var result = eraser.run(List.of(new ErasureTarget("t", tenant, "c1", Scope.VOICE_RECORDING, c1.recording())));

        // Then
        assertThat(result.get("t")).isEqualTo(new ErasureCounts(1, 0, 1, 0, null));
        assertThat(fx.blobs.exists(BlobKeys.recording(tenant, c1.recording()))).isFalse();
        assertThat(column(store, "select transcript from voice_recordings where tenant_id = ? and id = ?", tenant,
                c1.recording())).containsExactly((String) null);
        assertThat(fx.blobs.exists(BlobKeys.attachment(tenant, c1.attachment(0)))).isTrue();
    }

    @Test
    void shouldEraseNothingForItemsOfAnotherCustomerOrTenant() throws SQLException {
        // Given
        fx.seedCustomer(store, otherTenant, "c3");
        long c2Before = pii(c2);

        // When
        var result = eraser.run(List.of(
                new ErasureTarget("att-other-customer", tenant, "c1", Scope.ATTACHMENT, c2.attachment(0)),
                new ErasureTarget("rec-other-customer", tenant, "c1", Scope.VOICE_RECORDING, c2.recording()),
                new ErasureTarget("contact-other-customer", tenant, "c1", Scope.CONTACT, c2.contact(0)),
                new ErasureTarget("att-other-tenant", tenant, "c1", Scope.ATTACHMENT, "c3-a0"),
                new ErasureTarget("rec-other-tenant", tenant, "c1", Scope.VOICE_RECORDING, "c3-r0")));

        // Then
        assertThat(result.values()).containsOnly(ErasureCounts.error(ErasureCounts.NOT_FOUND_FOR_CUSTOMER));
        assertThat(pii(c2)).isEqualTo(c2Before);
        assertThat(fx.blobs.exists(BlobKeys.attachment(otherTenant, "c3-a0"))).isTrue();
        assertThat(fx.blobs.exists(BlobKeys.recording(otherTenant, "c3-r0"))).isTrue();
    }

    @Test
    void shouldReportResidualWhenABlobCannotBeDeleted() throws SQLException {
        // Given: a blob store whose deletes fail with an I/O error
        BlobStore failingDeletes = new BlobStore() {
            @Override
            public void put(String key, byte[] content) {
                fx.blobs.put(key, content);
            }

            @Override
            public boolean exists(String key) {
                return fx.blobs.exists(key);
            }

            @Override
            public boolean delete(String key) {
                throw new UncheckedIOException(new IOException("disk on fire"));
            }

            @Override
            public byte[] get(String key) {
                return fx.blobs.get(key);
            }
        };
        var failing = new BatchEraser(store.dataSource(), failingDeletes, Erasers.builtIn().get(Erasers.ATTACHMENTS));

        // When
        var result = failing.run(List.of(ErasureTarget.profile("t", tenant, "c1")));

        // Then: the rows were scrubbed, the 3 blobs remain and are reported
        assertThat(result.get("t")).isEqualTo(new ErasureCounts(2, 0, 0, 3, ErasureCounts.RESIDUAL_NOT_ZERO));
    }

    private long pii(Seeded s) throws SQLException {
        try (Connection c = store.dataSource().getConnection()) {
            return PiiCensus.remainingPii(c, fx.blobs, s.tenant(), s.customerId());
        }
    }
}
