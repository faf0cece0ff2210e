package io.lethe.store.seed;

import static io.lethe.store.StoreFixture.column;
import static io.lethe.store.StoreFixture.count;
import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.LocalStackExtension.DatabaseEndpoint;
import io.lethe.store.CustomerStore;
import io.lethe.store.StoreFixture;
import io.lethe.store.blob.BlobKeys;
import io.lethe.store.blob.BlobStore;
import io.lethe.store.blob.FileBlobStore;
import io.lethe.localstack.TestStack;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class SeederTest {

    private static final List<String> TABLES = List.of("customers", "customer_emails", "customer_phones",
            "customer_addresses", "customer_relationships", "conversations", "contacts", "voice_recordings",
            "attachments", "integration_records", "work_sessions");

    private static CustomerStore store;
    private final BlobStore blobs = new FileBlobStore(TestStack.newDirectory("blobs"));

    @BeforeAll
    static void setUp(DatabaseEndpoint db) {
        store = StoreFixture.store(db);
    }

    @Test
    void shouldWriteIdenticalDataForTheSameSeedInAnyTenant() throws SQLException {
        // Given
        String a = StoreFixture.newTenant();
        String b = StoreFixture.newTenant();
        String c = StoreFixture.newTenant();

        // When
        Seeder.seed(store.dataSource(), blobs, a, 40, 42L);
        Seeder.seed(store.dataSource(), blobs, b, 40, 42L);
        Seeder.seed(store.dataSource(), blobs, c, 40, 43L);

        // Then
        for (String table : TABLES) {
            assertThat(dump(table, b)).as(table).isNotEmpty().isEqualTo(dump(table, a));
        }
        assertThat(dump("contacts", c)).isNotEqualTo(dump("contacts", a));
        for (String id : column(store, "select id from attachments where tenant_id = ?", a)) {
            assertThat(blobs.get(BlobKeys.attachment(b, id))).isEqualTo(blobs.get(BlobKeys.attachment(a, id)));
        }
        for (String id : column(store, "select id from voice_recordings where tenant_id = ?", a)) {
            assertThat(blobs.get(BlobKeys.recording(b, id))).isEqualTo(blobs.get(BlobKeys.recording(a, id)));
        }
    }

    @Test
    void shouldSeedRealisticVolumesPerCustomer() throws SQLException {
        // Given
        String tenant = StoreFixture.newTenant();

        // When
        SeedSummary summary = Seeder.seed(store.dataSource(), blobs, tenant, 200, 7L);

        // Then
        assertThat(summary.customers()).isEqualTo(200);
        assertThat(column(store, "select min(id) || ' ' || max(id) from customers where tenant_id = ?", tenant))
                .containsExactly("cust-000001 cust-000200");
        assertPerCustomer(tenant, "select count(*) from customer_emails e where e.tenant_id = c.tenant_id"
                + " and e.customer_id = c.id", 1, 2);
        assertPerCustomer(tenant, "select count(*) from customer_phones e where e.tenant_id = c.tenant_id"
                + " and e.customer_id = c.id", 1, 1);
        assertPerCustomer(tenant, "select count(*) from customer_addresses e where e.tenant_id = c.tenant_id"
                + " and e.customer_id = c.id", 1, 1);
        assertPerCustomer(tenant, "select count(*) from conversations e where e.tenant_id = c.tenant_id"
                + " and e.customer_id = c.id", 2, 5);
        assertPerCustomer(tenant, "select count(*) from contacts e where e.tenant_id = c.tenant_id"
                + " and e.customer_id = c.id", 10, 75);
        assertPerCustomer(tenant, "select count(*) from attachments e where e.tenant_id = c.tenant_id"
                + " and e.customer_id = c.id", 1, 3);
        assertPerCustomer(tenant, "select count(*) from voice_recordings e where e.tenant_id = c.tenant_id"
                + " and e.customer_id = c.id", 1, 1);
        assertPerCustomer(tenant, "select count(*) from integration_records e where e.tenant_id = c.tenant_id"
                + " and e.customer_id = c.id", 2, 6);
        assertThat(count(store, "select count(*) from work_sessions where tenant_id = ?", tenant))
                .isEqualTo(summary.conversations());
        assertThat(summary.relationships()).isBetween(10L, 90L);
        assertThat(count(store, "select count(distinct kind) from integration_records where tenant_id = ?", tenant))
                .isEqualTo(4);
        assertThat(count(store, "select count(distinct channel) from contacts where tenant_id = ?", tenant)).isEqualTo(5);
        // last_contact_at is the latest contact, and they spread over five years
        assertThat(count(store, "select count(*) from customers c where tenant_id = ? and last_contact_at is distinct"
                + " from (select max(occurred_at) from contacts x where x.tenant_id = c.tenant_id"
                + " and x.customer_id = c.id)", tenant)).isZero();
        Instant asOf = Seeder.DEFAULT_AS_OF;
        assertThat(count(store, "select count(*) from customers where tenant_id = ? and last_contact_at < ?::timestamptz",
                tenant, asOf.minus(Duration.ofDays(3 * 365)).toString())).isPositive();
        assertThat(count(store, "select count(*) from customers where tenant_id = ? and last_contact_at > ?::timestamptz",
                tenant, asOf.minus(Duration.ofDays(365)).toString())).isPositive();
        assertThat(count(store, "select count(*) from customers where tenant_id = ? and last_contact_at > ?::timestamptz",
                tenant, asOf.toString())).isZero();
        // blobs exist and are small real files
        for (String id : column(store, "select id from attachments where tenant_id = ?", tenant)) {
            assertThat(blobs.get(BlobKeys.attachment(tenant, id)).length).isBetween(100, 8000);
        }
        assertThat(summary.blobBytes()).isEqualTo(count(store, "select sum(size_bytes) from attachments"
                + " where tenant_id = ?", tenant) + recordingBytes(tenant));
    }

    @Test
    void shouldStreamLastContactsOfNotErasedCustomers() throws SQLException {
        // Given
        String tenant = StoreFixture.newTenant();
        Seeder.seed(store.dataSource(), blobs, tenant, 30, 1L);
        StoreFixture.column(store, "update customers set erased_at = now() where tenant_id = ? and id = 'cust-000002'"
                + " returning id", tenant);

        // When
        List<String> seen = new ArrayList<>();
        Seeder.forEachLastContact(store.dataSource(), tenant, (id, last) -> seen.add(id + "@" + last));

        // Then
        assertThat(seen).hasSize(29).doesNotContain("cust-000002").isSorted();
        assertThat(seen.get(0)).startsWith("cust-000001@").isEqualTo("cust-000001@" + Instant.parse(column(store,
                "select to_char(last_contact_at at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') from customers"
                        + " where tenant_id = ? and id = 'cust-000001'", tenant).get(0)));
    }

    private long recordingBytes(String tenant) throws SQLException {
        long total = 0;
        for (String id : column(store, "select id from voice_recordings where tenant_id = ?", tenant)) {
            total += blobs.get(BlobKeys.recording(tenant, id)).length;
        }
        return total;
    }

    private void assertPerCustomer(String tenant, String perCustomer, long min, long max) throws SQLException {
        String range = column(store, "select min(n) || '..' || max(n) from (select (" + perCustomer + ") as n"
                + " from customers c where c.tenant_id = ?) x", tenant).get(0);
        String[] bounds = range.split("\\.\\.");
        assertThat(Long.parseLong(bounds[0])).as(perCustomer).isGreaterThanOrEqualTo(min);
        assertThat(Long.parseLong(bounds[1])).as(perCustomer).isLessThanOrEqualTo(max);
    }

    private List<String> dump(String table, String tenant) throws SQLException {
        return column(store, "select (row_to_json(x)::jsonb - 'tenant_id')::text as r from " + table
                + " x where tenant_id = ? order by r", tenant);
    }
}
