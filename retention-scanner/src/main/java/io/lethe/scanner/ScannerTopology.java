package io.lethe.scanner;

import io.lethe.events.PolicyMode;
import io.lethe.events.RetentionPolicy;
import io.lethe.runtime.streams.InvalidRecordException;
import io.lethe.runtime.streams.Reroute;
import io.lethe.schemas.AvroSerde;
import io.lethe.schemas.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The retention scanner: a per-customer last-contact store plus a time-ordered index
 * ({@code tenant/lastContact/customer}), tenant policies in a global store, and a wall-clock
 * punctuation that range-scans each tenant's index up to its cutoff — so a tick costs the
 * number of expired customers, not the number tracked.
 */
public final class ScannerTopology {

    public static final String APPLICATION_ID = "lethe-retention-scanner";
    public static final String LAST_CONTACT_STORE = "last-contact";
    public static final String INDEX_STORE = "expiry-index";
    public static final String EXPIRING_STORE = "expiring";
    public static final String POLICY_STORE = "retention-policies";

    static final String ACTIVITY_SOURCE = "activity-source";
    static final String EVENTS_SOURCE = "deletion-events-source";
    static final String POLICY_SOURCE = "policies-source";
    static final String POLICY_LOADER = "policies-loader";
    static final String SCANNER = "scanner";
    static final String REQUESTS_SINK = "requests-sink";

    private ScannerTopology() {
    }

    /**
     * @param partitions the partition count of the activity and deletion-events topics, checked equal at start:
     *                   a record on another partition than its key's is re-routed first ({@link Reroute})
     */
    public static Topology build(Topics topics, ScannerSettings settings, ScannerMetrics metrics, int partitions) {
        Topology t = new Topology();
        var policies = topics.retentionPolicies();
        Reroute.source(t, ACTIVITY_SOURCE, topics.customerActivity(), partitions, SCANNER, metrics.registry());
        Reroute.source(t, EVENTS_SOURCE, topics.deletionEvents(), partitions, SCANNER, metrics.registry());
        t.addProcessor(SCANNER, () -> new ScannerProcessor(settings, metrics), Reroute.router(ACTIVITY_SOURCE),
                Reroute.router(EVENTS_SOURCE));
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LAST_CONTACT_STORE),
                Serdes.String(), Serdes.Long()), SCANNER);
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(INDEX_STORE),
                Serdes.String(), Serdes.String()), SCANNER);
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EXPIRING_STORE),
                Serdes.String(), Serdes.String()), SCANNER);
        t.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(POLICY_STORE),
                        Serdes.String(), AvroSerde.of(RetentionPolicy.class)).withLoggingDisabled(),
                POLICY_SOURCE, policies.keySerde().deserializer(), policies.valueSerde().deserializer(), policies.name(),
                POLICY_LOADER, () -> new PolicyLoader(metrics));
        var requests = topics.deletionRequests();
        t.addSink(REQUESTS_SINK, requests.name(), requests.keySerde().serializer(), requests.valueSerde().serializer(), SCANNER);
        return t;
    }

    /** Keeps the global policy store equal to the compacted policies topic. */
    static final class PolicyLoader implements Processor<String, RetentionPolicy, Void, Void> {
        private final ScannerMetrics metrics;
        private KeyValueStore<String, RetentionPolicy> store;

        PolicyLoader(ScannerMetrics metrics) {
            this.metrics = metrics;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(POLICY_STORE);
        }

        @Override
        public void process(Record<String, RetentionPolicy> record) {
            if (record.key() == null) {
                return;
            }
            if (record.value() == null) {
                store.delete(record.key());
                metrics.policy(record.key(), -1);
                return;
            }
            RetentionPolicy p = record.value();
            // a policy of 0 or fewer days would expire every customer of the tenant at the next tick
            if (!record.key().equals(p.getTenant())) {
                throw new InvalidRecordException("record key is not the policy's tenant");
            }
            if (p.getMode() == PolicyMode.DELETE_AFTER_DAYS && (p.getDays() == null || p.getDays() < 1)) {
                throw new InvalidRecordException("days must be at least 1 for DELETE_AFTER_DAYS");
            }
            store.put(record.key(), p);
            metrics.policy(record.key(), ScannerProcessor.days(record.value()));
        }
    }
}
