package io.lethe.store.erase;

import static io.lethe.store.StoreFixture.column;
import static io.lethe.store.StoreFixture.count;
import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.LocalStackExtension.DatabaseEndpoint;
import io.lethe.store.CustomerStore;
import io.lethe.store.StoreFixture;
import io.lethe.store.census.PiiCensus;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The four built-in data types together, as a PROFILE deletion runs them. */
@ExtendWith(LocalStackExtension.class)
class ProfileDeletionTest {

    private static CustomerStore store;
    private final StoreFixture fx = new StoreFixture();
    private final String tenant = StoreFixture.newTenant();
    private final String otherTenant = StoreFixture.newTenant();

    @BeforeAll
    static void setUp(DatabaseEndpoint db) {
        store = StoreFixture.store(db);
    }

    @Test
    void shouldLeaveNoPiiOfADeletedProfileWhileOthersKeepTheirs() throws SQLException {
        // Given
        fx.seedCustomer(store, tenant, "c1");
        fx.seedCustomer(store, tenant, "c2");
        fx.seedCustomer(store, otherTenant, "c1");
        StoreFixture.relate(store, tenant, "c2", "c1");
        long c2Before = pii(tenant, "c2");
        long elsewhereBefore = pii(otherTenant, "c1");
        assertThat(pii(tenant, "c1")).isEqualTo(22);
        assertThat(piiStrings(tenant, "c1")).contains("Name of c1", "c1@example.com", "+1 555 0100", "1 Main St",
                "Subject 0 of c1", "Body 2 of c1", "Transcript of c1", "file-1-c1.txt");

        // When
        for (Eraser eraser : Erasers.builtIn().values()) {
            var result = new BatchEraser(store.dataSource(), fx.blobs, eraser)
                    .run(List.of(ErasureTarget.profile("task-" + eraser.dataType(), tenant, "c1")));
            assertThat(result.get("task-" + eraser.dataType()).succeeded()).as(eraser.dataType()).isTrue();
        }

        // Then
        assertThat(pii(tenant, "c1")).isZero();
        assertThat(piiStrings(tenant, "c1")).isEmpty();
        assertThat(pii(tenant, "c2")).isEqualTo(c2Before - 1); // the relationship to c1 went with c1
        assertThat(pii(otherTenant, "c1")).isEqualTo(elsewhereBefore);
        // the non-PII that reporting needs
        assertThat(count(store, "select count(*) from customers where tenant_id = ? and id = 'c1'", tenant)).isOne();
        assertThat(column(store, "select id from conversations where tenant_id = ? and customer_id = 'c1' order by id",
                tenant)).containsExactly("c1-cv0", "c1-cv1");
        assertThat(column(store, "select id from contacts where tenant_id = ? and customer_id = 'c1' order by id",
                tenant)).containsExactly("c1-ct0", "c1-ct1", "c1-ct2");
        assertThat(column(store, "select id || agent_id || started_at || ended_at from work_sessions"
                + " where tenant_id = ? and customer_id = 'c1' order by id", tenant)).hasSize(2)
                .allMatch(v -> v.contains("agent-7"));
        assertThat(column(store, "select id from attachments where tenant_id = ? and customer_id = 'c1' order by id",
                tenant)).containsExactly("c1-a0", "c1-a1");
    }

    @Test
    void shouldCountEveryKindOfPiiInTheCensus() throws SQLException {
        // Given: one customer with every kind of PII
        fx.seedCustomer(store, tenant, "c1");

        // Then: name + 2 emails + phone + address + 2 subjects + 3 bodies + 3 from-addresses
        //       + transcript + 2 file names + 2 integration records + 3 blobs
        assertThat(pii(tenant, "c1")).isEqualTo(21);
        assertThat(piiStrings(tenant, "c1")).hasSize(18);
    }

    private long pii(String t, String customer) throws SQLException {
        try (Connection c = store.dataSource().getConnection()) {
            return PiiCensus.remainingPii(c, fx.blobs, t, customer);
        }
    }

    private List<String> piiStrings(String t, String customer) throws SQLException {
        try (Connection c = store.dataSource().getConnection()) {
            return PiiCensus.piiStrings(c, t, customer);
        }
    }
}
