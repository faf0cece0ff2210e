package io.lethe.store.erase;

import io.lethe.store.blob.BlobStore;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link Eraser} over a batch of targets: all database changes in one transaction,
 * then (only after the commit) the blob deletes, then the residual check.
 *
 * <p>Why this order: a blob deleted before a rollback would be lost content whose row still
 * claims it; a blob left behind by a crash after the commit is found again on re-run, because
 * its key is derived from an id that erasure keeps. A blob delete that fails with an I/O error
 * is not thrown: the residual check counts the blob and the task answers RESIDUAL_NOT_ZERO, so
 * the caller retries it.
 *
 * <p>Every statement runs under a PostgreSQL {@code statement_timeout} (default 2 minutes, set per
 * transaction with {@code SET LOCAL}): a statement stuck behind a lock or a hung server fails
 * with SQLState 57014 after that long instead of holding the eraser's thread for ever.
 *
 * <p>Does not retry, does not publish results, and does not guard against two instances
 * erasing overlapping rows concurrently (PostgreSQL may abort one with a deadlock, which
 * surfaces as an {@link SQLException} like any other failure).
 */
public final class BatchEraser {

    private static final Logger LOG = LoggerFactory.getLogger(BatchEraser.class);

    private final DataSource dataSource;
    private final BlobStore blobs;
    private final Eraser eraser;
    private final Duration statementTimeout;

    public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofMinutes(2);

    public BatchEraser(DataSource dataSource, BlobStore blobs, Eraser eraser) {
        this(dataSource, blobs, eraser, DEFAULT_STATEMENT_TIMEOUT);
    }

    public BatchEraser(DataSource dataSource, BlobStore blobs, Eraser eraser, Duration statementTimeout) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.blobs = Objects.requireNonNull(blobs, "blobs");
        this.eraser = Objects.requireNonNull(eraser, "eraser");
        if (statementTimeout.isNegative() || statementTimeout.isZero()) {
            throw new IllegalArgumentException("statement timeout must be positive: " + statementTimeout);
        }
        this.statementTimeout = statementTimeout;
    }

    public String dataType() {
        return eraser.dataType();
    }

    /**
     * Erases the batch and returns counts per task id, in the order of {@code targets}.
     *
     * @throws SQLException after rolling back, when any statement or the commit fails; nothing
     *                      of the batch was erased then and no blob was touched
     * @throws IllegalArgumentException when two targets share a task id
     */
    public Map<String, ErasureCounts> run(List<ErasureTarget> targets) throws SQLException {
        Set<String> taskIds = new HashSet<>();
        List<ErasureTarget> supported = new ArrayList<>();
        for (ErasureTarget t : targets) {
            if (!taskIds.add(t.taskId())) {
                throw new IllegalArgumentException("duplicate task id in batch: " + t.taskId());
            }
            if (eraser.scopes().contains(t.scope())) {
                supported.add(t);
            }
        }
        ErasureTally tally = new ErasureTally();
        if (!supported.isEmpty()) {
            eraseInOneTransaction(supported, tally);
        }
        List<ErasureTarget> found = supported.stream().filter(t -> !tally.isNotFound(t.taskId())).toList();
        Map<String, Long> blobsDeleted = deleteBlobs(found, tally);
        Map<String, Long> residual = found.isEmpty() ? Map.of() : residual(found);

        Map<String, ErasureCounts> results = new LinkedHashMap<>();
        for (ErasureTarget t : targets) {
            String id = t.taskId();
            ErasureCounts counts;
            if (!eraser.scopes().contains(t.scope())) {
                counts = ErasureCounts.error(ErasureCounts.UNSUPPORTED_SCOPE);
            } else if (tally.isNotFound(id)) {
                counts = ErasureCounts.error(ErasureCounts.NOT_FOUND_FOR_CUSTOMER);
            } else {
                long left = residual.getOrDefault(id, 0L);
                counts = new ErasureCounts(tally.scrubbed(id), tally.deleted(id), blobsDeleted.getOrDefault(id, 0L),
                        left, left > 0 ? ErasureCounts.RESIDUAL_NOT_ZERO : null);
            }
            results.put(id, counts);
        }
        LOG.info("erased batch dataType={} targets={} supported={} notFound={}", eraser.dataType(), targets.size(),
                supported.size(), supported.size() - found.size());
        return results;
    }

    private void eraseInOneTransaction(List<ErasureTarget> supported, ErasureTally tally) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                limitStatements(c);
                eraser.erase(c, supported, tally);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c, e);
                throw e;
            } finally {
                restoreAutoCommit(c, autoCommit);
            }
        }
    }

    private Map<String, Long> deleteBlobs(List<ErasureTarget> found, ErasureTally tally) {
        Map<String, Long> deleted = new LinkedHashMap<>();
        for (ErasureTarget t : found) {
            long n = 0;
            for (String key : tally.blobKeys(t.taskId())) {
                try {
                    if (blobs.delete(key)) {
                        n++;
                    }
                } catch (UncheckedIOException e) {
                    // left for the residual check to report, so the task is retried
                    LOG.warn("blob delete failed dataType={} task={} error={}", eraser.dataType(), t.taskId(),
                            e.getCause().getClass().getSimpleName());
                }
            }
            deleted.put(t.taskId(), n);
        }
        return deleted;
    }

    private Map<String, Long> residual(List<ErasureTarget> found) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                limitStatements(c);
                Map<String, Long> left = eraser.residual(c, blobs, found);
                c.commit();
                return left;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c, e);
                throw e;
            } finally {
                restoreAutoCommit(c, autoCommit);
            }
        }
    }

    /** {@code SET LOCAL}: lasts until the end of the current transaction only, so pooled connections keep their defaults. */
    private void limitStatements(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET LOCAL statement_timeout = " + statementTimeout.toMillis());
        }
    }

    private static void rollbackQuietly(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private static void restoreAutoCommit(Connection c, boolean autoCommit) {
        try {
            c.setAutoCommit(autoCommit);
        } catch (SQLException e) {
            // the pool discards broken connections; nothing to do here
        }
    }
}
