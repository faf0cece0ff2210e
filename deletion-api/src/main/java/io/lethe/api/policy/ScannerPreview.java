package io.lethe.api.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.api.problem.ProblemException;
import io.lethe.api.problem.ProblemType;
import io.lethe.runtime.config.Keys;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Asks every retention-scanner instance ({@code GET <url>/v1/preview?tenant=&days=}, with the
 * shared {@code retention.preview.token} as bearer token) and sums the answers: each instance
 * counts the partitions it hosts, so the list must name all of them. If any instance does not answer, the preview fails (503) rather than under-count:
 * an under-count would let a mass expiry through without its confirmation.
 */
public final class ScannerPreview implements RetentionPreview {

    /** Config key: space- or comma-separated base URLs of the scanner instances. */
    public static final String URLS = "api.retention.preview.urls";

    /** When no scanner is configured: refuse to guess, so the 50-profile confirmation cannot be bypassed. */
    public static final RetentionPreview UNCONFIGURED = (tenant, days) -> {
        throw new ProblemException(ProblemType.PREVIEW_UNAVAILABLE,
                "no retention scanner is configured to count expiring profiles (set " + URLS + ")");
    };

    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<URI> scanners;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    public ScannerPreview(List<URI> scanners, String token) {
        if (scanners.isEmpty()) {
            throw new IllegalArgumentException("at least one scanner URL");
        }
        if (token == null || token.isBlank()) {
            throw new io.lethe.runtime.config.ConfigException(URLS + " needs " + Keys.RETENTION_PREVIEW_TOKEN
                    + " (LETHE_RETENTION_PREVIEW_TOKEN), the secret the scanners accept previews with");
        }
        this.scanners = List.copyOf(scanners);
        this.token = token;
    }

    /** {@code urls}: space- or comma-separated base URLs; {@code token}: the shared preview secret. */
    public static ScannerPreview parse(String urls, String token) {
        return new ScannerPreview(java.util.Arrays.stream(urls.split("[,\\s]+")).filter(u -> !u.isBlank())
                .map(u -> URI.create(u.endsWith("/") ? u.substring(0, u.length() - 1) : u)).toList(), token);
    }

    @Override
    public long wouldExpire(String tenant, int days) {
        long total = 0;
        for (URI base : scanners) {
            URI uri = URI.create(base + "/v1/preview?tenant=" + URLEncoder.encode(tenant, StandardCharsets.UTF_8) + "&days=" + days);
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 401) {
                    throw new ProblemException(ProblemType.PREVIEW_UNAVAILABLE, "retention scanner " + base
                            + " refused the preview token: " + Keys.RETENTION_PREVIEW_TOKEN + " differs between the API and the scanner");
                }
                JsonNode n = r.statusCode() == 200 ? JSON.readTree(r.body()).get("wouldExpire") : null;
                if (n == null || !n.canConvertToLong()) {
                    throw new ProblemException(ProblemType.PREVIEW_UNAVAILABLE, "retention scanner " + base + " answered " + r.statusCode());
                }
                total += n.asLong();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProblemException(ProblemType.PREVIEW_UNAVAILABLE, "interrupted while asking " + base);
            } catch (java.io.IOException e) {
                throw new ProblemException(ProblemType.PREVIEW_UNAVAILABLE, "retention scanner " + base + " is unreachable");
            }
        }
        return total;
    }
}
