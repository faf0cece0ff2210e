package io.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lethe.cli.ops.MetricNames;
import io.lethe.events.DeletionRequested;
import io.lethe.events.Reason;
import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.LocalStackExtension.DatabaseEndpoint;
import io.lethe.localstack.LocalStackExtension.KafkaEndpoint;
import io.lethe.runtime.kafka.KafkaSettings;
import io.lethe.runtime.kafka.TopicReader;
import io.lethe.store.seed.Seeder;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Platform-level deletion end to end: seeded customers with last contacts spread over five
 * years, a retention policy set through the API, and exactly the customers past the limit
 * deleted. Then the monitoring check: every metric the alert rules and the dashboard use is
 * exposed by the running services.
 */
@ExtendWith(LocalStackExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RetentionEndToEndTest {

    private static final int CUSTOMERS = 30;
    private static final int DAYS = 2 * 365;
    private static DevStack stack;

    @BeforeAll
    static void start(KafkaEndpoint kafka, DatabaseEndpoint db) throws Exception {
        stack = new DevStack(kafka, db, CUSTOMERS);
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    @Order(1)
    void shouldDeleteExactlyTheProfilesPastTheTenantsRetentionLimit() throws Exception {
        // Given customers whose last contacts are spread over five years
        Instant cutoff = Instant.now().minus(Duration.ofDays(DAYS));
        Set<String> expired = new HashSet<>(stack.strings("select id from customers where tenant_id=? and last_contact_at < ?",
                stack.tenant, java.sql.Timestamp.from(cutoff)));
        Set<String> kept = new HashSet<>(stack.strings("select id from customers where tenant_id=? and last_contact_at >= ?",
                stack.tenant, java.sql.Timestamp.from(cutoff)));
        assertThat(expired).isNotEmpty();
        assertThat(kept).isNotEmpty();
        assertThat(expired.size() + kept.size()).isEqualTo(CUSTOMERS);
        List<String> convIds = stack.strings("select id from conversations where tenant_id=? order by id", stack.tenant);

        // When the preview agrees (the scanner has indexed every customer) and the policy is set
        String policy = "{\"mode\":\"DELETE_AFTER_DAYS\",\"days\":" + DAYS + "}";
        await("preview counts the expired customers").atMost(Duration.ofSeconds(60)).until(() -> {
            DevStack.Res r = stack.call("PUT", "/v1/retention-policy?dryRun=true", policy);
            return r.status() == 200 && r.json().get("wouldExpire").asLong() == expired.size();
        });
        assertThat(stack.call("GET", "/v1/retention-policy", null).json().get("mode").asText()).isEqualTo("KEEP_FOREVER");
        assertThat(stack.call("PUT", "/v1/retention-policy", policy).status()).isBetween(200, 204);

        // Then exactly the expired customers are erased, their ids kept, everyone else untouched
        await("expired profiles erased").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() ->
                new HashSet<>(stack.strings("select id from customers where tenant_id=? and erased_at is not null", stack.tenant))
                        .equals(expired));
        for (String c : expired) {
            assertThat(stack.pii(c)).as(c).isZero();
        }
        assertThat(stack.strings("select id from customers where tenant_id=? and name is not null", stack.tenant))
                .containsExactlyInAnyOrderElementsOf(kept);
        assertThat(stack.strings("select id from conversations where tenant_id=? order by id", stack.tenant)).isEqualTo(convIds);
        for (String c : kept) {
            assertThat(stack.strings("select count(*) from contacts where tenant_id=? and customer_id=? and body is null", stack.tenant, c))
                    .as(c).containsExactly("0");
        }

        // And one request per expired customer, never two, even after further ticks
        double ticks = scannerTicks();
        await("two more scanner ticks").atMost(Duration.ofSeconds(30)).until(() -> scannerTicks() >= ticks + 2);
        KafkaSettings settings = new KafkaSettings(stack.env.config());
        List<DeletionRequested> retention = TopicReader.readAll(settings, settings.topics().deletionRequests(), Duration.ofSeconds(30))
                .stream().map(r -> r.value()).filter(r -> r.getReason() == Reason.RETENTION_EXPIRED).toList();
        assertThat(retention).extracting(DeletionRequested::getCustomerId).containsExactlyInAnyOrderElementsOf(expired);
    }

    @Test
    @Order(2)
    void shouldExposeEveryMetricTheAlertsAndTheDashboardUse() throws Exception {
        // Given the conditions that create the lazily registered series: a rejected request and a dead letter
        assertThat(stack.call("POST", "/v1/deletion-requests", "{not json").status()).isEqualTo(400);
        KafkaSettings settings = new KafkaSettings(stack.env.config());
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(settings.producer("poison"))) {
            producer.send(new ProducerRecord<>(settings.topics().deletionRequests().name(),
                    "x/y".getBytes(StandardCharsets.UTF_8), new byte[] {0})).get();
        }
        assertThat(stack.call("POST", "/v1/deletion-requests", "{\"scope\":\"PROFILE\",\"customerId\":\"" + Seeder.customerId(1)
                + "\",\"reason\":\"CUSTOMER_REQUEST\",\"regulation\":\"CCPA\"}").status()).isEqualTo(202);

        // When the three services are scraped
        Set<String> referenced = new HashSet<>();
        for (String f : List.of("deploy/prometheus/alerts.yml", "deploy/grafana/dashboards/lethe.json")) {
            referenced.addAll(MetricNames.referencedBy(repoFile(f)));
        }
        assertThat(referenced).hasSizeGreaterThan(10);
        Set<String>[] exposed = new Set[1];
        await("every referenced metric exposed").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            exposed[0] = scrape();
            return exposed[0].containsAll(referenced);
        });

        // Then every name used by an alert or a panel is there
        Set<String> missing = new HashSet<>(referenced);
        missing.removeAll(exposed[0]);
        assertThat(missing).isEmpty();
    }

    /** How many scans the scanner ran so far (all partitions). */
    private static double scannerTicks() throws Exception {
        String[] urls = stack.env.devEnv().get("LETHE_METRICS_URLS").split(" ");
        String body = DevStack.HTTP.send(HttpRequest.newBuilder(URI.create(urls[2])).build(), HttpResponse.BodyHandlers.ofString()).body();
        return body.lines().filter(l -> l.startsWith("lethe_scanner_tick_duration_seconds_count"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static Set<String> scrape() throws Exception {
        Set<String> names = new HashSet<>();
        for (String url : stack.env.devEnv().get("LETHE_METRICS_URLS").split(" ")) {
            HttpResponse<String> r = DevStack.HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(url).isEqualTo(200);
            for (String line : r.body().split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    names.add(line.split("[{ ]", 2)[0]);
                }
            }
        }
        return names;
    }

    private static Path repoFile(String relative) {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !p.resolve(relative).toFile().exists()) {
            p = p.getParent();
        }
        assertThat(p).as("repo root holding " + relative).isNotNull();
        return p.resolve(relative);
    }
}
