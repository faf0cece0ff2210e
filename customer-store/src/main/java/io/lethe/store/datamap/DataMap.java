package io.lethe.store.datamap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lethe.events.Scope;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The inventory of a store's personal data: every table and column with its classification,
 * which data type's eraser owns each PII column, how a table is erased, and the blobs derived
 * from its rows. Read from a JSON file ({@code customer-store.datamap.json} for the built-in
 * store; another service's store brings its own in the same format, see docs/data-map.md).
 *
 * <p>The map is checked, never trusted: {@link SchemaCheck} compares it with the migrated schema
 * in the build, the erasure tests are generated from it, and {@link io.lethe.store.census.PiiCensus}
 * counts PII through it. Every table is keyed by {@code tenant_id}.
 *
 * @param store       the store's name
 * @param description what the store holds and on whose behalf (the record of processing's purpose)
 * @param subjects    the categories of data subjects
 */
public record DataMap(String store, String description, String subjects, List<Table> tables, List<Blob> blobs) {

    /** The column every table is keyed by first. */
    public static final String TENANT_COLUMN = "tenant_id";

    /** Where the built-in map lives in the repository. */
    public static final String BUILT_IN_SOURCE = "customer-store/src/main/resources/io/lethe/store/datamap/customer-store.datamap.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public DataMap {
        tables = List.copyOf(tables);
        blobs = List.copyOf(blobs);
    }

    /** What a column holds. */
    public enum Classification {
        /** Personal data of the subject: erased. */
        PII,
        /** An id or key kept after erasure so reports still add up; identifies no person by itself. */
        REPORTING_ID,
        /** Timestamps, enums, sizes, flags: kept, and no personal data on their own. */
        METADATA;

        public String label() {
            return DataMap.label(this);
        }
    }

    /** How a table's personal data is erased. */
    public enum Erasure {
        /** PII columns set to null; the row, its ids and metadata stay for reporting. */
        SCRUB,
        /** The subject's rows are deleted. */
        DELETE_ROW,
        /** Holds no PII; kept. */
        KEEP;

        public String label() {
            return DataMap.label(this);
        }
    }

    /** How the JSON spells an enum constant: lower case, {@code -} for {@code _}. */
    private static String label(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String field, String value, String where) {
        for (E e : type.getEnumConstants()) {
            if (label(e).equals(value)) {
                return e;
            }
        }
        throw new IllegalArgumentException(where + ": " + field + " must be one of "
                + String.join(", ", java.util.Arrays.stream(type.getEnumConstants()).map(DataMap::label).toList()) + ", not " + value);
    }

    /**
     * One column.
     *
     * @param category   for PII: the category of personal data (GDPR Art. 30(1)(c)); else null
     * @param owner      for PII: the data type whose eraser erases it; else null
     * @param leakSearch for PII: whether its values are distinctive enough to search logs and topics
     *                   for (a country code is personal data in its row but too common on its own)
     */
    public record Column(String name, Classification classification, String category, String owner, boolean leakSearch) {

        public static Column pii(String name, String category, String owner) {
            return new Column(name, Classification.PII, category, owner, true);
        }

        public boolean isPii() {
            return classification == Classification.PII;
        }
    }

    /**
     * One table.
     *
     * @param subject the columns that name the data subject (any of them matching makes a row the subject's)
     * @param items   for item-level scopes: the column holding the item's id
     */
    public record Table(String name, String description, List<String> subject, Erasure erasure, Map<Scope, String> items,
                        List<Column> columns) {

        public Table {
            subject = List.copyOf(subject);
            items = items.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(items));
            columns = List.copyOf(columns);
        }

        public List<Column> piiColumns() {
            return columns.stream().filter(Column::isPii).toList();
        }

        public Optional<Column> column(String name) {
            return columns.stream().filter(c -> c.name().equals(name)).findFirst();
        }

        /**
         * SQL condition that a row of this table (alias {@code x}) belongs to the subject, with the
         * tenant and customer id as the given SQL expressions.
         */
        public String subjectCondition(String alias, String tenantExpr, String customerExpr) {
            StringBuilder sb = new StringBuilder(alias).append('.').append(TENANT_COLUMN).append(" = ").append(tenantExpr).append(" and (");
            for (int i = 0; i < subject.size(); i++) {
                sb.append(i == 0 ? "" : " or ").append(alias).append('.').append(subject.get(i)).append(" = ").append(customerExpr);
            }
            return sb.append(')').toString();
        }

        /** SQL expression counting the subject's PII in matching rows: rows for delete-row tables, non-null values for scrubbed ones. */
        public String piiCountExpression(String alias) {
            if (erasure == Erasure.DELETE_ROW) {
                return "count(*)";
            }
            return String.join(" + ", piiColumns().stream().map(c -> "count(" + alias + "." + c.name() + ")").toList());
        }
    }

    /**
     * Content kept outside the database, one blob per row of {@code table}.
     *
     * @param key the key pattern, with {@code {tenant}} and {@code {id}} (the row's id) placeholders
     */
    public record Blob(String kind, String table, String key, String category, String owner) {

        public String key(String tenant, String id) {
            return key.replace("{tenant}", tenant).replace("{id}", id);
        }
    }

    /** The built-in customer store's map, from the classpath. */
    public static DataMap builtIn() {
        try (InputStream in = DataMap.class.getResourceAsStream("customer-store.datamap.json")) {
            return read(Objects.requireNonNull(in, "customer-store.datamap.json is missing from the classpath"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a map in the JSON format of {@code customer-store.datamap.json}.
     *
     * @throws IllegalArgumentException naming the table and column, when the map contradicts itself
     *                                  (a PII column without owner, a kept table with PII, a duplicate)
     */
    public static DataMap read(InputStream json) throws IOException {
        JsonNode root = JSON.readTree(json);
        List<Table> tables = new ArrayList<>();
        Set<String> tableNames = new LinkedHashSet<>();
        for (JsonNode t : root.path("tables")) {
            String name = text(t, "name", "table");
            String where = "table " + name;
            if (!tableNames.add(name)) {
                throw new IllegalArgumentException(where + " is listed twice");
            }
            Erasure erasure = parse(Erasure.class, "erasure", text(t, "erasure", where), where);
            List<String> subject = new ArrayList<>();
            t.path("subject").forEach(s -> subject.add(s.asText()));
            Map<Scope, String> items = new EnumMap<>(Scope.class);
            for (Iterator<Map.Entry<String, JsonNode>> it = t.path("items").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                Scope scope;
                try {
                    scope = Scope.valueOf(e.getKey());
                } catch (IllegalArgumentException bad) {
                    throw new IllegalArgumentException(where + ": items names an unknown scope " + e.getKey());
                }
                if (scope == Scope.PROFILE) {
                    throw new IllegalArgumentException(where + ": items are for item-level scopes, not PROFILE");
                }
                items.put(scope, e.getValue().asText());
            }
            List<Column> columns = new ArrayList<>();
            Set<String> columnNames = new LinkedHashSet<>();
            for (JsonNode c : t.path("columns")) {
                String cname = text(c, "name", where + " column");
                String cwhere = where + " column " + cname;
                if (!columnNames.add(cname)) {
                    throw new IllegalArgumentException(cwhere + " is listed twice");
                }
                Classification cls = parse(Classification.class, "class", text(c, "class", cwhere), cwhere);
                String category = c.hasNonNull("category") ? c.get("category").asText() : null;
                String owner = c.hasNonNull("owner") ? c.get("owner").asText() : null;
                if (cls == Classification.PII && (category == null || owner == null)) {
                    throw new IllegalArgumentException(cwhere + ": a pii column needs a category and an owner (the data type that erases it)");
                }
                if (cls != Classification.PII && (category != null || owner != null)) {
                    throw new IllegalArgumentException(cwhere + ": only pii columns have a category and an owner");
                }
                columns.add(new Column(cname, cls, category, owner, c.path("leakSearch").asBoolean(true)));
            }
            Table table = new Table(name, text(t, "description", where), subject, erasure, items, columns);
            validate(table);
            tables.add(table);
        }
        List<Blob> blobs = new ArrayList<>();
        for (JsonNode b : root.path("blobs")) {
            String kind = text(b, "kind", "blob");
            String where = "blob " + kind;
            String table = text(b, "table", where);
            if (!tableNames.contains(table)) {
                throw new IllegalArgumentException(where + ": table " + table + " is not in the map");
            }
            if (tables.stream().filter(t -> t.name().equals(table)).noneMatch(t -> t.column("id").isPresent())) {
                throw new IllegalArgumentException(where + ": table " + table + " has no id column for {id}");
            }
            String key = text(b, "key", where);
            if (!key.contains("{tenant}") || !key.contains("{id}")) {
                throw new IllegalArgumentException(where + ": the key pattern needs {tenant} and {id}, so it is derived from ids erasure keeps");
            }
            blobs.add(new Blob(kind, table, key, text(b, "category", where), text(b, "owner", where)));
        }
        return new DataMap(text(root, "store", "map"), text(root, "description", "map"), text(root, "subjects", "map"), tables, blobs);
    }

    private static void validate(Table t) {
        String where = "table " + t.name();
        if (t.subject().isEmpty()) {
            throw new IllegalArgumentException(where + ": subject names no column");
        }
        Set<String> names = new LinkedHashSet<>();
        t.columns().forEach(c -> names.add(c.name()));
        Stream.concat(Stream.concat(t.subject().stream(), t.items().values().stream()), Stream.of(TENANT_COLUMN))
                .filter(c -> !names.contains(c)).findFirst().ifPresent(c -> {
                    throw new IllegalArgumentException(where + ": " + c + " is used as a key but not listed among the columns");
                });
        for (String key : t.subject()) {
            if (t.column(key).orElseThrow().isPii()) {
                throw new IllegalArgumentException(where + ": subject column " + key + " must be a reporting-id (erasure keeps it)");
            }
        }
        boolean hasPii = !t.piiColumns().isEmpty();
        if (t.erasure() == Erasure.KEEP && hasPii) {
            throw new IllegalArgumentException(where + ": a kept table cannot hold pii columns");
        }
        if (t.erasure() != Erasure.KEEP && !hasPii) {
            throw new IllegalArgumentException(where + ": erasure " + t.erasure().label() + " but no pii column; use keep");
        }
        if (t.erasure() == Erasure.DELETE_ROW && t.piiColumns().stream().map(Column::owner).distinct().count() > 1) {
            throw new IllegalArgumentException(where + ": a deleted row has one owner; its pii columns name several");
        }
    }

    private static String text(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException(where + ": missing " + field);
        }
        return v.asText();
    }

    public Optional<Table> table(String name) {
        return tables.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** Owners named by the map that are not among {@code dataTypes} (the erasers that exist): each is a gap. */
    public List<String> unknownOwners(Collection<String> dataTypes) {
        List<String> problems = new ArrayList<>();
        for (Table t : tables) {
            for (Column c : t.piiColumns()) {
                if (!dataTypes.contains(c.owner())) {
                    problems.add(t.name() + "." + c.name() + " is owned by " + c.owner() + ", which no eraser handles");
                }
            }
        }
        for (Blob b : blobs) {
            if (!dataTypes.contains(b.owner())) {
                problems.add("blob " + b.kind() + " is owned by " + b.owner() + ", which no eraser handles");
            }
        }
        return problems;
    }

    /** A copy with {@code column} added to {@code table} (how a migration's new column enters the map). */
    public DataMap withColumn(String table, Column column) {
        List<Table> changed = tables.stream().map(t -> {
            if (!t.name().equals(table)) {
                return t;
            }
            List<Column> columns = new ArrayList<>(t.columns());
            columns.add(column);
            Table next = new Table(t.name(), t.description(), t.subject(), t.erasure(), t.items(), columns);
            validate(next);
            return next;
        }).toList();
        return new DataMap(store, description, subjects, changed, blobs);
    }

    /** The map as JSON, in the format {@link #read} reads. */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("store", store).put("description", description).put("subjects", subjects);
        ArrayNode ts = root.putArray("tables");
        for (Table t : tables) {
            ObjectNode o = ts.addObject().put("name", t.name()).put("description", t.description());
            t.subject().forEach(o.putArray("subject")::add);
            o.put("erasure", t.erasure().label());
            if (!t.items().isEmpty()) {
                ObjectNode items = o.putObject("items");
                new EnumMap<>(t.items()).forEach((s, c) -> items.put(s.name(), c));
            }
            ArrayNode cs = o.putArray("columns");
            for (Column c : t.columns()) {
                ObjectNode co = cs.addObject().put("name", c.name()).put("class", c.classification().label());
                if (c.isPii()) {
                    co.put("category", c.category()).put("owner", c.owner());
                    if (!c.leakSearch()) {
                        co.put("leakSearch", false);
                    }
                }
            }
        }
        ArrayNode bs = root.putArray("blobs");
        for (Blob b : blobs) {
            bs.addObject().put("kind", b.kind()).put("table", b.table()).put("key", b.key()).put("category", b.category())
                    .put("owner", b.owner());
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** PII columns grouped by owner, in map order: what each data type's eraser must erase. */
    public Map<String, List<String>> piiByOwner() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Table t : tables) {
            for (Column c : t.piiColumns()) {
                out.computeIfAbsent(c.owner(), k -> new ArrayList<>()).add(t.name() + "." + c.name());
            }
        }
        for (Blob b : blobs) {
            out.computeIfAbsent(b.owner(), k -> new ArrayList<>()).add("blob " + b.kind());
        }
        return out;
    }
}
