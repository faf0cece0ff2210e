package io.lethe.scanner;

import io.javalin.http.Context;
import io.lethe.runtime.config.Keys;
import io.lethe.runtime.http.ProblemJson;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToLongBiFunction;

/**
 * {@code GET /v1/preview?tenant=&days=}: how many profiles of a tenant this instance would expire
 * at once under a policy of {@code days}, for the API's confirmation of large expiries. Only the
 * API may ask: the request must carry {@code Authorization: Bearer <retention.preview.token>}, a
 * secret configured on both services (compared in constant time). A scanner without the secret
 * answers no previews (503), so the endpoint is never open by omission. Errors are
 * problem+json, like the API's.
 */
final class PreviewEndpoint {

    private final Optional<byte[]> token;
    private final ToLongBiFunction<String, Integer> wouldExpire;

    PreviewEndpoint(Optional<String> token, ToLongBiFunction<String, Integer> wouldExpire) {
        this.token = token.filter(t -> !t.isBlank()).map(t -> t.getBytes(StandardCharsets.UTF_8));
        this.wouldExpire = wouldExpire;
    }

    void handle(Context ctx) {
        if (token.isEmpty()) {
            ProblemJson.write(ctx, "retention-preview-disabled", "Retention previews are not enabled on this scanner", 503,
                    "set " + Keys.RETENTION_PREVIEW_TOKEN + " (LETHE_RETENTION_PREVIEW_TOKEN) on the scanner and the API");
            return;
        }
        String auth = ctx.header("Authorization");
        byte[] presented = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
                ? auth.substring(7).trim().getBytes(StandardCharsets.UTF_8) : null;
        if (presented == null || !MessageDigest.isEqual(presented, token.get())) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"lethe-scanner\"");
            ProblemJson.write(ctx, "unauthorized", "Authentication required", 401,
                    presented == null ? "missing bearer token" : "the preview token is not this scanner's");
            return;
        }
        String tenant = ctx.queryParam("tenant");
        int days;
        try {
            days = Integer.parseInt(String.valueOf(ctx.queryParam("days")));
        } catch (NumberFormatException e) {
            days = -1;
        }
        if (tenant == null || tenant.isBlank() || days < 1) {
            ProblemJson.write(ctx, "invalid-request", "The request is invalid", 400,
                    "tenant (not empty) and days (a whole number, at least 1) are required");
            return;
        }
        long count;
        try {
            count = wouldExpire.applyAsLong(tenant, days);
        } catch (org.apache.kafka.streams.errors.InvalidStateStoreException e) {
            // starting, restoring or rebalancing: the index is not queryable yet, which is not an error of the caller
            ctx.header("Retry-After", "1");
            ProblemJson.write(ctx, "retention-preview-unavailable", "The scanner's index is not ready", 503,
                    "the scanner is starting or rebalancing; ask again in a moment");
            return;
        }
        ctx.json(Map.of("tenant", tenant, "days", days, "wouldExpire", count));
    }
}
