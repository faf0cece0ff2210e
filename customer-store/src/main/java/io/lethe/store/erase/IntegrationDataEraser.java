package io.lethe.store.erase;

import io.lethe.events.Scope;
import io.lethe.store.blob.BlobStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code integration-data}: PROFILE deletes the platform's copy of the customer's order history,
 * CSAT and NPS answers and external-app data. Does not (cannot) delete anything in the external
 * app itself; connectors react to the completion event for that.
 */
final class IntegrationDataEraser implements Eraser {

    static final String DATA_TYPE = "integration-data";

    private static final String DELETE = TargetSql.counted(
            "delete from integration_records r using t where r.tenant_id = t.tenant_id"
                    + " and r.customer_id = t.customer_id returning t.task_id");

    private static final String RESIDUAL = TargetSql.WITH_T + " select t.task_id,"
            + " (select count(*) from integration_records r where r.tenant_id = t.tenant_id"
            + "  and r.customer_id = t.customer_id) from t";

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
        TargetSql.countPerTask(tx, DELETE, targets).forEach(tally::deleted);
    }

    @Override
    public Map<String, Long> residual(Connection c, BlobStore blobs, List<ErasureTarget> targets) throws SQLException {
        return TargetSql.countPerTask(c, RESIDUAL, targets);
    }
}
