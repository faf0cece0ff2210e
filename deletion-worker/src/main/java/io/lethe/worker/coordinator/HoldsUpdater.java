package io.lethe.worker.coordinator;

import io.lethe.events.LegalHold;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Keeps the global {@code legal-holds} store equal to the {@code legal.holds} topic (tombstones delete). */
final class HoldsUpdater implements Processor<String, LegalHold, Void, Void> {

    private KeyValueStore<String, LegalHold> store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(CoordinatorTopology.HOLDS_STORE);
    }

    @Override
    public void process(Record<String, LegalHold> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
        } else {
            store.put(record.key(), record.value());
        }
    }
}
