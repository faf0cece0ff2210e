package io.lethe.api.bulk;

import io.lethe.events.BulkDeletion;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-memory view of the compacted {@code bulk.deletions} topic (fed by the materializer,
 * and by this instance right after its own writes were acknowledged). Tenant-scoped lookups.
 * A write only replaces an older or equal {@code updatedAt}, so a replayed topic record cannot
 * undo a decision this instance already saw.
 */
public final class BulkStore {

    private final Map<String, BulkDeletion> byId = new ConcurrentHashMap<>();

    public void apply(String bulkId, BulkDeletion b) {
        if (b == null) {
            byId.remove(bulkId);
            return;
        }
        byId.merge(bulkId, b, (old, neu) -> neu.getUpdatedAt().isBefore(old.getUpdatedAt()) ? old : neu);
    }

    /** One tenant's bulks, newest first (a scan of every bulk: they are few). */
    public java.util.List<BulkDeletion> recent(String tenant, int limit) {
        return byId.values().stream().filter(b -> b.getTenant().equals(tenant))
                .sorted(java.util.Comparator.comparing(BulkDeletion::getCreatedAt).reversed()
                        .thenComparing(BulkDeletion::getBulkId))
                .limit(limit).toList();
    }

    public Optional<BulkDeletion> find(String tenant, String bulkId) {
        BulkDeletion b = byId.get(bulkId);
        return b != null && b.getTenant().equals(tenant) ? Optional.of(b) : Optional.empty();
    }
}
