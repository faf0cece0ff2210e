package io.lethe.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The platform's customer database: a HikariCP pool plus the Flyway migrations under
 * {@code db/migration}.
 *
 * <p>Does not erase anything itself (see {@code io.lethe.store.erase}) and does not manage
 * blob content (see {@code io.lethe.store.blob}). {@link #migrate()} is explicit so that a
 * service can decide whether it owns the schema.
 */
public final class CustomerStore implements AutoCloseable {

    private final HikariDataSource dataSource;

    private CustomerStore(HikariDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Opens a connection pool; does not touch the schema. */
    public static CustomerStore connect(String jdbcUrl, String user, String password) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setPoolName("lethe-customer-store");
        config.setMaximumPoolSize(8);
        // erasers and the seeder manage their own transactions
        config.setAutoCommit(true);
        return new CustomerStore(new HikariDataSource(config));
    }

    /** Applies pending migrations; safe to call from several processes at once (Flyway locks). */
    public void migrate() {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
