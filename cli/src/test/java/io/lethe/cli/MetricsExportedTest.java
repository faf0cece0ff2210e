package io.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lethe.cli.ops.MetricNames;
import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.LocalStackExtension.DatabaseEndpoint;
import io.lethe.localstack.LocalStackExtension.KafkaEndpoint;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every metric that a file under {@code deploy/} (alert rules, dashboards) queries is exported by
 * the running services, before any deletion happened: a series that only appears with its first
 * event leaves panels at "No data" and makes {@code rate()} miss that event. The services are the
 * {@code lethe dev} wiring on the test broker and database, with one tenant that has a policy
 * (tenants are the scanner's label values; a tenant without a policy has no retention series).
 */
@ExtendWith(LocalStackExtension.class)
class MetricsExportedTest {

    @Test
    void shouldExportEveryMetricThatTheDeployFilesQueryFromTheStart(KafkaEndpoint kafka, DatabaseEndpoint db) throws Exception {
        try (DevStack stack = new DevStack(kafka, db, 3)) {
            // Given a tenant with a policy, and a scanner tick since
            DevStack.Res policy = stack.call("PUT", "/v1/retention-policy", "{\"mode\":\"KEEP_FOREVER\"}");
            assertThat(policy.status()).as(policy.body()).isEqualTo(200);
            List<String> urls = List.of(stack.env.devEnv().get("LETHE_METRICS_URLS").split(" "));
            Set<String> exported = new TreeSet<>();
            await("a scanner tick and the tenant's retention series").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500)).until(() -> {
                        exported.clear();
                        for (String url : urls) {
                            exported.addAll(names(scrape(url)));
                        }
                        return exported.contains("lethe_scanner_tick_duration_seconds_count")
                                && exported.contains("lethe_scanner_policy_days");
                    });

            // Then every name the deploy files use is there
            TreeMap<String, Set<String>> missing = new TreeMap<>();
            List<Path> files = deployFiles();
            assertThat(files).isNotEmpty();
            for (Path file : files) {
                Set<String> unknown = new TreeSet<>(MetricNames.referencedBy(file));
                unknown.removeAll(exported);
                if (!unknown.isEmpty()) {
                    missing.put(file.toString(), unknown);
                }
            }
            assertThat(missing).as("metrics the deploy files query that no running service exports").isEmpty();
        }
    }

    private static List<Path> deployFiles() throws Exception {
        Path deploy = Path.of("..", "deploy");
        try (Stream<Path> all = Files.walk(deploy)) {
            return new ArrayList<>(all.filter(Files::isRegularFile).toList());
        }
    }

    private static String scrape(String url) throws Exception {
        return DevStack.HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Sample names of a Prometheus text exposition: each non-comment line up to its labels or value. */
    private static Set<String> names(String exposition) {
        Set<String> out = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int end = line.indexOf('{');
                if (end < 0) {
                    end = line.indexOf(' ');
                }
                out.add(line.substring(0, end));
            }
        }
        return out;
    }
}
