package io.lethe.api.auth;

/** What a caller may do; roles map to sets of these (docs/architecture.md, HTTP contract). */
public enum Permission {
    READ, CREATE, RETRY, BULK_CREATE, BULK_APPROVE, POLICY_READ, POLICY_WRITE, HOLD_READ, HOLD_WRITE
}
