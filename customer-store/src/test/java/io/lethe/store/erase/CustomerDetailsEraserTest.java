package io.lethe.store.erase;

import static io.lethe.store.StoreFixture.column;
import static io.lethe.store.StoreFixture.count;
import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.events.Scope;
import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.LocalStackExtension.DatabaseEndpoint;
import io.lethe.store.CustomerStore;
import io.lethe.store.StoreFixture;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class CustomerDetailsEraserTest {

    private static CustomerStore store;
    private final StoreFixture fx = new StoreFixture();
    private final String tenant = StoreFixture.newTenant();
    private final String otherTenant = StoreFixture.newTenant();
    private BatchEraser eraser;

    @BeforeAll
    static void setUp(DatabaseEndpoint db) {
        store = StoreFixture.store(db);
    }

    @BeforeEach
    void seed() throws SQLException {
        eraser = new BatchEraser(store.dataSource(), fx.blobs, Erasers.builtIn().get(Erasers.CUSTOMER_DETAILS));
        fx.seedCustomer(store, tenant, "c1");
        fx.seedCustomer(store, tenant, "c2");
        fx.seedCustomer(store, tenant, "c3");
        fx.seedCustomer(store, otherTenant, "c1");
        fx.seedCustomer(store, otherTenant, "c2");
        StoreFixture.relate(store, tenant, "c1", "c2");
        StoreFixture.relate(store, tenant, "c3", "c1");
        StoreFixture.relate(store, tenant, "c2", "c3");
        StoreFixture.relate(store, otherTenant, "c1", "c2");
    }

    @Test
    void shouldDeleteContactDetailsAndRelationshipsButKeepTheCustomerId() throws SQLException {
        // When
        var result = eraser.run(List.of(ErasureTarget.profile("t", tenant, "c1")));

        // Then: 2 emails + 1 phone + 1 address + 2 relationships deleted, the name scrubbed
        assertThat(result.get("t")).isEqualTo(new ErasureCounts(1, 6, 0, 0, null));
        assertThat(column(store, "select concat(name, '|', id, '|', created_at is not null, '|', erased_at is not null)"
                + " from customers where tenant_id = ? and id = 'c1'", tenant)).containsExactly("|c1|t|t");
        for (String table : List.of("customer_emails", "customer_phones", "customer_addresses")) {
            assertThat(count(store, "select count(*) from " + table + " where tenant_id = ? and customer_id = 'c1'",
                    tenant)).as(table).isZero();
            assertThat(count(store, "select count(*) from " + table + " where tenant_id = ? and customer_id = 'c2'",
                    tenant)).as(table).isPositive();
            assertThat(count(store, "select count(*) from " + table + " where tenant_id = ? and customer_id = 'c1'",
                    otherTenant)).as(table).isPositive();
        }
        assertThat(column(store, "select customer_id || '>' || related_customer_id from customer_relationships"
                + " where tenant_id = ?", tenant)).containsExactly("c2>c3");
        assertThat(column(store, "select customer_id || '>' || related_customer_id from customer_relationships"
                + " where tenant_id = ?", otherTenant)).containsExactly("c1>c2");
        assertThat(column(store, "select name from customers where tenant_id = ? order by id", tenant))
                .containsExactly(null, "Name of c2", "Name of c3");
        assertThat(column(store, "select name from customers where tenant_id = ? and id = 'c1'", otherTenant))
                .containsExactly("Name of c1");
        // the rest of the profile is other data types' job
        assertThat(count(store, "select count(body) from contacts where tenant_id = ? and customer_id = 'c1'", tenant))
                .isEqualTo(3);
    }

    @Test
    void shouldEraseNothingAndSucceedWhenRunAgain() throws SQLException {
        // Given
        eraser.run(List.of(ErasureTarget.profile("t", tenant, "c1")));
        String erasedAt = column(store, "select erased_at from customers where tenant_id = ? and id = 'c1'", tenant)
                .get(0);

        // When
        var second = eraser.run(List.of(ErasureTarget.profile("t", tenant, "c1")));

        // Then
        assertThat(second.get("t")).isEqualTo(new ErasureCounts(0, 0, 0, 0, null));
        assertThat(column(store, "select erased_at from customers where tenant_id = ? and id = 'c1'", tenant))
                .containsExactly(erasedAt);
    }

    @Test
    void shouldAnswerUnsupportedScopeForItemLevelTargets() throws SQLException {
        // When
        var result = eraser.run(List.of(new ErasureTarget("t", tenant, "c1", Scope.ATTACHMENT, "c1-a0")));

        // Then
        assertThat(result.get("t")).isEqualTo(ErasureCounts.error(ErasureCounts.UNSUPPORTED_SCOPE));
        assertThat(column(store, "select name from customers where tenant_id = ? and id = 'c1'", tenant))
                .containsExactly("Name of c1");
    }
}
