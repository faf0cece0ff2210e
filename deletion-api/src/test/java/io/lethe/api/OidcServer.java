package io.lethe.api;

import java.net.URI;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import no.nav.security.mock.oauth2.token.OAuth2TokenCallback;

/**
 * A real OpenID Connect provider (navikt's mock-oauth2-server) on a random localhost port, with one
 * issuer. Its authorize endpoint redirects straight back with a code (no login page, as long as the
 * client sends no {@code prompt=login|consent|select_account}); it checks PKCE when the token
 * request carries a code_verifier, and accepts any client id and secret. Tokens are RS256-signed.
 *
 * <p>Who signs in is decided by {@link #nextLogin}: the claims are taken when the client redeems
 * the code at the token endpoint. The ID token's {@code aud} is always the client id; the access
 * token's {@code aud} is the audience given here. Without a queued login, the subject is a random
 * UUID and the access token's audience is the requested non-OIDC scopes (or "default").
 */
final class OidcServer implements AutoCloseable {

    static final String ISSUER_ID = "lethe-idp";

    private final MockOAuth2Server server;

    private OidcServer(MockOAuth2Server server) {
        this.server = server;
    }

    /** Starts on localhost, on a free port. */
    static OidcServer start() {
        MockOAuth2Server server = new MockOAuth2Server();
        server.start(); // localhost, port 0
        return new OidcServer(server);
    }

    /** http://localhost:PORT/lethe-idp: the {@code iss} of its tokens, and what discovery resolves. */
    URI issuerUrl() {
        return server.issuerUrl(ISSUER_ID).uri();
    }

    /** issuer + /.well-known/openid-configuration */
    URI discoveryUrl() {
        return server.wellKnownUrl(ISSUER_ID).uri();
    }

    /** issuer + /jwks */
    URI jwksUrl() {
        return server.jwksUrl(ISSUER_ID).uri();
    }

    /** issuer + /authorize */
    URI authorizationEndpoint() {
        return server.authorizationEndpointUrl(ISSUER_ID).uri();
    }

    /** issuer + /token */
    URI tokenEndpoint() {
        return server.tokenEndpointUrl(ISSUER_ID).uri();
    }

    /** issuer + /endsession */
    URI endSessionEndpoint() {
        return server.endSessionEndpointUrl(ISSUER_ID).uri();
    }

    /**
     * The next sign-in (the next authorization code redeemed at this issuer's token endpoint)
     * yields tokens for {@code subject} with claims {@code tenant} and {@code roles}, the access
     * token addressed to {@code audience}. Queued logins are used in order.
     */
    void nextLogin(String subject, String tenant, List<String> roles, String audience) {
        server.enqueueCallback(callback(subject, tenant, roles, audience));
    }

    /** A signed access token straight from the issuer, as a serialized JWT, for calling the API without a browser. */
    String accessToken(String clientId, String subject, String tenant, List<String> roles, String audience) {
        return server.issueToken(ISSUER_ID, clientId, callback(subject, tenant, roles, audience)).serialize();
    }

    /** The underlying mock server, e.g. for takeRequest() to see what the client sent. */
    MockOAuth2Server server() {
        return server;
    }

    @Override
    public void close() {
        server.shutdown();
    }

    private static OAuth2TokenCallback callback(String subject, String tenant, List<String> roles, String audience) {
        return new DefaultOAuth2TokenCallback(
                ISSUER_ID,
                subject,
                "JWT", // typ header
                List.of(audience),
                Map.of("tenant", tenant, "roles", List.copyOf(roles)),
                3600); // seconds
    }
}
