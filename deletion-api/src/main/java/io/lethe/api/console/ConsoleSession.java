package io.lethe.api.console;

import io.lethe.api.auth.Principal;
import java.time.Instant;

/**
 * One browser's console session, carried in an encrypted cookie ({@link SessionCookies}).
 * A session exists before sign-in too (it then holds only the CSRF token and, during an
 * OpenID Connect sign-in, the pending state, nonce and PKCE verifier).
 *
 * @param id        random, named in the sign-out revocation list
 * @param csrf      the synchronizer token every form of this session must send back
 * @param user      the signed-in user, or null
 * @param createdAt when the user signed in (the absolute timeout counts from here)
 * @param lastSeen  the last request (the idle timeout counts from here)
 * @param pending   an OpenID Connect sign-in in progress, or null
 */
public record ConsoleSession(String id, String csrf, Principal user, Instant createdAt, Instant lastSeen, OidcPending pending) {

    /** What the callback of an authorization code flow must match: state, nonce and the PKCE code verifier. */
    public record OidcPending(String state, String nonce, String codeVerifier) {
    }

    public boolean signedIn() {
        return user != null;
    }

    ConsoleSession seen(Instant now) {
        return new ConsoleSession(id, csrf, user, createdAt, now, pending);
    }

    ConsoleSession withPending(OidcPending p) {
        return new ConsoleSession(id, csrf, user, createdAt, lastSeen, p);
    }
}
