package io.lethe.store.erase;

import static io.lethe.store.StoreFixture.column;
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
class IntegrationDataEraserTest {

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
        eraser = new BatchEraser(store.dataSource(), fx.blobs, Erasers.builtIn().get(Erasers.INTEGRATION_DATA));
        fx.seedCustomer(store, tenant, "c1");
        fx.seedCustomer(store, tenant, "c2");
        fx.seedCustomer(store, otherTenant, "c1");
    }

    @Test
    void shouldDeleteTheCustomersIntegrationRecordsOnly() throws SQLException {
        // When
        var result = eraser.run(List.of(ErasureTarget.profile("t", tenant, "c1")));

        // Then
        assertThat(result.get("t")).isEqualTo(new ErasureCounts(0, 2, 0, 0, null));
        assertThat(column(store, "select id from integration_records where tenant_id = ? order by id", tenant))
                .containsExactly("c2-i0", "c2-i1");
        assertThat(column(store, "select id from integration_records where tenant_id = ? order by id", otherTenant))
                .containsExactly("c1-i0", "c1-i1");
    }

    @Test
    void shouldEraseNothingAndSucceedWhenRunAgain() throws SQLException {
        // Given
        eraser.run(List.of(ErasureTarget.profile("t", tenant, "c1")));

        // When
        var second = eraser.run(List.of(ErasureTarget.profile("t", tenant, "c1")));

        // Then
        assertThat(second.get("t")).isEqualTo(new ErasureCounts(0, 0, 0, 0, null));
    }

    @Test
    void shouldAnswerUnsupportedScopeForItemLevelTargets() throws SQLException {
        // When
        var result = eraser.run(List.of(new ErasureTarget("t", tenant, "c1", Scope.CONTACT, "c1-ct0")));

        // Then
        assertThat(result.get("t")).isEqualTo(ErasureCounts.error(ErasureCounts.UNSUPPORTED_SCOPE));
        assertThat(column(store, "select id from integration_records where tenant_id = ? and customer_id = 'c1'",
                tenant)).hasSize(2);
    }
}
