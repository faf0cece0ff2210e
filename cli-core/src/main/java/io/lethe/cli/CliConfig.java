package io.lethe.cli;

import io.lethe.runtime.config.Keys;
import io.lethe.runtime.config.LetheConfig;
import io.lethe.store.CustomerStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Configuration for {@code lethe} commands: built-in defaults &lt; {@code .lethe/dev.env} in the
 * working directory (what {@code lethe dev} wrote) &lt; {@code LETHE_*} environment &lt; flags.
 */
public final class CliConfig {

    public static final Path DEV_ENV = Path.of(".lethe", "dev.env");

    private CliConfig() {
    }

    /** The customer store of {@code jdbc.url}, {@code jdbc.user} and {@code jdbc.password}; does not touch the schema. */
    public static CustomerStore store(LetheConfig config) {
        return CustomerStore.connect(config.string(Keys.JDBC_URL), config.string(Keys.JDBC_USER, "postgres"),
                config.string(Keys.JDBC_PASSWORD, ""));
    }

    public static LetheConfig load(Map<String, String> flags) {
        return load(flags, System.getenv(), Path.of(""));
    }

    /** The same precedence with an explicit environment and working directory (tests run commands without the process's). */
    public static LetheConfig load(Map<String, String> flags, Map<String, String> env, Path workDir) {
        LetheConfig.Builder b = LetheConfig.builder().defaults(Keys.DEFAULTS);
        Path devEnv = workDir.resolve(DEV_ENV);
        if (Files.isRegularFile(devEnv)) {
            b.envFile(devEnv);
        }
        b.env(env);
        flags.forEach((k, v) -> {
            if (v != null) {
                b.set(k, v);
            }
        });
        return b.build();
    }
}
