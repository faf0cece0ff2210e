package io.lethe.api.console;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import java.net.URI;

/**
 * The console's OpenID Connect relying party: authorization code flow with PKCE (S256), state
 * and nonce, a confidential client ({@code client_secret_basic}), ID token validation against
 * the provider's JWKS. Built on the Nimbus OAuth 2.0 / OpenID Connect SDK; the provider
 * metadata is discovered from {@code <issuer>/.well-known/openid-configuration} on first use
 * (so the API starts while the provider is down) and kept.
 *
 * <p>Returns the access token; the caller turns it into the user exactly as the API turns a
 * bearer token into a caller, so roles and tenant mean the same in the console and the API.
 */
public final class OidcClient {

    /** Config keys. */
    public static final String ISSUER = "console.oidc.issuer";
    public static final String CLIENT_ID = "console.oidc.client.id";
    public static final String CLIENT_SECRET = "console.oidc.client.secret";
    public static final String REDIRECT_URL = "console.oidc.redirect.url";
    public static final String SCOPES = "console.oidc.scopes";

    private final Issuer issuer;
    private final ClientID clientId;
    private final Secret secret;
    private final URI redirect;
    private final Scope scope;
    private volatile OIDCProviderMetadata metadata;

    public OidcClient(String issuer, String clientId, String secret, URI redirect, String scopes) {
        this.issuer = new Issuer(issuer);
        this.clientId = new ClientID(clientId);
        this.secret = new Secret(secret);
        this.redirect = redirect;
        this.scope = Scope.parse(scopes);
        if (!this.scope.contains("openid")) {
            this.scope.add("openid");
        }
    }

    public String issuer() {
        return issuer.getValue();
    }

    private OIDCProviderMetadata metadata() throws Exception {
        OIDCProviderMetadata m = metadata;
        if (m == null) {
            m = OIDCProviderMetadata.resolve(issuer, 5_000, 5_000);
            metadata = m;
        }
        return m;
    }

    /** Where to send the browser to sign in. */
    public URI authorize(ConsoleSession.OidcPending p) throws Exception {
        return new AuthenticationRequest.Builder(new ResponseType(ResponseType.Value.CODE), scope, clientId, redirect)
                .endpointURI(metadata().getAuthorizationEndpointURI())
                .state(new State(p.state())).nonce(new Nonce(p.nonce()))
                .codeChallenge(new CodeVerifier(p.codeVerifier()), CodeChallengeMethod.S256)
                .build().toURI();
    }

    /**
     * Exchanges the callback's code (with the PKCE verifier), validates the ID token (signature,
     * issuer, audience, expiry, nonce) and returns the access token.
     *
     * @throws SignInException with a message fit for the user when anything does not check out
     */
    public String exchange(String code, ConsoleSession.OidcPending p) {
        try {
            TokenRequest request = new TokenRequest.Builder(metadata().getTokenEndpointURI(), new ClientSecretBasic(clientId, secret),
                    new AuthorizationCodeGrant(new AuthorizationCode(code), redirect, new CodeVerifier(p.codeVerifier()))).build();
            TokenResponse response = OIDCTokenResponseParser.parse(request.toHTTPRequest().send());
            if (!response.indicatesSuccess()) {
                throw new SignInException("the identity provider refused the sign-in ("
                        + response.toErrorResponse().getErrorObject().getCode() + ")");
            }
            OIDCTokenResponse ok = (OIDCTokenResponse) response.toSuccessResponse();
            IDTokenValidator validator = new IDTokenValidator(metadata().getIssuer(), clientId, JWSAlgorithm.RS256,
                    metadata().getJWKSetURI().toURL());
            validator.validate(ok.getOIDCTokens().getIDToken(), new Nonce(p.nonce()));
            return ok.getOIDCTokens().getAccessToken().getValue();
        } catch (SignInException e) {
            throw e;
        } catch (Exception e) {
            // messages of the SDK name the failed check, never token content
            throw new SignInException("the sign-in could not be verified (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** A sign-in that did not succeed; the message is shown to the user. */
    public static final class SignInException extends RuntimeException {
        public SignInException(String message) {
            super(message, null, false, false);
        }
    }
}
