package io.lethe.store.erase;

import io.lethe.events.Scope;
import io.lethe.store.blob.BlobStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The erase and residual-check SQL of one data type ({@code lethe.erasure.tasks.<dataType>}).
 * {@link BatchEraser} owns transactions and blob deletes; an eraser only issues statements,
 * each one covering the whole batch (arrays, not one statement per target).
 *
 * <p>Contract: erasing is idempotent (a second run scrubs and deletes 0); every statement is
 * scoped by (tenant, customer[, item]); blobs are reported by keys derived from ids.
 */
public interface Eraser {

    /** The data type, e.g. {@code conversations}; names the task topic. */
    String dataType();

    /** The scopes this data type acts on; {@link BatchEraser} answers the others with UNSUPPORTED_SCOPE. */
    Set<Scope> scopes();

    /**
     * Erases {@code targets} (all of a supported scope) inside the caller's transaction on
     * {@code tx}, which it must neither commit nor roll back, and records what it did in {@code tally}.
     */
    void erase(Connection tx, List<ErasureTarget> targets, ErasureTally tally) throws SQLException;

    /** PII of each target's scope that still exists, database and blobs, keyed by task id (missing = 0). */
    Map<String, Long> residual(Connection c, BlobStore blobs, List<ErasureTarget> targets) throws SQLException;
}
