package io.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.cli.audit.AuditCommand;
import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.LocalStackExtension.DatabaseEndpoint;
import io.lethe.localstack.LocalStackExtension.KafkaEndpoint;
import io.lethe.localstack.TestStack;
import io.lethe.store.blob.BlobKeys;
import io.lethe.store.seed.Seeder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/**
 * Erased data coming back, on the real broker and PostgreSQL with the {@code lethe dev} wiring: a
 * profile and an attachment are erased, a row and a blob of each are restored as a backup restore
 * would, and {@code lethe audit recheck} finds exactly those requests, {@code --erase} erases them
 * again through the pipeline, and the continuous recheck inside the worker raises its metric.
 */
@ExtendWith(LocalStackExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RecheckEndToEndTest {

    private static final Pattern RESURRECTED = Pattern.compile("(?m)^lethe_recheck_resurrected(?:\\{[^}]*\\})? (\\S+)$");
    private static DevStack stack;
    private static String profileRequest;
    private static String attachmentRequest;
    private static String untouchedRequest;

    record Run(int exit, String out, String err) {
    }

    @BeforeAll
    static void start(KafkaEndpoint kafka, DatabaseEndpoint db) throws Exception {
        stack = new DevStack(kafka, db, 12);
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    @Order(1)
    void shouldFindExactlyTheRequestsWhoseRowOrBlobABackupRestoreBroughtBack() throws Exception {
        // Given three erasures, with a backup of a profile's emails and attachment and of one attachment taken before
        List<String> withFiles = stack.strings("select a.customer_id from attachments a where a.tenant_id = ? and exists (select 1"
                + " from customer_emails e where e.tenant_id = a.tenant_id and e.customer_id = a.customer_id)"
                + " group by a.customer_id order by a.customer_id limit 2", stack.tenant);
        assertThat(withFiles).as("seeded customers with emails and attachments").hasSize(2);
        String profileCustomer = withFiles.get(0);
        String itemCustomer = withFiles.get(1);
        String untouchedCustomer = stack.strings("select id from customers where tenant_id = ? and id not in (?, ?) order by id limit 1",
                stack.tenant, profileCustomer, itemCustomer).get(0);
        String profileAttachment = stack.strings("select id from attachments where tenant_id=? and customer_id=? order by id limit 1",
                stack.tenant, profileCustomer).get(0);
        String item = stack.strings("select id from attachments where tenant_id=? and customer_id=? order by id limit 1",
                stack.tenant, itemCustomer).get(0);
        Path backup = TestStack.newDirectory("backup");
        sql("create table backup_emails as select * from customer_emails where tenant_id = '" + stack.tenant
                + "' and customer_id = '" + profileCustomer + "'",
                "create table backup_attachments as select * from attachments where tenant_id = '" + stack.tenant
                        + "' and id = '" + item + "'");
        copy(stack.dir.resolve("blobs"), backup, BlobKeys.attachment(stack.tenant, profileAttachment));
        copy(stack.dir.resolve("blobs"), backup, BlobKeys.attachment(stack.tenant, item));
        profileRequest = stack.requestDeletion("PROFILE", profileCustomer, null);
        attachmentRequest = stack.requestDeletion("ATTACHMENT", itemCustomer, item);
        untouchedRequest = stack.requestDeletion("PROFILE", untouchedCustomer, null);
        for (String id : List.of(profileRequest, attachmentRequest, untouchedRequest)) {
            assertThat(stack.awaitTerminal(id).get("status").asText()).isEqualTo("COMPLETED");
        }
        assertThat(recheck().exit()).as("nothing came back yet").isZero();
        long emails = Long.parseLong(stack.strings("select count(*) from backup_emails").get(0));
        assertThat(emails).isPositive();

        // When a restore brings back the profile's email rows and attachment blob, and the attachment's file name and blob
        sql("insert into customer_emails select * from backup_emails",
                "update attachments a set file_name = b.file_name from backup_attachments b"
                        + " where a.tenant_id = b.tenant_id and a.id = b.id");
        copy(backup, stack.dir.resolve("blobs"), BlobKeys.attachment(stack.tenant, profileAttachment));
        copy(backup, stack.dir.resolve("blobs"), BlobKeys.attachment(stack.tenant, item));
        Run found = recheck();

        // Then exactly those requests and data types are listed, with counts and no data, and the exit code is 1
        assertThat(found.exit()).as(found.err()).isEqualTo(1);
        assertThat(found.out()).contains("FOUND: erased data came back for 2 request(s)");
        assertThat(lines(found.out())).containsExactlyInAnyOrder(
                String.join("\t", profileRequest, stack.tenant, profileCustomer, "PROFILE", "-", "attachments", "1"),
                String.join("\t", profileRequest, stack.tenant, profileCustomer, "PROFILE", "-", "customer-details", Long.toString(emails)),
                String.join("\t", attachmentRequest, stack.tenant, itemCustomer, "ATTACHMENT", item, "attachments", "2"));
        assertThat(found.out()).doesNotContain("@", "Name of");
    }

    @Test
    @Order(2)
    void shouldRaiseTheContinuousRecheckMetricInTheWorker() {
        await("lethe_recheck_resurrected reaches 2").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> resurrectedMetric() == 2.0);
    }

    @Test
    @Order(3)
    void shouldEraseThemAgainThroughThePipelineWithErase() {
        // When
        Run erased = recheck("--erase");

        // Then one re-erasure per subject and item was published, linked to the original, and it completes
        assertThat(erased.exit()).as(erased.err()).isEqualTo(1);
        Matcher m = Pattern.compile("published (resurrected-[0-9a-f]+): erase again what (\\S+) erased").matcher(erased.out());
        Map<String, String> published = new HashMap<>();
        while (m.find()) {
            published.put(m.group(2), m.group(1));
        }
        assertThat(published).containsOnlyKeys(profileRequest, attachmentRequest);
        for (Map.Entry<String, String> e : published.entrySet()) {
            JsonNode status = stack.awaitTerminal(e.getValue());
            assertThat(status.get("status").asText()).isEqualTo("COMPLETED");
            assertThat(status.get("reason").asText()).isEqualTo("RESURRECTED");
            assertThat(status.get("originalRequestId").asText()).isEqualTo(e.getKey());
            assertThat(status.get("verified").asBoolean()).isTrue();
        }

        // And the next recheck finds nothing, and so does the worker's
        Run again = recheck();
        assertThat(again.exit()).as(again.out() + again.err()).isZero();
        assertThat(again.out()).contains("OK: no erased data came back");
        await("lethe_recheck_resurrected back to 0").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> resurrectedMetric() == 0.0);
    }

    @Test
    @Order(4)
    void shouldExitZeroForATenantWhereNothingCameBackAndAfterADate() throws Exception {
        Seeder.seed(stack.store.dataSource(), stack.blobs, "quiet-" + stack.id, 3, 9);

        Run quiet = recheck("--tenant", "quiet-" + stack.id);
        Run recent = recheck("--since", Instant.now().minusSeconds(1).toString());

        assertThat(quiet.exit()).as(quiet.err()).isZero();
        assertThat(quiet.out()).contains("rechecked 0 erased request(s)", "for tenant quiet-" + stack.id, "OK: no erased data came back");
        assertThat(recent.exit()).as(recent.err()).isZero();
    }

    @Test
    @Order(5)
    void shouldRefuseBadInputWithExitTwoAndAClearMessage() {
        Run unknown = recheck("--tenant", "no-such-tenant");
        Run future = recheck("--since", "2999-01-01");
        Run noDatabase = recheck("--jdbc", "jdbc:postgresql://127.0.0.1:1/lethe?connectTimeout=2");

        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("audit recheck: unknown tenant no-such-tenant: it has no customers in the store at");
        assertThat(future.exit()).isEqualTo(2);
        assertThat(future.err()).contains("audit recheck: --since 2999-01-01T00:00:00Z is in the future");
        assertThat(noDatabase.exit()).isEqualTo(2);
        assertThat(noDatabase.err()).contains("audit recheck: cannot connect to the customer store at jdbc:postgresql://127.0.0.1:1/lethe");
    }

    private static Run recheck(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // the dev environment's LETHE_* variables say where Kafka, the database and the blobs are
        CommandLine cmd = new CommandLine(new AuditCommand(stack.env.devEnv(), stack.dir));
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = "recheck";
        System.arraycopy(args, 0, all, 1, args.length);
        int exit = cmd.execute(all);
        return new Run(exit, out.toString(), err.toString());
    }

    private static List<String> lines(String out) {
        return Arrays.stream(out.split("\n")).filter(l -> l.split("\t").length == 7 && !l.startsWith("requestId")).toList();
    }


    private static double resurrectedMetric() {
        String url = stack.env.devEnv().get("LETHE_METRICS_URLS").split(" ")[1];
        try {
            String body = DevStack.HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = RESURRECTED.matcher(body);
            return m.find() ? Double.parseDouble(m.group(1)) : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    private static void sql(String... statements) throws Exception {
        try (Connection c = stack.store.dataSource().getConnection(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    private static void copy(Path fromRoot, Path toRoot, String key) throws Exception {
        Path to = toRoot.resolve(key);
        Files.createDirectories(to.getParent());
        Files.copy(fromRoot.resolve(key), to, StandardCopyOption.REPLACE_EXISTING);
    }
}
