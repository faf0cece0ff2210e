package io.lethe.store.erase;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an {@link Eraser} did to one batch inside the transaction, per task id: rows scrubbed
 * and deleted, the blob keys to delete once the transaction committed, and the tasks whose
 * item did not belong to their customer. Mutable, confined to one {@link BatchEraser#run} call.
 */
public final class ErasureTally {

    private final Map<String, Long> scrubbed = new HashMap<>();
    private final Map<String, Long> deleted = new HashMap<>();
    private final Map<String, List<String>> blobKeys = new HashMap<>();
    private final Set<String> notFound = new HashSet<>();

    public void scrubbed(String taskId, long rows) {
        scrubbed.merge(taskId, rows, Long::sum);
    }

    public void deleted(String taskId, long rows) {
        deleted.merge(taskId, rows, Long::sum);
    }

    /** A blob in the task's scope; add it whether or not the row was scrubbed now, so re-runs repair lost deletes. */
    public void blob(String taskId, String key) {
        blobKeys.computeIfAbsent(taskId, k -> new ArrayList<>()).add(key);
    }

    public void notFound(String taskId) {
        notFound.add(taskId);
    }

    public long scrubbed(String taskId) {
        return scrubbed.getOrDefault(taskId, 0L);
    }

    public long deleted(String taskId) {
        return deleted.getOrDefault(taskId, 0L);
    }

    public List<String> blobKeys(String taskId) {
        return blobKeys.getOrDefault(taskId, List.of());
    }

    public boolean isNotFound(String taskId) {
        return notFound.contains(taskId);
    }
}
