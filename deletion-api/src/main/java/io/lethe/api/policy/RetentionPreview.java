package io.lethe.api.policy;

/**
 * How many of a tenant's profiles a {@code DELETE_AFTER_DAYS days} policy would expire at once
 * (last contact longer ago than {@code days}). The retention scanner implements it; the API
 * only asks, it does not compute.
 */
@FunctionalInterface
public interface RetentionPreview {

    long wouldExpire(String tenant, int days);

    /** For deployments without a scanner to ask: every change counts as expiring nothing. */
    RetentionPreview NONE = (tenant, days) -> 0;
}
