package io.lethe.api.auth;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The roles of the {@code roles} claim (docs/architecture.md, HTTP contract). Unknown role names in a token
 * are ignored, so a token carrying only unknown roles is authenticated but may do nothing.
 */
public enum Role {
    /** create, retry, policy; reads legal holds. */
    COMPLIANCE_ADMIN("compliance_admin", EnumSet.of(Permission.READ, Permission.CREATE, Permission.RETRY,
            Permission.BULK_CREATE, Permission.POLICY_READ, Permission.POLICY_WRITE, Permission.HOLD_READ)),
    /** everything a compliance admin may, plus approving or rejecting the bulk deletions of others, and placing and releasing legal holds. */
    PRIVACY_OFFICER("privacy_officer", EnumSet.of(Permission.READ, Permission.CREATE, Permission.RETRY,
            Permission.BULK_CREATE, Permission.BULK_APPROVE, Permission.POLICY_READ, Permission.POLICY_WRITE,
            Permission.HOLD_READ, Permission.HOLD_WRITE)),
    /** read only (requests, policy, legal holds). */
    AUDITOR("auditor", EnumSet.of(Permission.READ, Permission.POLICY_READ, Permission.HOLD_READ)),
    /** other services: create single requests, read requests and the policy. */
    SERVICE("service", EnumSet.of(Permission.READ, Permission.CREATE, Permission.POLICY_READ)),
    /** legal counsel: places and releases legal holds and reads requests; deletes nothing. */
    LEGAL_COUNSEL("legal_counsel", EnumSet.of(Permission.READ, Permission.HOLD_READ, Permission.HOLD_WRITE));

    private final String claim;
    private final Set<Permission> permissions;

    Role(String claim, Set<Permission> permissions) {
        this.claim = claim;
        this.permissions = permissions;
    }

    public String claim() {
        return claim;
    }

    public boolean allows(Permission p) {
        return permissions.contains(p);
    }

    public static Optional<Role> fromClaim(String value) {
        for (Role r : values()) {
            if (r.claim.equals(value)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
