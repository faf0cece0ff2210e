package io.lethe.api.auth;

import io.javalin.http.Context;
import io.lethe.api.problem.ProblemException;
import io.lethe.api.problem.ProblemType;

/** Where handlers get the verified caller (set by the authentication before-handler) and check a permission. */
public final class Access {

    static final String ATTRIBUTE = "lethe.principal";

    private Access() {
    }

    public static void set(Context ctx, Principal p) {
        ctx.attribute(ATTRIBUTE, p);
    }

    /** The caller, or 403 when none of its roles grants {@code permission}. */
    public static Principal require(Context ctx, Permission permission) {
        Principal p = ctx.attribute(ATTRIBUTE);
        if (p == null) {
            throw new ProblemException(ProblemType.UNAUTHORIZED, "missing bearer token");
        }
        return check(p, permission);
    }

    /** {@code p}, or 403 when none of its roles grants {@code permission}. */
    public static Principal check(Principal p, Permission permission) {
        if (!p.may(permission)) {
            throw new ProblemException(ProblemType.FORBIDDEN, "the token's roles do not allow " + permission);
        }
        return p;
    }
}
