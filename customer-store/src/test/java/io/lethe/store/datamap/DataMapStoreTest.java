package io.lethe.store.datamap;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.events.Scope;
import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.LocalStackExtension.DatabaseEndpoint;
import io.lethe.store.CustomerStore;
import io.lethe.store.StoreFixture;
import io.lethe.store.erase.Erasers;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The data map against the real, migrated PostgreSQL schema and the real erasers: the schema
 * check, and the erasure tests generated from the map ({@link ErasureCoverage}). The last two
 * tests apply a migration-like change (a new PII column) to a database of their own and show
 * that the build would fail: unclassified, it fails the schema check; classified but not taught
 * to its eraser, it fails the generated erasure and residual tests.
 */
@ExtendWith(LocalStackExtension.class)
class DataMapStoreTest {

    private static DatabaseEndpoint db;
    private static CustomerStore store;
    private final StoreFixture fx = new StoreFixture();
    private final String tenant = StoreFixture.newTenant();

    @BeforeAll
    static void setUp(DatabaseEndpoint endpoint) {
        db = endpoint;
        store = StoreFixture.store(endpoint);
    }

    @Test
    void shouldClassifyEveryColumnOfTheMigratedSchemaAndNameNothingElse() throws SQLException {
        try (Connection c = store.dataSource().getConnection()) {
            assertThat(SchemaCheck.problems(DataMap.builtIn(), c)).isEmpty();
        }
    }

    @Test
    void shouldEraseEveryPiiColumnAndBlobOfAProfileAndKeepEveryReportingId() throws SQLException {
        seed("c1", "c2");
        seed("c3");

        assertThat(coverage(DataMap.builtIn(), store).profileGaps(tenant, "c1", "c3")).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = Scope.class, names = {"CONTACT", "ATTACHMENT", "VOICE_RECORDING"})
    void shouldEraseEveryPiiColumnAndBlobOfOneItemAndNothingElse(Scope scope) throws SQLException {
        seed("c1", "c2");

        assertThat(coverage(DataMap.builtIn(), store).itemGaps(tenant, "c1", scope)).isEmpty();
    }

    @Test
    void shouldSeeEveryPiiColumnAndBlobComingBackInItsOwnersResidualCheck() throws SQLException {
        seed("c1", "c2");

        assertThat(coverage(DataMap.builtIn(), store).residualGaps(tenant, "c1")).isEmpty();
    }

    @Test
    void shouldFailTheSchemaCheckWhenAMigrationAddsAColumnTheMapDoesNotClassify() throws SQLException {
        // Given a store whose migration added a column (and dropped one the map names)
        try (CustomerStore changed = migratedWith("alter table contacts add column sentiment_note text",
                "alter table work_sessions drop column ended_at");
             Connection c = changed.dataSource().getConnection()) {

            // Then
            assertThat(SchemaCheck.problems(DataMap.builtIn(), c)).containsExactly(
                    "column contacts.sentiment_note is not in the data map of customer-store: classify it as pii"
                            + " (with the data type that erases it), reporting-id or metadata",
                    "the data map of customer-store names column work_sessions.ended_at, which does not exist");
        }
    }

    @Test
    void shouldFailTheGeneratedErasureTestsWhenANewPiiColumnIsNotTaughtToItsEraser() throws SQLException {
        // Given the new column classified as pii of conversations, which does not know it yet
        DataMap map = DataMap.builtIn().withColumn("contacts", DataMap.Column.pii("sentiment_note", "communications content",
                "conversations"));
        try (CustomerStore changed = migratedWith("alter table contacts add column sentiment_note text")) {
            try (Connection c = changed.dataSource().getConnection()) {
                assertThat(SchemaCheck.problems(map, c)).isEmpty();
            }
            fx.seedCustomer(changed, tenant, "c1");
            fx.seedCustomer(changed, tenant, "c2");
            fx.seedCustomer(changed, tenant, "c3");
            fx.seedCustomer(changed, tenant, "c4");
            StoreFixture.relate(changed, tenant, "c1", "c2");
            StoreFixture.relate(changed, tenant, "c3", "c4");
            ErasureCoverage coverage = coverage(map, changed);

            // Then every generated check names it
            assertThat(coverage.profileGaps(tenant, "c1", "c4"))
                    .containsExactly("contacts.sentiment_note: 3 value(s) left after a PROFILE erasure (owner conversations)");
            assertThat(coverage.itemGaps(tenant, "c2", Scope.CONTACT)).singleElement().asString()
                    .startsWith("contacts.sentiment_note: 1 value(s) left after a CONTACT erasure of c2-ct0");
            assertThat(coverage.residualGaps(tenant, "c3"))
                    .containsExactly("contacts.sentiment_note: back from a restore, but the residual check of conversations counts 0");
        }
    }

    private void seed(String customer, String... more) throws SQLException {
        fx.seedCustomer(store, tenant, customer);
        for (String m : more) {
            fx.seedCustomer(store, tenant, m);
            StoreFixture.relate(store, tenant, customer, m);
        }
    }

    private ErasureCoverage coverage(DataMap map, CustomerStore s) {
        return new ErasureCoverage(map, s.dataSource(), fx.blobs, Erasers.builtIn());
    }

    /** A database of its own, migrated, then changed by {@code statements} as a new migration would. */
    private static CustomerStore migratedWith(String... statements) throws SQLException {
        DatabaseEndpoint own = db.createDatabase("datamap_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
        CustomerStore s = CustomerStore.connect(own.jdbcUrl(), own.user(), own.password());
        s.migrate();
        try (Connection c = s.dataSource().getConnection(); Statement st = c.createStatement()) {
            for (String sql : List.of(statements)) {
                st.execute(sql);
            }
        }
        return s;
    }
}
