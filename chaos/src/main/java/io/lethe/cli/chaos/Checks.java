package io.lethe.cli.chaos;

import io.lethe.cli.audit.AuditCommand;
import io.lethe.events.AuditType;
import io.lethe.events.DeletionCompleted;
import io.lethe.events.DeletionFailed;
import io.lethe.events.DeletionRequested;
import io.lethe.events.DeletionStatus;
import io.lethe.events.Reason;
import io.lethe.events.RequestStatus;
import io.lethe.events.TaskState;
import io.lethe.localstack.ServiceProcess;
import io.lethe.runtime.kafka.KafkaSettings;
import io.lethe.runtime.kafka.TopicReader;
import io.lethe.schemas.Statuses;
import io.lethe.store.census.PiiCensus;
import io.lethe.store.seed.Seeder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Waiting for a fault run to end and checking everything it left, from the topics and the
 * database alone: every accepted request COMPLETED and verified (foreign items FAILED as they
 * should), one terminal event per request and redrive, each expiring customer expired exactly
 * once, residual PII 0 for every deleted customer, every other customer untouched, and
 * {@code lethe audit verify} passing.
 */
final class Checks {

    /** What the run did, for {@link #verify}: the plan, the accepted ids by plan number, and who was to be deleted. */
    record Run(Instant started, List<Workload.Planned> plan, Map<Integer, String> accepted, Set<String> foreign,
               List<String> redriven, Set<String> profileCustomers, Set<String> itemCustomers, Set<String> expiring,
               Set<String> expiryIds, Map<String, Long> before) {
    }

    private final ChaosRun.Options o;
    private final ChaosStack stack;

    Checks(ChaosRun.Options o, ChaosStack stack) {
        this.o = o;
        this.stack = stack;
    }

    private KafkaSettings settings() {
        return stack.settings();
    }

    Map<String, DeletionStatus> latestStatuses() {
        Map<String, DeletionStatus> latest = new HashMap<>();
        for (var r : TopicReader.readAll(settings(), settings().topics().deletionStatus(), Duration.ofMinutes(2))) {
            latest.put(r.key(), r.value());
        }
        return latest;
    }

    /** The latest status of each of {@code ids} once all are terminal, or when {@code timeout} is up. */
    Map<String, DeletionStatus> awaitTerminal(Set<String> ids, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            Map<String, DeletionStatus> latest = latestStatuses();
            long open = ids.stream().filter(id -> latest.get(id) == null || !Statuses.terminal(latest.get(id).getStatus())).count();
            if (open == 0 || Instant.now().isAfter(deadline)) {
                o.print("%d of %d requests terminal", ids.size() - open, ids.size());
                Map<String, DeletionStatus> mine = new HashMap<>();
                ids.forEach(id -> {
                    if (latest.get(id) != null) {
                        mine.put(id, latest.get(id));
                    }
                });
                return mine;
            }
            o.print("%d requests still open", open);
            ServiceProcess.sleep(Duration.ofSeconds(5));
        }
    }

    /** Waits until every expiring customer has an expiry request and each is terminal; {@code expiryIds} gets their ids. */
    void awaitExpiries(Set<String> expiring, Set<String> expiryIds, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            expiryIds.clear();
            Set<String> customers = new HashSet<>();
            for (var r : TopicReader.readAll(settings(), settings().topics().deletionRequests(), Duration.ofMinutes(2))) {
                if (r.value().getReason() == Reason.RETENTION_EXPIRED) {
                    expiryIds.add(r.value().getRequestId());
                    customers.add(r.value().getCustomerId());
                }
            }
            Map<String, DeletionStatus> st = latestStatuses();
            boolean done = customers.containsAll(expiring)
                    && expiryIds.stream().allMatch(id -> st.get(id) != null && Statuses.terminal(st.get(id).getStatus()));
            if (done) {
                return;
            }
            ServiceProcess.sleep(Duration.ofSeconds(5));
        }
    }

    ChaosReport verify(Run run, List<ChaosReport.FaultCount> faults, int status503) {
        List<String> problems = new ArrayList<>();
        Map<String, DeletionStatus> all = latestStatuses();
        int completed = 0;
        int verified = 0;
        int notFound = 0;
        int failedOther = 0;
        for (String id : new HashSet<>(run.accepted().values())) {
            DeletionStatus s = all.get(id);
            if (run.foreign().contains(id)) {
                boolean ok = s != null && s.getStatus() == RequestStatus.FAILED
                        && s.getTasks().stream().allMatch(t -> "NOT_FOUND_FOR_CUSTOMER".equals(t.getErrorCode()));
                if (ok) {
                    notFound++;
                } else {
                    problems.add("foreign-item request " + id + " ended " + (s == null ? "without status" : s.getStatus()));
                }
                continue;
            }
            if (s != null && s.getStatus() == RequestStatus.COMPLETED) {
                completed++;
                if (s.getVerified() && s.getTasks().stream().allMatch(t -> t.getResidual() != null && t.getResidual() == 0)) {
                    verified++;
                } else {
                    problems.add("request " + id + " COMPLETED but not verified");
                }
            } else {
                failedOther++;
                problems.add("request " + id + " ended " + (s == null ? "without status" : s.getStatus() + " "
                        + s.getTasks().stream().map(TaskState::getErrorCode).toList()));
            }
        }

        // terminal events: one per request, plus one per redrive
        Map<String, Integer> terminalEvents = new HashMap<>();
        for (var r : TopicReader.readAll(settings(), settings().topics().deletionEvents(), Duration.ofMinutes(2))) {
            String id = r.value() instanceof DeletionCompleted c ? c.getRequestId()
                    : r.value() instanceof DeletionFailed f ? f.getRequestId() : null;
            if (id != null) {
                terminalEvents.merge(id, 1, Integer::sum);
            }
        }
        Set<String> redrivenSet = new HashSet<>(run.redriven());
        int without = 0;
        int dup = 0;
        Set<String> checkEvents = new HashSet<>(run.accepted().values());
        checkEvents.addAll(run.expiryIds());
        for (String id : checkEvents) {
            int n = terminalEvents.getOrDefault(id, 0);
            int expected = redrivenSet.contains(id) ? 2 : 1;
            if (n == 0) {
                without++;
                problems.add("no terminal event for " + id);
            } else if (n > expected) {
                dup++;
                problems.add(n + " terminal events for " + id);
            }
        }

        // retention expiries: each expiring customer exactly once (redrives aside)
        Map<String, Integer> emitted = new HashMap<>();
        for (var r : TopicReader.readAll(settings(), settings().topics().deletionRequests(), Duration.ofMinutes(2))) {
            DeletionRequested q = r.value();
            if (q.getReason() == Reason.RETENTION_EXPIRED && !q.getRedrive()) {
                emitted.merge(q.getCustomerId(), 1, Integer::sum);
            }
        }
        int missed = (int) run.expiring().stream().filter(c -> !emitted.containsKey(c)).count();
        int doubled = (int) emitted.values().stream().filter(n -> n > 1).count();
        Set<String> unexpected = new HashSet<>(emitted.keySet());
        unexpected.removeAll(run.expiring());
        if (missed > 0) {
            problems.add(missed + " retention expiries missed");
        }
        if (doubled > 0) {
            problems.add(doubled + " customers expired more than once");
        }
        if (!unexpected.isEmpty()) {
            problems.add("customers expired that were not past the limit: " + unexpected.size());
        }
        for (String id : run.expiryIds()) {
            DeletionStatus s = all.get(id);
            if (s == null || s.getStatus() != RequestStatus.COMPLETED || !s.getVerified()) {
                problems.add("retention expiry " + id + " ended " + (s == null ? "without status" : s.getStatus()));
            }
        }

        // the database: deleted customers hold no PII; customers not asked for lost none
        Set<String> deleted = new HashSet<>(run.profileCustomers());
        deleted.addAll(emitted.keySet());
        long residual = 0;
        int untouchedChecked = 0;
        int touched = 0;
        Map<String, Long> after = piiWithoutRelationships();
        try (Connection c = stack.store().dataSource().getConnection()) {
            for (String customer : deleted) {
                if (PiiCensus.remainingPii(c, stack.blobs(), ChaosStack.TENANT, customer) != 0) {
                    residual++;
                    problems.add("residual PII for deleted customer " + customer);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        for (var e : run.before().entrySet()) {
            if (deleted.contains(e.getKey()) || run.itemCustomers().contains(e.getKey())) {
                continue;
            }
            untouchedChecked++;
            if (!e.getValue().equals(after.get(e.getKey()))) {
                touched++;
                problems.add("customer " + e.getKey() + " not asked for changed: " + e.getValue() + " -> " + after.get(e.getKey()));
            }
        }

        Map<String, Integer> retries = new TreeMap<>();
        for (var r : TopicReader.readAll(settings(), settings().topics().audit(), Duration.ofMinutes(5))) {
            if (r.value().getType() == AuditType.RETRY_SCHEDULED) {
                retries.merge(String.valueOf(r.value().getErrorCode()), 1, Integer::sum);
            }
        }
        int auditExit = auditVerify();
        if (auditExit != 0) {
            problems.add("lethe audit verify exited " + auditExit);
        }
        problems.stream().limit(30).forEach(p -> o.print("PROBLEM %s", p));
        return new ChaosReport(faults, run.plan().size(), new HashSet<>(run.accepted().values()).size(), completed, verified,
                notFound, failedOther, run.redriven().size(), deleted.size(), residual, untouchedChecked, touched, without, dup,
                run.expiring().size(), emitted.size(), missed, doubled, status503, retries, auditExit,
                Duration.between(run.started(), Instant.now()), problems);
    }

    private int auditVerify() {
        String bootstrap = stack.broker().bootstrapServers();
        List<String> args = new ArrayList<>(List.of("verify", "--bootstrap", bootstrap, "--topic-prefix", ChaosStack.PREFIX,
                "--timeout", "PT5M"));
        stack.schemaRegistryUrl().ifPresent(url -> args.addAll(List.of("--schema-registry", url)));
        return new picocli.CommandLine(new AuditCommand(Map.of("LETHE_KAFKA_BOOTSTRAP_SERVERS", bootstrap), o.dir()))
                .execute(args.toArray(String[]::new));
    }

    /** Per customer: PII items except relationship rows (which erasing the related customer rightly removes). */
    Map<String, Long> piiWithoutRelationships() {
        Map<String, Long> out = new HashMap<>();
        try (Connection c = stack.store().dataSource().getConnection();
             PreparedStatement rel = c.prepareStatement("select count(*) from customer_relationships where tenant_id = ?"
                     + " and (customer_id = ? or related_customer_id = ?)")) {
            for (int n = 1; n <= o.customers(); n++) {
                String customer = Seeder.customerId(n);
                rel.setString(1, ChaosStack.TENANT);
                rel.setString(2, customer);
                rel.setString(3, customer);
                long relationships;
                try (ResultSet rs = rel.executeQuery()) {
                    rs.next();
                    relationships = rs.getLong(1);
                }
                out.put(customer, PiiCensus.remainingPii(c, stack.blobs(), ChaosStack.TENANT, customer) - relationships);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }
}
