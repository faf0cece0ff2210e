package io.lethe.api.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jwt.SignedJWT;
import io.lethe.runtime.config.LetheConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevKeysTest {

    @TempDir
    Path dir;

    @Test
    void shouldCreateAnEcP256KeyPairWithAnOwnerOnlyPrivateKeyFile() throws Exception {
        // When dev keys are created in an empty directory
        DevKeys keys = DevKeys.loadOrCreate(dir);
        // Then the private JWK is readable by its owner only, and the public one is beside it
        Path priv = dir.resolve(DevKeys.PRIVATE_FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(priv))).isEqualTo("rw-------");
        assertThat(Files.readString(priv)).contains("\"crv\":\"P-256\"").contains("\"d\":");
        assertThat(Files.readString(dir.resolve(DevKeys.PUBLIC_FILE))).doesNotContain("\"d\":");
        // And a second load uses the same key
        String token = keys.mint("acme", List.of("auditor"), "dev", Duration.ofMinutes(5));
        assertThat(DevKeys.loadOrCreate(dir).publicKeys().getKeys().get(0).getKeyID())
                .isEqualTo(keys.publicKeys().getKeys().get(0).getKeyID());
        SignedJWT jwt = SignedJWT.parse(token);
        assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("ES256");
        assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo("lethe-dev");
        assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly("lethe");
        assertThat(jwt.getJWTClaimsSet().getStringClaim("tenant")).isEqualTo("acme");
        assertThat(jwt.getJWTClaimsSet().getStringListClaim("roles")).containsExactly("auditor");
    }

    @Test
    void shouldVerifyAMintedTokenThroughConfigAndCacheIt() {
        // Given a verifier configured with auth.dev.key.dir
        DevKeys keys = DevKeys.loadOrCreate(dir);
        TokenVerifier verifier = TokenVerifier.fromConfig(LetheConfig.of(Map.of(TokenVerifier.DEV_KEY_DIR, dir.toString())));
        String token = keys.mint("acme", List.of("service", "no_such_role"), "svc-1", Duration.ofMinutes(5));
        // When the token is verified twice
        Principal first = verifier.verify("Bearer " + token);
        Principal second = verifier.verify("Bearer " + token);
        // Then it names the caller with known roles only, and the second answer came from the cache
        assertThat(first.subject()).isEqualTo("svc-1");
        assertThat(first.tenant()).isEqualTo("acme");
        assertThat(first.roles()).containsExactly(Role.SERVICE);
        assertThat(second).isSameAs(first);
    }

    @Test
    void shouldVerifyTheSignatureOnlyOncePerToken() throws Exception {
        DevKeys keys = DevKeys.loadOrCreate(dir);
        int[] keyLookups = {0};
        ImmutableJWKSet<com.nimbusds.jose.proc.SecurityContext> set = new ImmutableJWKSet<>(keys.publicKeys());
        TokenVerifier verifier = new TokenVerifier((selector, ctx) -> {
            keyLookups[0]++;
            return set.get(selector, ctx);
        }, DevKeys.ISSUER, DevKeys.AUDIENCE, Duration.ofSeconds(30), Clock.systemUTC());
        String token = keys.mint("acme", List.of("auditor"), "a", Duration.ofMinutes(5));
        for (int i = 0; i < 5; i++) {
            verifier.verify("Bearer " + token);
        }
        assertThat(keyLookups[0]).isEqualTo(1);
    }

    @Test
    void shouldNotServeATokenFromTheCachePastItsExpiry() {
        // Given a verifier whose cache clock can be moved
        DevKeys keys = DevKeys.loadOrCreate(dir);
        int[] keyLookups = {0};
        ImmutableJWKSet<com.nimbusds.jose.proc.SecurityContext> set = new ImmutableJWKSet<>(keys.publicKeys());
        java.time.Instant[] now = {java.time.Instant.now()};
        Clock clock = new Clock() {
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            public java.time.Instant instant() {
                return now[0];
            }
        };
        TokenVerifier verifier = new TokenVerifier((selector, ctx) -> {
            keyLookups[0]++;
            return set.get(selector, ctx);
        }, DevKeys.ISSUER, DevKeys.AUDIENCE, Duration.ofSeconds(30), clock);
        String token = keys.mint("acme", List.of("auditor"), "a", Duration.ofMinutes(5));
        verifier.verify("Bearer " + token);
        // When the cache's clock passes the token's exp
        now[0] = now[0].plus(Duration.ofMinutes(6));
        verifier.verify("Bearer " + token);
        // Then the token was verified again instead of served from the cache
        assertThat(keyLookups[0]).isEqualTo(2);
    }

    @Test
    void shouldRequireExactlyOneKeySource() {
        assertThatThrownBy(() -> TokenVerifier.fromConfig(LetheConfig.of(Map.of())))
                .hasMessageContaining("auth.jwks.url");
        assertThatThrownBy(() -> TokenVerifier.fromConfig(LetheConfig.of(Map.of(TokenVerifier.DEV_KEY_DIR, dir.toString(),
                TokenVerifier.JWKS_URL, "http://localhost/jwks")))).hasMessageContaining("exactly one");
    }
}
