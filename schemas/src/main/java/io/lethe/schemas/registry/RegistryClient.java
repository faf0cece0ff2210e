package io.lethe.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * A client of the Confluent Schema Registry REST API, and only of that API, so that Confluent's registry,
 * Karapace, Redpanda and Apicurio ({@code /apis/ccompat/v7}) all work. Written here because Confluent's
 * client ({@code io.confluent:kafka-schema-registry-client}) is not on Maven Central, and the five calls
 * Lethe makes do not justify a vendor's client (Apicurio's speaks its own API).
 *
 * <p>Authentication: HTTP basic ({@code user:password}) or a bearer token; TLS through the JVM's trust
 * store ({@code javax.net.ssl.trustStore}). Calls that fail to connect, time out or answer 5xx are retried
 * with backoff for {@code retryFor}, then fail with {@link RegistryUnavailableException}; a 4xx answer
 * fails at once with {@link RegistryException}.
 */
public final class RegistryClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private final URI base;
    private final Optional<String> authorization;
    private final Duration retryFor;
    private final HttpClient http;

    /**
     * @param url            the API's root, e.g. {@code http://registry:8081} or {@code http://apicurio:8080/apis/ccompat/v7}
     * @param basicUserInfo  {@code user:password} for HTTP basic authentication, or null
     * @param bearerToken    a bearer token, or null (not both)
     * @param retryFor       how long to keep retrying an unreachable registry before giving up on one call
     */
    public RegistryClient(String url, String basicUserInfo, String bearerToken, Duration retryFor) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("schema registry url is empty");
        }
        URI u = URI.create(url.endsWith("/") ? url : url + "/");
        if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
            throw new IllegalArgumentException("schema registry url must be http or https: " + url);
        }
        if (blank(basicUserInfo) == null && blank(bearerToken) == null) {
            authorization = Optional.empty();
        } else if (blank(bearerToken) == null) {
            authorization = Optional.of("Basic " + Base64.getEncoder().encodeToString(basicUserInfo.getBytes(StandardCharsets.UTF_8)));
        } else if (blank(basicUserInfo) == null) {
            authorization = Optional.of("Bearer " + bearerToken.trim());
        } else {
            throw new IllegalArgumentException("give the schema registry basic credentials or a bearer token, not both");
        }
        this.base = u;
        this.retryFor = retryFor;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** The registry's root, for log lines (credentials are never part of it). */
    public String url() {
        return base.toString();
    }

    /** {@code POST /subjects/{subject}/versions}: registers the schema (or finds it registered) and answers its id. */
    public int register(String subject, String schemaJson) {
        ObjectNode body = JSON.createObjectNode().put("schema", schemaJson);
        return call("POST", "subjects/" + path(subject) + "/versions", body).path("id").asInt(-1);
    }

    /** {@code GET /schemas/ids/{id}}: the schema's JSON text. */
    public String schemaById(int id) {
        return call("GET", "schemas/ids/" + id, null).path("schema").asText();
    }

    /** {@code PUT /config/{subject}}: sets the subject's compatibility level. */
    public void setCompatibility(String subject, String level) {
        call("PUT", "config/" + path(subject), JSON.createObjectNode().put("compatibility", level));
    }

    /** {@code GET /config/{subject}}: the subject's compatibility level. */
    public String compatibility(String subject) {
        JsonNode n = call("GET", "config/" + path(subject), null);
        return n.has("compatibilityLevel") ? n.get("compatibilityLevel").asText() : n.path("compatibility").asText();
    }

    private static String path(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private JsonNode call(String method, String path, JsonNode body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Accept", CONTENT_TYPE + ", application/json");
        authorization.ifPresent(a -> b.header("Authorization", a));
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", CONTENT_TYPE).method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        }
        HttpRequest request = b.build();
        long deadline = System.nanoTime() + retryFor.toNanos();
        long backoffMs = 100;
        while (true) {
            String failure;
            Exception cause = null;
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status < 300) {
                    return response.body() == null || response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
                }
                if (status < 500) {
                    throw refused(status, response.body());
                }
                failure = "HTTP " + status;
            } catch (IOException e) {
                failure = e.getClass().getSimpleName();
                cause = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryUnavailableException("interrupted calling the schema registry", e);
            }
            if (System.nanoTime() + backoffMs * 1_000_000 > deadline) {
                throw new RegistryUnavailableException("schema registry " + url() + " unavailable (" + failure + ") for "
                        + method + " /" + path.replaceAll("/.*", "/…"), cause);
            }
            try {
                Thread.sleep(backoffMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryUnavailableException("interrupted calling the schema registry", e);
            }
            backoffMs = Math.min(backoffMs * 2, 2_000);
        }
    }

    private static RegistryException refused(int status, String body) {
        String message = "HTTP " + status;
        int code = status;
        try {
            JsonNode n = JSON.readTree(body);
            message = n.path("message").asText(message);
            code = n.path("error_code").asInt(status);
        } catch (IOException | RuntimeException e) {
            // not JSON: keep the status
        }
        return new RegistryException(status, code, message);
    }
}
