package io.lethe.store.census;

import io.lethe.store.blob.BlobStore;
import io.lethe.store.datamap.DataMap;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts and lists one customer's PII across every table of the store and the blob store,
 * independently of the erasers' own residual checks, so tests can prove a profile deletion
 * left nothing and search other systems (Kafka topics, logs) for leaked values.
 *
 * <p>Its queries are generated from the {@link DataMap}, so a column classified as PII there is
 * counted here without anyone editing this class. A verification tool: reads only, scans the
 * customer's rows with no batching, and knows nothing about data held outside this store.
 */
public final class PiiCensus {

    // p binds (tenant, customer) once; every subquery reads it
    private static final String P = "with p(t, c) as (select ?::text, ?::text) ";

    private static final DataMap MAP = DataMap.builtIn();
    private static final String COUNTS = counts(MAP);
    private static final String BLOB_IDS = blobIds(MAP);
    private static final String STRINGS = strings(MAP);

    private PiiCensus() {
    }

    private static String counts(DataMap map) {
        List<String> parts = new ArrayList<>();
        for (DataMap.Table t : map.tables()) {
            if (!t.piiColumns().isEmpty()) {
                parts.add("(select " + t.piiCountExpression("x") + " from " + t.name() + " x, p where "
                        + t.subjectCondition("x", "p.t", "p.c") + ")");
            }
        }
        return P + "select " + String.join(" + ", parts);
    }

    private static String blobIds(DataMap map) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < map.blobs().size(); i++) {
            DataMap.Table t = map.table(map.blobs().get(i).table()).orElseThrow();
            parts.add("select " + i + ", x.id from " + t.name() + " x, p where " + t.subjectCondition("x", "p.t", "p.c"));
        }
        return P + String.join(" union all ", parts);
    }

    private static String strings(DataMap map) {
        List<String> parts = new ArrayList<>();
        for (DataMap.Table t : map.tables()) {
            for (DataMap.Column c : t.piiColumns()) {
                if (c.leakSearch()) {
                    parts.add("select x." + c.name() + "::text from " + t.name() + " x, p where "
                            + t.subjectCondition("x", "p.t", "p.c") + " and x." + c.name() + " is not null");
                }
            }
        }
        return P + String.join(" union all ", parts);
    }

    /**
     * PII values left for the customer: non-null PII columns of scrubbed tables, rows of
     * deleted-row tables (relationships on either side) and existing blobs of their rows.
     * 0 after a complete profile deletion.
     */
    public static long remainingPii(Connection c, BlobStore blobs, String tenant, String customerId) throws SQLException {
        long total;
        try (PreparedStatement ps = c.prepareStatement(COUNTS)) {
            bind(ps, tenant, customerId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                total = rs.getLong(1);
            }
        }
        if (MAP.blobs().isEmpty()) {
            return total;
        }
        try (PreparedStatement ps = c.prepareStatement(BLOB_IDS)) {
            bind(ps, tenant, customerId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (blobs.exists(MAP.blobs().get(rs.getInt(1)).key(tenant, rs.getString(2)))) {
                        total++;
                    }
                }
            }
        }
        return total;
    }

    /** The customer's distinctive PII values (names, emails, phones, address lines, texts, file names, payloads). */
    public static List<String> piiStrings(Connection c, String tenant, String customerId) throws SQLException {
        List<String> values = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(STRINGS)) {
            bind(ps, tenant, customerId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
        }
        return values;
    }

    private static void bind(PreparedStatement ps, String tenant, String customerId) throws SQLException {
        ps.setString(1, tenant);
        ps.setString(2, customerId);
    }
}
