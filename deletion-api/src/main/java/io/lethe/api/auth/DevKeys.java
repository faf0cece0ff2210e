package io.lethe.api.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A local EC P-256 signing key for dev mode and tests: {@code lethe dev-token} mints with it,
 * and a {@code DeletionApi} configured with {@code auth.dev.key.dir} trusts it (issuer
 * {@value #ISSUER}, audience {@value #AUDIENCE}).
 *
 * <p>The private key is a JWK JSON file readable only by its owner (600); it is not protected
 * otherwise. Never point a production API at a dev key directory.
 */
public final class DevKeys {

    public static final String ISSUER = "lethe-dev";
    public static final String AUDIENCE = "lethe";
    static final String PRIVATE_FILE = "dev-signing-key.jwk.json";
    static final String PUBLIC_FILE = "dev-signing-key.pub.jwk.json";

    private final ECKey key;

    private DevKeys(ECKey key) {
        this.key = key;
    }

    /** Loads the key pair from {@code dir}, or generates and stores one there if it has none. */
    public static DevKeys loadOrCreate(Path dir) {
        Path priv = dir.resolve(PRIVATE_FILE);
        try {
            Files.createDirectories(dir);
            if (Files.exists(priv)) {
                return new DevKeys(ECKey.parse(Files.readString(priv)));
            }
            ECKey generated = new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256)
                    .keyID("lethe-dev-" + UUID.randomUUID()).generate();
            try {
                writePrivate(priv, generated.toJSONString());
            } catch (FileAlreadyExistsException raced) {
                return new DevKeys(ECKey.parse(Files.readString(priv)));
            }
            Files.writeString(dir.resolve(PUBLIC_FILE), generated.toPublicJWK().toJSONString());
            return new DevKeys(generated);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write dev keys in " + dir, e);
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException("invalid dev key in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void writePrivate(Path file, String json) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
        Files.write(file, json.getBytes(StandardCharsets.UTF_8), StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** A signed ES256 token for {@code tenant} with the given role claims, valid from now for {@code ttl}. */
    public String mint(String tenant, List<String> roles, String subject, Duration ttl) {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(subject, "subject");
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER).audience(AUDIENCE).subject(subject)
                .claim("tenant", tenant).claim("roles", List.copyOf(roles))
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now)).expirationTime(Date.from(now.plus(ttl)))
                .jwtID(UUID.randomUUID().toString())
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID())
                .type(JOSEObjectType.JWT).build(), claims);
        try {
            jwt.sign(new ECDSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a dev token", e);
        }
        return jwt.serialize();
    }

    /** The public half, as a JWK set a verifier trusts. */
    public JWKSet publicKeys() {
        return new JWKSet(key.toPublicJWK());
    }
}
