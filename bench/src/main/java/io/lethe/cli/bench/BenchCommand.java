package io.lethe.cli.bench;

import ch.qos.logback.classic.Level;
import io.lethe.cli.CliConfig;
import io.lethe.localstack.LocalStack;
import io.lethe.store.CustomerStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lethe bench}: scenarios on one Kafka cluster and database, each stage of Lethe
 * next to the ceiling of what the same machine does without Lethe's logic (docs/benchmarks.md).
 * Progress goes to stderr, the table to stdout, all figures to a JSON file.
 *
 * <p>Runs the services in this JVM with their logs at WARN (the per-request INFO lines would
 * otherwise be measured too). Does not clean up the database it was given: the seeded tenants
 * of the run stay (erased, except the scanner's, which has no rows). Its topics are deleted.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure throughput and latency of each stage against its ceiling on this machine.")
public final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--quick", description = "small sizes: the whole run in under two minutes (CI smoke, trying it)")
    boolean quick;

    @Option(names = "--json", description = "where to write the results (default: ${DEFAULT-VALUE})", defaultValue = "bench-results.json")
    Path json;

    @Option(names = "--bootstrap", description = "an existing Kafka cluster (else a local broker is started in a temp dir)")
    String bootstrap;

    @Option(names = "--jdbc", description = "an existing PostgreSQL (else a local one is started in a temp dir)")
    String jdbc;

    @Option(names = "--jdbc-user", defaultValue = "postgres")
    String jdbcUser;

    @Option(names = "--jdbc-password", defaultValue = "")
    String jdbcPassword;

    @Option(names = "--partitions", defaultValue = "3", description = "partitions of the run's topics (default: ${DEFAULT-VALUE})")
    int partitions;

    @Option(names = "--replication", defaultValue = "1", description = "replication factor of the run's topics (default: ${DEFAULT-VALUE})")
    short replication;

    @Option(names = "--warm-up", paramLabel = "<deletions>",
            description = "untimed profile deletions before each pipeline scenario's peak "
                    + "(default: 1,000, and 20,000 for pipeline-kafka-jvm; quick: 50)")
    Integer warmUp;

    @Option(names = "--only", split = ",", description = "run only these scenarios (their ceilings are run too): ${COMPLETION-CANDIDATES}",
            completionCandidates = Scenarios.class)
    List<String> only;

    @Option(names = "--schema-registry", paramLabel = "URL",
            description = "a Confluent-compatible schema registry for " + PipelineScenario.KAFKA_REGISTRY
                    + " (else a local Apicurio Registry is started)")
    String schemaRegistry;

    /** Every scenario and ceiling name {@code --only} accepts. */
    static final List<String> SCENARIOS = List.of(ProducerCeiling.NAME, ApiScenario.NAME, ApiCeiling.NAME, StreamsCeiling.NAME,
            FanoutScenario.NAME, DbCeiling.NAME, PipelineScenario.KAFKA, PipelineScenario.KAFKA_REGISTRY, PipelineScenario.KAFKA_CRC32, PipelineScenario.KAFKA_JVM,
            PipelineScenario.NAME, PipelineScenario.JVM, RetentionDrainScenario.NAME, ScannerScenario.NAME, ConsoleScenario.NAME,
            ConsoleScenario.CEILING, RecheckScenario.NAME, RecheckScenario.CEILING);

    static final class Scenarios extends ArrayList<String> {
        Scenarios() {
            super(SCENARIOS);
        }
    }

    @Override
    public Integer call() throws Exception {
        if (only != null) {
            List<String> unknown = only.stream().filter(o -> !SCENARIOS.contains(o)).toList();
            if (!unknown.isEmpty()) {
                spec.commandLine().getErr().println("lethe bench: unknown scenario " + String.join(", ", unknown)
                        + "; the scenarios are: " + String.join(", ", SCENARIOS));
                return 2;
            }
        }
        if ((bootstrap == null) != (jdbc == null)) {
            throw new IllegalArgumentException("give both --bootstrap and --jdbc, or neither (to use a local stack)");
        }
        Map<String, Level> before = quietServices();
        Progress progress = new Progress(System.err);
        BenchSizes sizes = quick ? BenchSizes.QUICK : BenchSizes.DEFAULT;
        if (warmUp != null) {
            if (warmUp < 1) {
                throw new IllegalArgumentException("--warm-up must be at least 1 deletion, not " + warmUp);
            }
            sizes = sizes.withPipelineWarmup(warmUp);
        }
        Path dir = Files.createTempDirectory("lethe-bench-");
        LocalStack stack = null;
        io.lethe.localstack.SchemaRegistryServer registryServer = null;
        try {
            String kafka = bootstrap;
            String db = jdbc;
            Map<String, String> passThrough = new LinkedHashMap<>();
            if (bootstrap == null) {
                progress.say("starting a local Kafka broker and PostgreSQL in %s", dir);
                stack = LocalStack.start(dir.resolve("stack"));
                kafka = stack.bootstrapServers();
                db = stack.jdbcUrl();
                jdbcUser = stack.postgres().user();
                jdbcPassword = stack.postgres().password();
            }
            // security and tuning settings (LETHE_KAFKA_SECURITY_PROTOCOL, LETHE_KAFKA_LINGER_MS, ...) reach every
            // client of the run, on a given cluster and on the local one
            CliConfig.load(Map.of()).withPrefix("kafka").forEach((k, v) -> {
                if (!k.equals("bootstrap.servers")) {
                    passThrough.put(k, v);
                }
            });
            List<ScenarioResult> results = new ArrayList<>();
            Instant startedAt = Instant.now();
            try (BenchEnvironment env = new BenchEnvironment(dir, kafka, db, jdbcUser, jdbcPassword, partitions, replication,
                    passThrough, progress, sizes, stack == null ? -1 : stack.broker().pid(),
                    stack == null ? null : stack.postgres().dataDir().resolve("data"));
                 CustomerStore store = CustomerStore.connect(db, jdbcUser, jdbcPassword)) {
                progress.say("run %s (%s sizes), %d cores, Java %s", env.runId, quick ? "quick" : "default",
                        Runtime.getRuntime().availableProcessors(), Runtime.version());
                store.migrate();
                if (wanted(PipelineScenario.KAFKA_REGISTRY)) {
                    if (schemaRegistry == null) {
                        progress.say("starting a local schema registry (Apicurio Registry %s)", io.lethe.localstack.SchemaRegistryServer.VERSION);
                        registryServer = io.lethe.localstack.SchemaRegistryServer.start(dir.resolve("registry"));
                        env.registryUrl = registryServer.url();
                    } else {
                        env.registryUrl = schemaRegistry;
                    }
                }
                try {
                    ScenarioResult producer = ProducerCeiling.run(env);
                    results.add(producer);
                    if (wanted(ApiScenario.NAME) || wanted(ApiCeiling.NAME)) {
                        for (int clients : List.of(sizes.apiClients(), sizes.apiClients() * 4)) {
                            results.addAll(ApiScenario.run(env, clients));
                        }
                    }
                    if (wanted(FanoutScenario.NAME) || wanted(StreamsCeiling.NAME)) {
                        ScenarioResult streams = StreamsCeiling.run(env);
                        results.add(streams);
                        if (wanted(FanoutScenario.NAME)) {
                            results.add(FanoutScenario.run(env, streams));
                        }
                    }
                    if (wanted(PipelineScenario.NAME) || wanted(PipelineScenario.KAFKA) || wanted(PipelineScenario.KAFKA_JVM)
                            || wanted(PipelineScenario.JVM) || wanted(PipelineScenario.KAFKA_REGISTRY) || wanted(PipelineScenario.KAFKA_CRC32)
                            || wanted(RetentionDrainScenario.NAME)
                            || wanted(DbCeiling.NAME)) {
                        ScenarioResult database = DbCeiling.run(env, store);
                        results.add(database);
                        if (wanted(PipelineScenario.KAFKA)) {
                            results.add(PipelineScenario.runKafka(env, store, database));
                        }
                        if (wanted(PipelineScenario.KAFKA_REGISTRY)) {
                            results.add(PipelineScenario.runKafkaRegistry(env, store, database));
                        }
                        if (wanted(PipelineScenario.KAFKA_CRC32)) {
                            results.add(PipelineScenario.runKafkaCrc32(env, store, database));
                        }
                        if (wanted(PipelineScenario.KAFKA_JVM)) {
                            results.add(PipelineScenario.runKafkaWorkerJvm(env, store, database));
                        }
                        if (wanted(PipelineScenario.NAME)) {
                            results.add(PipelineScenario.run(env, store, database));
                        }
                        if (wanted(PipelineScenario.JVM)) {
                            results.add(PipelineScenario.runServiceJvms(env, store, database));
                        }
                        if (wanted(RetentionDrainScenario.NAME)) {
                            results.add(RetentionDrainScenario.run(env, store, database));
                        }
                    }
                    if (wanted(ScannerScenario.NAME)) {
                        results.add(ScannerScenario.run(env, producer));
                    }
                    if (wanted(ConsoleScenario.NAME) || wanted(ConsoleScenario.CEILING)) {
                        results.addAll(ConsoleScenario.run(env));
                    }
                    if (wanted(RecheckScenario.NAME) || wanted(RecheckScenario.CEILING)) {
                        results.addAll(RecheckScenario.run(env, store));
                    }
                } finally {
                    env.deleteRunTopics();
                }
                Map<String, Object> run = new LinkedHashMap<>();
                run.put("id", env.runId);
                run.put("quick", quick);
                run.put("startedAt", startedAt.toString());
                run.put("finishedAt", Instant.now().toString());
                run.put("cores", Runtime.getRuntime().availableProcessors());
                run.put("java", Runtime.version().toString());
                run.put("localStack", bootstrap == null);
                run.put("partitions", partitions);
                run.put("sizes", sizes.asMap());
                BenchReport.writeJson(json, run, results);
            }
            BenchReport.printTable(spec.commandLine().getOut(), results);
            progress.say("wrote %s", json.toAbsolutePath());
            return 0;
        } finally {
            if (registryServer != null) {
                registryServer.close();
            }
            if (stack != null) {
                stack.close();
            }
            deleteQuietly(dir);
            restore(before);
        }
    }

    private boolean wanted(String scenario) {
        return only == null || only.contains(scenario);
    }

    /** Logger names quieted for the run: services at WARN, Kafka clients' retry chatter at ERROR. */
    private static final Map<String, Level> QUIET = Map.of(org.slf4j.Logger.ROOT_LOGGER_NAME, Level.WARN,
            "org.apache.kafka", Level.ERROR, "org.apache.kafka.streams.KafkaStreams", Level.WARN);

    private static Map<String, Level> quietServices() {
        Map<String, Level> before = new LinkedHashMap<>();
        QUIET.forEach((name, level) -> {
            ch.qos.logback.classic.Logger l = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(name);
            before.put(name, l.getLevel());
            l.setLevel(level);
        });
        return before;
    }

    private static void restore(Map<String, Level> levels) {
        levels.forEach((name, level) -> ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(name)).setLevel(level));
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception e) {
            // a temp dir left behind is harmless
        }
    }
}
