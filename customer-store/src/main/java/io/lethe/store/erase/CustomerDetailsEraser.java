package io.lethe.store.erase;

import io.lethe.events.Scope;
import io.lethe.store.blob.BlobStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code customer-details}: PROFILE deletes the customer's emails, phones, addresses and
 * relationships (both directions: being someone's relative is personal data of both), scrubs
 * the name and stamps {@code erased_at}. The customer row, its id and timestamps stay, because
 * conversations, contacts and work sessions still reference it for reporting.
 *
 * <p>Does not erase the related customer's own profile, only the link between the two.
 */
final class CustomerDetailsEraser implements Eraser {

    static final String DATA_TYPE = "customer-details";

    private static final List<String> DELETES = List.of(
            deleteByCustomer("customer_emails"),
            deleteByCustomer("customer_phones"),
            deleteByCustomer("customer_addresses"),
            TargetSql.counted("delete from customer_relationships r using t where r.tenant_id = t.tenant_id"
                    + " and (r.customer_id = t.customer_id or r.related_customer_id = t.customer_id)"
                    + " returning t.task_id"));

    private static final String SCRUB_CUSTOMER = TargetSql.counted(
            "update customers c set name = null, erased_at = coalesce(c.erased_at, now()) from t"
                    + " where c.tenant_id = t.tenant_id and c.id = t.customer_id"
                    + " and (c.name is not null or c.erased_at is null) returning t.task_id");

    private static final String RESIDUAL = TargetSql.WITH_T + " select t.task_id,"
            + residualByCustomer("customer_emails") + " + " + residualByCustomer("customer_phones")
            + " + " + residualByCustomer("customer_addresses")
            + " + (select count(*) from customer_relationships r where r.tenant_id = t.tenant_id"
            + "   and (r.customer_id = t.customer_id or r.related_customer_id = t.customer_id))"
            + " + (select count(c.name) from customers c where c.tenant_id = t.tenant_id and c.id = t.customer_id)"
            + " from t";

    private static String deleteByCustomer(String table) {
        return TargetSql.counted("delete from " + table + " x using t where x.tenant_id = t.tenant_id"
                + " and x.customer_id = t.customer_id returning t.task_id");
    }

    private static String residualByCustomer(String table) {
        return "(select count(*) from " + table + " x where x.tenant_id = t.tenant_id and x.customer_id = t.customer_id)";
    }

    @Override
    public String dataType() {
        return DATA_TYPE;
    }

    @Override
    public Set<Scope> scopes() {
        return Set.of(Scope.PROFILE);
    }

    @Override
    public void erase(Connection tx, List<ErasureTarget> targets, ErasureTally tally) throws SQLException {
        for (String sql : DELETES) {
            TargetSql.countPerTask(tx, sql, targets).forEach(tally::deleted);
        }
        TargetSql.countPerTask(tx, SCRUB_CUSTOMER, targets).forEach(tally::scrubbed);
    }

    @Override
    public Map<String, Long> residual(Connection c, BlobStore blobs, List<ErasureTarget> targets) throws SQLException {
        return TargetSql.countPerTask(c, RESIDUAL, targets);
    }
}
