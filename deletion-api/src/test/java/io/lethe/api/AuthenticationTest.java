package io.lethe.api;

import static io.lethe.api.DeletionRequestsTest.profile;
import static io.lethe.api.TestApi.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.lethe.api.TestApi.Res;
import io.lethe.api.auth.DevKeys;
import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.LocalStackExtension.KafkaEndpoint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every kind of bad token answers 401 with WWW-Authenticate and publishes nothing. */
@ExtendWith(LocalStackExtension.class)
class AuthenticationTest {

    private static TestApi t;
    private static ECKey devKey;

    @BeforeAll
    static void start(KafkaEndpoint kafka) throws Exception {
        t = TestApi.start(kafka.bootstrapServers());
        devKey = ECKey.parse(Files.readString(t.keyDir.resolve("dev-signing-key.jwk.json")));
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    private static JWTClaimsSet.Builder claims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(DevKeys.ISSUER).audience(DevKeys.AUDIENCE).subject("mallory")
                .claim("tenant", "acme").claim("roles", List.of("privacy_officer"))
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(600)));
    }

    private static String es256(ECKey key, UnaryOperator<JWTClaimsSet.Builder> change) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), change.apply(claims()).build());
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    private static void assertUnauthorized(String token) {
        long before = t.requestCount();
        Res r = t.call("POST", "/v1/deletion-requests", token, profile("c-auth"));
        assertProblem(r, 401, "unauthorized");
        assertThat(r.header("WWW-Authenticate")).startsWith("Bearer realm=\"lethe\"").contains("invalid_token");
        assertThat(t.requestCount()).isEqualTo(before);
    }

    @Test
    void shouldAcceptAWellFormedDevToken() throws Exception {
        assertThat(t.call("POST", "/v1/deletion-requests", es256(devKey, b -> b), profile("c-ok")).status()).isEqualTo(202);
    }

    @Test
    void shouldRejectAlgNone() {
        assertUnauthorized(new PlainJWT(claims().build()).serialize());
    }

    @Test
    void shouldRejectHmacSignedWithThePublicKey() throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(devKey.getKeyID()).build(), claims().build());
        jwt.sign(new MACSigner(devKey.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8)));
        assertUnauthorized(jwt.serialize());
    }

    @Test
    void shouldRejectAnExpiredToken() throws Exception {
        Instant past = Instant.now().minus(Duration.ofHours(1));
        assertUnauthorized(es256(devKey, b -> b.issueTime(Date.from(past.minusSeconds(60))).notBeforeTime(Date.from(past.minusSeconds(60)))
                .expirationTime(Date.from(past))));
    }

    @Test
    void shouldRejectATokenNotYetValid() throws Exception {
        assertUnauthorized(es256(devKey, b -> b.notBeforeTime(Date.from(Instant.now().plus(Duration.ofMinutes(10))))));
    }

    @Test
    void shouldTolerateASmallClockSkew() throws Exception {
        String token = es256(devKey, b -> b.notBeforeTime(Date.from(Instant.now().plusSeconds(5))));
        assertThat(t.call("GET", "/v1/deletion-requests", token, null).status()).isEqualTo(200);
    }

    @Test
    void shouldRejectAWrongIssuerOrAudience() throws Exception {
        assertUnauthorized(es256(devKey, b -> b.issuer("someone-else")));
        assertUnauthorized(es256(devKey, b -> b.audience("another-api")));
    }

    @Test
    void shouldRejectABadSignature() throws Exception {
        String token = es256(devKey, b -> b);
        String[] parts = token.split("\\.");
        String forged = es256(devKey, b -> b.claim("tenant", "globex")).split("\\.")[1];
        assertUnauthorized(parts[0] + "." + forged + "." + parts[2]);
        ECKey otherKey = ECKey.parse(Files.readString(otherDevKeyDir().resolve("dev-signing-key.jwk.json")));
        assertUnauthorized(es256(otherKey, b -> b));
    }

    private static java.nio.file.Path otherDevKeyDir() throws Exception {
        java.nio.file.Path dir = Files.createTempDirectory("other-keys");
        DevKeys.loadOrCreate(dir);
        return dir;
    }

    @Test
    void shouldRejectAnRs256TokenFromAnUnknownKey() throws Exception {
        RSAKey rsa = new RSAKeyGenerator(2048).keyID(devKey.getKeyID()).generate();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(devKey.getKeyID()).build(), claims().build());
        jwt.sign(new RSASSASigner(rsa));
        assertUnauthorized(jwt.serialize());
    }

    @Test
    void shouldRejectMalformedTokens() {
        assertUnauthorized("garbage");
        assertUnauthorized("a.b.c");
        assertUnauthorized("");
    }

    @Test
    void shouldRejectATokenWithoutTenantOrRoles() throws Exception {
        assertUnauthorized(es256(devKey, b -> b.claim("tenant", null)));
        assertUnauthorized(es256(devKey, b -> b.claim("roles", null)));
        assertUnauthorized(es256(devKey, b -> b.claim("roles", "privacy_officer")));
        assertUnauthorized(es256(devKey, b -> b.subject(null)));
    }

    @Test
    void shouldRejectATenantOrSubjectThatTheWorkerWouldDeadLetter() throws Exception {
        // a 202 for these would be an accepted request that the worker never acts on
        assertUnauthorized(es256(devKey, b -> b.claim("tenant", "acme/globex")));
        assertUnauthorized(es256(devKey, b -> b.claim("tenant", "acme\u0000")));
        assertUnauthorized(es256(devKey, b -> b.claim("tenant", "t".repeat(129))));
        assertUnauthorized(es256(devKey, b -> b.subject("s".repeat(129))));
        assertUnauthorized(es256(devKey, b -> b.subject("mallory\nINFO forged log line")));
    }

    @Test
    void shouldRejectAKeyEmbeddedInTheTokenHeader() throws Exception {
        ECKey attacker = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_256).keyID(devKey.getKeyID()).generate();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(devKey.getKeyID())
                .jwk(attacker.toPublicJWK()).build(), claims().build());
        jwt.sign(new ECDSASigner(attacker));
        assertUnauthorized(jwt.serialize());
    }

    @Test
    void shouldRejectAlgNoneWithAValidTokensSignatureAttached() throws Exception {
        String valid = es256(devKey, b -> b);
        String header = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String[] parts = valid.split("\\.");
        assertUnauthorized(header + "." + parts[1] + "." + parts[2]);
        assertUnauthorized(header + "." + parts[1] + ".");
        String noneLower = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"nOnE\"}".getBytes(StandardCharsets.UTF_8));
        assertUnauthorized(noneLower + "." + parts[1] + ".");
    }

    @Test
    void shouldRejectHmacKeyedWithThePublicKeyInEveryEncoding() throws Exception {
        byte[] x = devKey.getX().decode();
        byte[] spki = devKey.toECPublicKey().getEncoded();
        for (byte[] secret : List.of(spki, java.util.Base64.getEncoder().encode(spki), devKey.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8),
                java.util.Arrays.copyOf(x, 32))) {
            for (JWSAlgorithm alg : List.of(JWSAlgorithm.HS256, JWSAlgorithm.HS512)) {
                byte[] key = secret.length >= 64 ? secret : java.util.Arrays.copyOf(secret, 64);
                SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(devKey.getKeyID()).build(), claims().build());
                jwt.sign(new MACSigner(key));
                assertUnauthorized(jwt.serialize());
            }
        }
    }

    @Test
    void shouldNeverLetATokenOfAnotherTenantSeeOrRedriveARequest() throws Exception {
        String acme = es256(devKey, b -> b);
        Res created = t.call("POST", "/v1/deletion-requests", acme, profile("c-tenant-" + java.util.UUID.randomUUID()));
        assertThat(created.status()).isEqualTo(202);
        String id = created.json().get("requestId").asText();
        t.writeStatus("acme", id, "c-x", io.lethe.events.RequestStatus.FAILED);
        String globex = es256(devKey, b -> b.claim("tenant", "globex"));
        long before = t.requestCount();

        assertProblem(t.call("GET", "/v1/deletion-requests/" + id, globex, null), 404, "not-found");
        assertProblem(t.call("POST", "/v1/deletion-requests/" + id + "/retry", globex, null), 404, "not-found");
        Res list = t.call("GET", "/v1/deletion-requests", globex, null);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().get("items").toString()).doesNotContain(id);
        assertThat(t.requestCount()).as("nothing published for another tenant").isEqualTo(before);
    }

    @Test
    void shouldRejectATokenWithoutARoleThatAllowsTheActionAndPublishNothing() throws Exception {
        long before = t.requestCount();
        for (Object roles : List.of(List.of(), List.of("admin", "root", "COMPLIANCE_ADMIN"), List.of("auditor"))) {
            String token = es256(devKey, b -> b.claim("roles", roles));
            assertProblem(t.call("POST", "/v1/deletion-requests", token, profile("c-role")), 403, "forbidden");
            assertProblem(t.call("POST", "/v1/bulk-deletions", token,
                    "{\"customerIds\":[\"c-1\"],\"reason\":\"OTHER\",\"regulation\":\"GDPR\"}"), 403, "forbidden");
            assertProblem(t.call("PUT", "/v1/retention-policy", token, "{\"mode\":\"KEEP_FOREVER\"}"), 403, "forbidden");
        }
        String service = es256(devKey, b -> b.claim("roles", List.of("service")));
        assertProblem(t.call("POST", "/v1/bulk-deletions", service,
                "{\"customerIds\":[\"c-1\"],\"reason\":\"OTHER\",\"regulation\":\"GDPR\"}"), 403, "forbidden");
        assertThat(t.requestCount()).isEqualTo(before);
    }
}
