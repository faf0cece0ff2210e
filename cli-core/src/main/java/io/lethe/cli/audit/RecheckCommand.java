package io.lethe.cli.audit;

import io.lethe.audit.AuditRecord;
import io.lethe.cli.CliConfig;
import io.lethe.cli.StoreOptions;
import io.lethe.events.AuditEvent;
import io.lethe.events.AuditType;
import io.lethe.events.DeletionRequested;
import io.lethe.events.Reason;
import io.lethe.runtime.config.Keys;
import io.lethe.runtime.config.LetheConfig;
import io.lethe.runtime.kafka.KafkaSettings;
import io.lethe.runtime.kafka.LetheProducer;
import io.lethe.schemas.Topics;
import io.lethe.store.CustomerStore;
import io.lethe.store.blob.FileBlobStore;
import io.lethe.store.erase.BatchEraser;
import io.lethe.store.erase.Erasers;
import io.lethe.store.recheck.ErasedRequest;
import io.lethe.store.recheck.Finding;
import io.lethe.store.recheck.Recheck;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lethe audit recheck}: re-runs the residual check of every request the audit topic records
 * as COMPLETED, against the customer store as it is now, and lists each one whose data came back.
 * With {@code --erase}, publishes a new deletion request (reason RESURRECTED, linked to the original)
 * for each subject and item found, so it goes through the pipeline, holds and audit like any other.
 *
 * <p>Streams the topic once and checks in batches, so memory does not grow with the audit trail.
 * Exit 0 when nothing came back, 1 when something did (with or without {@code --erase}), 2 on a
 * usage, connection or database problem.
 */
@Command(name = "recheck", mixinStandardHelpOptions = true,
        description = {"Re-run the residual check, against the store as it is now, for every request the audit topic "
                + "records as erased, and list every request whose data came back (request id, data type, count; never the data).",
                "Exit codes: 0 nothing came back, 1 something did (listed on stdout), 2 usage, connection or database error."})
public final class RecheckCommand extends AuditSubcommand {

    /** Who the re-erasure requests name as their actor. */
    public static final String ACTOR = "lethe-recheck";
    private static final long PROGRESS_EVERY = 10_000;

    @Option(names = "--tenant", paramLabel = "TENANT", description = "only this tenant's requests")
    String tenant;

    @Option(names = "--since", paramLabel = "TIME", converter = Times.class,
            description = "only requests completed at or after TIME (2026-01-31 or an ISO instant)")
    Instant since;

    @Option(names = "--erase", description = "publish a new deletion request (reason RESURRECTED) for each subject and item found")
    boolean erase;

    @Mixin
    StoreOptions store;

    @Option(names = "--batch-size", defaultValue = "500", description = "requests checked per query (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Override
    int run(KafkaSettings settings) {
        Instant now = Instant.now();
        if (since != null && since.isAfter(now)) {
            throw new AuditException("--since " + since + " is in the future: nothing can have been erased after it yet");
        }
        if (batchSize < 1 || batchSize > 10_000) {
            throw new AuditException("--batch-size must be between 1 and 10000, not " + batchSize);
        }
        LetheConfig config = storeConfig();
        String url = config.string(Keys.JDBC_URL);
        try (CustomerStore store = openStore(config)) {
            if (tenant != null) {
                requireKnownTenant(store, url);
            }
            List<Finding> findings = new ArrayList<>();
            Set<String> resurrectedIds = new HashSet<>();
            Recheck recheck = new Recheck(store.dataSource(), new FileBlobStore(Path.of(config.string(Keys.BLOB_DIR))),
                    Erasers.builtIn(), batchSize, 0, BatchEraser.DEFAULT_STATEMENT_TIMEOUT, findings::add);
            PrintWriter err = err();
            long[] matched = new long[1];
            AuditLog.Summary read = AuditLog.read(settings, connection.timeout, err, r -> {
                if (!(r instanceof AuditRecord.Decoded d)) {
                    return;
                }
                AuditEvent e = d.event();
                if (e.getType() == AuditType.ACCEPTED && e.getReason() == Reason.RESURRECTED) {
                    resurrectedIds.add(e.getRequestId());
                }
                ErasedRequest.of(e).filter(this::selected).ifPresent(req -> {
                    try {
                        recheck.accept(req);
                    } catch (SQLException ex) {
                        throw new AuditException("the recheck query failed at " + url + ": " + ex.getMessage(), ex);
                    } catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                        throw new AuditException("interrupted", ex);
                    }
                    if (++matched[0] % PROGRESS_EVERY == 0) {
                        err.printf("recheck: %,d erased request(s) checked, %,d came back%n", recheck.stats().requests(),
                                findings.size());
                        err.flush();
                    }
                });
            });
            Recheck.Stats stats;
            try {
                stats = recheck.finish();
            } catch (SQLException e) {
                throw new AuditException("the recheck query failed at " + url + ": " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AuditException("interrupted", e);
            }
            return report(settings, read, stats, findings, resurrectedIds, now);
        }
    }

    private int report(KafkaSettings settings, AuditLog.Summary read, Recheck.Stats stats, List<Finding> findings,
                       Set<String> resurrectedIds, Instant now) {
        PrintWriter out = out();
        Set<String> requests = new HashSet<>();
        findings.forEach(f -> requests.add(f.request().requestId()));
        out.printf("rechecked %,d erased request(s) from %,d event(s) of %s%s%s against the store as it is now%n",
                stats.requests(), read.records(), read.topic(), tenant == null ? "" : " for tenant " + tenant,
                since == null ? "" : " completed since " + since);
        stats.unchecked().forEach((type, n) -> out.printf("not checked here: %,d task(s) of data type %s (no eraser in this store;"
                + " its owner rechecks its own data)%n", n, type));
        if (findings.isEmpty()) {
            out.println("OK: no erased data came back");
            out.flush();
            return OK;
        }
        out.printf("FOUND: erased data came back for %d request(s)%n", requests.size());
        out.println("requestId\ttenant\tcustomerId\tscope\titemId\tdataType\tcount");
        findings.forEach(f -> out.println(f.line()));
        if (erase) {
            publishReerasures(settings, findings, resurrectedIds, now, out);
        } else {
            out.println("run again with --erase to erase them again through the pipeline");
        }
        out.flush();
        return FINDINGS;
    }

    /** One new request per subject and item, linked to the newest request that erased it. */
    private void publishReerasures(KafkaSettings settings, List<Finding> findings, Set<String> resurrectedIds, Instant now,
                                   PrintWriter out) {
        Map<String, ErasedRequest> newest = new LinkedHashMap<>();
        for (Finding f : findings) {
            ErasedRequest r = f.request();
            String subject = r.tenant() + "\u0000" + r.customerId() + "\u0000" + r.scope() + "\u0000" + r.itemId();
            newest.merge(subject, r, (a, b) -> Comparator.comparing(ErasedRequest::completedAt).compare(a, b) >= 0 ? a : b);
        }
        try (LetheProducer producer = new LetheProducer(settings, "lethe-recheck")) {
            Map<String, String> published = new HashMap<>();
            for (ErasedRequest r : newest.values()) {
                String id = reerasureId(r.requestId());
                if (resurrectedIds.contains(id)) {
                    out.printf("already re-erasing: %s (for %s) is on the audit trail and not completed yet%n", id, r.requestId());
                    continue;
                }
                DeletionRequested event = DeletionRequested.newBuilder().setRequestId(id).setTenant(r.tenant())
                        .setCustomerId(r.customerId()).setScope(r.scope()).setItemId(r.itemId()).setReason(Reason.RESURRECTED)
                        .setRegulation(r.regulation()).setActor(ACTOR).setRequestedAt(now).setDueAt(now.plus(r.allowance()))
                        .setOriginalRequestId(r.requestId()).build();
                producer.send(settings.topics().deletionRequests(), Topics.subjectKey(r.tenant(), r.customerId()), event)
                        .get(60, TimeUnit.SECONDS);
                published.put(id, r.requestId());
            }
            published.forEach((id, original) -> out.printf("published %s: erase again what %s erased (reason RESURRECTED)%n",
                    id, original));
        } catch (ExecutionException | TimeoutException e) {
            throw new AuditException("cannot publish to " + settings.topics().deletionRequests().name() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditException("interrupted while publishing", e);
        }
    }

    /**
     * The id of the re-erasure of {@code originalRequestId}: derived, so running {@code --erase} twice
     * before the first re-erasure finishes publishes the same request, which the coordinator ignores as a duplicate.
     */
    static String reerasureId(String originalRequestId) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(("resurrected:" + originalRequestId).getBytes(StandardCharsets.UTF_8));
            return "resurrected-" + HexFormat.of().formatHex(h, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    private boolean selected(ErasedRequest r) {
        return (tenant == null || tenant.equals(r.tenant())) && (since == null || !r.completedAt().isBefore(since));
    }

    private LetheConfig storeConfig() {
        LetheConfig config = CliConfig.load(store.into(new HashMap<>()), audit.env(), audit.workDir());
        for (String key : List.of(Keys.JDBC_URL, Keys.BLOB_DIR)) {
            if (config.optString(key).isEmpty()) {
                throw new AuditException("no " + key + ": pass --" + (key.equals(Keys.JDBC_URL) ? "jdbc" : "blob-dir")
                        + " or set LETHE_" + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_'));
            }
        }
        return config;
    }

    private static CustomerStore openStore(LetheConfig config) {
        String url = config.string(Keys.JDBC_URL);
        CustomerStore store;
        try {
            store = CliConfig.store(config);
        } catch (RuntimeException e) {
            throw new AuditException("cannot connect to the customer store at " + url + ": " + rootMessage(e), e);
        }
        try (Connection c = store.dataSource().getConnection()) {
            c.isValid(5);
        } catch (SQLException | RuntimeException e) {
            store.close();
            throw new AuditException("cannot connect to the customer store at " + url + ": " + rootMessage(e), e);
        }
        return store;
    }

    private void requireKnownTenant(CustomerStore store, String url) {
        try (Connection c = store.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("select exists (select 1 from customers where tenant_id = ?)")) {
            ps.setString(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    throw new AuditException("unknown tenant " + tenant + ": it has no customers in the store at " + url);
                }
            }
        } catch (SQLException e) {
            throw new AuditException("cannot read the customer store at " + url + ": " + e.getMessage(), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
