package io.lethe.store.seed;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.LocalStackExtension.DatabaseEndpoint;
import io.lethe.localstack.TestStack;
import io.lethe.store.CustomerStore;
import io.lethe.store.StoreFixture;
import io.lethe.store.blob.FileBlobStore;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/** Measures seeding speed; off by default: {@code -Dlethe.seed.bench=10000}. */
@ExtendWith(LocalStackExtension.class)
@EnabledIfSystemProperty(named = "lethe.seed.bench", matches = "\\d+")
class SeedSpeedTest {

    @Test
    void shouldSeedManyCustomers(DatabaseEndpoint db) throws SQLException {
        CustomerStore store = StoreFixture.store(db);
        int customers = Integer.parseInt(System.getProperty("lethe.seed.bench"));
        SeedSummary s = Seeder.seed(store.dataSource(), new FileBlobStore(TestStack.newDirectory("bench")),
                StoreFixture.newTenant(), customers, 1L);
        System.out.printf("seeded %d customers, %d rows, %d contacts, %d blobs (%d bytes) in %d ms: %.0f customers/s%n",
                s.customers(), s.rows(), s.contacts(), s.attachments() + s.voiceRecordings(), s.blobBytes(),
                s.elapsed().toMillis(), s.customers() / (s.elapsed().toMillis() / 1000.0));
        assertThat(s.customers()).isEqualTo(customers);
    }
}
