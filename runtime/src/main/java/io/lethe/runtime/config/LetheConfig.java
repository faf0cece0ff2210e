package io.lethe.runtime.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Layered configuration: built-in defaults &lt; properties file &lt; {@code LETHE_*} environment.
 *
 * <p>Keys are lower-case and dotted ({@code scanner.interval}); the environment variable of a
 * key is {@code LETHE_} + the key upper-cased with dots as underscores
 * ({@code LETHE_SCANNER_INTERVAL}). A typed getter that cannot parse a value throws a
 * {@link ConfigException} naming the key, its variable and what was expected, so a service
 * fails at startup with a message an operator can act on.
 */
public final class LetheConfig {

    public static final String ENV_PREFIX = "LETHE_";

    private final Map<String, String> values;

    private LetheConfig(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults, then {@code LETHE_CONFIG_FILE} if set, then the process environment. */
    public static LetheConfig fromEnvironment(Map<String, String> defaults) {
        Builder b = builder().defaults(defaults);
        String file = System.getenv(ENV_PREFIX + "CONFIG_FILE");
        if (file != null && !file.isBlank()) {
            b.file(Path.of(file));
        }
        return b.env(System.getenv()).build();
    }

    public static LetheConfig of(Map<String, String> values) {
        return new LetheConfig(values);
    }

    /** The environment variable that sets a key. */
    public static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The key an environment variable sets, or null when it is not a LETHE_ variable. */
    public static String keyOf(String envName) {
        if (!envName.startsWith(ENV_PREFIX) || envName.length() == ENV_PREFIX.length()) {
            return null;
        }
        return envName.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
    }

    /** A copy with more values on top. */
    public LetheConfig with(Map<String, String> overrides) {
        Map<String, String> merged = new LinkedHashMap<>(values);
        merged.putAll(overrides);
        return new LetheConfig(merged);
    }

    public Optional<String> optString(String key) {
        String v = values.get(key);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    public String string(String key) {
        return optString(key).orElseThrow(() -> new ConfigException(
                "missing configuration " + key + " (set " + envName(key) + ")"));
    }

    public String string(String key, String fallback) {
        return optString(key).orElse(fallback);
    }

    public int integer(String key) {
        String v = string(key);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw invalid(key, v, "a whole number");
        }
    }

    public int positiveInt(String key) {
        int v = integer(key);
        if (v <= 0) {
            throw invalid(key, Integer.toString(v), "a whole number greater than 0");
        }
        return v;
    }

    public long longValue(String key) {
        String v = string(key);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw invalid(key, v, "a whole number");
        }
    }

    public boolean bool(String key) {
        String v = string(key).toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw invalid(key, v, "true or false");
        };
    }

    public Duration duration(String key) {
        String v = string(key);
        try {
            Duration d = Duration.parse(v);
            if (d.isNegative() || d.isZero()) {
                throw invalid(key, v, "a positive ISO-8601 duration such as PT1M or PT5S");
            }
            return d;
        } catch (DateTimeParseException e) {
            throw invalid(key, v, "an ISO-8601 duration such as PT1M or PT5S");
        }
    }

    public List<String> list(String key) {
        return optString(key).map(v -> Arrays.stream(v.split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList()).orElse(List.of());
    }

    /** Every key under {@code prefix.} with the prefix removed (e.g. Kafka client pass-through). */
    public Map<String, String> withPrefix(String prefix) {
        String p = prefix.endsWith(".") ? prefix : prefix + ".";
        Map<String, String> out = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(p) && v != null) {
                out.put(k.substring(p.length()), v);
            }
        });
        return out;
    }

    public Map<String, String> asMap() {
        return new TreeMap<>(values);
    }

    public static ConfigException invalid(String key, String value, String expected) {
        return new ConfigException("invalid configuration " + key + " (" + envName(key) + ")='" + value
                + "': expected " + expected);
    }

    /** Builds the layers in order; a later layer wins. */
    public static final class Builder {
        private final Map<String, String> values = new LinkedHashMap<>();

        public Builder defaults(Map<String, String> defaults) {
            values.putAll(defaults);
            return this;
        }

        public Builder file(Path path) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(path)) {
                p.load(r);
            } catch (IOException e) {
                throw new ConfigException("cannot read configuration file " + path + ": " + e.getMessage());
            }
            p.stringPropertyNames().forEach(k -> values.put(k.trim(), p.getProperty(k)));
            return this;
        }

        /** {@code KEY=VALUE} lines such as {@code .lethe/dev.env}; variables become keys. */
        public Builder envFile(Path path) {
            try {
                for (String line : Files.readAllLines(path)) {
                    int eq = line.indexOf('=');
                    if (line.isBlank() || line.startsWith("#") || eq < 0) {
                        continue;
                    }
                    String k = keyOf(line.substring(0, eq).trim());
                    if (k != null) {
                        String v = line.substring(eq + 1).trim();
                        if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
                            v = v.substring(1, v.length() - 1);
                        }
                        values.put(k, v);
                    }
                }
            } catch (IOException e) {
                throw new ConfigException("cannot read " + path + ": " + e.getMessage());
            }
            return this;
        }

        public Builder env(Map<String, String> env) {
            env.forEach((name, v) -> {
                String k = keyOf(name);
                if (k != null) {
                    values.put(k, v);
                }
            });
            return this;
        }

        public Builder set(String key, String value) {
            values.put(key, value);
            return this;
        }

        public LetheConfig build() {
            return new LetheConfig(values);
        }
    }
}
