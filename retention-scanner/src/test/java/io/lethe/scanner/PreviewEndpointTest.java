package io.lethe.scanner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The scanner's preview endpoint over real HTTP: only to the shared secret, problem+json otherwise. */
class PreviewEndpointTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private Javalin server;

    private String start(Optional<String> secret) {
        return start(new PreviewEndpoint(secret, (tenant, days) -> tenant.length() * 100L + days));
    }

    private String start(PreviewEndpoint preview) {
        server = Javalin.create(c -> c.showJavalinBanner = false).get("/v1/preview", preview::handle).start("127.0.0.1", 0);
        return "http://127.0.0.1:" + server.port() + "/v1/preview";
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private static HttpResponse<String> get(String url, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertProblem(HttpResponse<String> r, int status, String slug) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("type").asText()).isEqualTo("https://lethe.dev/problems/" + slug);
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("detail").asText()).isNotBlank();
    }

    @Test
    void shouldAnswerOnlyToTheSharedSecret() throws Exception {
        String url = start(Optional.of("s3cret")) + "?tenant=acme&days=30";

        HttpResponse<String> ok = get(url, "Bearer s3cret");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(ok.body()).get("wouldExpire").asLong()).isEqualTo(430);

        HttpResponse<String> none = get(url, null);
        assertProblem(none, 401, "unauthorized");
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertProblem(get(url, "Bearer s3cret-not"), 401, "unauthorized");
        assertProblem(get(url, "Basic czNjcmV0"), 401, "unauthorized");
    }

    @Test
    void shouldRefuseBadParametersWithAProblem() throws Exception {
        String url = start(Optional.of("s3cret"));

        assertProblem(get(url + "?tenant=acme&days=0", "Bearer s3cret"), 400, "invalid-request");
        assertProblem(get(url + "?tenant=acme&days=many", "Bearer s3cret"), 400, "invalid-request");
        assertProblem(get(url + "?days=30", "Bearer s3cret"), 400, "invalid-request");
    }

    @Test
    void shouldAnswerNoPreviewsWithoutAConfiguredSecret() throws Exception {
        String url = start(Optional.empty()) + "?tenant=acme&days=30";

        HttpResponse<String> r = get(url, "Bearer anything");

        assertProblem(r, 503, "retention-preview-disabled");
        assertThat(JSON.readTree(r.body()).get("detail").asText()).contains("retention.preview.token");
    }

    @Test
    void shouldAnswerNotReadyWhileTheIndexIsNotQueryable() throws Exception {
        // Given a scanner whose Streams application is still starting (what KafkaStreams#store throws then)
        String url = start(new PreviewEndpoint(Optional.of("s3cret"), (tenant, days) -> {
            throw new org.apache.kafka.streams.errors.InvalidStateStoreException("the stream thread is STARTING, not RUNNING");
        })) + "?tenant=acme&days=30";

        // When the API asks for a preview
        HttpResponse<String> r = get(url, "Bearer s3cret");

        // Then it gets a 503 problem it can retry, not a 500 with a stack trace in the scanner's log
        assertProblem(r, 503, "retention-preview-unavailable");
        assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
    }
}
