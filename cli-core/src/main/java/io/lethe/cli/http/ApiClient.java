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

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

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

    /**
     * Sets a tenant's {@code DELETE_AFTER_DAYS days} policy as an administrator does in the
     * console: {@link #awaitRetentionPreview}, then {@link #setRetention} with that count confirmed.
     */
    public void setRetentionConfirmed(int days, long expected, Duration timeout) throws IOException, InterruptedException {
        awaitRetentionPreview(days, expected, timeout);
        setRetention(days, expected);
    }

    /**
     * Repeats the dry run of a {@code DELETE_AFTER_DAYS days} policy until the scanners' preview
     * counts {@code expected} profiles (they may still be taking in last contacts).
     *
     * @throws IllegalStateException when it does not within {@code timeout}, with the last answer
     */
    public void awaitRetentionPreview(int days, long expected, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            HttpResponse<String> dry = send("PUT", "/v1/retention-policy?dryRun=true", retention(days, null), Map.of());
            if (dry.statusCode() == 200 && JSON.readTree(dry.body()).path("wouldExpire").asLong(-1) == expected) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the scanners never counted the " + expected + " expiring profiles; last dry run: "
                        + dry.statusCode() + " " + dry.body());
            }
            Thread.sleep(250);
        }
    }

    /** Sets a {@code DELETE_AFTER_DAYS days} policy, confirming that it expires {@code confirmExpiring} profiles. */
    public void setRetention(int days, long confirmExpiring) throws IOException, InterruptedException {
        HttpResponse<String> r = send("PUT", "/v1/retention-policy", retention(days, confirmExpiring), Map.of());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("retention policy not accepted: " + r.statusCode() + " " + r.body());
        }
    }

    private static String retention(int days, Long confirmExpiring) {
        return "{\"mode\":\"DELETE_AFTER_DAYS\",\"days\":" + days
                + (confirmExpiring == null ? "" : ",\"confirmExpiring\":" + confirmExpiring) + "}";
    }

    /** The body of a PROFILE deletion of {@code customerId} (CUSTOMER_REQUEST, GDPR). */
    public static String profileDeletion(String customerId) {
        return "{\"scope\":\"PROFILE\",\"customerId\":\"" + customerId + "\",\"reason\":\"CUSTOMER_REQUEST\",\"regulation\":\"GDPR\"}";
    }
}
