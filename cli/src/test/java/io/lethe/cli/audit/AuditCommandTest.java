package io.lethe.cli.audit;

import static io.lethe.audit.AuditEvents.PROFILE_TYPES;
import static io.lethe.audit.AuditEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.audit.AuditEvents;
import io.lethe.events.AuditEvent;
import io.lethe.events.Scope;
import io.lethe.events.TaskStatus;
import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.LocalStackExtension.KafkaEndpoint;
import io.lethe.runtime.config.Keys;
import io.lethe.runtime.config.LetheConfig;
import io.lethe.runtime.kafka.KafkaSettings;
import io.lethe.runtime.kafka.LetheProducer;
import io.lethe.runtime.kafka.TopicProvisioner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The audit commands against a real broker. Each scenario writes its own audit topic (its
 * own prefix), because verify judges a whole topic.
 */
@ExtendWith(LocalStackExtension.class)
class AuditCommandTest {

    private static final String NOW = "2026-03-10T00:00:00Z";
    private static final Map<String, String> NO_ENV = Map.of();

    private static String bootstrap;
    /** A clean history: completed (one written with the oldest released schema, one after a retry), open, failed. */
    private static String cleanPrefix;
    /** One planted violation of every kind, next to a clean request. */
    private static String dirtyPrefix;

    @TempDir
    Path workDir;

    record Run(int exit, String out, String err) {
    }

    @BeforeAll
    static void writeHistories(KafkaEndpoint kafka) throws Exception {
        bootstrap = kafka.bootstrapServers();
        String run = UUID.randomUUID().toString().substring(0, 8);

        cleanPrefix = "audit-clean-" + run + ".";
        List<AuditEvent> clean = new ArrayList<>();
        clean.addAll(AuditEvents.request("r-clean-1", "acme", "cust-000123", Scope.PROFILE, T0, T0.plus(Duration.ofDays(30)))
                .completedProfile().events());
        clean.addAll(AuditEvents.request("r-clean-2", "acme", "cust-000124", Scope.CONTACT, T0, T0.plus(Duration.ofDays(30)))
                .accepted(List.of("conversations", "attachments"))
                .dispatched("conversations", 1).result("conversations", 1, TaskStatus.FAILED, 0, 0, 0, 2, "RESIDUAL_NOT_ZERO")
                .dispatched("conversations", 2).result("conversations", 2, TaskStatus.SUCCEEDED, 4, 0, 0, 0, null)
                .succeeded("attachments").completed(List.of("conversations", "attachments"), 0).events());
        // still open, but its due date (T0 + 30 days) is after --now
        clean.addAll(AuditEvents.request("r-clean-3", "acme", "cust-000125", Scope.PROFILE, T0, T0.plus(Duration.ofDays(30)))
                .accepted(PROFILE_TYPES).dispatched("conversations", 1).events());
        clean.addAll(AuditEvents.request("r-clean-4", "acme", "cust-000126", Scope.ATTACHMENT, T0, T0.plus(Duration.ofDays(30)))
                .accepted(List.of("attachments")).dispatched("attachments", 1)
                .result("attachments", 1, TaskStatus.FAILED, 0, 0, 0, 0, "BLOB_STORE_ERROR")
                .failed(List.of("attachments"), "BLOB_STORE_ERROR").events());
        clean.addAll(AuditEvents.request("r-other-1", "globex", "cust-900001", Scope.PROFILE, T0, T0.plus(Duration.ofDays(30)))
                .completedProfile().events());
        // administrative events from the API: a policy change and a bulk approval name no request to verify
        clean.add(io.lethe.api.audit.AdminAudit.policyChanged("acme", "hal", T0));
        clean.add(io.lethe.api.audit.AdminAudit.bulkDecided("acme", "bulk-1", "oscar", true, T0));
        List<AuditEvent> oldSchema = AuditEvents.request("r-old-1", "acme", "cust-000127", Scope.PROFILE,
                T0.minus(Duration.ofDays(30)), T0.minus(Duration.ofDays(10))).completedProfile().events();
        write(cleanPrefix, clean, oldSchema, List.of());

        dirtyPrefix = "audit-dirty-" + run + ".";
        List<AuditEvent> dirty = new ArrayList<>();
        dirty.addAll(AuditEvents.request("r-ok", "acme", "cust-000200", Scope.PROFILE, T0, T0.plus(Duration.ofDays(30)))
                .completedProfile().events());
        // stuck: accepted, due before --now, nothing terminal
        dirty.addAll(AuditEvents.request("r-stuck", "acme", "cust-000201", Scope.PROFILE, T0, T0.plus(Duration.ofDays(3)))
                .accepted(PROFILE_TYPES).succeeded("conversations").events());
        // completed without any result for customer-details
        AuditEvents missing = AuditEvents.request("r-missing", "acme", "cust-000202", Scope.PROFILE, T0, T0.plus(Duration.ofDays(30)))
                .accepted(PROFILE_TYPES);
        PROFILE_TYPES.stream().filter(t -> !t.equals("customer-details")).forEach(missing::succeeded);
        dirty.addAll(missing.completed(PROFILE_TYPES, 0).events());
        // completed although attachments' residual check found 5 rows
        dirty.addAll(AuditEvents.request("r-residual", "acme", "cust-000203", Scope.CONTACT, T0, T0.plus(Duration.ofDays(30)))
                .accepted(List.of("conversations", "attachments")).succeeded("conversations").dispatched("attachments", 1)
                .result("attachments", 1, TaskStatus.SUCCEEDED, 1, 0, 1, 5, null)
                .completed(List.of("conversations", "attachments"), 5).events());
        // PII: an e-mail address in an error code, a phone number as actor, a denylisted name as item id
        dirty.addAll(AuditEvents.request("r-email", "acme", "cust-000204", Scope.CONTACT, T0, T0.plus(Duration.ofDays(30)))
                .accepted(List.of("conversations")).dispatched("conversations", 1)
                .result("conversations", 1, TaskStatus.FAILED, 0, 0, 0, 0, "bad address jane.doe@example.com")
                .failed(List.of("conversations"), "DB_ERROR").events());
        dirty.addAll(AuditEvents.request("r-phone", "acme", "cust-000205", Scope.PROFILE, T0, T0.plus(Duration.ofDays(30)))
                .completedProfile().with(e -> { e.setActor("+49 (30) 1234-5678"); return e; }, 0).events());
        dirty.addAll(AuditEvents.request("r-deny", "acme", "cust-000206", Scope.ATTACHMENT, T0, T0.plus(Duration.ofDays(30)))
                .accepted(List.of("attachments")).succeeded("attachments").completed(List.of("attachments"), 0)
                .with(e -> { e.setItemId("invoice for Zebulon Quist.pdf"); return e; }, 0).events());
        byte[] garbage = "not avro at all, mail max@mustermann.de".getBytes(StandardCharsets.UTF_8);
        write(dirtyPrefix, dirty, List.of(), List.of(garbage));
    }

    private static void write(String prefix, List<AuditEvent> events, List<AuditEvent> oldSchema, List<byte[]> raw) throws Exception {
        KafkaSettings settings = settings(prefix);
        TopicProvisioner.ensure(settings, List.of(settings.topics().audit()));
        try (LetheProducer producer = new LetheProducer(settings, "audit-test")) {
            for (AuditEvent e : events) {
                producer.send(settings.topics().audit(), e.getRequestId(), e).get(30, TimeUnit.SECONDS);
            }
            for (AuditEvent e : oldSchema) {
                producer.unwrap().send(new ProducerRecord<>(settings.topics().audit().name(),
                        e.getRequestId().getBytes(StandardCharsets.UTF_8), OldAuditEncoding.encodeWithOldestReleasedSchema(e)))
                        .get(30, TimeUnit.SECONDS);
            }
            for (byte[] value : raw) {
                producer.unwrap().send(new ProducerRecord<>(settings.topics().audit().name(),
                        "r-garbage".getBytes(StandardCharsets.UTF_8), value)).get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static KafkaSettings settings(String prefix) {
        return new KafkaSettings(LetheConfig.builder().defaults(Keys.DEFAULTS).set(Keys.KAFKA_BOOTSTRAP_SERVERS, bootstrap)
                .set(Keys.TOPIC_PREFIX, prefix).set(Keys.TOPIC_PARTITIONS, "3").set(Keys.TOPIC_REPLICATION_FACTOR, "1").build());
    }

    private Run audit(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new AuditCommand(env, workDir));
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int exit = cmd.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private Run audit(String prefix, String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.addAll(List.of("--bootstrap", bootstrap, "--topic-prefix", prefix));
        return audit(NO_ENV, all.toArray(String[]::new));
    }

    @Test
    void shouldPassVerifyOnACleanHistoryIncludingOldSchemaRecords() {
        Run r = audit(cleanPrefix, "verify", "--now", NOW);

        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("checked 6 request(s)").contains("0 record(s) undecodable").contains("OK: every check holds");
        assertThat(r.err()).contains("records of " + cleanPrefix + "audit");
    }

    @Test
    void shouldFailVerifyOnceTheOpenRequestIsPastItsDueDate() {
        Run r = audit(cleanPrefix, "verify", "--now", "2026-04-01");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("r-clean-3\tNOT_FINISHED_BY_DUE_DATE").doesNotContain("r-clean-1\t");
    }

    @Test
    void shouldReportEveryPlantedViolationAndNothingForTheCleanRequest() throws Exception {
        Path denylist = Files.writeString(workDir.resolve("denylist.txt"), "# names known to have leaked\n\nzebulon quist\n");

        Run r = audit(dirtyPrefix, "verify", "--now", NOW, "--denylist", denylist.toString());

        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out())
                .contains("r-stuck\tNOT_FINISHED_BY_DUE_DATE\topen (IN_PROGRESS), due 2026-03-04T10:00:00Z")
                .contains("r-missing\tMISSING_DATA_TYPE\tCOMPLETED without a SUCCEEDED result for customer-details")
                .contains("r-residual\tRESIDUAL_NOT_ZERO\tattachments: residual [5]")
                .contains("r-residual\tRESIDUAL_NOT_ZERO\tCOMPLETED event reports residual 5")
                .containsPattern("r-email\tPII_EMAIL\tevent [0-9a-f-]+ \\(TASK_RESULT\\) field errorCode: j\\*\\*\\*@e\\*\\*\\*")
                .containsPattern("r-phone\tPII_PHONE\tevent [0-9a-f-]+ \\(ACCEPTED\\) field actor: 12 digits ending in 78")
                .containsPattern("r-deny\tPII_DENYLISTED\tevent [0-9a-f-]+ \\(ACCEPTED\\) field itemId: denylist entry 1")
                .contains("r-garbage\tUNDECODABLE\trecord ")
                .contains("r-garbage\tPII_EMAIL\trecord ")
                .doesNotContain("r-ok\t");
        // the report of PII must not repeat it
        assertThat(r.out()).doesNotContain("jane.doe").doesNotContain("1234-5678").doesNotContain("Zebulon")
                .doesNotContain("mustermann");
    }

    @Test
    void shouldReplayTimelinesFilteredByTenantAndRequest() {
        Run r = audit(cleanPrefix, "replay", "--request", "r-clean-2");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("request r-clean-2  tenant=acme customer=cust-000124 scope=CONTACT item=msg-000042 "
                        + "regulation=GDPR reason=CUSTOMER_REQUEST status=COMPLETED")
                .contains("2026-03-01T10:00:01Z  ACCEPTED          request=IN_PROGRESS required=conversations,attachments "
                        + "requested=2026-03-01T10:00:00Z due=2026-03-31T10:00:00Z actor=svc-compliance-7")
                .contains("TASK_RESULT       data=conversations attempt=1 task=FAILED scrubbed=0 deleted=0 blobs=0 residual=2 "
                        + "error=RESIDUAL_NOT_ZERO actor=worker-1")
                .contains("COMPLETED         request=COMPLETED required=conversations,attachments")
                .doesNotContain("r-clean-1").contains("1 request(s), 8 event(s)");

        Run tenant = audit(cleanPrefix, "replay", "--tenant", "globex");
        assertThat(tenant.out()).contains("request r-other-1").doesNotContain("r-clean-1").contains("1 request(s), 10 event(s)");

        Run window = audit(cleanPrefix, "replay", "--from", "2026-01-01", "--to", "2026-02-01");
        assertThat(window.out()).as("only the request written with the old schema happened in January")
                .contains("request r-old-1").contains("1 request(s), 10 event(s)");
    }

    @Test
    void shouldReportProofOfDeletionAsCsv() {
        Run r = audit(cleanPrefix, "report", "--tenant", "acme", "--format", "csv");

        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo(String.join(",", ReportCommand.CSV_COLUMNS));
        assertThat(lines).contains(
                "r-clean-2,cust-000124,CONTACT,msg-000042,GDPR,CUSTOMER_REQUEST,2026-03-01T10:00:00Z,2026-03-01T10:00:08Z,"
                        + "2026-03-31T10:00:00Z,true,COMPLETED,true,conversations,SUCCEEDED,4,0,0,0",
                "r-clean-4,cust-000126,ATTACHMENT,msg-000042,GDPR,CUSTOMER_REQUEST,2026-03-01T10:00:00Z,,"
                        + "2026-03-31T10:00:00Z,,FAILED,false,attachments,FAILED,0,0,0,0")
                .anyMatch(l -> l.startsWith("r-clean-3,") && l.contains(",IN_PROGRESS,false,customer-details,,,,,"))
                .noneMatch(l -> l.startsWith("r-other-1,"));
        // 4 + 2 + 4 + 1 + 4 data-type rows for the five acme requests
        assertThat(lines).hasSize(1 + 15);
    }

    @Test
    void shouldReportProofOfDeletionAsJsonWithinAWindow() throws Exception {
        Run r = audit(cleanPrefix, "report", "--tenant", "acme", "--format", "json", "--from", "2026-01-01", "--to", "2026-02-01");

        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode rows = new ObjectMapper().readTree(r.out());
        assertThat(rows).hasSize(1);
        JsonNode old = rows.get(0);
        assertThat(old.get("requestId").asText()).isEqualTo("r-old-1");
        assertThat(old.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(old.get("verified").asBoolean()).isTrue();
        assertThat(old.get("onTime").asBoolean()).isTrue();
        assertThat(old.get("requestedAt").asText()).isEqualTo("2026-01-30T10:00:00Z");
        assertThat(old.get("dataTypes")).hasSize(4);
        assertThat(old.get("dataTypes").get(0).get("dataType").asText()).isEqualTo("conversations");
        assertThat(old.get("dataTypes").get(0).get("rowsScrubbed").asLong()).isEqualTo(3);
        assertThat(old.get("dataTypes").get(0).get("residual").asLong()).isZero();
    }

    @Test
    void shouldMarkACompletedRequestWithResidualAsNotVerified() throws Exception {
        Run r = audit(dirtyPrefix, "report", "--tenant", "acme", "--format", "json");

        JsonNode rows = new ObjectMapper().readTree(r.out());
        for (JsonNode row : rows) {
            String id = row.get("requestId").asText();
            boolean expected = id.equals("r-ok") || id.equals("r-phone") || id.equals("r-deny");
            assertThat(row.get("verified").asBoolean()).as(id).isEqualTo(expected);
        }
        assertThat(r.err()).contains("1 undecodable record(s) skipped");
    }

    @Test
    void shouldTakeTheBrokerFromDevEnvAndLetTheEnvironmentWin() throws Exception {
        Files.createDirectories(workDir.resolve(".lethe"));
        Files.writeString(workDir.resolve(".lethe/dev.env"),
                "LETHE_KAFKA_BOOTSTRAP_SERVERS=" + bootstrap + "\nLETHE_TOPIC_PREFIX=" + cleanPrefix + "\n");

        Run fromDevEnv = audit(NO_ENV, "verify", "--now", NOW);
        assertThat(fromDevEnv.exit()).as(fromDevEnv.err()).isZero();

        Run envWins = audit(Map.of("LETHE_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1"), "verify", "--timeout", "PT3S");
        assertThat(envWins.exit()).isEqualTo(2);
        assertThat(envWins.err()).contains("audit verify: cannot reach Kafka at 127.0.0.1:1 within PT3S");
    }

    @Test
    void shouldExitWithTwoAndAMessageOnUsageAndConnectionErrors() {
        Run missingTopic = audit("audit-missing-" + UUID.randomUUID() + ".", "verify");
        assertThat(missingTopic.exit()).isEqualTo(2);
        assertThat(missingTopic.err()).contains("does not exist").contains("wrong --topic-prefix?");

        Run noTenant = audit(cleanPrefix, "report");
        assertThat(noTenant.exit()).isEqualTo(2);
        assertThat(noTenant.err()).contains("Missing required option: '--tenant=TENANT'");

        Run badTime = audit(cleanPrefix, "verify", "--now", "yesterday");
        assertThat(badTime.exit()).isEqualTo(2);
        assertThat(badTime.err()).contains("'yesterday' is not a time");

        Run noDenylist = audit(cleanPrefix, "verify", "--denylist", workDir.resolve("nope.txt").toString());
        assertThat(noDenylist.exit()).isEqualTo(2);
        assertThat(noDenylist.err()).contains("cannot read denylist");
    }
}
