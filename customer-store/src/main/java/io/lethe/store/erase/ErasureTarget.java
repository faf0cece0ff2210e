package io.lethe.store.erase;

import io.lethe.events.Scope;
import java.util.Objects;

/**
 * One erasure task of one data type: what to erase for whom.
 *
 * @param taskId     the task's id, unique within a batch; results are keyed by it
 * @param tenant     tenant id
 * @param customerId the customer the data must belong to (item ids of other customers match nothing)
 * @param scope      PROFILE, or an item-level scope
 * @param itemId     contact, attachment or recording id for item-level scopes; ignored for PROFILE
 */
public record ErasureTarget(String taskId, String tenant, String customerId, Scope scope, String itemId) {

    public ErasureTarget {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(customerId, "customerId");
        Objects.requireNonNull(scope, "scope");
        if (scope == Scope.PROFILE) {
            itemId = null;
        } else if (itemId == null || itemId.isBlank()) {
            throw new IllegalArgumentException("scope " + scope + " needs an itemId (task " + taskId + ")");
        }
    }

    public static ErasureTarget profile(String taskId, String tenant, String customerId) {
        return new ErasureTarget(taskId, tenant, customerId, Scope.PROFILE, null);
    }
}
