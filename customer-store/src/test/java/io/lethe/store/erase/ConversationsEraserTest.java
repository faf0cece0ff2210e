package io.lethe.store.erase;

import static io.lethe.store.StoreFixture.column;
import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.events.Scope;
import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.LocalStackExtension.DatabaseEndpoint;
import io.lethe.store.CustomerStore;
import io.lethe.store.StoreFixture;
import io.lethe.store.StoreFixture.Seeded;
import io.lethe.store.census.PiiCensus;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class ConversationsEraserTest {

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
        eraser = new BatchEraser(store.dataSource(), fx.blobs, Erasers.builtIn().get(Erasers.CONVERSATIONS));
        c1 = fx.seedCustomer(store, tenant, "c1");
        c2 = fx.seedCustomer(store, tenant, "c2");
        c1Elsewhere = fx.seedCustomer(store, otherTenant, "c1");
    }

    @Test
    void shouldScrubConversationTextOfProfileButKeepIdsChannelsAndTimestamps() throws SQLException {
        // Given
        long c2Before = pii(c2);
        long elsewhereBefore = pii(c1Elsewhere);

        // When
        var result = eraser.run(List.of(ErasureTarget.profile("task-1", tenant, "c1")));

        // Then: 2 subjects + 3 contacts + 1 transcript scrubbed, nothing deleted
        assertThat(result.get("task-1")).isEqualTo(new ErasureCounts(6, 0, 0, 0, null));
        assertThat(column(store, "select coalesce(subject, 'NULL') || channel || status || created_at || closed_at"
                + " from conversations where tenant_id = ? and customer_id = 'c1' order by id", tenant))
                .hasSize(2).allMatch(v -> v.startsWith("NULLEMAILCLOSED"));
        assertThat(column(store, "select concat(body, from_address, '|', channel, direction, occurred_at)"
                + " from contacts where tenant_id = ? and customer_id = 'c1' order by id", tenant))
                .hasSize(3).allMatch(v -> v.startsWith("|") && v.contains("INBOUND"));
        assertThat(column(store, "select transcript from voice_recordings where tenant_id = ? and id = ?", tenant,
                c1.recording())).containsExactly((String) null);
        // attachments are another data type's job
        assertThat(column(store, "select file_name from attachments where tenant_id = ? and customer_id = 'c1'", tenant))
                .doesNotContainNull().hasSize(2);
        assertThat(pii(c2)).isEqualTo(c2Before).isPositive();
        assertThat(pii(c1Elsewhere)).isEqualTo(elsewhereBefore).isPositive();
    }

    @Test
    void shouldEraseNothingAndSucceedWhenRunAgain() throws SQLException {
        // Given
        var targets = List.of(ErasureTarget.profile("p", tenant, "c1"),
                new ErasureTarget("c", tenant, "c1", Scope.CONTACT, c1.contact(0)));
        eraser.run(targets);

        // When
        var second = eraser.run(targets);

        // Then
        assertThat(second.get("p")).isEqualTo(new ErasureCounts(0, 0, 0, 0, null));
        assertThat(second.get("c")).isEqualTo(new ErasureCounts(0, 0, 0, 0, null));
    }

    @Test
    void shouldScrubOnlyTheOneContactAndItsTranscript() throws SQLException {
        // When
        var result = eraser.run(List.of(new ErasureTarget("t", tenant, "c1", Scope.CONTACT, c1.recordingContact())));

        // Then
        assertThat(result.get("t")).isEqualTo(new ErasureCounts(2, 0, 0, 0, null));
        assertThat(column(store, "select body from contacts where tenant_id = ? and customer_id = 'c1' order by id",
                tenant)).containsExactly("Body 0 of c1", "Body 1 of c1", null);
        assertThat(column(store, "select transcript from voice_recordings where tenant_id = ? and id = ?", tenant,
                c1.recording())).containsExactly((String) null);
        assertThat(column(store, "select subject from conversations where tenant_id = ? and customer_id = 'c1'", tenant))
                .doesNotContainNull();
    }

    @Test
    void shouldEraseNothingForAContactOfAnotherCustomerOrTenant() throws SQLException {
        // Given: c3 exists only in the other tenant
        fx.seedCustomer(store, otherTenant, "c3");

        // When
        var result = eraser.run(List.of(
                new ErasureTarget("other-customer", tenant, "c1", Scope.CONTACT, c2.contact(0)),
                new ErasureTarget("other-tenant", tenant, "c1", Scope.CONTACT, "c3-ct0"),
                new ErasureTarget("customer-elsewhere", tenant, "c3", Scope.CONTACT, "c3-ct0")));

        // Then
        assertThat(result.values()).allMatch(r -> r.equals(ErasureCounts.error(ErasureCounts.NOT_FOUND_FOR_CUSTOMER)));
        assertThat(column(store, "select body from contacts where tenant_id = ? and id = ?", tenant, c2.contact(0)))
                .containsExactly("Body 0 of c2");
        assertThat(column(store, "select body from contacts where tenant_id = ? and id = 'c3-ct0'", otherTenant))
                .containsExactly("Body 0 of c3");
    }

    @Test
    void shouldAnswerUnsupportedScopeForAttachments() throws SQLException {
        // When
        var result = eraser.run(List.of(new ErasureTarget("t", tenant, "c1", Scope.ATTACHMENT, c1.attachment(0))));

        // Then
        assertThat(result.get("t").errorCode()).isEqualTo(ErasureCounts.UNSUPPORTED_SCOPE);
        assertThat(pii(c1)).isEqualTo(pii(c2));
    }

    private long pii(Seeded s) throws SQLException {
        try (Connection c = store.dataSource().getConnection()) {
            return PiiCensus.remainingPii(c, fx.blobs, s.tenant(), s.customerId());
        }
    }
}
