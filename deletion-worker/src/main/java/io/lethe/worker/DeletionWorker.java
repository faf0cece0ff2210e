package io.lethe.worker;

import io.javalin.Javalin;
import io.lethe.runtime.config.Keys;
import io.lethe.runtime.config.LetheConfig;
import io.lethe.runtime.config.Setting;
import io.lethe.runtime.http.Health;
import io.lethe.runtime.http.Metrics;
import io.lethe.runtime.http.OpsRoutes;
import io.lethe.runtime.kafka.KafkaSettings;
import io.lethe.runtime.kafka.LetheProducer;
import io.lethe.runtime.kafka.SchemaRegistration;
import io.lethe.runtime.kafka.TopicProvisioner;
import io.lethe.runtime.service.ServiceMain;
import io.lethe.runtime.streams.StreamsRunner;
import io.lethe.schemas.Topics;
import io.lethe.store.CustomerStore;
import io.lethe.store.blob.FileBlobStore;
import io.lethe.store.erase.BatchEraser;
import io.lethe.store.erase.Eraser;
import io.lethe.store.erase.Erasers;
import io.lethe.worker.coordinator.CoordinatorTopology;
import io.lethe.worker.coordinator.RetryPolicy;
import io.lethe.worker.coordinator.ScopePlan;
import io.lethe.worker.erasers.EraserRunner;
import io.lethe.worker.recheck.ContinuousRecheck;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deletion-worker service: the coordinator topology plus the built-in erasers that this
 * instance runs ({@code worker.erasers}; empty for a coordinator-only instance), and the
 * operational HTTP endpoint. Scale out by starting more instances with the same config.
 */
public final class DeletionWorker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeletionWorker.class);

    public static final String HTTP_HOST = "worker.http.host";
    public static final String HTTP_PORT = "worker.http.port";
    public static final String ERASERS = "worker.erasers";
    public static final String BATCH_SIZE = "worker.eraser.batch.size";
    /** The erasers' consumer groups are this followed by the data type. */
    public static final String ERASER_GROUP_PREFIX = "worker.eraser.group.prefix";
    public static final String INSTANCE_ID = "worker.instance.id";
    public static final String APPLICATION_ID = "worker.application.id";
    /** Apply the customer-store migrations at startup (Flyway takes a lock; safe with several instances). */
    public static final String MIGRATE = "worker.jdbc.migrate";
    /** How often the continuous recheck passes over the audit topic (ISO-8601); PT0S turns it off on this instance. */
    public static final String RECHECK_INTERVAL = "worker.recheck.interval";
    /** Most erased requests the continuous recheck checks per second. */
    public static final String RECHECK_RATE = "worker.recheck.rate";
    public static final String RECHECK_BATCH_SIZE = "worker.recheck.batch.size";

    /** The worker's own settings, on top of {@link Keys#SETTINGS}. */
    public static final List<Setting> SETTINGS = Setting.concat(List.of(
            Setting.of(HTTP_HOST, "0.0.0.0", "address the worker's HTTP endpoint listens on"),
            Setting.of(HTTP_PORT, "8081", "worker HTTP port (`/metrics`, `/health/live`, `/health/ready`)"),
            Setting.of(ERASERS, String.join(",", Erasers.builtIn().keySet()),
                    "built-in erasers this instance runs; empty for a coordinator-only instance"),
            Setting.of(BATCH_SIZE, "200", "tasks an eraser takes into one database transaction"),
            Setting.of(ERASER_GROUP_PREFIX, EraserRunner.DEFAULT_GROUP_PREFIX,
                    "the erasers' consumer groups: this and the data type (give each deployment sharing a cluster its own)"),
            Setting.of(APPLICATION_ID, CoordinatorTopology.APPLICATION_ID, "the coordinator's Kafka Streams application id"),
            Setting.unset(INSTANCE_ID, "a stable identity (the pod name): static group membership, so a restart takes its partitions back at once"),
            Setting.of(MIGRATE, "true", "apply the customer-store migrations at start (`false` when the platform owns the schema)"),
            Setting.of(RECHECK_INTERVAL, "PT6H", "how often the worker rechecks every completed deletion (`PT0S`: not on this instance; run it on one)"),
            Setting.of(RECHECK_RATE, "100", "most completed requests rechecked per second"),
            Setting.of(RECHECK_BATCH_SIZE, "100", "completed requests rechecked per query")),
            ScopePlan.SETTINGS, RetryPolicy.SETTINGS);
    public static final Map<String, String> DEFAULTS = defaults();

    private final StreamsRunner streams;
    private final List<EraserRunner> erasers;
    private final LetheProducer producer;
    private final CustomerStore store;
    private final Javalin http;
    private final KafkaClientMetrics producerMetrics;
    private final ContinuousRecheck recheck;

    private DeletionWorker(StreamsRunner streams, List<EraserRunner> erasers, LetheProducer producer, CustomerStore store,
                           Javalin http, KafkaClientMetrics producerMetrics, ContinuousRecheck recheck) {
        this.streams = streams;
        this.erasers = erasers;
        this.producer = producer;
        this.store = store;
        this.http = http;
        this.producerMetrics = producerMetrics;
        this.recheck = recheck;
    }

    private static Map<String, String> defaults() {
        Map<String, String> d = new HashMap<>(Keys.DEFAULTS);
        d.putAll(Setting.defaults(SETTINGS));
        return Map.copyOf(d);
    }

    public static DeletionWorker start(LetheConfig config) {
        return start(config, Metrics.newRegistry("deletion-worker"));
    }

    public static DeletionWorker start(LetheConfig config, PrometheusMeterRegistry registry) {
        KafkaSettings settings = new KafkaSettings(config);
        Topics topics = settings.topics();
        ScopePlan plan = ScopePlan.from(config);
        RetryPolicy retry = RetryPolicy.from(config);
        WorkerMetrics metrics = new WorkerMetrics(registry);
        // a configured instance id means a stable identity: static group membership, so a restarted
        // instance takes its partitions back at once instead of after the session timeout
        boolean stableIdentity = config.optString(INSTANCE_ID).isPresent();
        String instanceId = config.string(INSTANCE_ID, "worker-" + ProcessHandle.current().pid());

        if (config.bool(Keys.TOPIC_CREATE)) {
            TopicProvisioner.ensure(settings, topics.all(plan.dataTypes()));
        }
        SchemaRegistration schemas = SchemaRegistration.start(topics, topics.all(plan.dataTypes()));
        int partitions = TopicProvisioner.requireCoPartitioned(settings, topics.deletionRequests().name(),
                topics.erasureResults().name());

        Map<String, Object> props = settings.streams(config.string(APPLICATION_ID));
        if (stableIdentity) {
            props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "coordinator-" + instanceId);
        }
        StreamsRunner streams = new StreamsRunner(CoordinatorTopology.build(topics, plan, retry, metrics, partitions), props,
                topics.dlq().name(), registry);

        LetheProducer producer = new LetheProducer(settings, "eraser-results-" + instanceId);
        KafkaClientMetrics producerMetrics = new KafkaClientMetrics(producer.unwrap());
        producerMetrics.bindTo(registry);
        List<EraserRunner> erasers = new ArrayList<>();
        CustomerStore store = null;
        ContinuousRecheck recheck = null;
        List<String> types = config.list(ERASERS);
        if (!types.isEmpty()) {
            Map<String, Eraser> builtIn = Erasers.builtIn();
            for (String t : types) {
                if (!builtIn.containsKey(t)) {
                    throw LetheConfig.invalid(ERASERS, String.join(",", types), "built-in data types among " + builtIn.keySet());
                }
            }
            store = CustomerStore.connect(config.string(Keys.JDBC_URL), config.string(Keys.JDBC_USER),
                    config.string(Keys.JDBC_PASSWORD, ""));
            if (config.bool(MIGRATE)) {
                store.migrate();
            }
            FileBlobStore blobs = new FileBlobStore(Path.of(config.string(Keys.BLOB_DIR)));
            for (String t : types) {
                erasers.add(new EraserRunner(settings, t, new BatchEraser(store.dataSource(), blobs, builtIn.get(t)), producer,
                        metrics, config.positiveInt(BATCH_SIZE), config.string(ERASER_GROUP_PREFIX) + t, instanceId, stableIdentity));
            }
            Duration every = config.duration(RECHECK_INTERVAL);
            if (!every.isZero()) {
                double rate;
                try {
                    rate = Double.parseDouble(config.string(RECHECK_RATE));
                } catch (NumberFormatException e) {
                    rate = -1;
                }
                if (!(rate > 0) || Double.isInfinite(rate)) {
                    throw LetheConfig.invalid(RECHECK_RATE, config.string(RECHECK_RATE), "a positive number of requests per second");
                }
                recheck = new ContinuousRecheck(settings, store.dataSource(), blobs, builtIn, every, rate,
                        config.positiveInt(RECHECK_BATCH_SIZE), registry);
            }
        }
        List<String> inputs = new ArrayList<>(List.of(topics.deletionRequests().name(), topics.erasureResults().name(),
                topics.legalHolds().name()));
        types.forEach(t -> inputs.add(topics.erasureTasks(t).name()));
        metrics.known(plan.dataTypes(), types, inputs);
        streams.start();
        erasers.forEach(EraserRunner::start);
        if (recheck != null) {
            recheck.start();
        }
        Health health = new Health("deletion-worker", streams::isAlive,
                () -> schemas.isDone() && streams.isRunning() && erasers.stream().allMatch(EraserRunner::isReady));
        Javalin http = OpsRoutes.start(config.string(HTTP_HOST), config.integer(HTTP_PORT), registry, health);
        LOG.info("deletion-worker {} started: erasers {}, ops on port {}", instanceId, types, http.port());
        return new DeletionWorker(streams, erasers, producer, store, http, producerMetrics, recheck);
    }


    public int httpPort() {
        return http.port();
    }

    public boolean isReady() {
        return streams.isRunning() && erasers.stream().allMatch(EraserRunner::isReady);
    }

    public StreamsRunner streams() {
        return streams;
    }

    @Override
    public void close() {
        http.stop();
        if (recheck != null) {
            recheck.close();
        }
        erasers.forEach(EraserRunner::close);
        streams.close();
        producerMetrics.close();
        producer.close();
        if (store != null) {
            store.close();
        }
    }

    public static void main(String[] args) throws InterruptedException {
        ServiceMain.run("deletion-worker", DEFAULTS, DeletionWorker::start);
    }
}
