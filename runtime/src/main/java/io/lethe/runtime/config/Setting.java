package io.lethe.runtime.config;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One configuration key, declared once with its default and what it means. Each service lists
 * its settings ({@code SETTINGS}); its defaults map is derived from them, and so is the README's
 * configuration table (kept equal to the declarations by a test).
 *
 * @param defaultValue null when there is no default (required, or optional and off when unset)
 */
public record Setting(String key, String defaultValue, String doc) {

    public Setting {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(doc, "doc");
    }

    public static Setting of(String key, String defaultValue, String doc) {
        return new Setting(key, defaultValue, doc);
    }

    /** No default: required where it is used, or optional and off when unset (the doc says which). */
    public static Setting unset(String key, String doc) {
        return new Setting(key, null, doc);
    }

    /** The environment variable: {@code LETHE_} and the key in upper case, {@code .} as {@code _}. */
    public String env() {
        return LetheConfig.envName(key);
    }

    /** The defaults of {@code settings}, in order (settings without a default are left out). */
    public static Map<String, String> defaults(Collection<Setting> settings) {
        Map<String, String> d = new LinkedHashMap<>();
        settings.forEach(s -> {
            if (s.defaultValue() != null) {
                d.put(s.key(), s.defaultValue());
            }
        });
        return java.util.Collections.unmodifiableMap(d);
    }

    /** {@code lists} joined, in order. */
    @SafeVarargs
    public static List<Setting> concat(List<Setting>... lists) {
        return java.util.Arrays.stream(lists).flatMap(List::stream).toList();
    }
}
