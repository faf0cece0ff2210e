package io.lethe.api.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.lethe.api.problem.ProblemException;
import io.lethe.api.problem.ProblemType;
import io.lethe.schemas.Ids;
import io.lethe.runtime.config.ConfigException;
import io.lethe.runtime.config.LetheConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Verifies bearer JWTs: RS256 or ES256 signature against a JWKS URL, a PEM public key file or
 * the dev key ({@link DevKeys}); {@code exp}/{@code nbf} with a small clock skew; exact issuer
 * and audience; claims {@code sub}, {@code tenant}, {@code roles}. {@code alg: none}, HMAC
 * and every other algorithm are refused because the key selector only accepts RS256/ES256.
 *
 * <p>Verified tokens are cached (Caffeine, at most 50,000, each until its {@code exp}), so the hot
 * path checks a signature once per token. The cache does not learn about revocation: a token
 * stays valid until it expires, as it would for any stateless verifier.
 */
public final class TokenVerifier {

    public static final String ISSUER = "auth.issuer";
    public static final String AUDIENCE = "auth.audience";
    public static final String JWKS_URL = "auth.jwks.url";
    public static final String PUBLIC_KEY_FILE = "auth.public.key.file";
    public static final String DEV_KEY_DIR = "auth.dev.key.dir";
    public static final String CLOCK_SKEW = "auth.clock.skew";
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);

    private static final int MAX_CACHED = 50_000;

    private final DefaultJWTProcessor<SecurityContext> processor;
    private final Clock clock;
    private final Cache<String, Principal> cache;

    TokenVerifier(JWKSource<SecurityContext> keys, String issuer, String audience, Duration skew, Clock clock) {
        this.clock = clock;
        this.cache = Caffeine.newBuilder().maximumSize(MAX_CACHED)
                .expireAfter(Expiry.creating((String token, Principal p) -> {
                    Duration left = Duration.between(clock.instant(), p.expiresAt());
                    return left.isNegative() ? Duration.ZERO : left;
                }))
                .build();
        processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), keys));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(audience,
                new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("sub", "tenant", "roles", "exp"));
        claims.setMaxClockSkew((int) skew.toSeconds());
        processor.setJWTClaimsSetVerifier(claims);
    }

    /** From {@code auth.*} keys: exactly one of {@code auth.jwks.url}, {@code auth.public.key.file}, {@code auth.dev.key.dir}. */
    public static TokenVerifier fromConfig(LetheConfig config) {
        var jwks = config.optString(JWKS_URL);
        var pem = config.optString(PUBLIC_KEY_FILE);
        var dev = config.optString(DEV_KEY_DIR);
        long sources = (jwks.isPresent() ? 1 : 0) + (pem.isPresent() ? 1 : 0) + (dev.isPresent() ? 1 : 0);
        if (sources != 1) {
            throw new ConfigException("configure exactly one of " + JWKS_URL + ", " + PUBLIC_KEY_FILE + " or "
                    + DEV_KEY_DIR + " (set " + LetheConfig.envName(JWKS_URL) + ", " + LetheConfig.envName(PUBLIC_KEY_FILE)
                    + " or " + LetheConfig.envName(DEV_KEY_DIR) + ")");
        }
        Duration skew = config.optString(CLOCK_SKEW).isPresent() ? config.duration(CLOCK_SKEW) : DEFAULT_CLOCK_SKEW;
        if (dev.isPresent()) {
            JWKSet keys = DevKeys.loadOrCreate(Path.of(dev.get())).publicKeys();
            return new TokenVerifier(new ImmutableJWKSet<>(keys), config.string(ISSUER, DevKeys.ISSUER),
                    config.string(AUDIENCE, DevKeys.AUDIENCE), skew, Clock.systemUTC());
        }
        String issuer = config.string(ISSUER);
        String audience = config.string(AUDIENCE);
        if (jwks.isPresent()) {
            try {
                JWKSource<SecurityContext> source = JWKSourceBuilder.<SecurityContext>create(URI.create(jwks.get()).toURL()).build();
                return new TokenVerifier(source, issuer, audience, skew, Clock.systemUTC());
            } catch (IOException | IllegalArgumentException e) {
                throw LetheConfig.invalid(JWKS_URL, jwks.get(), "an http(s) URL of a JWK set");
            }
        }
        return new TokenVerifier(new ImmutableJWKSet<>(new JWKSet(readPem(Path.of(pem.get())))), issuer, audience, skew, Clock.systemUTC());
    }

    /** An RSA or EC public key in PEM ({@code -----BEGIN PUBLIC KEY-----}, X.509 SubjectPublicKeyInfo). */
    static JWK readPem(Path file) {
        try {
            String pem = Files.readString(file);
            String b64 = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
            X509EncodedKeySpec spec = new X509EncodedKeySpec(Base64.getDecoder().decode(b64));
            PublicKey key;
            try {
                key = KeyFactory.getInstance("RSA").generatePublic(spec);
            } catch (Exception notRsa) {
                key = KeyFactory.getInstance("EC").generatePublic(spec);
            }
            if (key instanceof RSAPublicKey rsa) {
                return new RSAKey.Builder(rsa).algorithm(JWSAlgorithm.RS256).build();
            }
            ECPublicKey ec = (ECPublicKey) key;
            return new ECKey.Builder(Curve.forECParameterSpec(ec.getParams()), ec).algorithm(JWSAlgorithm.ES256).build();
        } catch (Exception e) {
            throw LetheConfig.invalid(PUBLIC_KEY_FILE, file.toString(), "a readable PEM RSA or EC public key (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** The caller of an {@code Authorization} header value; 401 problem when missing or invalid. */
    public Principal verify(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw unauthorized("missing bearer token");
        }
        String token = authorization.substring(7).trim();
        Instant now = clock.instant();
        Principal cached = cache.getIfPresent(token);
        // the verifier's clock decides, not only the cache's own ticker (tests move the clock)
        if (cached != null && cached.expiresAt().isAfter(now)) {
            return cached;
        }
        Principal p = verifyToken(token);
        cache.put(token, p);
        return p;
    }

    private Principal verifyToken(String token) {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (Exception e) {
            // the exception message names the failed check (expired, bad signature…), never the claims
            throw unauthorized("invalid token: " + e.getMessage());
        }
        try {
            String tenant = claims.getStringClaim("tenant");
            List<String> roleClaims = claims.getStringListClaim("roles");
            if (tenant == null || tenant.isBlank() || claims.getSubject().isBlank() || roleClaims == null) {
                throw unauthorized("invalid token: sub, tenant and roles are required");
            }
            // tenant and sub go into every event (subject key, actor); the worker dead-letters
            // records whose ids break the id rule, so such a token must not get a 202 here
            if (Ids.tenantProblem(tenant) != null || Ids.problem(claims.getSubject()) != null) {
                throw unauthorized("invalid token: tenant and sub must be 1 to 128 characters without control characters,"
                        + " and tenant without '/'");
            }
            Set<Role> roles = new HashSet<>();
            roleClaims.forEach(r -> Role.fromClaim(r).ifPresent(roles::add));
            // a token's life in the cache is bounded by exp: skew only widens verification, not caching
            return new Principal(claims.getSubject(), tenant, roles.isEmpty() ? EnumSet.noneOf(Role.class) : roles,
                    claims.getExpirationTime().toInstant());
        } catch (java.text.ParseException e) {
            throw unauthorized("invalid token: tenant must be a string and roles an array of strings");
        }
    }

    private static ProblemException unauthorized(String detail) {
        return new ProblemException(ProblemType.UNAUTHORIZED, detail);
    }
}
