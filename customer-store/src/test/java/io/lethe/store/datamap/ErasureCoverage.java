package io.lethe.store.datamap;

import io.lethe.events.Scope;
import io.lethe.store.StoreFixture;
import io.lethe.store.blob.BlobStore;
import io.lethe.store.erase.BatchEraser;
import io.lethe.store.erase.Eraser;
import io.lethe.store.erase.ErasureTarget;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The erasure tests generated from a {@link DataMap}: nothing here names a table or a column.
 * Each method returns the gaps it found, as sentences; an empty list means the erasers and their
 * residual checks do what the map says. Returning gaps (instead of asserting) lets a test show
 * that a column added by a migration, and not taught to an eraser, is caught.
 *
 * <p>The customer must already have at least one row in every table of the map (the fixture's
 * job); this class then fills every nullable PII column still empty and every blob, so a new
 * column is exercised without anyone writing a fixture for it.
 */
final class ErasureCoverage {

    private final DataMap map;
    private final DataSource ds;
    private final BlobStore blobs;
    private final Map<String, Eraser> erasers;

    ErasureCoverage(DataMap map, DataSource ds, BlobStore blobs, Map<String, Eraser> erasers) {
        this.map = map;
        this.ds = ds;
        this.blobs = blobs;
        this.erasers = erasers;
    }

    /**
     * Fills the customer's PII and blobs, runs every eraser on a PROFILE erasure, and reports any PII
     * or blob left, any reporting id lost from a scrubbed or kept table, and any change to {@code bystander}.
     */
    List<String> profileGaps(String tenant, String customer, String bystander) throws SQLException {
        List<String> gaps = new ArrayList<>();
        fill(tenant, customer, gaps);
        fill(tenant, bystander, null);
        Map<String, Long> bystanderBefore = piiCounts(tenant, bystander, null, null);
        Map<String, List<String>> idsBefore = reportingIds(tenant, customer);
        erase(ErasureTarget.profile("profile", tenant, customer));
        piiCounts(tenant, customer, null, null).forEach((what, n) -> {
            if (n > 0) {
                gaps.add(what + ": " + n + " value(s) left after a PROFILE erasure (owner " + owner(what) + ")");
            }
        });
        reportingIds(tenant, customer).forEach((table, ids) -> {
            if (!ids.equals(idsBefore.get(table))) {
                gaps.add(table + ": reporting ids changed by a PROFILE erasure (rows deleted or ids rewritten)");
            }
        });
        Map<String, Long> bystanderAfter = piiCounts(tenant, bystander, null, null);
        if (!bystanderAfter.equals(bystanderBefore)) {
            gaps.add("erasing " + customer + " changed the PII of " + bystander + ": " + bystanderBefore + " -> " + bystanderAfter);
        }
        return gaps;
    }

    /**
     * Erases one item of {@code scope} (the customer's first, by id) with every eraser supporting the
     * scope, and reports PII left in the item's rows and any change to the customer's other rows.
     */
    List<String> itemGaps(String tenant, String customer, Scope scope) throws SQLException {
        List<String> gaps = new ArrayList<>();
        fill(tenant, customer, null);
        DataMap.Table itemTable = map.tables().stream().filter(t -> "id".equals(t.items().get(scope))).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no table holds " + scope + " items by id"));
        String item = first(tenant, customer, itemTable);
        if (item == null) {
            gaps.add(itemTable.name() + ": the fixture has no row for " + customer + ", so " + scope + " cannot be tested");
            return gaps;
        }
        Map<String, Long> outsideBefore = piiCounts(tenant, customer, scope, "outside:" + item);
        Map<String, Long> insideBefore = piiCounts(tenant, customer, scope, item);
        if (insideBefore.values().stream().mapToLong(Long::longValue).sum() == 0) {
            gaps.add(scope + " " + item + ": no PII in scope before the erasure, nothing to prove");
        }
        erase(new ErasureTarget(scope.name().toLowerCase(), tenant, customer, scope, item));
        piiCounts(tenant, customer, scope, item).forEach((what, n) -> {
            if (n > 0) {
                gaps.add(what + ": " + n + " value(s) left after a " + scope + " erasure of " + item);
            }
        });
        Map<String, Long> outsideAfter = piiCounts(tenant, customer, scope, "outside:" + item);
        if (!outsideAfter.equals(outsideBefore)) {
            gaps.add(scope + " erasure of " + item + " changed PII outside the item: " + outsideBefore + " -> " + outsideAfter);
        }
        return gaps;
    }

    /**
     * After a PROFILE erasure, brings each PII column and blob back one at a time, as a backup restore
     * would, and reports those its owner's residual check does not see. Snapshots the customer's rows
     * first, so call it on a customer that has not been erased yet.
     */
    List<String> residualGaps(String tenant, String customer) throws SQLException {
        List<String> gaps = new ArrayList<>();
        fill(tenant, customer, gaps);
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        List<String[]> blobRows = new ArrayList<>();
        try (Connection c = ds.getConnection()) {
            for (DataMap.Table t : map.tables()) {
                if (!t.piiColumns().isEmpty()) {
                    exec(c, "create temp table snap_" + t.name() + "_" + suffix + " as select * from " + t.name()
                            + " x where " + t.subjectCondition("x", "?", "?"), args(t, tenant, customer));
                }
            }
            for (int i = 0; i < map.blobs().size(); i++) {
                DataMap.Blob b = map.blobs().get(i);
                DataMap.Table t = map.table(b.table()).orElseThrow();
                String id = first(tenant, customer, t);
                if (id != null) {
                    blobRows.add(new String[] {String.valueOf(i), b.key(tenant, id)});
                }
            }
            erase(ErasureTarget.profile("profile", tenant, customer));
            ErasureTarget target = ErasureTarget.profile("recheck", tenant, customer);
            for (DataMap.Table t : map.tables()) {
                String snap = "snap_" + t.name() + "_" + suffix;
                for (DataMap.Column col : t.piiColumns()) {
                    String what = t.name() + "." + col.name();
                    if (t.erasure() == DataMap.Erasure.DELETE_ROW) {
                        exec(c, "insert into " + t.name() + " select * from " + snap);
                    } else {
                        exec(c, "update " + t.name() + " x set " + col.name() + " = s." + col.name() + " from " + snap
                                + " s where x.tenant_id = s.tenant_id and x.id = s.id");
                    }
                    long seen = residual(c, col.owner(), target);
                    if (seen == 0) {
                        gaps.add(what + ": back from a restore, but the residual check of " + col.owner() + " counts 0");
                    }
                    if (t.erasure() == DataMap.Erasure.DELETE_ROW) {
                        exec(c, "delete from " + t.name() + " x where " + t.subjectCondition("x", "?", "?"),
                                args(t, tenant, customer));
                    } else {
                        exec(c, "update " + t.name() + " x set " + col.name() + " = null where "
                                + t.subjectCondition("x", "?", "?"), args(t, tenant, customer));
                    }
                }
            }
            for (String[] row : blobRows) {
                DataMap.Blob b = map.blobs().get(Integer.parseInt(row[0]));
                blobs.put(row[1], new byte[] {42});
                if (residual(c, b.owner(), target) == 0) {
                    gaps.add("blob " + b.kind() + ": back from a restore, but the residual check of " + b.owner() + " counts 0");
                }
                blobs.delete(row[1]);
            }
        }
        return gaps;
    }

    private long residual(Connection c, String owner, ErasureTarget target) throws SQLException {
        Eraser e = erasers.get(owner);
        return e == null ? 0 : e.residual(c, blobs, List.of(target)).getOrDefault(target.taskId(), 0L);
    }

    private void erase(ErasureTarget target) throws SQLException {
        for (Eraser e : erasers.values()) {
            if (e.scopes().contains(target.scope())) {
                new BatchEraser(ds, blobs, e).run(List.of(target));
            }
        }
    }

    /**
     * Non-null PII per column (rows for deleted-row tables) and existing blobs per kind, of the
     * customer's rows; with a scope and item, only rows of that item ({@code outside:<item>}: the
     * customer's other rows, tables without the scope included).
     */
    private Map<String, Long> piiCounts(String tenant, String customer, Scope scope, String item) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        boolean outside = item != null && item.startsWith("outside:");
        String itemId = outside ? item.substring("outside:".length()) : item;
        try (Connection c = ds.getConnection()) {
            for (DataMap.Table t : map.tables()) {
                String itemColumn = scope == null ? null : t.items().get(scope);
                if (scope != null && !outside && itemColumn == null) {
                    continue;
                }
                String where = " from " + t.name() + " x where " + t.subjectCondition("x", "?", "?")
                        + (itemColumn == null ? "" : " and x." + itemColumn + (outside ? " <> ?" : " = ?"));
                Object[] args = itemColumn == null ? args(t, tenant, customer) : args(t, tenant, customer, itemId);
                for (DataMap.Column col : t.piiColumns()) {
                    String count = t.erasure() == DataMap.Erasure.DELETE_ROW ? "count(*)" : "count(x." + col.name() + ")";
                    counts.put(t.name() + "." + col.name(), queryLong(c, "select " + count + where, args));
                }
                for (DataMap.Blob b : map.blobs()) {
                    if (b.table().equals(t.name())) {
                        long n = 0;
                        for (String id : queryStrings(c, "select x.id" + where, args)) {
                            n += blobs.exists(b.key(tenant, id)) ? 1 : 0;
                        }
                        counts.put("blob " + b.kind(), n);
                    }
                }
            }
        }
        return counts;
    }

    /** Every row of the customer in scrubbed and kept tables, as its reporting ids joined. */
    private Map<String, List<String>> reportingIds(String tenant, String customer) throws SQLException {
        Map<String, List<String>> out = new HashMap<>();
        try (Connection c = ds.getConnection()) {
            for (DataMap.Table t : map.tables()) {
                if (t.erasure() == DataMap.Erasure.DELETE_ROW) {
                    continue;
                }
                List<String> cols = t.columns().stream().filter(col -> col.classification() == DataMap.Classification.REPORTING_ID)
                        .map(col -> "coalesce(x." + col.name() + "::text, '<null>')").toList();
                out.put(t.name(), queryStrings(c, "select " + String.join(" || '|' || ", cols) + " from " + t.name() + " x where "
                        + t.subjectCondition("x", "?", "?") + " order by 1", args(t, tenant, customer)));
            }
        }
        return out;
    }

    /**
     * Sets every empty nullable PII column of the customer's rows and puts every missing blob; with
     * {@code gaps}, a table where the customer has no row at all is a gap (its erasure would go unproven).
     */
    private void fill(String tenant, String customer, List<String> gaps) throws SQLException {
        try (Connection c = ds.getConnection()) {
            for (DataMap.Table t : map.tables()) {
                if (t.piiColumns().isEmpty()) {
                    continue;
                }
                String subject = t.subjectCondition("x", "?", "?");
                if (gaps != null && queryLong(c, "select count(*) from " + t.name() + " x where " + subject,
                        args(t, tenant, customer)) == 0) {
                    gaps.add(t.name() + ": the fixture has no row for " + customer + ", so its erasure cannot be proven");
                    continue;
                }
                for (DataMap.Column col : t.piiColumns()) {
                    String type = queryStrings(c, "select data_type from information_schema.columns where table_schema ="
                            + " current_schema() and table_name = ? and column_name = ?", t.name(), col.name()).stream()
                            .findFirst().orElse("missing");
                    String value = switch (type) {
                        case "text", "character varying" -> "'pii of ' || x.tenant_id";
                        case "jsonb", "json" -> "jsonb_build_object('pii', x.tenant_id)::" + type;
                        case "missing" -> null;
                        default -> throw new IllegalStateException(t.name() + "." + col.name() + " has type " + type
                                + ", which ErasureCoverage cannot fill yet: add it to fill()");
                    };
                    if (value != null) {
                        exec(c, "update " + t.name() + " x set " + col.name() + " = " + value + " where " + subject
                                + " and x." + col.name() + " is null", args(t, tenant, customer));
                    }
                }
            }
            for (DataMap.Blob b : map.blobs()) {
                DataMap.Table t = map.table(b.table()).orElseThrow();
                for (String id : queryStrings(c, "select x.id from " + t.name() + " x where " + t.subjectCondition("x", "?", "?"),
                        args(t, tenant, customer))) {
                    if (!blobs.exists(b.key(tenant, id))) {
                        blobs.put(b.key(tenant, id), new byte[] {7});
                    }
                }
            }
        }
    }

    private String first(String tenant, String customer, DataMap.Table t) throws SQLException {
        try (Connection c = ds.getConnection()) {
            return queryStrings(c, "select x.id from " + t.name() + " x where " + t.subjectCondition("x", "?", "?")
                    + " order by x.id limit 1", args(t, tenant, customer)).stream().findFirst().orElse(null);
        }
    }

    private String owner(String what) {
        if (what.startsWith("blob ")) {
            String kind = what.substring(5);
            return map.blobs().stream().filter(b -> b.kind().equals(kind)).findFirst().map(DataMap.Blob::owner).orElse("?");
        }
        String[] tc = what.split("\\.", 2);
        return map.table(tc[0]).flatMap(t -> t.column(tc[1])).map(DataMap.Column::owner).orElse("?");
    }

    /** Parameters for {@code subjectCondition("x", "?", "?")}: the tenant, the customer once per subject column, then {@code extra}. */
    private static Object[] args(DataMap.Table t, String tenant, String customer, Object... extra) {
        List<Object> out = new ArrayList<>();
        out.add(tenant);
        t.subject().forEach(s -> out.add(customer));
        out.addAll(List.of(extra));
        return out.toArray();
    }

    private static void exec(Connection c, String sql, Object... args) throws SQLException {
        if (args.length == 0) {
            try (Statement st = c.createStatement()) {
                st.execute(sql);
            }
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.execute();
        }
    }

    private static long queryLong(Connection c, String sql, Object... args) throws SQLException {
        return Long.parseLong(queryStrings(c, sql, args).get(0));
    }

    private static List<String> queryStrings(Connection c, String sql, Object... args) throws SQLException {
        return StoreFixture.column(c, sql, args);
    }
}
