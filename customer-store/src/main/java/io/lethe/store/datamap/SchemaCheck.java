package io.lethe.store.datamap;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares a {@link DataMap} with the schema as migrated in a real database: every column that
 * exists must be classified, everything the map names must exist, and a PII column of a scrubbed
 * table must be nullable (erasure sets it to null). Run by the build, so a migration that adds a
 * column nobody classified fails it.
 */
public final class SchemaCheck {

    /** Tables that belong to the tooling, not to the store. */
    private static final List<String> IGNORED = List.of("flyway_schema_history");

    private static final String COLUMNS = "select table_name, column_name, is_nullable = 'YES' from information_schema.columns"
            + " where table_schema = current_schema() order by table_name, ordinal_position";

    private SchemaCheck() {
    }

    /** Every difference between {@code map} and the current schema of {@code c}; empty when they agree. */
    public static List<String> problems(DataMap map, Connection c) throws SQLException {
        Map<String, Map<String, Boolean>> schema = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(COLUMNS); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (!IGNORED.contains(rs.getString(1))) {
                    schema.computeIfAbsent(rs.getString(1), k -> new LinkedHashMap<>()).put(rs.getString(2), rs.getBoolean(3));
                }
            }
        }
        List<String> problems = new ArrayList<>();
        schema.forEach((table, columns) -> {
            var mapped = map.table(table);
            if (mapped.isEmpty()) {
                problems.add("table " + table + " is not in the data map of " + map.store()
                        + ": classify each of its columns as pii, reporting-id or metadata");
                return;
            }
            columns.forEach((column, nullable) -> {
                var col = mapped.get().column(column);
                if (col.isEmpty()) {
                    problems.add("column " + table + "." + column + " is not in the data map of " + map.store()
                            + ": classify it as pii (with the data type that erases it), reporting-id or metadata");
                } else if (col.get().isPii() && mapped.get().erasure() == DataMap.Erasure.SCRUB && !nullable) {
                    problems.add("column " + table + "." + column + " is pii in a scrubbed table but NOT NULL: erasure cannot set it to null");
                }
            });
        });
        for (DataMap.Table t : map.tables()) {
            Map<String, Boolean> columns = schema.get(t.name());
            if (columns == null) {
                problems.add("the data map of " + map.store() + " names table " + t.name() + ", which does not exist");
                continue;
            }
            for (DataMap.Column col : t.columns()) {
                if (!columns.containsKey(col.name())) {
                    problems.add("the data map of " + map.store() + " names column " + t.name() + "." + col.name()
                            + ", which does not exist");
                }
            }
        }
        return problems;
    }
}
