package io.lethe.cli.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.api.auth.DevKeys;
import io.lethe.cli.audit.AuditCommand;
import io.lethe.cli.http.ApiClient;
import io.lethe.events.ContactActivity;
import io.lethe.events.DeletionCompleted;
import io.lethe.events.DeletionFailed;
import io.lethe.events.DeletionRequested;
import io.lethe.events.DeletionStatus;
import io.lethe.events.Reason;
import io.lethe.events.RequestStatus;
import io.lethe.events.TaskState;
import io.lethe.localstack.KafkaBroker;
import io.lethe.localstack.Postgres;
import io.lethe.runtime.config.Keys;
import io.lethe.runtime.config.LetheConfig;
import io.lethe.runtime.kafka.KafkaSettings;
import io.lethe.runtime.kafka.LetheProducer;
import io.lethe.runtime.kafka.TopicReader;
import io.lethe.schemas.Statuses;
import io.lethe.schemas.Topics;
import io.lethe.store.CustomerStore;
import io.lethe.store.blob.FileBlobStore;
import io.lethe.store.census.PiiCensus;
import io.lethe.store.seed.Seeder;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A fault run in the style of Kafka's system tests: the broker, the deletion-api, the
 * deletion-worker(s) and the retention-scanner as real processes (PostgreSQL embedded in this
 * JVM), deletion requests of every scope submitted over HTTP while faults are injected, then
 * checks over everything: every accepted request COMPLETED and verified, residual PII 0 for every
 * deleted customer, every other customer untouched, one terminal event per request, retention
 * expiries neither missed nor doubled, and {@code lethe audit verify} passing.
 *
 * <p>Does not inject network partitions or disk faults, and runs one broker (no replication
 * faults). A request that ends FAILED after an outage is redriven once, as an operator would,
 * and counted separately.
 */
public final class ChaosRun {

    /** Which faults to inject and how big the run is. */
    public record Options(Path dir, int requests, int customers, int workerKills, boolean secondWorker, boolean brokerRestart,
                          boolean databaseOutage, Duration databaseOutageLength, boolean scannerKill, boolean workerPause,
                          Duration pauseLength, long seed, PrintStream log) {

        public static Options full(Path dir, int requests, PrintStream log) {
            return new Options(dir, requests, Math.max(300, requests / 2 + 100), 3, true, true, true, Duration.ofSeconds(20),
                    true, true, Duration.ofSeconds(25), 42L, log);
        }

        public static Options quick(Path dir, int requests, PrintStream log) {
            return new Options(dir, requests, Math.max(200, requests / 2 + 100), 1, false, false, true, Duration.ofSeconds(12),
                    false, false, Duration.ZERO, 7L, log);
        }
    }

    /** One row of the results table. */
    public record FaultCount(String fault, int injected) {
    }

    /** What a run measured; {@link #passed()} is the verdict. */
    public record Report(List<FaultCount> faults, int submitted, int accepted, int completed, int verified,
                         int expectedNotFound, int failedOther, int redriven, int deletedCustomers, long residualCustomers,
                         int untouchedChecked, int touchedWrongly, int requestsWithoutTerminal, int duplicateTerminal,
                         int expiriesExpected, int expiriesEmitted, int expiriesMissed, int expiriesDuplicated,
                         int status503, Map<String, Integer> retriesByError, int auditVerifyExit, Duration elapsed,
                         List<String> problems) {

        public boolean passed() {
            return problems.isEmpty();
        }

        public String table() {
            StringBuilder b = new StringBuilder();
            b.append("| Fault | Injected |\n|---|---|\n");
            faults.forEach(f -> b.append("| ").append(f.fault()).append(" | ").append(f.injected()).append(" |\n"));
            b.append("\n| Measure | Value |\n|---|---|\n");
            row(b, "requests submitted over HTTP", submitted);
            row(b, "accepted (202)", accepted);
            row(b, "completed", completed);
            row(b, "completed and verified", verified);
            row(b, "expected NOT_FOUND_FOR_CUSTOMER (item of another customer), FAILED as they should", expectedNotFound);
            row(b, "other FAILED at the end", failedOther);
            row(b, "redriven after an outage (operator retry)", redriven);
            row(b, "customers deleted (PROFILE + retention)", deletedCustomers);
            row(b, "deleted customers with residual PII > 0", residualCustomers);
            row(b, "customers not asked for, checked untouched", untouchedChecked);
            row(b, "customers not asked for that lost PII", touchedWrongly);
            row(b, "accepted requests without a terminal event", requestsWithoutTerminal);
            row(b, "requests with more terminal events than transitions", duplicateTerminal);
            row(b, "retention expiries expected / emitted", expiriesExpected + " / " + expiriesEmitted);
            row(b, "retention expiries missed / duplicated", expiriesMissed + " / " + expiriesDuplicated);
            row(b, "503 answers retried with the same Idempotency-Key", status503);
            row(b, "task retries scheduled, by error (audit RETRY_SCHEDULED)", retriesByError.isEmpty() ? "none" : retriesByError);
            row(b, "lethe audit verify exit code", auditVerifyExit);
            row(b, "wall time", elapsed.toSeconds() + " s");
            return b.toString();
        }

        private static void row(StringBuilder b, String k, Object v) {
            b.append("| ").append(k).append(" | ").append(v).append(" |\n");
        }
    }

    private record Planned(int n, String scope, String customerId, String itemId, boolean foreignItem) {
    }

    private static final String TENANT = "chaos";
    private static final String PREFIX = Topics.DEFAULT_PREFIX;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Options o;
    private final Random random;
    private final Map<String, AtomicInteger> injected = new LinkedHashMap<>();
    private final AtomicInteger status503 = new AtomicInteger();
    private final AtomicInteger acceptedSoFar = new AtomicInteger();
    private KafkaBroker broker;
    private Postgres postgres;
    private CustomerStore store;
    private FileBlobStore blobs;
    private final List<ServiceProcess> processes = new ArrayList<>();
    private ServiceProcess api;
    private ServiceProcess worker1;
    private ServiceProcess worker2;
    private ServiceProcess scanner;
    private String token;
    private volatile ApiClient apiClient;
    private KafkaSettings settings;

    private ChaosRun(Options o) {
        this.o = o;
        this.random = new Random(o.seed());
    }

    public static Report run(Options o) {
        ChaosRun r = new ChaosRun(o);
        try {
            return r.execute();
        } finally {
            r.shutdown();
        }
    }

    private void log(String fmt, Object... args) {
        o.log().printf("[chaos %s] %s%n", Instant.now().toString().substring(11, 19), String.format(fmt, args));
        o.log().flush();
    }

    private void count(String fault) {
        injected.computeIfAbsent(fault, k -> new AtomicInteger()).incrementAndGet();
    }

    private Report execute() {
        Instant started = Instant.now();
        try {
            Files.createDirectories(o.dir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> enabled = new ArrayList<>();
        if (o.workerKills() > 0) {
            enabled.add("worker kill -9 + restart");
        }
        if (o.secondWorker()) {
            enabled.add("second worker instance started, then killed -9 (rebalance)");
        }
        if (o.brokerRestart()) {
            enabled.add("broker stopped and restarted");
        }
        if (o.databaseOutage()) {
            enabled.add("PostgreSQL stopped (" + o.databaseOutageLength().toSeconds() + " s) and restarted");
        }
        if (o.scannerKill()) {
            enabled.add("retention-scanner kill -9, state directory deleted, restarted");
        }
        if (o.workerPause()) {
            enabled.add("worker SIGSTOP " + o.pauseLength().toSeconds() + " s (longer than its transaction and session timeouts), SIGCONT");
        }
        enabled.forEach(f -> injected.put(f, new AtomicInteger()));
        log("starting broker and PostgreSQL in %s", o.dir());
        broker = KafkaBroker.start(o.dir().resolve("kafka"));
        postgres = Postgres.start(o.dir().resolve("postgres"));
        store = CustomerStore.connect(postgres.jdbcUrl(), postgres.user(), postgres.password());
        store.migrate();
        blobs = new FileBlobStore(o.dir().resolve("blobs"));
        Instant asOf = Instant.now();
        try {
            Seeder.seed(store.dataSource(), blobs, TENANT, o.customers(), o.seed(), asOf);
        } catch (SQLException e) {
            throw new IllegalStateException("seeding failed: " + e.getMessage(), e);
        }
        log("seeded %d customers", o.customers());

        Map<String, String> common = new HashMap<>();
        common.put("LETHE_KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        common.put("LETHE_TOPIC_PREFIX", PREFIX);
        common.put("LETHE_TOPIC_PARTITIONS", "6");
        common.put("LETHE_TOPIC_REPLICATION_FACTOR", "1");
        // the secret the API asks the scanner's previews with (both services read it)
        common.put("LETHE_RETENTION_PREVIEW_TOKEN", java.util.UUID.randomUUID().toString());
        Map<String, String> cfg = new HashMap<>();
        cfg.put(Keys.KAFKA_BOOTSTRAP_SERVERS, broker.bootstrapServers());
        cfg.put(Keys.TOPIC_PREFIX, PREFIX);
        settings = new KafkaSettings(LetheConfig.of(cfg));

        Path keys = o.dir().resolve("dev-keys");
        DevKeys devKeys = DevKeys.loadOrCreate(keys);
        token = devKeys.mint(TENANT, List.of("compliance_admin", "privacy_officer"), "chaos-operator", Duration.ofHours(6));
        Map<String, String> apiEnv = new HashMap<>(common);
        int apiPort = freePort();
        apiEnv.put("LETHE_API_HOST", "127.0.0.1");
        apiEnv.put("LETHE_API_PORT", Integer.toString(apiPort));
        apiEnv.put("LETHE_AUTH_DEV_KEY_DIR", keys.toString());
        apiEnv.put("LETHE_AUTH_DEV_MODE", "true"); // io.lethe.api.Main refuses dev keys without it
        apiEnv.put("LETHE_API_RATE_LIMIT_PER_SECOND", "100000");
        apiEnv.put("LETHE_API_PUBLISH_TIMEOUT", "PT5S");
        // the API asks the scanner how many profiles a policy change would expire, as in production
        scanner = scannerProcess(common);
        apiEnv.put("LETHE_API_RETENTION_PREVIEW_URLS", "http://127.0.0.1:" + scanner.httpPort());
        api = service("deletion-api", "io.lethe.api.Main", apiEnv, apiPort).start();
        api.awaitReady(Duration.ofSeconds(120));

        worker1 = worker("worker-1", common).start();
        scanner.start();
        worker1.awaitReady(Duration.ofSeconds(180));
        scanner.awaitReady(Duration.ofSeconds(180));
        log("services ready: api :%d, worker-1 pid %d, scanner pid %d", apiPort, worker1.pid(), scanner.pid());

        // retention: every customer's last contact, then a policy that expires a known slice of them
        Map<String, Instant> lastContact = publishActivity();
        int days = retentionDays(lastContact, asOf);
        Set<String> expiring = lastContact.entrySet().stream()
                .filter(e -> e.getValue().isBefore(Instant.now().minus(Duration.ofDays(days)))).map(Map.Entry::getKey)
                .collect(Collectors.toSet());
        putPolicy(days, expiring.size());
        log("retention policy DELETE_AFTER_DAYS %d (%d profiles expire, confirmed)", days, expiring.size());

        // the plan: PROFILE and item requests over disjoint customers, and a few foreign items
        List<Planned> plan = plan(expiring);
        Set<String> profileCustomers = plan.stream().filter(p -> p.scope().equals("PROFILE")).map(Planned::customerId)
                .collect(Collectors.toSet());
        Set<String> itemCustomers = plan.stream().filter(p -> !p.scope().equals("PROFILE")).map(Planned::customerId)
                .collect(Collectors.toSet());
        Map<String, Long> before = piiWithoutRelationships();

        // submit while faults run
        Map<Integer, String> accepted = new ConcurrentHashMap<>();
        CompletableFuture<Void> faults = CompletableFuture.runAsync(this::injectFaults);
        submitAll(plan, accepted);
        faults.join();
        log("all %d requests accepted; waiting for every one to end", accepted.size());

        Set<String> ids = new HashSet<>(accepted.values());
        Set<String> foreign = plan.stream().filter(Planned::foreignItem).map(p -> accepted.get(p.n())).collect(Collectors.toSet());
        Map<String, DeletionStatus> statuses = awaitTerminal(ids, Duration.ofMinutes(12));
        List<String> redrive = statuses.values().stream()
                .filter(s -> s.getStatus() == RequestStatus.FAILED && !foreign.contains(s.getRequestId()))
                .map(DeletionStatus::getRequestId).toList();
        for (String id : redrive) {
            post("/v1/deletion-requests/" + id + "/retry", null, null);
        }
        if (!redrive.isEmpty()) {
            log("redrove %d requests that ended FAILED", redrive.size());
            statuses = awaitTerminal(ids, Duration.ofMinutes(8));
        }
        // the retention expiries run to their end too
        Set<String> expiryIds = new HashSet<>();
        awaitExpiries(expiring, expiryIds, Duration.ofMinutes(5));

        return verify(started, plan, accepted, statuses, foreign, redrive, profileCustomers, itemCustomers, expiring,
                expiryIds, before);
    }

    private ServiceProcess service(String name, String main, Map<String, String> env, int port) {
        ServiceProcess p = new ServiceProcess(name, main, env, o.dir().resolve(name + ".log"), port);
        processes.add(p);
        return p;
    }

    private ServiceProcess worker(String name, Map<String, String> common) {
        Map<String, String> env = new HashMap<>(common);
        int port = freePort();
        env.put("LETHE_JDBC_URL", postgres.jdbcUrl());
        env.put("LETHE_JDBC_USER", postgres.user());
        env.put("LETHE_JDBC_PASSWORD", postgres.password());
        env.put("LETHE_BLOB_DIR", o.dir().resolve("blobs").toString());
        env.put("LETHE_STATE_DIR", o.dir().resolve("state").resolve(name).toString());
        env.put("LETHE_WORKER_HTTP_HOST", "127.0.0.1");
        env.put("LETHE_WORKER_HTTP_PORT", Integer.toString(port));
        env.put("LETHE_WORKER_APPLICATION_ID", "lethe-deletion-worker");
        env.put("LETHE_WORKER_INSTANCE_ID", name);
        env.put("LETHE_WORKER_RETRY_INITIAL_DELAY", "PT1S");
        env.put("LETHE_WORKER_RETRY_MAX_DELAY", "PT5S");
        env.put("LETHE_WORKER_RETRY_MAX_ATTEMPTS", "20");
        // a frozen instance loses its partitions and its open transaction in seconds, so the
        // SIGSTOP fault tests fencing rather than waiting out the defaults
        env.put("LETHE_KAFKA_SESSION_TIMEOUT_MS", "10000");
        env.put("LETHE_KAFKA_HEARTBEAT_INTERVAL_MS", "2000");
        env.put("LETHE_KAFKA_TRANSACTION_TIMEOUT_MS", "10000");
        return service(name, "io.lethe.worker.DeletionWorker", env, port);
    }

    private ServiceProcess scannerProcess(Map<String, String> common) {
        Map<String, String> env = new HashMap<>(common);
        int port = freePort();
        env.put("LETHE_STATE_DIR", o.dir().resolve("state").resolve("scanner").toString());
        env.put("LETHE_SCANNER_HTTP_HOST", "127.0.0.1");
        env.put("LETHE_SCANNER_HTTP_PORT", Integer.toString(port));
        env.put("LETHE_SCANNER_INTERVAL", "PT2S");
        env.put("LETHE_SCANNER_MAX_EXPIRIES_PER_TICK", "20");
        return service("retention-scanner", "io.lethe.scanner.RetentionScanner", env, port);
    }

    // ---- the workload ----

    private Map<String, Instant> publishActivity() {
        Map<String, Instant> last = new LinkedHashMap<>();
        try (LetheProducer producer = new LetheProducer(settings, "chaos-activity")) {
            List<CompletableFuture<?>> sent = new ArrayList<>();
            Seeder.forEachLastContact(store.dataSource(), TENANT, (customer, at) -> {
                last.put(customer, at);
                sent.add(producer.send(settings.topics().customerActivity(), Topics.subjectKey(TENANT, customer),
                        ContactActivity.newBuilder().setTenant(TENANT).setCustomerId(customer).setContactId("seed-last-contact")
                                .setOccurredAt(at).build()));
            });
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return last;
    }

    /** The smallest whole number of days that expires at most about 5% of the customers (at least one). */
    private int retentionDays(Map<String, Instant> last, Instant now) {
        List<Instant> sorted = new ArrayList<>(last.values());
        sorted.sort(Comparator.naturalOrder());
        int target = Math.max(1, last.size() / 20);
        Instant boundary = sorted.get(Math.min(target, sorted.size() - 1));
        return (int) Math.max(1, Duration.between(boundary, now).toDays());
    }

    /**
     * Sets the policy as an administrator would: a dry run until the scanner has taken in every
     * last contact (its count equals the {@code expected} one computed here), then the change
     * with that count echoed back in {@code confirmExpiring}.
     */
    private void putPolicy(int days, int expected) {
        String policy = "\"mode\":\"DELETE_AFTER_DAYS\",\"days\":" + days;
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        String last = "";
        while (true) {
            HttpResponse<String> dry = send("PUT", "/v1/retention-policy?dryRun=true", "{" + policy + "}", null);
            last = dry.statusCode() + " " + dry.body();
            try {
                if (dry.statusCode() == 200 && JSON.readTree(dry.body()).path("wouldExpire").asLong(-1) == expected) {
                    break;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the scanner never counted the " + expected + " expiring profiles; last dry run: " + last);
            }
            ServiceProcess.sleep(Duration.ofMillis(500));
        }
        HttpResponse<String> r = send("PUT", "/v1/retention-policy", "{" + policy + ",\"confirmExpiring\":" + expected + "}", null);
        if (r.statusCode() != 200) {
            throw new IllegalStateException("retention policy not accepted: " + r.statusCode() + " " + r.body());
        }
    }

    private List<Planned> plan(Set<String> expiring) {
        List<String> customers = new ArrayList<>();
        for (int n = 1; n <= o.customers(); n++) {
            if (!expiring.contains(Seeder.customerId(n))) {
                customers.add(Seeder.customerId(n));
            }
        }
        Collections.shuffle(customers, random);
        List<Planned> plan = new ArrayList<>();
        int profiles = Math.min(o.requests() * 2 / 5, customers.size() / 2);
        int foreign = Math.max(2, o.requests() / 100);
        int items = o.requests() - profiles - foreign;
        int next = 0;
        for (int i = 0; i < profiles; i++) {
            plan.add(new Planned(plan.size(), "PROFILE", customers.get(next++), null, false));
        }
        List<String[]> itemPool = items(customers.subList(next, customers.size() * 3 / 4));
        Collections.shuffle(itemPool, random);
        if (itemPool.size() < items) {
            throw new IllegalStateException("only " + itemPool.size() + " items for " + items + " item requests: seed more customers");
        }
        for (int i = 0; i < items; i++) {
            String[] it = itemPool.get(i);
            plan.add(new Planned(plan.size(), it[0], it[1], it[2], false));
        }
        // an item of one (untouched) customer requested for another: must fail, erase nothing
        List<String[]> others = items(customers.subList(customers.size() * 3 / 4, customers.size()));
        for (int i = 0; i < foreign && i < others.size(); i++) {
            String[] it = others.get(i);
            plan.add(new Planned(plan.size(), it[0], customers.get(i), it[2], true));
        }
        Collections.shuffle(plan, random);
        log("plan: %d PROFILE, %d item, %d foreign-item requests (%d customers expire by retention)", profiles,
                plan.stream().filter(p -> !p.scope().equals("PROFILE") && !p.foreignItem()).count(), foreign, expiring.size());
        return plan;
    }

    /** (scope, owner, itemId) for every contact, attachment and recording of these customers. */
    private List<String[]> items(List<String> customers) {
        List<String[]> out = new ArrayList<>();
        String sql = "select 'CONTACT', customer_id, id from contacts where tenant_id = ? and customer_id = any(?)"
                + " union all select 'ATTACHMENT', customer_id, id from attachments where tenant_id = ? and customer_id = any(?)"
                + " union all select 'VOICE_RECORDING', customer_id, id from voice_recordings where tenant_id = ? and customer_id = any(?)";
        try (Connection c = store.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            var arr = c.createArrayOf("text", customers.toArray());
            for (int i = 0; i < 3; i++) {
                ps.setString(2 * i + 1, TENANT);
                ps.setArray(2 * i + 2, arr);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        out.sort(Comparator.comparing((String[] a) -> a[2]));
        return out;
    }

    private void submitAll(List<Planned> plan, Map<Integer, String> accepted) {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        long spacingMicros = Math.max(1, plannedSubmitSeconds() * 1_000_000L / Math.max(1, plan.size()));
        long t0 = System.nanoTime();
        List<Future<?>> all = new ArrayList<>();
        for (int i = 0; i < plan.size(); i++) {
            Planned p = plan.get(i);
            long due = t0 + i * spacingMicros * 1000;
            all.add(pool.submit(() -> {
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    ServiceProcess.sleep(Duration.ofNanos(wait));
                }
                accepted.put(p.n(), submit(p));
            }));
        }
        for (Future<?> f : all) {
            try {
                f.get();
            } catch (Exception e) {
                pool.shutdownNow();
                throw new IllegalStateException("submission failed: " + e, e);
            }
        }
        pool.shutdown();
    }

    private int plannedSubmitSeconds() {
        return o.requests() >= 2000 ? 420 : 60;
    }

    /** POST until 202, retrying 503s and connection failures with the same Idempotency-Key. */
    private String submit(Planned p) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("scope", p.scope());
        body.put("customerId", p.customerId());
        if (p.itemId() != null) {
            body.put("itemId", p.itemId());
        }
        body.put("reason", "CUSTOMER_REQUEST");
        body.put("regulation", p.n() % 3 == 0 ? "CCPA" : "GDPR");
        String json;
        try {
            json = JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Instant deadline = Instant.now().plus(Duration.ofMinutes(10));
        while (Instant.now().isBefore(deadline)) {
            try {
                HttpResponse<String> r = apiClient().send("POST", "/v1/deletion-requests", json,
                        Map.of("Idempotency-Key", "chaos-" + o.seed() + "-" + p.n()));
                if (r.statusCode() == 202) {
                    acceptedSoFar.incrementAndGet();
                    return JSON.readTree(r.body()).get("requestId").asText();
                }
                if (r.statusCode() == 503) {
                    status503.incrementAndGet();
                } else if (r.statusCode() < 500) {
                    throw new IllegalStateException("request " + p.n() + " answered " + r.statusCode() + ": " + r.body());
                }
            } catch (IOException e) {
                // API restarting or unreachable: retry
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            ServiceProcess.sleep(Duration.ofMillis(500));
        }
        throw new IllegalStateException("request " + p.n() + " never accepted");
    }

    // ---- faults ----

    private void injectFaults() {
        try {
            int total = plannedSubmitSeconds();
            List<Runnable> steps = new ArrayList<>();
            for (int i = 0; i < o.workerKills(); i++) {
                steps.add(this::killWorker);
            }
            if (o.secondWorker()) {
                steps.add(this::rebalance);
            }
            if (o.workerPause()) {
                steps.add(this::pauseWorker);
            }
            if (o.brokerRestart()) {
                steps.add(this::restartBroker);
            }
            if (o.databaseOutage()) {
                steps.add(this::databaseOutage);
            }
            if (o.scannerKill()) {
                steps.add(this::killScanner);
            }
            Collections.shuffle(steps, random);
            // each fault in its own slot of the submission window, at a random moment of it, so
            // that requests are being submitted and processed while it happens
            long slot = Math.max(4, total * 1000L / (steps.size() + 1));
            long t0 = System.currentTimeMillis();
            for (int i = 0; i < steps.size(); i++) {
                long at = t0 + slot / 2 + i * slot + random.nextLong(slot / 2);
                long wait = at - System.currentTimeMillis();
                if (wait > 0) {
                    ServiceProcess.sleep(Duration.ofMillis(wait));
                }
                log("(%d of %d requests accepted so far)", acceptedSoFar.get(), o.requests());
                steps.get(i).run();
            }
        } catch (RuntimeException e) {
            log("fault injection failed: %s", e);
            throw e;
        }
    }

    private void killWorker() {
        log("FAULT kill -9 %s (pid %d)", worker1.name(), worker1.pid());
        worker1.kill9();
        count("worker kill -9 + restart");
        ServiceProcess.sleep(Duration.ofSeconds(1 + random.nextInt(3)));
        worker1.start().awaitReady(Duration.ofSeconds(180));
        log("%s back (pid %d)", worker1.name(), worker1.pid());
    }

    private void rebalance() {
        worker2 = worker2 == null ? worker("worker-2", baseEnv(worker1)) : worker2;
        log("FAULT start a second worker instance, then kill -9 it");
        worker2.start().awaitReady(Duration.ofSeconds(180));
        ServiceProcess.sleep(Duration.ofSeconds(5 + random.nextInt(5)));
        worker2.kill9();
        count("second worker instance started, then killed -9 (rebalance)");
        log("worker-2 killed");
    }

    private void pauseWorker() {
        worker2 = worker2 == null ? worker("worker-2", baseEnv(worker1)) : worker2;
        if (!worker2.isAlive()) {
            worker2.start().awaitReady(Duration.ofSeconds(180));
        }
        log("FAULT SIGSTOP %s (pid %d) for %d s, worker-2 takes over", worker1.name(), worker1.pid(), o.pauseLength().toSeconds());
        worker1.pause();
        ServiceProcess.sleep(o.pauseLength());
        worker1.resume();
        count("worker SIGSTOP " + o.pauseLength().toSeconds() + " s (longer than its transaction and session timeouts), SIGCONT");
        log("SIGCONT %s; stopping worker-2 cleanly", worker1.name());
        ServiceProcess.sleep(Duration.ofSeconds(10));
        worker2.close();
    }

    private void restartBroker() {
        log("FAULT stop the broker (pid %d)", broker.pid());
        broker.stop();
        count("broker stopped and restarted");
        ServiceProcess.sleep(Duration.ofSeconds(10));
        broker.restart();
        log("broker back (pid %d)", broker.pid());
    }

    private void databaseOutage() {
        log("FAULT stop PostgreSQL for %d s", o.databaseOutageLength().toSeconds());
        postgres.close();
        count("PostgreSQL stopped (" + o.databaseOutageLength().toSeconds() + " s) and restarted");
        ServiceProcess.sleep(o.databaseOutageLength());
        postgres = Postgres.start(o.dir().resolve("postgres"));
        log("PostgreSQL back on port %d", postgres.port());
    }

    private void killScanner() {
        log("FAULT kill -9 retention-scanner (pid %d) and delete its state directory", scanner.pid());
        scanner.kill9();
        deleteTree(o.dir().resolve("state").resolve("scanner"));
        count("retention-scanner kill -9, state directory deleted, restarted");
        scanner.start().awaitReady(Duration.ofSeconds(180));
        log("retention-scanner back (pid %d), restored from its changelogs", scanner.pid());
    }

    private Map<String, String> baseEnv(ServiceProcess ignored) {
        Map<String, String> common = new HashMap<>();
        common.put("LETHE_KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        common.put("LETHE_TOPIC_PREFIX", PREFIX);
        common.put("LETHE_TOPIC_PARTITIONS", "6");
        common.put("LETHE_TOPIC_REPLICATION_FACTOR", "1");
        return common;
    }

    // ---- waiting and checking ----

    private Map<String, DeletionStatus> latestStatuses() {
        Map<String, DeletionStatus> latest = new HashMap<>();
        for (var r : TopicReader.readAll(settings, settings.topics().deletionStatus(), Duration.ofMinutes(2))) {
            latest.put(r.key(), r.value());
        }
        return latest;
    }

    private Map<String, DeletionStatus> awaitTerminal(Set<String> ids, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            Map<String, DeletionStatus> latest = latestStatuses();
            long open = ids.stream().filter(id -> latest.get(id) == null || !Statuses.terminal(latest.get(id).getStatus())).count();
            if (open == 0 || Instant.now().isAfter(deadline)) {
                log("%d of %d requests terminal", ids.size() - open, ids.size());
                Map<String, DeletionStatus> mine = new HashMap<>();
                ids.forEach(id -> {
                    if (latest.get(id) != null) {
                        mine.put(id, latest.get(id));
                    }
                });
                return mine;
            }
            log("%d requests still open", open);
            ServiceProcess.sleep(Duration.ofSeconds(5));
        }
    }

    private void awaitExpiries(Set<String> expiring, Set<String> expiryIds, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            expiryIds.clear();
            Set<String> customers = new HashSet<>();
            for (var r : TopicReader.readAll(settings, settings.topics().deletionRequests(), Duration.ofMinutes(2))) {
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

    private Report verify(Instant started, List<Planned> plan, Map<Integer, String> accepted, Map<String, DeletionStatus> statuses,
                          Set<String> foreign, List<String> redriven, Set<String> profileCustomers, Set<String> itemCustomers,
                          Set<String> expiring, Set<String> expiryIds, Map<String, Long> before) {
        List<String> problems = new ArrayList<>();
        Map<String, DeletionStatus> all = latestStatuses();
        int completed = 0;
        int verified = 0;
        int notFound = 0;
        int failedOther = 0;
        for (String id : new HashSet<>(accepted.values())) {
            DeletionStatus s = all.get(id);
            if (foreign.contains(id)) {
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
        for (var r : TopicReader.readAll(settings, settings.topics().deletionEvents(), Duration.ofMinutes(2))) {
            String id = r.value() instanceof DeletionCompleted c ? c.getRequestId()
                    : r.value() instanceof DeletionFailed f ? f.getRequestId() : null;
            if (id != null) {
                terminalEvents.merge(id, 1, Integer::sum);
            }
        }
        Set<String> redrivenSet = new HashSet<>(redriven);
        int without = 0;
        int dup = 0;
        Set<String> checkEvents = new HashSet<>(accepted.values());
        checkEvents.addAll(expiryIds);
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
        for (var r : TopicReader.readAll(settings, settings.topics().deletionRequests(), Duration.ofMinutes(2))) {
            DeletionRequested q = r.value();
            if (q.getReason() == Reason.RETENTION_EXPIRED && !q.getRedrive()) {
                emitted.merge(q.getCustomerId(), 1, Integer::sum);
            }
        }
        int missed = (int) expiring.stream().filter(c -> !emitted.containsKey(c)).count();
        int doubled = (int) emitted.values().stream().filter(n -> n > 1).count();
        Set<String> unexpected = new HashSet<>(emitted.keySet());
        unexpected.removeAll(expiring);
        if (missed > 0) {
            problems.add(missed + " retention expiries missed");
        }
        if (doubled > 0) {
            problems.add(doubled + " customers expired more than once");
        }
        if (!unexpected.isEmpty()) {
            problems.add("customers expired that were not past the limit: " + unexpected.size());
        }
        for (String id : expiryIds) {
            DeletionStatus s = all.get(id);
            if (s == null || s.getStatus() != RequestStatus.COMPLETED || !s.getVerified()) {
                problems.add("retention expiry " + id + " ended " + (s == null ? "without status" : s.getStatus()));
            }
        }

        // the database: deleted customers hold no PII; customers not asked for lost none
        Set<String> deleted = new HashSet<>(profileCustomers);
        deleted.addAll(emitted.keySet());
        long residual = 0;
        int untouchedChecked = 0;
        int touched = 0;
        Map<String, Long> after = piiWithoutRelationships();
        try (Connection c = store.dataSource().getConnection()) {
            for (String customer : deleted) {
                if (PiiCensus.remainingPii(c, blobs, TENANT, customer) != 0) {
                    residual++;
                    problems.add("residual PII for deleted customer " + customer);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        for (var e : before.entrySet()) {
            if (deleted.contains(e.getKey()) || itemCustomers.contains(e.getKey())) {
                continue;
            }
            untouchedChecked++;
            if (!e.getValue().equals(after.get(e.getKey()))) {
                touched++;
                problems.add("customer " + e.getKey() + " not asked for changed: " + e.getValue() + " -> " + after.get(e.getKey()));
            }
        }

        Map<String, Integer> retries = new java.util.TreeMap<>();
        for (var r : TopicReader.readAll(settings, settings.topics().audit(), Duration.ofMinutes(5))) {
            if (r.value().getType() == io.lethe.events.AuditType.RETRY_SCHEDULED) {
                retries.merge(String.valueOf(r.value().getErrorCode()), 1, Integer::sum);
            }
        }
        int auditExit = auditVerify();
        if (auditExit != 0) {
            problems.add("lethe audit verify exited " + auditExit);
        }
        List<FaultCount> faults = new ArrayList<>();
        injected.forEach((k, v) -> faults.add(new FaultCount(k, v.get())));
        problems.stream().limit(30).forEach(p -> log("PROBLEM %s", p));
        return new Report(faults, plan.size(), new HashSet<>(accepted.values()).size(), completed, verified, notFound, failedOther,
                redriven.size(), deleted.size(), residual, untouchedChecked, touched, without, dup, expiring.size(),
                emitted.size(), missed, doubled, status503.get(), retries, auditExit, Duration.between(started, Instant.now()), problems);
    }

    private int auditVerify() {
        Map<String, String> env = Map.of("LETHE_KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        return new picocli.CommandLine(new AuditCommand(env, o.dir())).execute("verify", "--bootstrap",
                broker.bootstrapServers(), "--topic-prefix", PREFIX, "--timeout", "PT5M");
    }

    /** Per customer: PII items except relationship rows (which erasing the related customer rightly removes). */
    private Map<String, Long> piiWithoutRelationships() {
        Map<String, Long> out = new HashMap<>();
        try (Connection c = store.dataSource().getConnection();
             PreparedStatement rel = c.prepareStatement("select count(*) from customer_relationships where tenant_id = ?"
                     + " and (customer_id = ? or related_customer_id = ?)")) {
            for (int n = 1; n <= o.customers(); n++) {
                String customer = Seeder.customerId(n);
                rel.setString(1, TENANT);
                rel.setString(2, customer);
                rel.setString(3, customer);
                long relationships;
                try (ResultSet rs = rel.executeQuery()) {
                    rs.next();
                    relationships = rs.getLong(1);
                }
                out.put(customer, PiiCensus.remainingPii(c, blobs, TENANT, customer) - relationships);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    // ---- HTTP ----

    private HttpResponse<String> send(String method, String path, String body, String idempotencyKey) {
        try {
            return apiClient().send(method, path, body, idempotencyKey == null ? Map.of() : Map.of("Idempotency-Key", idempotencyKey));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The API of this run (its port is fixed for the run, across restarts). */
    private ApiClient apiClient() {
        if (apiClient == null) {
            apiClient = new ApiClient("http://127.0.0.1:" + api.httpPort(), token, Duration.ofSeconds(3));
        }
        return apiClient;
    }

    private void post(String path, String body, String key) {
        for (int i = 0; i < 20; i++) {
            try {
                HttpResponse<String> r = send("POST", path, body, key);
                if (r.statusCode() == 202) {
                    return;
                }
                JsonNode j = r.body().isEmpty() ? null : JSON.readTree(r.body());
                log("POST %s answered %d %s", path, r.statusCode(), j == null ? "" : j.path("type").asText());
            } catch (IOException | UncheckedIOException e) {
                log("POST %s failed: %s", path, e);
            }
            ServiceProcess.sleep(Duration.ofSeconds(2));
        }
    }

    private static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void shutdown() {
        List<ServiceProcess> reverse = new ArrayList<>(processes);
        Collections.reverse(reverse);
        for (ServiceProcess p : reverse) {
            try {
                p.close();
            } catch (RuntimeException e) {
                log("stopping %s: %s", p.name(), e);
            }
        }
        if (store != null) {
            store.close();
        }
        if (postgres != null) {
            try {
                postgres.close();
            } catch (RuntimeException e) {
                log("stopping PostgreSQL: %s", e);
            }
        }
        if (broker != null) {
            broker.stop();
        }
    }
}
