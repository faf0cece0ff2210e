package io.lethe.api.console;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.crypto.DirectDecrypter;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWTClaimsSet;
import io.javalin.http.Context;
import io.lethe.api.auth.Principal;
import io.lethe.api.auth.Role;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * Console sessions as an encrypted and authenticated cookie (JWE, {@code dir} + A256GCM, with
 * Nimbus JOSE+JWT), so any API instance holding the same {@code console.session.key} serves any
 * session, and a restart loses none. The browser cannot read or alter its content, and
 * JavaScript cannot reach it ({@code HttpOnly}).
 *
 * <p>Sign-out must outlive the cookie the browser may still hold (a copy can be replayed), so
 * signed-out session ids go to a revocation list that every instance reads from the
 * {@code console.signouts} topic ({@link #revoke}, {@link #revoked}). Expiry: idle after
 * {@code console.session.idle} without a request, absolute after {@code console.session.max}
 * from sign-in. The cookie is re-issued on each request to move the idle clock.
 */
public final class SessionCookies {

    public static final String NAME = "lethe_console";
    public static final String PATH = "/console";

    private static final SecureRandom RANDOM = new SecureRandom();

    /** Why a presented cookie was not honoured, so the sign-in page can say so. */
    public enum Lapse { NONE, IDLE, ABSOLUTE, SIGNED_OUT, INVALID }

    /** A loaded session and why an earlier one (if any) was dropped. */
    public record Loaded(ConsoleSession session, Lapse lapse) {
    }

    private final SecretKey key;
    private final Duration idle;
    private final Duration max;
    private final boolean secure;
    private final Clock clock;
    private final Map<String, Instant> revoked = new ConcurrentHashMap<>();

    public SessionCookies(byte[] key, Duration idle, Duration max, boolean secure, Clock clock) {
        if (key.length != 32) {
            throw new IllegalArgumentException("the session key is 32 bytes (256 bits)");
        }
        this.key = new SecretKeySpec(key, "AES");
        this.idle = idle;
        this.max = max;
        this.secure = secure;
        this.clock = clock;
    }

    public static byte[] newKey() {
        byte[] k = new byte[32];
        RANDOM.nextBytes(k);
        return k;
    }

    static String token() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    public Duration max() {
        return max;
    }

    /** A fresh anonymous session: new id and CSRF token. */
    public ConsoleSession anonymous() {
        Instant now = clock.instant();
        return new ConsoleSession(UUID.randomUUID().toString(), token(), null, now, now, null);
    }

    /** A new signed-in session for {@code user} (a new id and CSRF token: no fixation of the anonymous one). */
    public ConsoleSession signedIn(String subject, String tenant, Set<Role> roles) {
        Instant now = clock.instant();
        return new ConsoleSession(UUID.randomUUID().toString(), token(), new Principal(subject, tenant, roles, now.plus(max)),
                now, now, null);
    }

    /** The request's session, or a fresh anonymous one when it has none or it lapsed. */
    public Loaded load(Context ctx) {
        return load(ctx.cookie(NAME));
    }

    /** For tests: the cookie value of {@code s}. */
    public String encodeForTest(ConsoleSession s) {
        return encode(s);
    }

    /** For tests: what {@link #load(Context)} makes of a cookie value. */
    public Loaded decodeForTest(String raw) {
        return load(raw);
    }

    private Loaded load(String raw) {
        if (raw == null || raw.isEmpty()) {
            return new Loaded(anonymous(), Lapse.NONE);
        }
        Optional<ConsoleSession> decoded = decode(raw);
        if (decoded.isEmpty()) {
            return new Loaded(anonymous(), Lapse.INVALID);
        }
        ConsoleSession s = decoded.get();
        Instant now = clock.instant();
        if (revoked.containsKey(s.id())) {
            return new Loaded(anonymous(), Lapse.SIGNED_OUT);
        }
        if (s.signedIn() && !now.isBefore(s.createdAt().plus(max))) {
            return new Loaded(anonymous(), Lapse.ABSOLUTE);
        }
        if (s.signedIn() && !now.isBefore(s.lastSeen().plus(idle))) {
            return new Loaded(anonymous(), Lapse.IDLE);
        }
        return new Loaded(s.seen(now), Lapse.NONE);
    }

    /** Sets the cookie: {@code HttpOnly; SameSite=Lax; Path=/console}, {@code Secure} unless configured off for plain-HTTP dev. */
    public void save(Context ctx, ConsoleSession s) {
        ctx.res().addHeader("Set-Cookie", NAME + "=" + encode(s) + "; Path=" + PATH + "; Max-Age=" + max.toSeconds()
                + "; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : ""));
    }

    /** Records a sign-out on this instance (the caller also publishes it for the others). */
    public void revoke(String sessionId, Instant until) {
        revoked.put(sessionId, until);
        Instant now = clock.instant();
        revoked.values().removeIf(end -> end.isBefore(now));
    }

    /** A record of the sign-outs topic: session id and the end of that session's life (ISO-8601). */
    public void revoked(String sessionId, String until) {
        if (sessionId == null || until == null) {
            return;
        }
        try {
            revoke(sessionId, Instant.parse(until));
        } catch (RuntimeException e) {
            // not written by Lethe: nothing to revoke
        }
    }

    String encode(ConsoleSession s) {
        JWTClaimsSet.Builder c = new JWTClaimsSet.Builder().jwtID(s.id()).claim("csrf", s.csrf())
                .issueTime(Date.from(s.createdAt())).claim("last", s.lastSeen().toEpochMilli());
        if (s.user() != null) {
            c.subject(s.user().subject()).claim("tenant", s.user().tenant())
                    .claim("roles", s.user().roles().stream().map(Role::claim).sorted().toList());
        }
        if (s.pending() != null) {
            c.claim("st", s.pending().state()).claim("nn", s.pending().nonce()).claim("cv", s.pending().codeVerifier());
        }
        EncryptedJWT jwt = new EncryptedJWT(new JWEHeader(JWEAlgorithm.DIR, EncryptionMethod.A256GCM), c.build());
        try {
            jwt.encrypt(new DirectEncrypter(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot encrypt the console session", e);
        }
        return jwt.serialize();
    }

    Optional<ConsoleSession> decode(String raw) {
        try {
            EncryptedJWT jwt = EncryptedJWT.parse(raw);
            if (!JWEAlgorithm.DIR.equals(jwt.getHeader().getAlgorithm())
                    || !EncryptionMethod.A256GCM.equals(jwt.getHeader().getEncryptionMethod())) {
                return Optional.empty();
            }
            jwt.decrypt(new DirectDecrypter(key));
            JWTClaimsSet c = jwt.getJWTClaimsSet();
            Instant created = c.getIssueTime().toInstant();
            Instant last = Instant.ofEpochMilli(c.getLongClaim("last"));
            Principal user = null;
            if (c.getSubject() != null) {
                Set<Role> roles = EnumSet.noneOf(Role.class);
                List<String> names = c.getStringListClaim("roles");
                names.forEach(n -> Role.fromClaim(n).ifPresent(roles::add));
                user = new Principal(c.getSubject(), c.getStringClaim("tenant"), roles, created.plus(max));
            }
            ConsoleSession.OidcPending pending = c.getStringClaim("st") == null ? null
                    : new ConsoleSession.OidcPending(c.getStringClaim("st"), c.getStringClaim("nn"), c.getStringClaim("cv"));
            return Optional.of(new ConsoleSession(c.getJWTID(), c.getStringClaim("csrf"), user, created, last, pending));
        } catch (ParseException | JOSEException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
