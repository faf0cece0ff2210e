package io.lethe.cli.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * A client of a running deletion-api, as the tooling calls it (the benchmark, the fault harness):
 * one keep-alive HTTP/1.1 connection, a bearer token, JSON bodies, a 30-second answer timeout.
 * Does not retry: the caller knows what a retry means for its measurement or scenario.
 */
public final class ApiClient {

    private final HttpClient http;
    private final String base;
    private final String token;

    /** @param base e.g. {@code http://127.0.0.1:8080}; {@code token}: a bearer token */
    public ApiClient(String base, String token, Duration connectTimeout) {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout).build();
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.token = token;
    }

    /** A request to {@code path} with the token, and {@code jsonBody} (null for none) as JSON. */
    public HttpRequest.Builder request(String method, String path, String jsonBody) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonBody));
        if (jsonBody != null) {
            b.header("Content-Type", "application/json");
        }
        return b;
    }

    /** Sends it with extra {@code headers} (an {@code Idempotency-Key}, say) and reads the answer as text. */
    public HttpResponse<String> send(String method, String path, String jsonBody, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = request(method, path, jsonBody);
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Whether {@code GET /health/ready} answers 200 now. */
    public boolean ready() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** The body of a PROFILE deletion of {@code customerId} (CUSTOMER_REQUEST, GDPR). */
    public static String profileDeletion(String customerId) {
        return "{\"scope\":\"PROFILE\",\"customerId\":\"" + customerId + "\",\"reason\":\"CUSTOMER_REQUEST\",\"regulation\":\"GDPR\"}";
    }
}
