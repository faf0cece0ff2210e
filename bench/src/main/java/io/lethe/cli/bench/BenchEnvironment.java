package io.lethe.cli.bench;

import io.lethe.api.DeletionApi;
import io.lethe.api.requests.CreateRequest;
import io.lethe.events.DeletionRequested;
import io.lethe.events.Reason;
import io.lethe.events.Regulation;
import io.lethe.events.Scope;
import io.lethe.runtime.config.Keys;
import io.lethe.runtime.config.LetheConfig;
import io.lethe.runtime.kafka.KafkaSettings;
import io.lethe.runtime.kafka.TopicProvisioner;
import io.lethe.scanner.RetentionScanner;
import io.lethe.schemas.Topic;
import io.lethe.worker.DeletionWorker;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Where one bench run happens: the Kafka cluster and database, a working directory, a run id
 * that makes every topic prefix, application id and tenant of the run fresh, and the Kafka
 * bookkeeping the scenarios share (topic creation, committed offsets, exact record counts).
 */
final class BenchEnvironment implements AutoCloseable {

    final String runId = UUID.randomUUID().toString().substring(0, 8);
    final Path dir;
    final String bootstrap;
    final String jdbcUrl;
    final String jdbcUser;
    final String jdbcPassword;
    final int partitions;
    final short replication;
    final Map<String, String> kafkaPassThrough;
    final Progress progress;
    final BenchSizes sizes;
    /** The schema registry of the {@code -registry} scenarios, or null when none runs. */
    volatile String registryUrl;
    private final Admin admin;
    private final long brokerPid;
    private final Path postgresDataDir;

    BenchEnvironment(Path dir, String bootstrap, String jdbcUrl, String jdbcUser, String jdbcPassword, int partitions,
                     short replication, Map<String, String> kafkaPassThrough, Progress progress, BenchSizes sizes,
                     long brokerPid, Path postgresDataDir) {
        this.dir = dir;
        this.bootstrap = bootstrap;
        this.jdbcUrl = jdbcUrl;
        this.jdbcUser = jdbcUser;
        this.jdbcPassword = jdbcPassword;
        this.partitions = partitions;
        this.replication = replication;
        this.kafkaPassThrough = Map.copyOf(kafkaPassThrough);
        this.progress = progress;
        this.sizes = sizes;
        this.brokerPid = brokerPid;
        this.postgresDataDir = postgresDataDir;
        this.admin = Admin.create(settings("admin").admin("lethe-bench-" + runId));
    }

    /** CPU by process and part (the local stack's broker and PostgreSQL when there is one). */
    CpuMeter cpuMeter() {
        return new CpuMeter(brokerPid, postgresDataDir, BenchEnvironment::partOf);
    }

    /**
     * The part of this JVM a thread works for, by its name: the erasers (their loops and result
     * producers), the worker's coordinator (its Streams application's threads and clients), the
     * API (Jetty's pool, which also serves the worker's idle ops endpoint, its publish executor,
     * materializer and producer), the database ceiling's JDBC lanes, the benchmark's load
     * generator (clients, completion watcher), and the rest.
     */
    static String partOf(String thread) {
        if (thread.startsWith("eraser-") || thread.contains("| eraser-")) {
            return "erasers";
        }
        if (thread.contains("-worker-") || thread.endsWith("-worker")) {
            return "coordinator";
        }
        if (thread.startsWith("JettyServerThreadPool") || thread.startsWith("lethe-api-") || thread.contains("lethe-deletion-api")) {
            return "api";
        }
        if (thread.startsWith("bench-erase-")) {
            return "dbClient";
        }
        if (thread.startsWith("bench-") || thread.startsWith("HttpClient-") || thread.contains("lethe-bench")) {
            return "loadGenerator";
        }
        return "jvmThreadsOther";
    }

    /**
     * Refreshes PostgreSQL's planner statistics after a bulk seed, as a DBA does after a load:
     * without it, a scenario that just inserted a million rows runs its first minute on plans made
     * for empty tables (seen in retention-drain: 3.4 ms of PostgreSQL CPU per profile instead of 1).
     */
    static void analyze(io.lethe.store.CustomerStore store) {
        try (java.sql.Connection c = store.dataSource().getConnection(); java.sql.Statement s = c.createStatement()) {
            s.execute("analyze");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("analyze failed: " + e.getMessage(), e);
        }
    }

    /** Topic prefix, application ids and tenants of this run and scenario all start with this. */
    String name(String scenario) {
        return "bench-" + runId + "-" + scenario;
    }

    /** Services' configuration for one scenario: its own topic prefix, state directory and application ids. */
    LetheConfig config(String scenario, Map<String, String> overrides) {
        Map<String, String> c = new HashMap<>();
        c.putAll(DeletionWorker.DEFAULTS);
        c.putAll(RetentionScanner.DEFAULTS);
        c.putAll(DeletionApi.DEFAULTS);
        kafkaPassThrough.forEach((k, v) -> c.put("kafka." + k, v));
        c.put(Keys.KAFKA_BOOTSTRAP_SERVERS, bootstrap);
        c.put(Keys.JDBC_URL, jdbcUrl);
        c.put(Keys.JDBC_USER, jdbcUser);
        c.put(Keys.JDBC_PASSWORD, jdbcPassword);
        c.put(Keys.BLOB_DIR, dir.resolve("blobs").toString());
        c.put(Keys.TOPIC_PREFIX, name(scenario) + ".");
        c.put(Keys.TOPIC_PARTITIONS, Integer.toString(partitions));
        c.put(Keys.TOPIC_REPLICATION_FACTOR, Short.toString(replication));
        c.put(Keys.STATE_DIR, dir.resolve("state").resolve(scenario).toString());
        c.put(DeletionApi.HOST, "127.0.0.1");
        c.put(DeletionApi.PORT, "0");
        c.put(DeletionWorker.HTTP_HOST, "127.0.0.1");
        c.put(DeletionWorker.HTTP_PORT, "0");
        c.put(DeletionWorker.APPLICATION_ID, name(scenario) + "-worker");
        c.put(DeletionWorker.INSTANCE_ID, name(scenario));
        // each scenario's erasers in groups of their own: the previous scenario's static members would
        // otherwise hold the shared groups' rebalance until their session timed out (~45 s)
        c.put(DeletionWorker.ERASER_GROUP_PREFIX, name(scenario) + "-eraser-");
        c.put(RetentionScanner.HTTP_HOST, "127.0.0.1");
        c.put(RetentionScanner.HTTP_PORT, "0");
        c.put(RetentionScanner.APPLICATION_ID, name(scenario) + "-scanner");
        c.put("auth.dev.key.dir", dir.resolve("dev-keys").toString());
        c.putAll(overrides);
        return LetheConfig.of(c);
    }

    KafkaSettings settings(String scenario) {
        return new KafkaSettings(config(scenario, Map.of()));
    }

    /** A plain byte-array topic of the run (for the ceilings), created now. */
    Topic<byte[], byte[]> rawTopic(String name, int partitionCount) {
        Topic<byte[], byte[]> t = new Topic<>("bench-" + runId + "-" + name, Serdes.ByteArray(), Serdes.ByteArray(), Map.of());
        createTopics(List.of(t), partitionCount);
        return t;
    }

    /**
     * Creates the topics and waits until every partition's leader serves requests: an idempotent
     * producer that starts on a partition whose leader is still loading can get stuck retrying
     * OUT_OF_ORDER_SEQUENCE_NUMBER (seen with the 4.x client on a just-created single partition).
     */
    void createTopics(Collection<Topic<?, ?>> topics, int partitionCount) {
        TopicProvisioner.ensure(admin, topics, partitionCount, replication);
        List<String> names = topics.stream().map(Topic::name).toList();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS).forEach((name, d) ->
                        d.partitions().forEach(p -> latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
                admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
                return;
            } catch (Exception notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the leaders of " + names + " did not become available: " + notYet.getMessage(), notYet);
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
        }
    }

    /** A PROFILE request as the API builds it, so its encoded size is the real one. */
    static DeletionRequested profileRequest(String tenant, String customerId) {
        Instant now = Instant.now();
        CreateRequest body = new CreateRequest(Scope.PROFILE, customerId, null, Reason.CUSTOMER_REQUEST, Regulation.GDPR);
        return DeletionRequested.newBuilder()
                .setRequestId(UUID.randomUUID().toString()).setTenant(tenant).setCustomerId(customerId)
                .setScope(Scope.PROFILE).setItemId(null).setReason(Reason.CUSTOMER_REQUEST).setRegulation(Regulation.GDPR)
                .setActor("bench-admin").setRequestedAt(now).setDueAt(now.plus(Duration.ofDays(30)))
                .setBulkId(null).setRedrive(false).setRequestHash(body.hash()).build();
    }

    /** Sum of the offsets a consumer group committed on a topic (0 before its first commit). */
    long committed(String groupId, String topic) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read offsets of group " + groupId + ": " + e.getMessage(), e);
        }
    }

    /** Committed records in the topics, counted exactly by reading them (transaction markers are not records). */
    long countRecords(Collection<String> topics) {
        Map<String, Object> props = settings("count").consumer(null, "lethe-bench-count-" + runId);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> parts = new ArrayList<>();
            Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
            described.forEach((name, d) -> d.partitions().forEach(p -> parts.add(new TopicPartition(name, p.partition()))));
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            parts.forEach(p -> latest.put(p, OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest,
                    new org.apache.kafka.clients.admin.ListOffsetsOptions(org.apache.kafka.common.IsolationLevel.READ_COMMITTED))
                    .all().get(30, TimeUnit.SECONDS);
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long n = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (!parts.stream().allMatch(p -> consumer.position(p) >= ends.get(p).offset())) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                n += records.count();
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("counting records of " + topics + " took longer than 5 minutes");
                }
            }
            return n;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot count records of " + topics + ": " + e.getMessage(), e);
        }
    }

    /** Every topic whose name starts with {@code prefix} (a scenario's topics, changelogs and repartition topics). */
    List<String> topicsStartingWith(String prefix) {
        try {
            return admin.listTopics().names().get(30, TimeUnit.SECONDS).stream().filter(n -> n.startsWith(prefix)).sorted().toList();
        } catch (Exception e) {
            throw new IllegalStateException("cannot list topics: " + e.getMessage(), e);
        }
    }

    /** Sum of the end offsets of the topics: records plus transaction markers (each topic is new, so it starts at 0). */
    long endOffsets(Collection<String> topics) {
        try {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).forEach((name, d) ->
                    d.partitions().forEach(p -> latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
            return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).values().stream()
                    .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the end offsets of " + topics + ": " + e.getMessage(), e);
        }
    }

    /** Deletes every topic of this run (its prefixes and its Streams applications' internal topics). */
    void deleteRunTopics() {
        try {
            Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<String> mine = names.stream().filter(n -> n.startsWith("bench-" + runId)).toList();
            if (!mine.isEmpty()) {
                admin.deleteTopics(mine).all().get(60, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            progress.say("could not delete the run's topics: %s", e.getMessage());
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
