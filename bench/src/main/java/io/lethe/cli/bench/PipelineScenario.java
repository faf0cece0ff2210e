package io.lethe.cli.bench;

import io.lethe.api.DeletionApi;
import io.lethe.events.DeletionStatus;
import io.lethe.events.RequestStatus;
import io.lethe.localstack.ServiceProcess;
import io.lethe.runtime.config.LetheConfig;
import io.lethe.runtime.kafka.KafkaSettings;
import io.lethe.runtime.kafka.LetheProducer;
import io.lethe.schemas.Topic;
import io.lethe.schemas.Topics;
import io.lethe.store.CustomerStore;
import io.lethe.store.blob.FileBlobStore;
import io.lethe.store.erase.Erasers;
import io.lethe.store.seed.SeedSummary;
import io.lethe.store.seed.Seeder;
import io.lethe.worker.DeletionWorker;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Scenario 6, {@code pipeline}: seeded profile deletions through everything (API, coordinator,
 * the four built-in erasers on PostgreSQL and the blob store) until COMPLETED, observed by a
 * {@code read_committed} consumer of {@code deletion.status}.
 *
 * <p>Peak: K requests sent as fast as the clients get answers; profiles/s is K over the time
 * from the first POST to the last completion. Latency: then K/2 other profiles at half that
 * rate on a fixed schedule (open loop, so a slow answer does not slow the arrivals), each timed
 * from its 202 to its COMPLETED status.
 *
 * <p>{@code pipeline-kafka} is the peak without the API, requests published straight to
 * Kafka. {@code pipeline-kafka-jvm} and {@code pipeline-jvm} are {@code pipeline-kafka} and
 * {@code pipeline} again with the worker (and the API) in JVMs of their own, as they are
 * deployed, instead of inside the benchmark's JVM (with the load generator, the readers and the
 * other services' code): their CPU is read from {@code /proc}, split into each JVM's JIT
 * compiler threads, GC threads and the rest.
 */
final class PipelineScenario {

    static final String NAME = "pipeline";
    static final String KAFKA = "pipeline-kafka";
    static final String KAFKA_JVM = "pipeline-kafka-jvm";
    static final String JVM = "pipeline-jvm";
    static final String KAFKA_REGISTRY = "pipeline-kafka-registry";
    static final String KAFKA_CRC32 = "pipeline-kafka-crc32";
    /** The services' JVMs in the {@code -jvm} rows: the JVM's own choices (G1, tiered compilation), the heap capped. */
    static final List<String> SERVICE_JVM = List.of("-Xmx2g");

    /** How requests arrive, and where the worker runs. */
    private enum Mode {
        HTTP(NAME), KAFKA(PipelineScenario.KAFKA), KAFKA_WORKER_JVM(KAFKA_JVM), HTTP_SERVICE_JVMS(JVM),
        KAFKA_REGISTRY(PipelineScenario.KAFKA_REGISTRY), KAFKA_CRC32(PipelineScenario.KAFKA_CRC32);

        final String scenario;

        Mode(String scenario) {
            this.scenario = scenario;
        }
    }

    private PipelineScenario() {
    }

    static ScenarioResult run(BenchEnvironment env, CustomerStore store, ScenarioResult ceiling) throws Exception {
        return run(env, store, ceiling, Mode.HTTP);
    }

    /**
     * {@code pipeline-kafka}: the same K profiles, their requests published straight to
     * {@code deletion.requests} as the platform's other services do (no API, no HTTP), until COMPLETED.
     */
    static ScenarioResult runKafka(BenchEnvironment env, CustomerStore store, ScenarioResult ceiling) throws Exception {
        return run(env, store, ceiling, Mode.KAFKA);
    }

    /**
     * {@code pipeline-kafka-registry}: {@code pipeline-kafka} with a schema registry, so every record is in the
     * Confluent wire format; the registry calls made during the peak are counted (the id caches should make it 0).
     */
    static ScenarioResult runKafkaRegistry(BenchEnvironment env, CustomerStore store, ScenarioResult ceiling) throws Exception {
        return run(env, store, ceiling, Mode.KAFKA_REGISTRY);
    }

    /**
     * {@code pipeline-kafka-crc32}: {@code pipeline-kafka} with the requests placed as librdkafka's default
     * partitioner places them (CRC32 of the key, not murmur2), so most arrive off their key's partition and are
     * re-routed: what a platform of librdkafka clients that kept the default costs. The re-routed requests of the
     * peak are counted; they must equal the misplaced ones.
     */
    static ScenarioResult runKafkaCrc32(BenchEnvironment env, CustomerStore store, ScenarioResult ceiling) throws Exception {
        return run(env, store, ceiling, Mode.KAFKA_CRC32);
    }

    /** {@code pipeline-jvm}: {@code pipeline} with the API and the worker in JVMs of their own. */
    static ScenarioResult runServiceJvms(BenchEnvironment env, CustomerStore store, ScenarioResult ceiling) throws Exception {
        return run(env, store, ceiling, Mode.HTTP_SERVICE_JVMS);
    }

    /** {@code pipeline-kafka-jvm}: {@code pipeline-kafka} with the worker in a JVM of its own. */
    static ScenarioResult runKafkaWorkerJvm(BenchEnvironment env, CustomerStore store, ScenarioResult ceiling) throws Exception {
        return run(env, store, ceiling, Mode.KAFKA_WORKER_JVM);
    }

    private static ScenarioResult run(BenchEnvironment env, CustomerStore store, ScenarioResult ceiling, Mode mode)
            throws Exception {
        boolean http = mode == Mode.HTTP || mode == Mode.HTTP_SERVICE_JVMS;
        boolean ownJvm = mode == Mode.KAFKA_WORKER_JVM || mode == Mode.HTTP_SERVICE_JVMS;
        String name = mode.scenario;
        int k = env.sizes.profiles();
        int half = http ? Math.max(1, k / 2) : 0;
        int warm = Math.max(1, ownJvm ? env.sizes.workerJvmWarmup() : env.sizes.pipelineWarmup());
        boolean registry = mode == Mode.KAFKA_REGISTRY;
        boolean crc32 = mode == Mode.KAFKA_CRC32;
        String tenant = env.name(http ? (ownJvm ? "pipehj" : "pipe") : ownJvm ? "pipej" : registry ? "piper" : crc32 ? "pipec" : "pipek");
        env.progress.say("%s: seeding %,d profiles", name, k + half + warm);
        SeedSummary seeded = Seeder.seed(store.dataSource(), new FileBlobStore(env.dir.resolve("blobs")), tenant, k + half + warm,
                2L, Instant.now());
        BenchEnvironment.analyze(store);
        env.progress.say("%s: seeded %,d rows in %.1f s", name, seeded.rows(), seeded.elapsed().toMillis() / 1000.0);

        int workerPort = ownJvm ? io.lethe.localstack.KafkaBroker.freePort() : 0;
        int apiPort = http && ownJvm ? io.lethe.localstack.KafkaBroker.freePort() : 0;
        Map<String, String> overrides = new LinkedHashMap<>(Map.of(DeletionApi.RATE_LIMIT, "1000000", DeletionWorker.MIGRATE, "false",
                DeletionWorker.HTTP_PORT, Integer.toString(workerPort), DeletionApi.PORT, Integer.toString(apiPort)));
        if (registry) {
            if (env.registryUrl == null) {
                throw new IllegalStateException(name + " needs a schema registry");
            }
            overrides.put(io.lethe.runtime.config.Keys.SCHEMA_REGISTRY_URL, env.registryUrl);
        }
        LetheConfig config = env.config(name, overrides);
        KafkaSettings settings = new KafkaSettings(config);
        Topics topics = settings.topics();
        env.createTopics(topics.all(Erasers.builtIn().keySet()), env.partitions);
        Completions completions = new Completions(settings, topics.deletionStatus());
        io.micrometer.prometheusmetrics.PrometheusMeterRegistry workerRegistry =
                io.lethe.runtime.http.Metrics.newRegistry("deletion-worker");
        ServiceProcess workerJvm = ownJvm
                ? serviceProcess(env, name + "-worker", DeletionWorker.class.getName(), config, workerPort, Map.of()) : null;
        // the deployed API refuses the dev signing keys unless told this is not production
        ServiceProcess apiJvm = http && ownJvm
                ? serviceProcess(env, name + "-api", io.lethe.api.Main.class.getName(), config, apiPort, Map.of("LETHE_AUTH_DEV_MODE", "true"))
                : null;
        DeletionWorker worker = ownJvm ? null : DeletionWorker.start(config, workerRegistry);
        DeletionApi api = http && !ownJvm ? DeletionApi.start(config) : null;
        try (LetheProducer producer = http ? null : new LetheProducer(settings, "bench-" + env.runId + "-platform")) {
            if (apiJvm != null) {
                apiJvm.awaitReady(Duration.ofSeconds(120)); // its dev keys exist once it is ready
            }
            ApiClients clients = http ? new ApiClients(apiJvm != null ? apiPort : api.port(), env.dir.resolve("dev-keys"), tenant,
                    env.sizes.pipelineClients()) : null;
            if (clients != null) {
                clients.awaitReady(Duration.ofSeconds(60));
            }
            if (ownJvm) {
                workerJvm.awaitReady(Duration.ofSeconds(120));
            } else {
                awaitWorkerReady(worker);
            }
            // warm-up: the services' code compiled and their connections open before anything is timed,
            // as a long-running deployment is (cold, the JIT alone cost ~1.5 ms of CPU per profile)
            env.progress.say("%s: warm-up, %,d profile deletions", name, warm);
            int partitions = crc32 ? env.partitions : 0;
            List<String> warmIds = http ? closedLoop(clients, k + half + 1, warm)
                    : publish(producer, topics, tenant, k + half + 1, warm, partitions);
            completions.await(warmIds, Duration.ofMinutes(15), env, name + " warm-up");

            CpuMeter cpu = ownJvm ? env.cpuMeter().withService("worker", workerJvm.pid()) : env.cpuMeter();
            if (apiJvm != null) {
                cpu = cpu.withService("apiService", apiJvm.pid());
            }
            Traffic trafficBefore = Traffic.of(env, name);
            Map<String, double[]> erasersBefore = eraserTotals(workerRegistry);
            long registryCallsBefore = io.lethe.schemas.registry.SchemaRegistry.remoteCallsInProcess();
            double commitsBefore = commits(workerRegistry);
            double reroutedBefore = rerouted(workerRegistry, topics.deletionRequests().name());
            env.progress.say("%s: peak, %,d profile deletions %s", name, k,
                    http ? "from " + clients.size() + " clients" : "published to " + topics.deletionRequests().name());
            CpuMeter.Sample cpuBefore = cpu.sample();
            long started = System.nanoTime();
            List<String> ids = http ? closedLoop(clients, 1, k) : publish(producer, topics, tenant, 1, k, partitions);
            double acceptSeconds = (System.nanoTime() - started) / 1e9;
            env.progress.say("%s: all %,d %s in %.1f s (%,.0f/s); %,d completed by then", name, k,
                    http ? "accepted" : "published", acceptSeconds, k / acceptSeconds, completions.count(ids));
            long lastDone = completions.await(ids, Duration.ofMinutes(15), env, name + " peak");
            CpuMeter.Sample cpuAfter = cpu.sample();
            double seconds = (lastDone - started) / 1e9;
            double peak = k / seconds;
            env.progress.say("%s: peak %,.1f profiles/s", name, peak);
            // a worker in its own JVM has its meters there; its batches and commits are not read here
            Map<String, Number> erasers = ownJvm ? Map.of() : eraserFigures(workerRegistry, erasersBefore, seconds, env, name);
            Map<String, Number> cost = cost(env, name, CpuMeter.msPer(cpuBefore, cpuAfter, k), k,
                    ownJvm ? -1 : commits(workerRegistry) - commitsBefore, trafficBefore,
                    ownJvm ? part -> part.startsWith("worker") || part.startsWith("apiService") || part.equals("broker")
                            : PipelineScenario::lethePartInProcess);

            Map<String, Number> f = new LinkedHashMap<>();
            f.put("profilesPerSecond", ProducerCeiling.round(peak));
            f.put("profiles", k);
            f.put("failed", completions.failed());
            f.put("seconds", ProducerCeiling.round(seconds));
            f.put(http ? "acceptSeconds" : "publishSeconds", ProducerCeiling.round(acceptSeconds));
            f.putAll(erasers);
            f.putAll(cost);
            if (registry) {
                long calls = io.lethe.schemas.registry.SchemaRegistry.remoteCallsInProcess() - registryCallsBefore;
                f.put("registryCallsDuringPeak", calls);
                env.progress.say("%s: %,d schema registry calls during the peak", name, calls);
                return new ScenarioResult(KAFKA_REGISTRY, "profilesPerSecond", "profiles/s", f, ceiling.name(),
                        "pipeline-kafka's ratio, 0 registry calls during the peak");
            }
            if (crc32) {
                long misplaced = misplaced(tenant, 1, k, partitions);
                long rerouted = Math.round(rerouted(workerRegistry, topics.deletionRequests().name()) - reroutedBefore);
                f.put("misplacedDuringPeak", misplaced);
                f.put("reroutedDuringPeak", rerouted);
                env.progress.say("%s: %,d of %,d requests placed off their key's partition, %,d re-routed", name, misplaced, k, rerouted);
                return new ScenarioResult(KAFKA_CRC32, "profilesPerSecond", "profiles/s", f, ceiling.name(),
                        "pipeline-kafka's ratio, every misplaced request re-routed once");
            }
            if (mode == Mode.KAFKA_WORKER_JVM) {
                return new ScenarioResult(KAFKA_JVM, "profilesPerSecond", "profiles/s", f, ceiling.name(),
                        "diagnostic: pipeline-kafka with the worker in its own JVM");
            }
            if (!http) {
                return new ScenarioResult(KAFKA, "profilesPerSecond", "profiles/s", f, ceiling.name(), ">= 0.70 of ceiling-db");
            }
            double rate = peak / 2;
            env.progress.say("%s: latency, %,d profile deletions at %.1f/s", name, half, rate);
            Latencies latencies = openLoop(clients, half, k, rate, completions, env);
            f.put("latencyRatePerSecond", ProducerCeiling.round(rate));
            f.put("latencyProfiles", latencies.count());
            f.put("p50Ms", ProducerCeiling.round(latencies.percentileMillis(50)));
            f.put("p99Ms", ProducerCeiling.round(latencies.percentileMillis(99)));
            f.put("maxMs", ProducerCeiling.round(latencies.maxMillis()));
            env.progress.say("%s: accept -> completed p50 %.0f ms, p99 %.0f ms at %.1f/s", name,
                    latencies.percentileMillis(50), latencies.percentileMillis(99), rate);
            if (ownJvm) {
                return new ScenarioResult(JVM, "profilesPerSecond", "profiles/s", f, ceiling.name(),
                        "diagnostic: pipeline with the API and the worker in their own JVMs");
            }
            return new ScenarioResult(NAME, "profilesPerSecond", "profiles/s", f, ceiling.name(),
                    ">= 0.60 of ceiling-db, p99 <= 1 s at half the peak rate");
        } finally {
            if (api != null) {
                api.close();
            }
            if (worker != null) {
                worker.close();
            }
            if (workerJvm != null) {
                workerJvm.close();
            }
            if (apiJvm != null) {
                apiJvm.close();
            }
            completions.close();
        }
    }

    /** A service as it is deployed: a JVM of its own, configured by {@code LETHE_*} variables only. */
    private static ServiceProcess serviceProcess(BenchEnvironment env, String name, String mainClass, LetheConfig config, int port,
                                                 Map<String, String> extra) {
        Map<String, String> vars = new LinkedHashMap<>();
        config.asMap().forEach((k, v) -> vars.put(LetheConfig.envName(k), v));
        vars.putAll(extra);
        Path log = env.dir.resolve(name + ".log");
        env.progress.say("%s in its own JVM (%s), log %s", name, String.join(" ", SERVICE_JVM), log);
        return new ServiceProcess(name, mainClass, SERVICE_JVM, vars, log, port).start();
    }


    /** In the benchmark's JVM, what is Lethe's: everything but PostgreSQL, the load generator and the ceiling's lanes. */
    private static boolean lethePartInProcess(String part) {
        return !part.equals("postgres") && !part.equals("loadGenerator") && !part.equals("dbClient");
    }

    /**
     * Publishes PROFILE requests of {@code count} customers from {@code first} as a platform service would; their
     * ids once acknowledged. With {@code librdkafkaPartitions > 0} each goes to the partition librdkafka's default
     * partitioner would choose over that many partitions; else the Java client's murmur2 places it.
     */
    private static List<String> publish(LetheProducer producer, Topics topics, String tenant, int first, int count,
                                        int librdkafkaPartitions) {
        List<String> ids = new ArrayList<>(count);
        List<java.util.concurrent.Future<?>> sent = new ArrayList<>(count);
        var requests = topics.deletionRequests();
        for (int n = first; n < first + count; n++) {
            io.lethe.events.DeletionRequested r = BenchEnvironment.profileRequest(tenant, Seeder.customerId(n));
            ids.add(r.getRequestId());
            String key = Topics.subjectKey(tenant, r.getCustomerId());
            if (librdkafkaPartitions > 0) {
                sent.add(producer.unwrap().send(new org.apache.kafka.clients.producer.ProducerRecord<>(requests.name(),
                        io.lethe.localstack.ForeignClients.librdkafkaPartition(key, librdkafkaPartitions),
                        requests.keySerde().serializer().serialize(requests.name(), key),
                        requests.valueSerde().serializer().serialize(requests.name(), r))));
            } else {
                sent.add(producer.send(requests, key, r));
            }
        }
        for (java.util.concurrent.Future<?> f : sent) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while publishing", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("a request was not published", e.getCause());
            }
        }
        return ids;
    }

    /** How many of the customers {@code first..first+count-1} librdkafka's partitioner places off their murmur2 partition. */
    private static long misplaced(String tenant, int first, int count, int partitions) {
        long off = 0;
        for (int n = first; n < first + count; n++) {
            String key = Topics.subjectKey(tenant, Seeder.customerId(n));
            if (io.lethe.localstack.ForeignClients.librdkafkaPartition(key, partitions)
                    != io.lethe.runtime.streams.Reroute.partitionOf(key.getBytes(java.nio.charset.StandardCharsets.UTF_8), partitions)) {
                off++;
            }
        }
        return off;
    }

    /** {@code lethe_rerouted_records_total} of one topic in the worker's registry. */
    private static double rerouted(io.micrometer.core.instrument.MeterRegistry registry, String topic) {
        var c = registry.find("lethe.rerouted.records").tag("topic", topic).counter();
        return c == null ? 0 : c.count();
    }

    /** Commits (= transactions under exactly_once_v2) of the worker's stream threads so far. */
    static double commits(io.micrometer.core.instrument.MeterRegistry registry) {
        return registry.find("kafka.stream.thread.commit.total").functionCounters().stream()
                .mapToDouble(io.micrometer.core.instrument.FunctionCounter::count).sum();
    }

    /**
     * What one profile deletion cost during the peak: CPU milliseconds per process and part, and
     * the Kafka records (every topic of the scenario, changelogs included), transaction markers and
     * transactions it took, counted from {@code before} (so warm-up traffic is not counted).
     */
    /** Committed records and end offsets (records + markers) of a scenario's topics at one moment. */
    record Traffic(long records, long offsets) {
        static Traffic of(BenchEnvironment env, String name) {
            List<String> mine = new ArrayList<>(env.topicsStartingWith(env.name(name) + "."));
            mine.addAll(env.topicsStartingWith(env.name(name) + "-worker-")); // the coordinator's changelogs
            mine.addAll(env.topicsStartingWith(env.name(name) + "-scanner-")); // the scanner's, in retention-drain
            return new Traffic(env.countRecords(mine), env.endOffsets(mine));
        }
    }

    static Map<String, Number> cost(BenchEnvironment env, String name, Map<String, Double> cpuMs, int k, double commits,
                                    Traffic before) {
        return cost(env, name, cpuMs, k, commits, before, PipelineScenario::lethePartInProcess);
    }

    /**
     * @param commits   the worker's commits during the peak, or -1 when not read
     * @param isLethe   which CPU parts are Lethe's (summed into {@code cpuMsPipeline})
     */
    static Map<String, Number> cost(BenchEnvironment env, String name, Map<String, Double> cpuMs, int k, double commits,
                                    Traffic before, java.util.function.Predicate<String> isLethe) {
        Map<String, Number> f = new LinkedHashMap<>();
        double lethe = 0;
        for (var e : cpuMs.entrySet()) {
            String part = Character.toUpperCase(e.getKey().charAt(0)) + e.getKey().substring(1);
            f.put("cpuMs" + part, ProducerCeiling.round(e.getValue()));
            if (e.getValue() > 0 && isLethe.test(e.getKey())) {
                lethe += e.getValue();
            }
        }
        f.put("cpuMsPipeline", ProducerCeiling.round(lethe));
        Traffic after = Traffic.of(env, name);
        long records = after.records() - before.records();
        long offsets = after.offsets() - before.offsets();
        f.put("recordsPerDeletion", ProducerCeiling.round((double) records / k));
        f.put("markersPerDeletion", ProducerCeiling.round((double) (offsets - records) / k));
        f.put("transactionsPerDeletion", commits < 0 ? -1 : ProducerCeiling.round(commits / k));
        env.progress.say("%s: per profile: CPU %s ms (pipeline, all but PostgreSQL and the load generator: %.2f ms); "
                        + "%.1f records, %.1f transaction markers, %.2f transactions (-1: not read)", name,
                cpuMs.entrySet().stream().map(e -> e.getKey() + " " + String.format("%.2f", e.getValue()))
                        .collect(java.util.stream.Collectors.joining(", ")),
                lethe, (double) records / k, (double) (offsets - records) / k, commits < 0 ? -1 : commits / k);
        return f;
    }

    /**
     * What each eraser did during the peak, from the worker's own metrics: batches, mean batch
     * size, and the share of the peak it spent erasing (its thread's busy time in BatchEraser).
     */
    /** Per eraser: batches, tasks and busy milliseconds so far, from the worker's own meters. */
    private static Map<String, double[]> eraserTotals(io.micrometer.core.instrument.MeterRegistry registry) {
        Map<String, double[]> m = new LinkedHashMap<>();
        for (io.micrometer.core.instrument.Timer t : registry.find("lethe.erase.duration").timers()) {
            String type = t.getId().getTag("data_type");
            var size = registry.get("lethe.erase.batch.size").tag("data_type", type).summary();
            m.put(type, new double[] {t.count(), size.totalAmount(), t.totalTime(TimeUnit.MILLISECONDS)});
        }
        return m;
    }

    /**
     * What each eraser did during the peak (since {@code before}), from the worker's own metrics:
     * batches, mean batch size, and the share of the peak it spent erasing (busy time in BatchEraser).
     */
    private static Map<String, Number> eraserFigures(io.micrometer.core.instrument.MeterRegistry registry,
                                                     Map<String, double[]> before, double seconds, BenchEnvironment env,
                                                     String name) {
        Map<String, Number> f = new LinkedHashMap<>();
        eraserTotals(registry).forEach((type, now) -> {
            double[] was = before.getOrDefault(type, new double[3]);
            long batches = Math.round(now[0] - was[0]);
            double meanBatch = (now[1] - was[1]) / Math.max(1, batches);
            double busy = (now[2] - was[2]) / 1000.0;
            env.progress.say("%s: eraser %s: %,d batches of %.0f on average, erasing %.1f s of the %.1f s peak", name, type,
                    batches, meanBatch, busy, seconds);
            String suffix = java.util.Arrays.stream(type.split("-")).filter(w -> !w.isEmpty())
                    .map(w -> Character.toUpperCase(w.charAt(0)) + w.substring(1)).collect(java.util.stream.Collectors.joining());
            f.put("batches" + suffix, batches);
            f.put("meanBatch" + suffix, ProducerCeiling.round(meanBatch));
            f.put("busySeconds" + suffix, ProducerCeiling.round(busy));
        });
        if (Boolean.getBoolean("lethe.bench.debug")) {
            registry.getMeters().stream()
                    .filter(m -> m.getId().getName().startsWith("kafka.stream.thread")
                            || m.getId().getName().startsWith("kafka.stream.task"))
                    .filter(m -> m.getId().getName().matches(".*(ratio|latency.avg|latency.max|rate|idle|enforced).*"))
                    .forEach(m -> m.measure().forEach(ms -> System.err.printf("  %s %s = %.3f%n", m.getId().getName(),
                            m.getId().getTag("task.id") == null ? "" : m.getId().getTag("task.id"), ms.getValue())));
        }
        return f;
    }

    static void awaitWorkerReady(DeletionWorker worker) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!worker.isReady()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the worker did not become ready in time");
            }
            Thread.sleep(50);
        }
    }

    /** POSTs deletions of {@code k} customers from {@code first}, each client sending when answered; returns the request ids. */
    private static List<String> closedLoop(ApiClients clients, int first, int k) throws InterruptedException {
        AtomicInteger next = new AtomicInteger(first);
        List<String> ids = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients.size(); c++) {
            int client = c;
            Thread t = new Thread(() -> {
                for (int n = next.getAndIncrement(); n < first + k; n = next.getAndIncrement()) {
                    ApiClients.Answer a = clients.createProfileDeletion(client, Seeder.customerId(n));
                    if (a.status() != 202) {
                        throw new IllegalStateException("the API answered " + a.status() + " to a deletion request");
                    }
                    ids.add(a.requestId());
                }
            }, "bench-pipeline-client-" + c);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        if (ids.size() != k) {
            throw new IllegalStateException("only " + ids.size() + " of " + k + " deletion requests were accepted");
        }
        return ids;
    }

    /** POSTs customers k+1..k+count at a fixed rate; latency of each from its 202 to its completion. */
    private static Latencies openLoop(ApiClients clients, int count, int k, double rate, Completions completions,
                                      BenchEnvironment env) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients.size());
        Map<String, Long> acceptedAt = new ConcurrentHashMap<>();
        List<Future<?>> sent = new ArrayList<>();
        AtomicInteger client = new AtomicInteger();
        long start = System.nanoTime();
        long interval = (long) (1e9 / rate);
        try {
            for (int i = 0; i < count; i++) {
                long due = start + i * interval;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                String customer = Seeder.customerId(k + 1 + i);
                sent.add(pool.submit(() -> {
                    ApiClients.Answer a = clients.createProfileDeletion(Math.floorMod(client.getAndIncrement(), clients.size()),
                            customer);
                    if (a.status() != 202) {
                        throw new IllegalStateException("the API answered " + a.status() + " to a deletion request");
                    }
                    acceptedAt.put(a.requestId(), a.answeredAtNanos());
                    return null;
                }));
            }
            for (Future<?> f : sent) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        completions.await(acceptedAt.keySet(), Duration.ofMinutes(15), env, NAME + " latency");
        Latencies l = new Latencies();
        acceptedAt.forEach((id, at) -> l.recordNanos(completions.completedAt(id) - at));
        return l;
    }

    /** When each request was first seen COMPLETED (or FAILED) on the status topic. */
    static final class Completions implements AutoCloseable {

        private final Map<String, Long> done = new ConcurrentHashMap<>();
        private final Set<String> failed = ConcurrentHashMap.newKeySet();
        private final Set<String> verified = ConcurrentHashMap.newKeySet();
        private final Thread thread;
        private volatile boolean running = true;

        Completions(KafkaSettings settings, Topic<String, DeletionStatus> topic) {
            KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings.consumer(null, "lethe-bench-completions"));
            List<TopicPartition> parts = consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            thread = new Thread(() -> {
                try (consumer) {
                    while (running) {
                        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                            long now = System.nanoTime();
                            DeletionStatus s = topic.valueSerde().deserializer().deserialize(topic.name(), r.value());
                            if (s.getStatus() == RequestStatus.COMPLETED || s.getStatus() == RequestStatus.FAILED) {
                                if (s.getStatus() == RequestStatus.FAILED) {
                                    failed.add(s.getRequestId());
                                } else if (s.getVerified()) {
                                    verified.add(s.getRequestId());
                                }
                                done.putIfAbsent(s.getRequestId(), now);
                            }
                        }
                    }
                }
            }, "bench-completions");
            thread.setDaemon(true);
            thread.start();
        }

        /** Waits until every id is terminal; returns when the last of them was seen. */
        long await(java.util.Collection<String> ids, Duration timeout, BenchEnvironment env, String what)
                throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            long lastReport = System.nanoTime();
            while (true) {
                long n = ids.stream().filter(done::containsKey).count();
                if (n == ids.size()) {
                    return ids.stream().mapToLong(done::get).max().orElse(System.nanoTime());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(what + ": only " + n + " of " + ids.size() + " requests completed in time");
                }
                if (System.nanoTime() - lastReport > 5_000_000_000L) {
                    env.progress.say("%s: %,d of %,d completed", what, n, ids.size());
                    lastReport = System.nanoTime();
                }
                Thread.sleep(20);
            }
        }

        long count(java.util.Collection<String> ids) {
            return ids.stream().filter(done::containsKey).count();
        }

        long completedAt(String requestId) {
            return done.get(requestId);
        }

        int failed() {
            return failed.size();
        }

        /** Requests seen COMPLETED with {@code verified} true. */
        int verified() {
            return verified.size();
        }

        /** Every request seen terminal so far, whatever its id. */
        int terminal() {
            return done.size();
        }

        /** When the latest of the terminal requests was seen. */
        long lastTerminalNanos() {
            return done.values().stream().mapToLong(Long::longValue).max().orElse(System.nanoTime());
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(5_000);
        }
    }
}
