package io.lethe.store.erase;

import io.lethe.events.Scope;
import io.lethe.store.blob.BlobStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code conversations}: the text of what was said. PROFILE scrubs the customer's conversation
 * subjects, contact bodies and from-addresses, and recording transcripts; CONTACT scrubs one
 * contact's body and from-address and its recording's transcript.
 *
 * <p>Keeps every row, id, channel, status, direction and timestamp. Does not touch
 * attachments or audio (that is {@code attachments}) and never deletes rows.
 */
final class ConversationsEraser implements Eraser {

    static final String DATA_TYPE = "conversations";

    private static final String NOT_FOUND = TargetSql.WITH_T + " select t.task_id from t where t.scope = 'CONTACT'"
            + " and not exists (select 1 from contacts c where c.tenant_id = t.tenant_id"
            + " and c.customer_id = t.customer_id and c.id = t.item_id)";

    private static final String SCRUB_SUBJECTS = TargetSql.counted(
            "update conversations v set subject = null from t where t.scope = 'PROFILE'"
                    + " and v.tenant_id = t.tenant_id and v.customer_id = t.customer_id and v.subject is not null"
                    + " returning t.task_id");

    private static final String SCRUB_CONTACTS = TargetSql.counted(
            "update contacts c set body = null, from_address = null from t"
                    + " where c.tenant_id = t.tenant_id and c.customer_id = t.customer_id"
                    + " and (t.scope = 'PROFILE' or c.id = t.item_id)"
                    + " and (c.body is not null or c.from_address is not null) returning t.task_id");

    private static final String SCRUB_TRANSCRIPTS = TargetSql.counted(
            "update voice_recordings r set transcript = null from t"
                    + " where r.tenant_id = t.tenant_id and r.customer_id = t.customer_id"
                    + " and (t.scope = 'PROFILE' or r.contact_id = t.item_id)"
                    + " and r.transcript is not null returning t.task_id");

    private static final String RESIDUAL = TargetSql.WITH_T + " select t.task_id,"
            + " (select count(v.subject) from conversations v where t.scope = 'PROFILE'"
            + "   and v.tenant_id = t.tenant_id and v.customer_id = t.customer_id)"
            + " + (select count(c.body) + count(c.from_address) from contacts c"
            + "   where c.tenant_id = t.tenant_id and c.customer_id = t.customer_id"
            + "   and (t.scope = 'PROFILE' or c.id = t.item_id))"
            + " + (select count(r.transcript) from voice_recordings r"
            + "   where r.tenant_id = t.tenant_id and r.customer_id = t.customer_id"
            + "   and (t.scope = 'PROFILE' or r.contact_id = t.item_id))"
            + " from t";

    @Override
    public String dataType() {
        return DATA_TYPE;
    }

    @Override
    public Set<Scope> scopes() {
        return Set.of(Scope.PROFILE, Scope.CONTACT);
    }

    @Override
    public void erase(Connection tx, List<ErasureTarget> targets, ErasureTally tally) throws SQLException {
        TargetSql.taskIds(tx, NOT_FOUND, targets, tally::notFound);
        for (String sql : List.of(SCRUB_SUBJECTS, SCRUB_CONTACTS, SCRUB_TRANSCRIPTS)) {
            TargetSql.countPerTask(tx, sql, targets).forEach(tally::scrubbed);
        }
    }

    @Override
    public Map<String, Long> residual(Connection c, BlobStore blobs, List<ErasureTarget> targets) throws SQLException {
        return TargetSql.countPerTask(c, RESIDUAL, targets);
    }
}
