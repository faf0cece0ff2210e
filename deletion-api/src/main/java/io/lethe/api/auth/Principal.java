package io.lethe.api.auth;

import java.time.Instant;
import java.util.Set;

/**
 * The verified caller: token subject, tenant and known roles.
 *
 * @param expiresAt the token's {@code exp}; the verification cache keeps it until then
 */
public record Principal(String subject, String tenant, Set<Role> roles, Instant expiresAt) {

    public Principal {
        roles = Set.copyOf(roles);
    }

    public boolean may(Permission p) {
        return roles.stream().anyMatch(r -> r.allows(p));
    }
}
