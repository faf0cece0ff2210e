package io.lethe.store.erase;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Passes a whole batch of targets to one SQL statement as a relation
 * {@code t(task_id, tenant_id, customer_id, scope, item_id)}, so a batch costs one round trip
 * per statement however many targets it holds.
 */
final class TargetSql {

    /** Start of a statement: {@code WITH t AS (...)}; binds five array parameters first. */
    static final String WITH_T = "with t(task_id, tenant_id, customer_id, scope, item_id) as ("
            + "select * from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[]))";

    private TargetSql() {
    }

    static PreparedStatement prepare(Connection c, String sql, List<ErasureTarget> targets) throws SQLException {
        int n = targets.size();
        String[] tasks = new String[n];
        String[] tenants = new String[n];
        String[] customers = new String[n];
        String[] scopes = new String[n];
        String[] items = new String[n];
        for (int i = 0; i < n; i++) {
            ErasureTarget t = targets.get(i);
            tasks[i] = t.taskId();
            tenants[i] = t.tenant();
            customers[i] = t.customerId();
            scopes[i] = t.scope().name();
            items[i] = t.itemId();
        }
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            ps.setArray(1, c.createArrayOf("text", tasks));
            ps.setArray(2, c.createArrayOf("text", tenants));
            ps.setArray(3, c.createArrayOf("text", customers));
            ps.setArray(4, c.createArrayOf("text", scopes));
            ps.setArray(5, c.createArrayOf("text", items));
            return ps;
        } catch (SQLException e) {
            ps.close();
            throw e;
        }
    }

    /** Runs a statement whose result rows are (task_id, count) and sums them per task. */
    static Map<String, Long> countPerTask(Connection c, String sql, List<ErasureTarget> targets) throws SQLException {
        Map<String, Long> counts = new HashMap<>();
        try (PreparedStatement ps = prepare(c, sql, targets); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                counts.merge(rs.getString(1), rs.getLong(2), Long::sum);
            }
        }
        return counts;
    }

    /** {@code update/delete ... returning t.task_id} wrapped so the result is (task_id, count). */
    static String counted(String modifyingStatement) {
        return WITH_T + ", m as (" + modifyingStatement + ") select task_id, count(*) from m group by task_id";
    }

    static void taskIds(Connection c, String sql, List<ErasureTarget> targets, java.util.function.Consumer<String> sink)
            throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, targets); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                sink.accept(rs.getString(1));
            }
        }
    }
}
