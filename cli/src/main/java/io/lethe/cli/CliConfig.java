package io.lethe.cli;

import io.lethe.runtime.config.Keys;
import io.lethe.runtime.config.LetheConfig;
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

    public static LetheConfig load(Map<String, String> flags) {
        LetheConfig.Builder b = LetheConfig.builder().defaults(Keys.DEFAULTS);
        if (Files.isRegularFile(DEV_ENV)) {
            b.envFile(DEV_ENV);
        }
        b.env(System.getenv());
        flags.forEach((k, v) -> {
            if (v != null) {
                b.set(k, v);
            }
        });
        return b.build();
    }
}
