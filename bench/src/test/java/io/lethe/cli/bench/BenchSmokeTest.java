package io.lethe.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.LocalStackExtension.DatabaseEndpoint;
import io.lethe.localstack.LocalStackExtension.KafkaEndpoint;
import io.lethe.localstack.TestStack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/**
 * {@code lethe bench --quick} on the shared test broker and a database of its own: only that it
 * completes and writes valid JSON with all seven scenarios and numeric ratios. No timing is
 * asserted; the figures of this machine under a test run mean nothing.
 */
@ExtendWith(LocalStackExtension.class)
class BenchSmokeTest {

    @Test
    void shouldListTheScenariosAndExitWith2ForAnUnknownName() {
        CommandLine cl = new CommandLine(new BenchCommand());
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));

        int exit = cl.execute("--only", "pipeline-kafka,no-such-scenario");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("unknown scenario no-such-scenario").contains("pipeline-kafka-registry")
                .contains("ceiling-producer");
    }

    @Test
    @Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
    void shouldCompleteAQuickRunAndWriteEveryScenarioWithARatio(KafkaEndpoint kafka, DatabaseEndpoint db) throws Exception {
        // Given an empty database of its own in the shared PostgreSQL
        String database = "bench_" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()); Statement s = c.createStatement()) {
            s.execute("create database " + database);
        }
        String jdbc = db.jdbcUrl().replaceFirst("/postgres(\\?|$)", "/" + database + "$1");
        Path json = TestStack.newDirectory("bench").resolve("bench.json");

        // When a quick bench runs against the shared broker and that database
        CommandLine cl = new CommandLine(new BenchCommand());
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        int exit = cl.execute("--quick", "--warm-up", "40", "--json", json.toString(), "--bootstrap", kafka.bootstrapServers(),
                "--jdbc", jdbc, "--jdbc-user", db.user(), "--jdbc-password", db.password(),
                "--schema-registry", TestStack.schemaRegistryUrl());

        // Then it succeeds, prints the table and writes every scenario with its ceiling and a numeric ratio
        assertThat(exit).isZero();
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertThat(root.get("run").get("quick").asBoolean()).isTrue();
        assertThat(root.get("run").get("sizes").get("pipelineWarmup").asInt()).isEqualTo(40);
        List<String> names = new ArrayList<>();
        for (JsonNode s : root.get("scenarios")) {
            names.add(s.get("scenario").asText());
            assertThat(s.get("ratio").isNumber()).as("ratio of %s", s.get("scenario")).isTrue();
            assertThat(s.get("figures").get(s.get("headline").asText()).isNumber()).isTrue();
            assertThat(s.get("ceilingFigures").isObject()).isTrue();
            assertThat(s.get("ceiling").asText()).isNotBlank();
        }
        assertThat(names).containsExactly("ceiling-producer", "ceiling-api", "api", "ceiling-api-16", "api-16", "ceiling-streams",
                "fanout", "ceiling-db", "pipeline-kafka", "pipeline-kafka-registry", "pipeline-kafka-crc32", "pipeline-kafka-jvm", "pipeline", "pipeline-jvm", "retention-drain", "scanner", "ceiling-console-json", "console",
                "ceiling-recheck", "recheck");
        // the cost of a deletion, per process, and what it takes in Kafka
        for (JsonNode s : root.get("scenarios")) {
            if (s.get("scenario").asText().equals("pipeline-kafka-registry")) {
                // the id caches keep the registry off the hot path
                assertThat(s.get("figures").get("registryCallsDuringPeak").asLong()).isZero();
            }
            if (s.get("scenario").asText().equals("pipeline-kafka-crc32")) {
                // requests placed by librdkafka's partitioner: each misplaced one re-routed exactly once
                JsonNode f = s.get("figures");
                assertThat(f.get("misplacedDuringPeak").asLong()).isPositive();
                assertThat(f.get("reroutedDuringPeak").asLong()).isEqualTo(f.get("misplacedDuringPeak").asLong());
                assertThat(f.get("failed").asInt()).isZero();
            }
            if (List.of("pipeline-kafka", "pipeline-kafka-registry", "pipeline", "retention-drain").contains(s.get("scenario").asText())) {
                JsonNode f = s.get("figures");
                assertThat(f.get("cpuMsCoordinator").asDouble()).as("%s coordinator CPU", s.get("scenario")).isPositive();
                assertThat(f.get("cpuMsErasers").asDouble()).as("%s erasers CPU", s.get("scenario")).isPositive();
                // a given cluster and database (as here) are not this machine's processes to measure: -1
                assertThat(f.get("cpuMsBroker").asDouble()).isEqualTo(-1.0);
                assertThat(f.get("cpuMsPostgres").asDouble()).isEqualTo(-1.0);
                assertThat(f.get("recordsPerDeletion").asDouble()).as("%s records", s.get("scenario")).isGreaterThan(20);
                assertThat(f.get("failed").asInt()).isZero();
            }
            // the worker in a JVM of its own: its CPU is read from /proc, split into JIT, GC and the rest
            if (s.get("scenario").asText().endsWith("-jvm")) {
                JsonNode f = s.get("figures");
                assertThat(f.get("cpuMsWorker").asDouble()).as("the worker JVM's CPU").isPositive();
                assertThat(f.get("cpuMsWorkerJit").asDouble()).isGreaterThanOrEqualTo(0);
                assertThat(f.get("cpuMsPipeline").asDouble()).isGreaterThanOrEqualTo(f.get("cpuMsWorker").asDouble());
                assertThat(f.get("recordsPerDeletion").asDouble()).isGreaterThan(20);
                assertThat(f.get("failed").asInt()).isZero();
            }
            if (s.get("scenario").asText().equals("pipeline-jvm")) {
                assertThat(s.get("figures").get("cpuMsApiService").asDouble()).as("the API JVM's CPU").isPositive();
                assertThat(s.get("figures").get("p99Ms").asDouble()).isPositive();
            }
        }
        assertThat(out.toString()).contains("ceiling-producer", "pipeline", "scanner", "ratio");
    }
}
