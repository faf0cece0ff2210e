package io.lethe.cli.ops;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Set;
import java.util.TreeSet;

/** The configuration keys a class declares: its public static String constants shaped like {@code a.b.c}. */
final class ConfigKeyConstants {

    private ConfigKeyConstants() {
    }

    static Set<String> of(Class<?> type) {
        Set<String> out = new TreeSet<>();
        for (Field f : type.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                try {
                    String v = (String) f.get(null);
                    if (v != null && v.matches("[a-z][a-z0-9]*(\\.[a-z0-9-]+)+")) {
                        out.add(v);
                    }
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return out;
    }
}
