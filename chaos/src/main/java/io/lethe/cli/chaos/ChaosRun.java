package io.lethe.cli.chaos;

import io.lethe.events.DeletionStatus;
import io.lethe.events.RequestStatus;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * A fault run in the style of Kafka's system tests: the broker, the deletion-api, the
 * deletion-worker(s) and the retention-scanner as real processes (PostgreSQL embedded in this
 * JVM), deletion requests of every scope submitted over HTTP while faults are injected, then
 * checks over everything: every accepted request COMPLETED and verified, residual PII 0 for every
 * deleted customer, every other customer untouched, one terminal event per request, retention
 * expiries neither missed nor doubled, and {@code lethe audit verify} passing.
 *
 * <p>This class is the order of a run; the parts have one job each: {@link ChaosStack} (the
 * processes), {@link Workload} (what users ask), {@link Faults} (what goes wrong and when) and
 * {@link Checks} (waiting and checking), with {@link ChaosReport} as the result.
 *
 * <p>Does not inject network partitions or disk faults, and runs one broker (no replication
 * faults). A request that ends FAILED after an outage is redriven once, as an operator would,
 * and counted separately.
 */
public final class ChaosRun {

    /** Which faults to inject and how big the run is. */
    public record Options(Path dir, int requests, int customers, int workerKills, boolean secondWorker, boolean brokerRestart,
                          boolean databaseOutage, Duration databaseOutageLength, boolean scannerKill, boolean workerPause,
                          Duration pauseLength, long seed, PrintStream log, boolean schemaRegistry) {

        public static Options full(Path dir, int requests, PrintStream log) {
            return new Options(dir, requests, Math.max(300, requests / 2 + 100), 3, true, true, true, Duration.ofSeconds(20),
                    true, true, Duration.ofSeconds(25), 42L, log, false);
        }

        public static Options quick(Path dir, int requests, PrintStream log) {
            return new Options(dir, requests, Math.max(200, requests / 2 + 100), 1, false, false, true, Duration.ofSeconds(12),
                    false, false, Duration.ZERO, 7L, log, false);
        }

        /** The same run with a local schema registry: every service writes the Confluent wire format. */
        public Options withSchemaRegistry() {
            return new Options(dir, requests, customers, workerKills, secondWorker, brokerRestart, databaseOutage,
                    databaseOutageLength, scannerKill, workerPause, pauseLength, seed, log, true);
        }

        /** One progress line on the log, with the time of day. */
        void print(String fmt, Object... args) {
            log.printf("[chaos %s] %s%n", Instant.now().toString().substring(11, 19), String.format(fmt, args));
            log.flush();
        }
    }

    private ChaosRun() {
    }

    public static ChaosReport run(Options o) {
        try (ChaosStack stack = new ChaosStack(o)) {
            return run(o, stack);
        }
    }

    private static ChaosReport run(Options o, ChaosStack stack) {
        Instant started = Instant.now();
        Random random = new Random(o.seed());
        Instant asOf = Instant.now();
        stack.startData(asOf);
        stack.startServices();
        Workload workload = new Workload(o, stack, random);
        Faults faults = new Faults(o, stack, random, workload::acceptedSoFar);
        Checks checks = new Checks(o, stack);

        // retention: every customer's last contact, then a policy that expires a known slice of them
        Map<String, Instant> lastContact = workload.publishActivity();
        int days = Workload.retentionDays(lastContact, asOf);
        Set<String> expiring = lastContact.entrySet().stream()
                .filter(e -> e.getValue().isBefore(Instant.now().minus(Duration.ofDays(days)))).map(Map.Entry::getKey)
                .collect(Collectors.toSet());
        workload.putPolicy(days, expiring.size());
        o.print("retention policy DELETE_AFTER_DAYS %d (%d profiles expire, confirmed)", days, expiring.size());

        // the plan: PROFILE and item requests over disjoint customers, and a few foreign items
        List<Workload.Planned> plan = workload.plan(expiring);
        Set<String> profileCustomers = plan.stream().filter(p -> p.scope().equals("PROFILE")).map(Workload.Planned::customerId)
                .collect(Collectors.toSet());
        Set<String> itemCustomers = plan.stream().filter(p -> !p.scope().equals("PROFILE")).map(Workload.Planned::customerId)
                .collect(Collectors.toSet());
        Map<String, Long> before = checks.piiWithoutRelationships();

        // submit while faults run
        Map<Integer, String> accepted = new ConcurrentHashMap<>();
        CompletableFuture<Void> injecting = CompletableFuture.runAsync(() -> faults.run(workload.submitSeconds()));
        workload.submitAll(plan, accepted);
        injecting.join();
        o.print("all %d requests accepted; waiting for every one to end", accepted.size());

        Set<String> ids = new HashSet<>(accepted.values());
        Set<String> foreign = plan.stream().filter(Workload.Planned::foreignItem).map(p -> accepted.get(p.n()))
                .collect(Collectors.toSet());
        Map<String, DeletionStatus> statuses = checks.awaitTerminal(ids, Duration.ofMinutes(12));
        List<String> redrive = statuses.values().stream()
                .filter(s -> s.getStatus() == RequestStatus.FAILED && !foreign.contains(s.getRequestId()))
                .map(DeletionStatus::getRequestId).toList();
        redrive.forEach(workload::redrive);
        if (!redrive.isEmpty()) {
            o.print("redrove %d requests that ended FAILED", redrive.size());
            checks.awaitTerminal(ids, Duration.ofMinutes(8));
        }
        // the retention expiries run to their end too
        Set<String> expiryIds = new HashSet<>();
        checks.awaitExpiries(expiring, expiryIds, Duration.ofMinutes(5));

        return checks.verify(new Checks.Run(started, plan, accepted, foreign, redrive, profileCustomers, itemCustomers,
                expiring, expiryIds, before), faults.counts(), workload.status503());
    }
}
