package io.lethe.api.policy;

import io.lethe.events.RetentionPolicy;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The in-memory view of the compacted {@code retention.policies} topic, keyed by tenant; newest {@code updatedAt} wins. */
public final class PolicyStore {

    private final Map<String, RetentionPolicy> byTenant = new ConcurrentHashMap<>();

    public void apply(String tenant, RetentionPolicy p) {
        if (p == null) {
            byTenant.remove(tenant);
            return;
        }
        byTenant.merge(tenant, p, (old, neu) -> neu.getUpdatedAt().isBefore(old.getUpdatedAt()) ? old : neu);
    }

    public Optional<RetentionPolicy> find(String tenant) {
        return Optional.ofNullable(byTenant.get(tenant));
    }
}
