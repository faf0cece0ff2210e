package io.lethe.schemas;

/**
 * The rule for every id in Lethe's events and API (tenant, customer, item, request, bulk,
 * hold and task ids, actors, Idempotency-Key): 1 to 128 characters, not blank, no control
 * characters, no unpaired UTF-16 surrogates; a tenant also has no {@code /} (the subject key is
 * {@code tenant/customerId}). Part of the event contract: the API, the worker, the erasers and
 * the scanner all apply this one rule, and other services producing events must too. Ids end up
 * in Kafka keys and logs, so this keeps both parseable; an unpaired surrogate would be encoded as
 * {@code ?} on the wire and so name another id.
 */
public final class Ids {

    public static final int MAX_LENGTH = 128;

    private Ids() {
    }

    /** Why {@code id} is not acceptable, or null when it is. */
    public static String problem(String id) {
        if (id == null || id.isEmpty()) {
            return "must not be empty";
        }
        if (id.length() > MAX_LENGTH) {
            return "must be at most " + MAX_LENGTH + " characters";
        }
        if (id.isBlank()) {
            return "must not be blank";
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (Character.isISOControl(c)) {
                return "must not contain control characters";
            }
            if (Character.isHighSurrogate(c) && i + 1 < id.length() && Character.isLowSurrogate(id.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "must be valid Unicode (no unpaired surrogates)";
            }
        }
        return null;
    }

    /** Why {@code tenant} is not acceptable as a tenant, or null when it is. */
    public static String tenantProblem(String tenant) {
        String p = problem(tenant);
        if (p != null) {
            return p;
        }
        return tenant.indexOf('/') >= 0 ? "must not contain '/'" : null;
    }
}
