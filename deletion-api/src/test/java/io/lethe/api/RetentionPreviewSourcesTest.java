package io.lethe.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.Javalin;
import io.lethe.api.TestApi.Res;
import io.lethe.api.policy.ScannerPreview;
import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.LocalStackExtension.KafkaEndpoint;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Where the 50-profile guard gets its count in a deployment: from every retention-scanner
 * instance over HTTP (summed), and never from nowhere.
 */
@ExtendWith(LocalStackExtension.class)
class RetentionPreviewSourcesTest {

    private static final String POLICY = "{\"mode\":\"DELETE_AFTER_DAYS\",\"days\":30}";

    private static final String SECRET = "preview-secret-1";

    /** A stand-in scanner instance answering /v1/preview with a fixed count for its partitions, to the shared secret only. */
    private static Javalin scanner(long count) {
        return Javalin.create(c -> c.showJavalinBanner = false)
                .get("/v1/preview", ctx -> {
                    if (!("Bearer " + SECRET).equals(ctx.header("Authorization"))) {
                        ctx.status(401);
                        return;
                    }
                    ctx.json(Map.of("tenant", ctx.queryParam("tenant"), "days", Integer.parseInt(ctx.queryParam("days")),
                            "wouldExpire", count));
                })
                .start("127.0.0.1", 0);
    }

    @Test
    void shouldPresentTheSharedSecretAndSayWhenTheScannerRefusesIt(KafkaEndpoint kafka) throws Exception {
        Javalin a = scanner(30);
        try (TestApi t = new TestApi(kafka.bootstrapServers(), Map.of(),
                ScannerPreview.parse("http://127.0.0.1:" + a.port(), "not-the-secret"))) {
            Res r = t.call("PUT", "/v1/retention-policy?dryRun=true", t.token("acme", "alice", "compliance_admin"), POLICY);

            assertThat(r.status()).isEqualTo(503);
            assertThat(r.type()).endsWith("/retention-preview-unavailable");
            assertThat(r.json().get("detail").asText()).contains("refused the preview token", "retention.preview.token");
        } finally {
            a.stop();
        }
        assertThatThrownBy(() -> ScannerPreview.parse("http://scanner:8082", " "))
                .hasMessageContaining("needs retention.preview.token");
    }

    @Test
    void shouldSumTheAnswersOfEveryScannerInstance(KafkaEndpoint kafka) throws Exception {
        Javalin a = scanner(30);
        Javalin b = scanner(25);
        try (TestApi t = new TestApi(kafka.bootstrapServers(), Map.of(), ScannerPreview.parse(
                "http://127.0.0.1:" + a.port() + ", http://127.0.0.1:" + b.port() + "/", SECRET))) {
            String admin = t.token("acme", "alice", "compliance_admin");

            Res dry = t.call("PUT", "/v1/retention-policy?dryRun=true", admin, POLICY);
            assertThat(dry.status()).isEqualTo(200);
            assertThat(dry.json().get("wouldExpire").asLong()).isEqualTo(55);
            // 55 > 50: the change needs its confirmation
            assertThat(t.call("PUT", "/v1/retention-policy", admin, POLICY).status()).isEqualTo(409);

            // When one instance is down, the count is unknown: refuse instead of under-counting
            b.stop();
            Res down = t.call("PUT", "/v1/retention-policy", admin, "{\"mode\":\"DELETE_AFTER_DAYS\",\"days\":30,\"confirmExpiring\":30}");
            assertThat(down.status()).isEqualTo(503);
            assertThat(down.type()).endsWith("/retention-preview-unavailable");
            assertThat(t.read(t.topics.retentionPolicies())).isEmpty();
        } finally {
            a.stop();
            b.stop();
        }
    }

    @Test
    void shouldRefuseExpiringPoliciesWhenNoScannerIsConfigured(KafkaEndpoint kafka) throws Exception {
        try (TestApi t = new TestApi(kafka.bootstrapServers(), Map.of(), ScannerPreview.UNCONFIGURED)) {
            String admin = t.token("acme", "alice", "compliance_admin");

            Res r = t.call("PUT", "/v1/retention-policy", admin, POLICY);

            assertThat(r.status()).isEqualTo(503);
            assertThat(r.json().get("detail").asText()).contains(ScannerPreview.URLS);
            assertThat(t.read(t.topics.retentionPolicies())).isEmpty();
            // keeping forever expires nothing and needs no count
            assertThat(t.call("PUT", "/v1/retention-policy", admin, "{\"mode\":\"KEEP_FOREVER\"}").status()).isEqualTo(200);
        }
    }
}
