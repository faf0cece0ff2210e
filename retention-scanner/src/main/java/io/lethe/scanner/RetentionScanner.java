package io.lethe.scanner;

import io.javalin.Javalin;
import io.lethe.runtime.config.Keys;
import io.lethe.runtime.config.LetheConfig;
import io.lethe.runtime.config.Setting;
import io.lethe.runtime.http.Health;
import io.lethe.runtime.http.Metrics;
import io.lethe.runtime.http.OpsRoutes;
import io.lethe.runtime.kafka.KafkaSettings;
import io.lethe.runtime.kafka.SchemaRegistration;
import io.lethe.runtime.kafka.TopicProvisioner;
import io.lethe.schemas.Topic;
import io.lethe.runtime.service.ServiceMain;
import io.lethe.runtime.streams.StreamsRunner;
import io.lethe.schemas.Topics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retention-scanner service. Besides the topology it answers previews ("how many profiles
 * would a policy of n days expire right now") from its own index, in-process through
 * {@link #wouldExpire} or over HTTP at {@code GET /v1/preview?tenant=&days=} for an API in
 * another process. A preview covers the partitions this instance hosts: with several
 * instances, the API must sum their answers (docs/retention.md).
 */
public final class RetentionScanner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RetentionScanner.class);

    public static final String HTTP_HOST = "scanner.http.host";
    public static final String HTTP_PORT = "scanner.http.port";
    public static final String APPLICATION_ID = "scanner.application.id";
    /** A stable identity (e.g. the pod name): static group membership for fast restarts. */
    public static final String INSTANCE_ID = "scanner.instance.id";
    /** The scanner's own settings, on top of {@link Keys#SETTINGS}. */
    public static final java.util.List<Setting> SETTINGS = Setting.concat(java.util.List.of(
            Setting.of(HTTP_HOST, "0.0.0.0", "address the scanner's HTTP endpoint listens on"),
            Setting.of(HTTP_PORT, "8082", "scanner HTTP port (`/metrics`, `/health/*`, `/v1/preview`)"),
            Setting.of(APPLICATION_ID, ScannerTopology.APPLICATION_ID, "Kafka Streams application id (consumer group, state)"),
            Setting.unset(INSTANCE_ID, "a stable identity (the pod name): static group membership, so a restart takes its partitions back at once")),
            ScannerSettings.SETTINGS);
    public static final Map<String, String> DEFAULTS = defaults();

    private final StreamsRunner streams;
    private final Javalin http;

    private RetentionScanner(StreamsRunner streams, Javalin http) {
        this.streams = streams;
        this.http = http;
    }

    private static Map<String, String> defaults() {
        Map<String, String> d = new HashMap<>(Keys.DEFAULTS);
        d.putAll(Setting.defaults(SETTINGS));
        return Map.copyOf(d);
    }

    public static RetentionScanner start(LetheConfig config) {
        return start(config, Metrics.newRegistry("retention-scanner"));
    }

    public static RetentionScanner start(LetheConfig config, PrometheusMeterRegistry registry) {
        KafkaSettings settings = new KafkaSettings(config);
        Topics topics = settings.topics();
        ScannerSettings scanner = ScannerSettings.from(config);
        List<Topic<?, ?>> mine = List.of(topics.customerActivity(), topics.deletionEvents(),
                topics.retentionPolicies(), topics.deletionRequests(), topics.dlq());
        if (config.bool(Keys.TOPIC_CREATE)) {
            TopicProvisioner.ensure(settings, mine);
        }
        SchemaRegistration schemas = SchemaRegistration.start(topics, mine);
        int partitions = TopicProvisioner.requireCoPartitioned(settings, topics.customerActivity().name(),
                topics.deletionEvents().name());
        Map<String, Object> props = settings.streams(config.string(APPLICATION_ID));
        config.optString(INSTANCE_ID).ifPresent(id -> props.put("group.instance.id", "scanner-" + id));
        ScannerMetrics metrics = new ScannerMetrics(registry);
        metrics.inputs(List.of(topics.customerActivity().name(), topics.deletionEvents().name(), topics.retentionPolicies().name()));
        StreamsRunner streams = new StreamsRunner(ScannerTopology.build(topics, scanner, metrics, partitions),
                props, topics.dlq().name(), registry);
        streams.start();
        Health health = new Health("retention-scanner", streams::isAlive, () -> schemas.isDone() && streams.isRunning());
        RetentionScanner[] self = new RetentionScanner[1];
        Javalin http = OpsRoutes.start(config.string(HTTP_HOST), config.integer(HTTP_PORT), registry, health);
        PreviewEndpoint preview = new PreviewEndpoint(config.optString(Keys.RETENTION_PREVIEW_TOKEN),
                (tenant, days) -> self[0].wouldExpire(tenant, days));
        http.get("/v1/preview", preview::handle);
        self[0] = new RetentionScanner(streams, http);
        LOG.info("retention-scanner started: interval {}, ops on port {}", scanner.interval(), http.port());
        return self[0];
    }

    /** How many customers of a tenant this instance would expire at once under a policy of {@code days}. */
    public long wouldExpire(String tenant, int days) {
        long cutoff = System.currentTimeMillis() - Duration.ofDays(days).toMillis();
        ReadOnlyKeyValueStore<String, String> index = streams.streams().store(
                StoreQueryParameters.fromNameAndType(ScannerTopology.INDEX_STORE, QueryableStoreTypes.keyValueStore()));
        long n = 0;
        try (KeyValueIterator<String, String> it = index.range(ScannerProcessor.indexKey(tenant, 0, ""),
                ScannerProcessor.indexKey(tenant, cutoff, "\uffff"))) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }


    public int httpPort() {
        return http.port();
    }

    public boolean isReady() {
        return streams.isRunning();
    }

    /** For tests that query one partition's stores. */
    StreamsRunner streams() {
        return streams;
    }

    @Override
    public void close() {
        http.stop();
        streams.close();
    }

    public static void main(String[] args) throws InterruptedException {
        ServiceMain.run("retention-scanner", DEFAULTS, RetentionScanner::start);
    }
}
