package io.lethe.runtime.config;

import java.util.List;
import java.util.Map;

/** The README's configuration table, rendered from the services' declared {@link Setting}s. */
public final class SettingsTable {

    private SettingsTable() {
    }

    /** One row per setting, grouped by who reads it (map order), as a Markdown table. */
    public static String markdown(Map<String, List<Setting>> byReader) {
        StringBuilder md = new StringBuilder("| Variable | Default | Read by | Meaning |\n|---|---|---|---|\n");
        byReader.forEach((reader, settings) -> settings.forEach(s -> md.append("| `").append(s.env()).append("` | ")
                .append(s.defaultValue() == null ? "" : s.defaultValue().isEmpty() ? "(empty)" : "`" + s.defaultValue() + "`")
                .append(" | ").append(reader).append(" | ").append(s.doc().replace("|", "\\|")).append(" |\n")));
        return md.toString();
    }
}
