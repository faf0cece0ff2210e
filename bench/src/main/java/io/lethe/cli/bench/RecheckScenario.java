package io.lethe.cli.bench;

import io.lethe.cli.audit.AuditCommand;
import io.lethe.events.AuditEvent;
import io.lethe.events.AuditType;
import io.lethe.events.Reason;
import io.lethe.events.Regulation;
import io.lethe.events.RequestStatus;
import io.lethe.events.Scope;
import io.lethe.events.TaskStatus;
import io.lethe.runtime.config.LetheConfig;
import io.lethe.runtime.kafka.KafkaSettings;
import io.lethe.schemas.Topic;
import io.lethe.store.CustomerStore;
import io.lethe.store.blob.FileBlobStore;
import io.lethe.store.erase.BatchEraser;
import io.lethe.store.erase.Erasers;
import io.lethe.store.recheck.ErasedRequest;
import io.lethe.store.recheck.Recheck;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine;

/**
 * {@code recheck} and {@code ceiling-recheck}: {@code lethe audit recheck} over N erased profiles
 * (100,000 by default), each with its rows kept for reporting (customer, conversation, two
 * contacts, an attachment, a recording) and six audit events; one in a thousand has an email row
 * back, as a restore would leave it. The ceiling runs the same residual checks straight from a
 * list, with no Kafka; the scenario is the command as an operator runs it, reading the audit topic.
 * A run whose findings differ from the restored rows counts them as errors.
 */
final class RecheckScenario {

    static final String NAME = "recheck";
    static final String CEILING = "ceiling-recheck";
    private static final int BACK_EVERY = 1000;
    private static final List<String> TYPES = List.of(Erasers.CONVERSATIONS, Erasers.ATTACHMENTS, Erasers.INTEGRATION_DATA,
            Erasers.CUSTOMER_DETAILS);

    private RecheckScenario() {
    }

    static List<ScenarioResult> run(BenchEnvironment env, CustomerStore store) throws Exception {
        int n = env.sizes.recheckSubjects();
        String tenant = env.name(NAME);
        long expected = (n + BACK_EVERY - 1) / BACK_EVERY;
        env.progress.say("%s: writing %,d erased profiles (%,d with an email row restored) and their audit events", NAME, n, expected);
        seedErased(store, tenant, n);
        LetheConfig config = env.config(NAME, Map.of());
        KafkaSettings settings = new KafkaSettings(config);
        Topic<String, AuditEvent> audit = settings.topics().audit();
        env.createTopics(List.of(audit), env.partitions);
        long records = produceAudit(settings, audit, tenant, n);

        // ceiling: the residual checks alone, fed from a list
        AtomicLong ceilingFound = new AtomicLong();
        Recheck direct = new Recheck(store.dataSource(), new FileBlobStore(env.dir.resolve("blobs")), Erasers.builtIn(), 500, 0,
                BatchEraser.DEFAULT_STATEMENT_TIMEOUT, f -> ceilingFound.incrementAndGet());
        Instant completed = Instant.now();
        long started = System.nanoTime();
        for (int i = 1; i <= n; i++) {
            direct.accept(new ErasedRequest("rq-" + i, tenant, customer(i), Scope.PROFILE, null, TYPES, Regulation.GDPR, completed,
                    Duration.ofDays(30)));
        }
        direct.finish();
        double ceilingSeconds = (System.nanoTime() - started) / 1e9;
        env.progress.say("%s: %,.0f profiles/s (%,d came back)", CEILING, n / ceilingSeconds, ceilingFound.get());

        // the command, reading the audit topic
        Map<String, String> envVars = new HashMap<>();
        envVars.put("LETHE_JDBC_USER", env.jdbcUser);
        envVars.put("LETHE_JDBC_PASSWORD", env.jdbcPassword);
        env.kafkaPassThrough.forEach((k, v) -> envVars.put(LetheConfig.envName("kafka." + k), v));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new AuditCommand(envVars, env.dir));
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long heapBefore = rt.totalMemory() - rt.freeMemory();
        started = System.nanoTime();
        int exit = cmd.execute("recheck", "--bootstrap", env.bootstrap, "--topic-prefix", env.name(NAME) + ".",
                "--jdbc", env.jdbcUrl, "--blob-dir", env.dir.resolve("blobs").toString(), "--tenant", tenant);
        double seconds = (System.nanoTime() - started) / 1e9;
        long heapAfter = rt.totalMemory() - rt.freeMemory();
        Matcher m = Pattern.compile("FOUND: erased data came back for (\\d+) request").matcher(out.toString());
        long found = m.find() ? Long.parseLong(m.group(1)) : 0;
        if (exit == 2) {
            throw new IllegalStateException("lethe audit recheck failed: " + err);
        }
        long errors = Math.abs(found - expected) + Math.abs(ceilingFound.get() - expected);
        env.progress.say("%s: %,.0f profiles/s over %,d audit records (%,d came back, exit %d)", NAME, n / seconds, records, found, exit);

        Map<String, Number> cf = new LinkedHashMap<>();
        cf.put("profilesPerSecond", ProducerCeiling.round(n / ceilingSeconds));
        cf.put("profiles", n);
        cf.put("cameBack", ceilingFound.get());
        cf.put("seconds", ProducerCeiling.round(ceilingSeconds));
        Map<String, Number> f = new LinkedHashMap<>();
        f.put("profilesPerSecond", ProducerCeiling.round(n / seconds));
        f.put("profiles", n);
        f.put("auditRecords", records);
        f.put("cameBack", found);
        f.put("errors", errors);
        f.put("seconds", ProducerCeiling.round(seconds));
        f.put("heapGrowthMb", ProducerCeiling.round(Math.max(0, heapAfter - heapBefore) / 1e6));
        return List.of(new ScenarioResult(CEILING, "profilesPerSecond", "profiles/s", cf, CEILING, "ceiling"),
                new ScenarioResult(NAME, "profilesPerSecond", "profiles/s", f, CEILING, "minutes for 100,000"));
    }

    private static String customer(int i) {
        return String.format("e-%07d", i);
    }

    /** Erased profiles as the erasers leave them: rows and ids kept, PII null, no emails, no blobs; every 1000th has an email back. */
    private static void seedErased(CustomerStore store, String tenant, int n) throws SQLException {
        String g = "generate_series(1, ?) g";
        String c = "'e-' || lpad(g::text, 7, '0')";
        List<String> statements = List.of(
                "insert into customers (tenant_id, id, name, created_at, last_contact_at, erased_at)"
                        + " select ?, " + c + ", null, now() - interval '400 days', now() - interval '400 days', now() from " + g,
                "insert into conversations (tenant_id, id, customer_id, channel, status, subject, created_at)"
                        + " select ?, 'cv-' || g, " + c + ", 'EMAIL', 'CLOSED', null, now() from " + g,
                "insert into contacts (tenant_id, id, conversation_id, customer_id, channel, direction, from_address, body, occurred_at)"
                        + " select ?, 'ct-' || g || '-' || k, 'cv-' || g, " + c + ", 'EMAIL', 'INBOUND', null, null, now()"
                        + " from " + g + ", generate_series(1, 2) k",
                "insert into attachments (tenant_id, id, contact_id, customer_id, file_name, content_type, size_bytes, created_at)"
                        + " select ?, 'a-' || g, 'ct-' || g || '-1', " + c + ", null, 'text/plain', 10, now() from " + g,
                "insert into voice_recordings (tenant_id, id, contact_id, customer_id, duration_seconds, transcript, created_at)"
                        + " select ?, 'r-' || g, 'ct-' || g || '-2', " + c + ", 30, null, now() from " + g,
                "insert into customer_emails (tenant_id, id, customer_id, email, is_primary)"
                        + " select ?, 'em-' || g, " + c + ", 'restored@example.invalid', true from " + g + " where g % "
                        + BACK_EVERY + " = 1");
        try (Connection conn = store.dataSource().getConnection()) {
            for (String sql : statements) {
                try (PreparedStatement ps = conn.prepareStatement(sql)) {
                    ps.setString(1, tenant);
                    ps.setInt(2, n);
                    ps.executeUpdate();
                }
            }
        }
    }

    /** ACCEPTED, four TASK_RESULTs and COMPLETED per profile, as the coordinator writes them. */
    private static long produceAudit(KafkaSettings settings, Topic<String, AuditEvent> topic, String tenant, int n) {
        AtomicReference<Exception> failed = new AtomicReference<>();
        long records = 0;
        Instant t0 = Instant.now().minus(Duration.ofDays(1));
        try (Producer<byte[], byte[]> producer = new KafkaProducer<>(settings.producer("lethe-bench-audit"))) {
            for (int i = 1; i <= n; i++) {
                String requestId = "rq-" + i;
                List<AuditEvent> events = new ArrayList<>();
                events.add(event(requestId, tenant, i, AuditType.ACCEPTED, t0).setRequestStatus(RequestStatus.IN_PROGRESS)
                        .setRequiredDataTypes(TYPES).build());
                for (String type : TYPES) {
                    events.add(event(requestId, tenant, i, AuditType.TASK_RESULT, t0).setDataType(type).setAttempt(1)
                            .setTaskStatus(TaskStatus.SUCCEEDED).setRowsScrubbed(2).setResidual(0L)
                            .setRequestStatus(RequestStatus.IN_PROGRESS).build());
                }
                events.add(event(requestId, tenant, i, AuditType.COMPLETED, t0).setRequestStatus(RequestStatus.COMPLETED)
                        .setRequiredDataTypes(TYPES).setRowsScrubbed(8).setResidual(0L).build());
                byte[] key = topic.keySerde().serializer().serialize(topic.name(), requestId);
                for (AuditEvent e : events) {
                    producer.send(new ProducerRecord<>(topic.name(), key, topic.valueSerde().serializer().serialize(topic.name(), e)),
                            (md, ex) -> {
                                if (ex != null) {
                                    failed.compareAndSet(null, ex);
                                }
                            });
                    records++;
                }
            }
            producer.flush();
        }
        if (failed.get() != null) {
            throw new IllegalStateException("cannot produce audit events: " + failed.get().getMessage(), failed.get());
        }
        return records;
    }

    private static AuditEvent.Builder event(String requestId, String tenant, int i, AuditType type, Instant at) {
        return AuditEvent.newBuilder().setEventId(UUID.randomUUID().toString()).setRequestId(requestId).setTenant(tenant)
                .setCustomerId(customer(i)).setType(type).setActor("deletion-worker").setScope(Scope.PROFILE)
                .setRegulation(Regulation.GDPR).setReason(Reason.CUSTOMER_REQUEST).setRequestedAt(at)
                .setDueAt(at.plus(Duration.ofDays(30))).setOccurredAt(at.plusSeconds(1));
    }
}
