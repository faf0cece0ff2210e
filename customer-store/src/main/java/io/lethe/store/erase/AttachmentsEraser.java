package io.lethe.store.erase;

import io.lethe.events.Scope;
import io.lethe.store.blob.BlobKeys;
import io.lethe.store.blob.BlobStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code attachments}: files and audio. PROFILE scrubs the file names of all the customer's
 * attachments and deletes their blobs and the audio of all their recordings; CONTACT does the
 * same for one contact; ATTACHMENT for one attachment; VOICE_RECORDING deletes one recording's
 * audio and scrubs its transcript.
 *
 * <p>Keeps attachment and recording rows (ids, content type, size, duration, timestamps).
 * Transcripts of PROFILE and CONTACT erasures are the {@code conversations} eraser's job.
 * Blob keys are re-derived from the ids on every run, already scrubbed or not, so a blob delete
 * lost after a commit is repaired by running the task again.
 */
final class AttachmentsEraser implements Eraser {

    static final String DATA_TYPE = "attachments";

    private static final String NOT_FOUND = TargetSql.WITH_T + " select t.task_id from t where"
            + " (t.scope = 'CONTACT' and not exists (select 1 from contacts c where c.tenant_id = t.tenant_id"
            + "   and c.customer_id = t.customer_id and c.id = t.item_id))"
            + " or (t.scope = 'ATTACHMENT' and not exists (select 1 from attachments a where a.tenant_id = t.tenant_id"
            + "   and a.customer_id = t.customer_id and a.id = t.item_id))"
            + " or (t.scope = 'VOICE_RECORDING' and not exists (select 1 from voice_recordings r"
            + "   where r.tenant_id = t.tenant_id and r.customer_id = t.customer_id and r.id = t.item_id))";

    private static final String ATTACHMENTS_IN_SCOPE = "select t.task_id, a.tenant_id, a.id, a.file_name"
            + " from t join attachments a on a.tenant_id = t.tenant_id and a.customer_id = t.customer_id"
            + " where t.scope = 'PROFILE' or (t.scope = 'CONTACT' and a.contact_id = t.item_id)"
            + " or (t.scope = 'ATTACHMENT' and a.id = t.item_id)";

    private static final String RECORDINGS_IN_SCOPE = "select t.task_id, r.tenant_id, r.id, r.transcript,"
            + " t.scope = 'VOICE_RECORDING' as scrub_transcript"
            + " from t join voice_recordings r on r.tenant_id = t.tenant_id and r.customer_id = t.customer_id"
            + " where t.scope = 'PROFILE' or (t.scope = 'CONTACT' and r.contact_id = t.item_id)"
            + " or (t.scope = 'VOICE_RECORDING' and r.id = t.item_id)";

    // s lists every attachment in scope (for its blob key), u the ones scrubbed by this run
    private static final String SCRUB_ATTACHMENTS = TargetSql.WITH_T
            + ", s as (" + ATTACHMENTS_IN_SCOPE + ")"
            + ", u as (update attachments a set file_name = null from s where a.tenant_id = s.tenant_id"
            + "   and a.id = s.id and a.file_name is not null returning a.tenant_id, a.id)"
            + " select s.task_id, s.tenant_id, s.id, u.id is not null from s"
            + " left join u on u.tenant_id = s.tenant_id and u.id = s.id";

    private static final String SCRUB_RECORDINGS = TargetSql.WITH_T
            + ", s as (" + RECORDINGS_IN_SCOPE + ")"
            + ", u as (update voice_recordings r set transcript = null from s where s.scrub_transcript"
            + "   and r.tenant_id = s.tenant_id and r.id = s.id and r.transcript is not null"
            + "   returning r.tenant_id, r.id)"
            + " select s.task_id, s.tenant_id, s.id, u.id is not null from s"
            + " left join u on s.scrub_transcript and u.tenant_id = s.tenant_id and u.id = s.id";

    // kind, id, PII values left in the row
    private static final String RESIDUAL = TargetSql.WITH_T
            + " select s.task_id, 'A', s.tenant_id, s.id, (s.file_name is not null)::int from ("
            + ATTACHMENTS_IN_SCOPE + ") s"
            + " union all select s.task_id, 'R', s.tenant_id, s.id,"
            + " (s.scrub_transcript and s.transcript is not null)::int from (" + RECORDINGS_IN_SCOPE + ") s";

    @Override
    public String dataType() {
        return DATA_TYPE;
    }

    @Override
    public Set<Scope> scopes() {
        return Set.of(Scope.PROFILE, Scope.CONTACT, Scope.ATTACHMENT, Scope.VOICE_RECORDING);
    }

    @Override
    public void erase(Connection tx, List<ErasureTarget> targets, ErasureTally tally) throws SQLException {
        TargetSql.taskIds(tx, NOT_FOUND, targets, tally::notFound);
        // two targets of a batch may cover the same row: credit the scrub once
        Set<String> credited = new HashSet<>();
        try (PreparedStatement ps = TargetSql.prepare(tx, SCRUB_ATTACHMENTS, targets); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String task = rs.getString(1);
                String tenant = rs.getString(2);
                String id = rs.getString(3);
                tally.blob(task, BlobKeys.attachment(tenant, id));
                if (rs.getBoolean(4) && credited.add("A/" + tenant + "/" + id)) {
                    tally.scrubbed(task, 1);
                }
            }
        }
        try (PreparedStatement ps = TargetSql.prepare(tx, SCRUB_RECORDINGS, targets); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String task = rs.getString(1);
                String tenant = rs.getString(2);
                String id = rs.getString(3);
                tally.blob(task, BlobKeys.recording(tenant, id));
                if (rs.getBoolean(4) && credited.add("R/" + tenant + "/" + id)) {
                    tally.scrubbed(task, 1);
                }
            }
        }
    }

    @Override
    public Map<String, Long> residual(Connection c, BlobStore blobs, List<ErasureTarget> targets) throws SQLException {
        Map<String, Long> residual = new HashMap<>();
        try (PreparedStatement ps = TargetSql.prepare(c, RESIDUAL, targets); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String task = rs.getString(1);
                String tenant = rs.getString(3);
                String id = rs.getString(4);
                String key = "A".equals(rs.getString(2)) ? BlobKeys.attachment(tenant, id) : BlobKeys.recording(tenant, id);
                long left = rs.getLong(5) + (blobs.exists(key) ? 1 : 0);
                residual.merge(task, left, Long::sum);
            }
        }
        return residual;
    }
}
