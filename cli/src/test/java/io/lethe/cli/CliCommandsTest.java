package io.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.events.ContactActivity;
import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.LocalStackExtension.DatabaseEndpoint;
import io.lethe.localstack.LocalStackExtension.KafkaEndpoint;
import io.lethe.localstack.TestStack;
import io.lethe.runtime.config.Keys;
import io.lethe.runtime.config.LetheConfig;
import io.lethe.runtime.kafka.KafkaSettings;
import io.lethe.runtime.kafka.TopicProvisioner;
import io.lethe.runtime.kafka.TopicReader;
import io.lethe.store.CustomerStore;
import io.lethe.store.blob.FileBlobStore;
import io.lethe.store.seed.Seeder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

@ExtendWith(LocalStackExtension.class)
class CliCommandsTest {

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Lethe.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void shouldPrintTheDataMapAsDocsDataMapAndAsJsonAndCheckALiveSchema(DatabaseEndpoint db) throws Exception {
        // When printed, it is the generated doc and the machine-readable map
        Run markdown = run("datamap");
        Run json = run("datamap", "--format", "json");

        assertThat(markdown.exit()).as(markdown.err()).isZero();
        assertThat(markdown.out()).isEqualTo(Files.readString(Path.of("..", "docs", "data-map.md")));
        assertThat(json.exit()).as(json.err()).isZero();
        assertThat(io.lethe.store.datamap.DataMap.read(new java.io.ByteArrayInputStream(json.out().getBytes(
                java.nio.charset.StandardCharsets.UTF_8)))).isEqualTo(io.lethe.store.datamap.DataMap.builtIn());

        // When checked against a migrated store, then after a migration added an unclassified column
        String jdbc = db.createDatabase("dm_" + UUID.randomUUID().toString().substring(0, 8)).jdbcUrl();
        try (CustomerStore store = CustomerStore.connect(jdbc, db.user(), db.password())) {
            store.migrate();
        }
        Run matches = run("datamap", "--check", "--jdbc", jdbc);
        try (Connection c = DriverManager.getConnection(jdbc, db.user(), db.password())) {
            c.createStatement().execute("alter table customers add column birthday date");
        }
        Run differs = run("datamap", "--check", "--jdbc", jdbc);
        Run unreachable = run("datamap", "--check", "--jdbc", "jdbc:postgresql://127.0.0.1:1/nowhere?connectTimeout=2");

        assertThat(matches.exit()).as(matches.err()).isZero();
        assertThat(matches.out()).contains("OK: the schema at " + jdbc + " matches the data map of customer-store");
        assertThat(differs.exit()).isEqualTo(1);
        assertThat(differs.out()).contains("FAILED: 1 difference(s)", "column customers.birthday is not in the data map");
        assertThat(unreachable.exit()).isEqualTo(2);
        assertThat(unreachable.err()).startsWith("datamap: cannot read the schema at jdbc:postgresql://127.0.0.1:1/nowhere");

        // And another service's map (bring your own eraser) is printed and checked the same way
        Path own = TestStack.newDirectory("datamap").resolve("billing.datamap.json");
        Files.writeString(own, """
                {"store": "billing", "description": "Invoices of a tenant's customers.", "subjects": "End customers.",
                 "tables": [{"name": "customers", "description": "Reused here to show the check.", "subject": ["id"],
                   "erasure": "scrub", "columns": [{"name": "tenant_id", "class": "reporting-id"},
                   {"name": "id", "class": "reporting-id"},
                   {"name": "name", "class": "pii", "category": "identity", "owner": "billing-invoices"}]}],
                 "blobs": []}""");
        Run ownDoc = run("datamap", "--map", own.toString());
        Run ownCheck = run("datamap", "--map", own.toString(), "--check", "--jdbc", jdbc);
        Files.writeString(own, "{\"store\": \"billing\"}");
        Run broken = run("datamap", "--map", own.toString());

        assertThat(ownDoc.exit()).as(ownDoc.err()).isZero();
        assertThat(ownDoc.out()).startsWith("# Data map: billing").contains("| `billing-invoices` | `customers.name` |");
        assertThat(ownCheck.exit()).isEqualTo(1);
        assertThat(ownCheck.out()).contains("table customer_emails is not in the data map of billing",
                "column customers.birthday is not in the data map of billing");
        assertThat(broken.exit()).isEqualTo(2);
        assertThat(broken.err()).contains("billing.datamap.json: map: missing description");
    }

    @Test
    void shouldBackfillTheLastContactOfEveryCustomerAndResumeFromTheCheckpoint(KafkaEndpoint kafka, DatabaseEndpoint db) throws Exception {
        // Given a customer store with 12 customers and an activity topic
        String id = UUID.randomUUID().toString().substring(0, 8);
        String jdbc = db.createDatabase("bf_" + id).jdbcUrl();
        try (CustomerStore store = CustomerStore.connect(jdbc, db.user(), db.password())) {
            store.migrate();
            Seeder.seed(store.dataSource(), new FileBlobStore(TestStack.newDirectory("blobs")), "acme", 12, 3);
        }
        String prefix = "b" + id + ".";
        KafkaSettings settings = new KafkaSettings(LetheConfig.of(Map.of(Keys.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                Keys.TOPIC_PREFIX, prefix, Keys.TOPIC_PARTITIONS, "2", Keys.TOPIC_REPLICATION_FACTOR, "1")));
        TopicProvisioner.ensure(settings, List.of(settings.topics().customerActivity()));
        Path checkpoint = TestStack.newDirectory("bf").resolve("acme.checkpoint");
        String[] args = {"backfill-activity", "--tenant", "acme", "--jdbc", jdbc,
                "--bootstrap", kafka.bootstrapServers(), "--topic-prefix", prefix, "--checkpoint", checkpoint.toString()};

        // When it runs
        Run first = run(args);

        // Then every customer's last contact is on the topic, keyed by subject, and the checkpoint is the last id
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).contains("backfilled the last contact of 12 customers");
        List<ConsumerRecord<String, ContactActivity>> records = TopicReader.readAll(settings, settings.topics().customerActivity(), Duration.ofSeconds(30));
        assertThat(records).hasSize(12).allSatisfy(r -> assertThat(r.key()).isEqualTo("acme/" + r.value().getCustomerId()));
        assertThat(Files.readString(checkpoint).trim()).isEqualTo(Seeder.customerId(12));

        // When interrupted after customer 8 and run again, it resumes after the checkpoint
        Files.writeString(checkpoint, Seeder.customerId(8) + "\n");
        Run resumed = run(args);
        assertThat(resumed.err()).contains("resuming after customer " + Seeder.customerId(8));
        List<String> all = TopicReader.readAll(settings, settings.topics().customerActivity(), Duration.ofSeconds(30)).stream()
                .map(r -> r.value().getCustomerId()).toList();
        assertThat(all).hasSize(16);
        assertThat(all.stream().collect(Collectors.groupingBy(c -> c, Collectors.counting())))
                .containsEntry(Seeder.customerId(9), 2L).containsEntry(Seeder.customerId(12), 2L).containsEntry(Seeder.customerId(8), 1L);
    }

    @Test
    void shouldRefuseToMintADevTokenWithoutTheDevKeyOrWithAnUnknownRole() throws Exception {
        Path dir = TestStack.newDirectory("nokeys");
        Run noKey = run("dev-token", "--tenant", "demo", "--roles", "auditor", "--dir", dir.toString());
        assertThat(noKey.exit()).isEqualTo(2);
        assertThat(noKey.err()).contains("no dev key").contains("run ./lethe dev first");

        io.lethe.api.auth.DevKeys.loadOrCreate(dir.resolve("dev-keys"));
        Run badRole = run("dev-token", "--tenant", "demo", "--roles", "auditor,root", "--dir", dir.toString());
        assertThat(badRole.exit()).isEqualTo(2);
        assertThat(badRole.err()).contains("unknown role 'root'");

        Run ok = run("dev-token", "--tenant", "demo", "--roles", "auditor", "--sub", "alice", "--dir", dir.toString());
        assertThat(ok.exit()).isZero();
        String[] parts = ok.out().trim().split("\\.");
        assertThat(parts).hasSize(3);
        String claims = new String(java.util.Base64.getUrlDecoder().decode(parts[1]));
        assertThat(claims).contains("\"tenant\":\"demo\"").contains("\"sub\":\"alice\"").contains("auditor");
    }

    @Test
    void shouldNameTheBadSettingWhenConfigurationIsInvalid() {
        Run r = run("backfill-activity", "--tenant", "acme", "--jdbc", "jdbc:postgresql://127.0.0.1:1/none",
                "--bootstrap", "127.0.0.1:1", "--topic-prefix", "bad prefix!");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("lethe: ").contains("topic prefix");
    }
}
