package io.lethe.cli;

import io.lethe.runtime.config.Keys;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where the customer store is (database and blob root), for every {@code lethe} command that
 * reads or writes it. Unset options fall back to {@code LETHE_*} variables, then
 * {@code .lethe/dev.env} ({@link CliConfig}). ({@code lethe bench} declares its own {@code --jdbc}:
 * there an absent option means "start a local PostgreSQL", not "read the environment".)
 */
public final class StoreOptions {

    @Option(names = "--jdbc", paramLabel = "URL", description = "customer store JDBC URL (default: LETHE_JDBC_URL, else .lethe/dev.env)")
    String jdbc;

    @Option(names = "--jdbc-user", paramLabel = "USER", description = "database user (default: LETHE_JDBC_USER, else postgres)")
    String jdbcUser;

    @Option(names = "--jdbc-password", paramLabel = "PASSWORD", description = "database password (default: LETHE_JDBC_PASSWORD)")
    String jdbcPassword;

    @Option(names = "--blob-dir", paramLabel = "DIR", description = "blob store root (default: LETHE_BLOB_DIR, else .lethe/dev.env)")
    Path blobDir;

    /** Adds the options given to {@code flags}, for {@link CliConfig#load(Map, Map, java.nio.file.Path)}. */
    public Map<String, String> into(Map<String, String> flags) {
        flags.put(Keys.JDBC_URL, jdbc);
        flags.put(Keys.JDBC_USER, jdbcUser);
        flags.put(Keys.JDBC_PASSWORD, jdbcPassword);
        flags.put(Keys.BLOB_DIR, blobDir == null ? null : blobDir.toString());
        return flags;
    }
}
