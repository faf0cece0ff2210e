package io.lethe.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.LocalStackExtension.KafkaEndpoint;
import io.lethe.runtime.config.LetheConfig;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Console sign-in with OpenID Connect (authorization code + PKCE) against a real OpenID
 * Connect server (mock-oauth2-server) in a real Chromium; the API verifies the access token
 * with the issuer's JWKS exactly as it verifies bearer tokens.
 */
@ExtendWith(LocalStackExtension.class)
class ConsoleOidcTest {

    private static final String AUDIENCE = "lethe-api";
    private static OidcServer idp;
    private static TestApi t;
    private static DeletionApi api;
    private static Browser browser;
    private static String base;

    @BeforeAll
    static void start(KafkaEndpoint kafka) throws Exception {
        idp = OidcServer.start();
        t = TestApi.start(kafka.bootstrapServers());
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        base = "http://localhost:" + port;
        Map<String, String> c = new HashMap<>(t.config().asMap());
        c.remove("auth.dev.key.dir");
        c.put(DeletionApi.PORT, Integer.toString(port));
        c.put("auth.issuer", idp.issuerUrl().toString());
        c.put("auth.audience", AUDIENCE);
        c.put("auth.jwks.url", idp.jwksUrl().toString());
        c.put("console.oidc.client.id", "lethe-console");
        c.put("console.oidc.client.secret", "console-secret");
        c.put("console.oidc.redirect.url", base + "/console/oidc/callback");
        c.put("console.session.key", java.util.Base64.getEncoder().encodeToString(new byte[32]));
        api = DeletionApi.start(LetheConfig.of(c), t.preview);
        browser = Browser.start();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        api.close();
        t.close();
        idp.close();
    }

    private static void signInThroughTheIdentityProvider() {
        browser.visit(base + "/console/sign-in");
        browser.driver().manage().deleteAllCookies();
        browser.visit(base + "/console/sign-in");
        assertThat(browser.text()).doesNotContain("Development sign-in");
        browser.link("Sign in with your organisation").click();
    }

    @Test
    void shouldSignInWithTheIdentityProviderAndActAsThatUser() {
        // Given the identity provider signs in olga, compliance admin of tenant acme
        idp.nextLogin("olga", "acme", List.of("compliance_admin"), AUDIENCE);

        // When she signs in from the console
        signInThroughTheIdentityProvider();

        // Then she is on the Requests page as herself, with the tenant and role of her token
        browser.waitForText("olga · tenant acme · compliance_admin", Duration.ofSeconds(15));
        assertThat(browser.url()).isEqualTo(base + "/console/requests");

        // And a deletion she requests is published with her as the actor
        browser.visit(base + "/console/requests/new");
        browser.fill("Customer ID", "c-oidc");
        browser.button("Request deletion").click();
        browser.fill("Confirm customer ID", "c-oidc");
        browser.button("Erase permanently").click();
        browser.waitForText("Deletion request", Duration.ofSeconds(15));
        String requestId = browser.url().substring(browser.url().lastIndexOf('/') + 1);
        assertThat(t.requestsFor(requestId)).singleElement().satisfies(r -> {
            assertThat(r.getActor()).isEqualTo("olga");
            assertThat(r.getTenant()).isEqualTo("acme");
        });
    }

    @Test
    void shouldRefuseTheServiceRole() {
        idp.nextLogin("billing-service", "acme", List.of("service"), AUDIENCE);
        signInThroughTheIdentityProvider();
        browser.waitForText("The service role cannot sign in to the console", Duration.ofSeconds(15));
        browser.visit(base + "/console/requests");
        assertThat(browser.url()).startsWith(base + "/console/sign-in");
    }

    @Test
    void shouldRefuseAnAccessTokenForAnotherAudience() {
        idp.nextLogin("mallory", "acme", List.of("compliance_admin"), "some-other-api");
        signInThroughTheIdentityProvider();
        browser.waitForText("the access token was not accepted", Duration.ofSeconds(15));
        browser.visit(base + "/console/requests");
        assertThat(browser.url()).startsWith(base + "/console/sign-in");
    }

    @Test
    void shouldRefuseACallbackThatDidNotStartHere() {
        browser.visit(base + "/console/sign-in");
        browser.driver().manage().deleteAllCookies();
        browser.visit(base + "/console/oidc/callback?code=stolen&state=forged");
        assertThat(browser.text()).contains("The sign-in could not be completed");
        browser.visit(base + "/console/requests");
        assertThat(browser.url()).startsWith(base + "/console/sign-in");
    }
}
