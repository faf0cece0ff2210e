package io.lethe.api.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.lethe.api.problem.ProblemException;
import io.lethe.runtime.config.LetheConfig;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Production key sources: a PEM public key file (RSA or EC) and a JWKS URL. */
class KeySourcesTest {

    @TempDir
    Path dir;

    private static SignedJWT token(JWSAlgorithm alg, String kid, String issuer) {
        Instant now = Instant.now();
        return new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).build(), new JWTClaimsSet.Builder()
                .issuer(issuer).audience("deletion-api").subject("svc").claim("tenant", "acme")
                .claim("roles", List.of("service")).expirationTime(Date.from(now.plusSeconds(300))).build());
    }

    private Path pem(PublicKey key) throws Exception {
        Path file = dir.resolve("key.pem");
        Files.writeString(file, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        return file;
    }

    private static LetheConfig config(String sourceKey, String value) {
        return LetheConfig.of(Map.of(sourceKey, value, TokenVerifier.ISSUER, "https://idp.example", TokenVerifier.AUDIENCE, "deletion-api"));
    }

    @Test
    void shouldVerifyRs256AgainstAPemPublicKeyFile() throws Exception {
        RSAKey rsa = new RSAKeyGenerator(2048).generate();
        TokenVerifier verifier = TokenVerifier.fromConfig(config(TokenVerifier.PUBLIC_KEY_FILE, pem(rsa.toPublicKey()).toString()));
        SignedJWT jwt = token(JWSAlgorithm.RS256, null, "https://idp.example");
        jwt.sign(new RSASSASigner(rsa));
        assertThat(verifier.verify("Bearer " + jwt.serialize()).tenant()).isEqualTo("acme");
        SignedJWT wrongIssuer = token(JWSAlgorithm.RS256, null, "https://evil.example");
        wrongIssuer.sign(new RSASSASigner(rsa));
        assertThatThrownBy(() -> verifier.verify("Bearer " + wrongIssuer.serialize())).isInstanceOf(ProblemException.class);
    }

    @Test
    void shouldVerifyEs256AgainstAPemPublicKeyFile() throws Exception {
        ECKey ec = new ECKeyGenerator(Curve.P_256).generate();
        TokenVerifier verifier = TokenVerifier.fromConfig(config(TokenVerifier.PUBLIC_KEY_FILE, pem(ec.toPublicKey()).toString()));
        SignedJWT jwt = token(JWSAlgorithm.ES256, null, "https://idp.example");
        jwt.sign(new ECDSASigner(ec));
        assertThat(verifier.verify("Bearer " + jwt.serialize()).subject()).isEqualTo("svc");
    }

    @Test
    void shouldRejectRs384EvenWithTheRightKey() throws Exception {
        RSAKey rsa = new RSAKeyGenerator(2048).generate();
        TokenVerifier verifier = TokenVerifier.fromConfig(config(TokenVerifier.PUBLIC_KEY_FILE, pem(rsa.toPublicKey()).toString()));
        SignedJWT jwt = token(JWSAlgorithm.RS384, null, "https://idp.example");
        jwt.sign(new RSASSASigner(rsa));
        assertThatThrownBy(() -> verifier.verify("Bearer " + jwt.serialize())).isInstanceOf(ProblemException.class);
    }

    @Test
    void shouldFailAtStartupOnAnUnreadablePemFile() {
        assertThatThrownBy(() -> TokenVerifier.fromConfig(config(TokenVerifier.PUBLIC_KEY_FILE, dir.resolve("missing.pem").toString())))
                .hasMessageContaining("auth.public.key.file");
    }

    @Test
    void shouldVerifyAgainstAJwksUrl() throws Exception {
        // Given an identity provider serving its JWK set over HTTP
        RSAKey rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        byte[] jwks = new JWKSet(rsa.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        HttpServer idp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        idp.createContext("/jwks.json", ex -> {
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, jwks.length);
            ex.getResponseBody().write(jwks);
            ex.close();
        });
        idp.start();
        try {
            TokenVerifier verifier = TokenVerifier.fromConfig(config(TokenVerifier.JWKS_URL,
                    "http://127.0.0.1:" + idp.getAddress().getPort() + "/jwks.json"));
            // When a token signed by that provider is verified
            SignedJWT jwt = token(JWSAlgorithm.RS256, "rsa-1", "https://idp.example");
            jwt.sign(new RSASSASigner(rsa));
            // Then it is accepted, and one signed by another key is not
            assertThat(verifier.verify("Bearer " + jwt.serialize()).roles()).containsExactly(Role.SERVICE);
            SignedJWT other = token(JWSAlgorithm.RS256, "rsa-1", "https://idp.example");
            other.sign(new RSASSASigner(new RSAKeyGenerator(2048).generate()));
            assertThatThrownBy(() -> verifier.verify("Bearer " + other.serialize())).isInstanceOf(ProblemException.class);
        } finally {
            idp.stop(0);
        }
    }
}
