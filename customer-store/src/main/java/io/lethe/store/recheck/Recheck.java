package io.lethe.store.recheck;

import io.lethe.store.blob.BlobStore;
import io.lethe.store.erase.Eraser;
import io.lethe.store.erase.ErasureTarget;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * Re-runs the erasers' residual checks, against the store as it is now, for requests the audit
 * trail records as erased, and reports every one whose data came back (a backup restore, a
 * re-sync from an external app). Read-only.
 *
 * <p>Requests are buffered into batches of {@code batchSize} and each data type's residual check
 * runs once per batch (the same set-based SQL the erasers use), so memory is one batch, whatever
 * the length of the audit trail. With a rate, {@link #accept} sleeps as needed to stay under that
 * many requests per second ({@link Pacer}), so a continuous recheck never competes with live
 * deletions.
 *
 * <p>Data types without an eraser here (owned by another service) are counted in
 * {@link Stats#unchecked()}, not checked: that service rechecks its own store.
 */
public final class Recheck {

    /** What a recheck did so far. */
    public record Stats(long requests, long findings, Map<String, Long> unchecked) {
    }

    private final DataSource dataSource;
    private final BlobStore blobs;
    private final Map<String, Eraser> erasers;
    private final int batchSize;
    private final Pacer pacer;
    private final Duration statementTimeout;
    private final Consumer<Finding> findings;
    private final Map<String, ErasedRequest> batch = new LinkedHashMap<>();
    private final Map<String, Long> unchecked = new TreeMap<>();
    private long requests;
    private long found;

    /**
     * @param perSecond most requests checked per second; 0 for no limit
     * @param findings  receives each finding as soon as its batch is checked
     */
    public Recheck(DataSource dataSource, BlobStore blobs, Map<String, Eraser> erasers, int batchSize, double perSecond,
                   Duration statementTimeout, Consumer<Finding> findings) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1: " + batchSize);
        }
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.blobs = Objects.requireNonNull(blobs, "blobs");
        this.erasers = Map.copyOf(erasers);
        this.batchSize = batchSize;
        this.pacer = new Pacer(perSecond);
        this.statementTimeout = statementTimeout;
        this.findings = findings;
    }

    /** Adds one erased request; checks the batch when it is full. */
    public void accept(ErasedRequest r) throws SQLException, InterruptedException {
        batch.put(r.requestId(), r);
        if (batch.size() >= batchSize) {
            flush();
        }
    }

    /** Checks what is left in the batch. */
    public Stats finish() throws SQLException, InterruptedException {
        flush();
        return stats();
    }

    public Stats stats() {
        return new Stats(requests, found, Map.copyOf(unchecked));
    }

    private void flush() throws SQLException, InterruptedException {
        if (batch.isEmpty()) {
            return;
        }
        pacer.before(batch.size());
        Map<String, List<ErasureTarget>> byType = new LinkedHashMap<>();
        for (ErasedRequest r : batch.values()) {
            for (String type : r.dataTypes()) {
                Eraser e = erasers.get(type);
                if (e == null) {
                    unchecked.merge(type, 1L, Long::sum);
                } else if (e.scopes().contains(r.scope())) {
                    byType.computeIfAbsent(type, k -> new ArrayList<>())
                            .add(new ErasureTarget(r.requestId(), r.tenant(), r.customerId(), r.scope(), r.itemId()));
                }
            }
        }
        List<Finding> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                c.setReadOnly(true);
                try (Statement st = c.createStatement()) {
                    st.execute("SET LOCAL statement_timeout = " + statementTimeout.toMillis());
                }
                for (Map.Entry<String, List<ErasureTarget>> e : byType.entrySet()) {
                    Map<String, Long> left = erasers.get(e.getKey()).residual(c, blobs, e.getValue());
                    for (ErasureTarget t : e.getValue()) {
                        long n = left.getOrDefault(t.taskId(), 0L);
                        if (n > 0) {
                            out.add(new Finding(batch.get(t.taskId()), e.getKey(), n));
                        }
                    }
                }
            } finally {
                c.rollback(); // read-only: nothing to commit
                c.setReadOnly(false);
                c.setAutoCommit(autoCommit);
            }
        }
        requests += batch.size();
        batch.clear();
        found += out.size();
        out.forEach(findings);
    }
}
