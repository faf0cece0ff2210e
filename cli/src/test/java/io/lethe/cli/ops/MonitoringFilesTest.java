package io.lethe.cli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every alert has a runbook section, and the dashboard covers what operators watch. That the
 * files refer only to metrics the services export is checked against the running services
 * ({@code io.lethe.cli.MetricsExportedTest}).
 */
class MonitoringFilesTest {

    @Test
    void shouldFindMetricNamesInPromQlButNotTopicsOrOtherIdentifiers() {
        Set<String> found = MetricNames.referencedIn("""
                expr: sum by (tenant) (rate(lethe_scanner_expiries_total[5m])) > 0 and up{job=~"lethe-.*"} == 0
                "expr": "histogram_quantile(0.99, sum by (le) (rate(lethe_erase_duration_seconds_bucket[5m])))"
                topic lethe.audit, group lethe-eraser-attachments, my_lethe_thing, kafka_stream_thread_process_rate
                """);

        assertThat(found).containsExactly("kafka_stream_thread_process_rate", "lethe_erase_duration_seconds_bucket",
                "lethe_scanner_expiries_total");
    }

    @Test
    void shouldAlertOnEveryConditionWithARunbookSectionThatExists() {
        JsonNode groups = RepoFiles.yaml("deploy/prometheus/alerts.yml").get("groups");
        Set<String> anchors = headingAnchors(RepoFiles.text("docs/operations.md"));
        List<String> exprs = new ArrayList<>();
        int alerts = 0;
        for (JsonNode group : groups) {
            for (JsonNode rule : group.get("rules")) {
                String name = rule.get("alert").asText();
                alerts++;
                exprs.add(rule.get("expr").asText());
                assertThat(rule.path("labels").path("severity").asText()).as(name).isIn("warning", "critical");
                String runbook = rule.path("annotations").path("runbook").asText();
                assertThat(runbook).as(name + " runbook").startsWith("docs/operations.md#");
                assertThat(anchors).as(name + " runbook section in docs/operations.md")
                        .contains(runbook.substring(runbook.indexOf('#') + 1));
            }
        }
        assertThat(alerts).isGreaterThanOrEqualTo(6);
        assertThat(exprs).anyMatch(e -> e.contains("lethe_requests_overdue"))
                .anyMatch(e -> e.contains("lethe_requests_finished_total{outcome=\"failed\"}"))
                .anyMatch(e -> e.contains("lethe_dlq_records_total"))
                .anyMatch(e -> e.contains("kafka_consumer_fetch_manager_records_lag_max"))
                .anyMatch(e -> e.contains("lethe_scanner_backlog"))
                .anyMatch(e -> e.contains("lethe_ready == 0"))
                .anyMatch(e -> e.matches("up\\{.*} == 0"));
    }

    @Test
    void shouldScrapeTheThreeServicesAndLoadTheRules() {
        JsonNode prom = RepoFiles.yaml("deploy/prometheus/prometheus.yml");
        Set<String> targets = new HashSet<>();
        prom.get("scrape_configs").forEach(job -> {
            assertThat(job.path("metrics_path").asText("/metrics")).isEqualTo("/metrics");
            job.get("static_configs").forEach(sc -> sc.get("targets").forEach(t -> targets.add(t.asText())));
        });
        assertThat(targets).containsExactlyInAnyOrder("deletion-api:8080", "deletion-worker:8081", "retention-scanner:8082");
        assertThat(prom.get("rule_files").get(0).asText()).isEqualTo("/etc/prometheus/alerts.yml");
    }

    @Test
    void shouldProvisionADashboardCoveringWhatOperatorsWatch() {
        JsonNode dashboard = RepoFiles.json("deploy/grafana/dashboards/lethe.json");
        String datasourceUid = RepoFiles.yaml("deploy/grafana/provisioning/datasources/prometheus.yml")
                .get("datasources").get(0).get("uid").asText();
        int queries = 0;
        for (JsonNode panel : dashboard.get("panels")) {
            if (panel.get("type").asText().equals("row")) {
                continue;
            }
            assertThat(panel.path("datasource").path("uid").asText()).as(panel.get("title").asText()).isEqualTo(datasourceUid);
            assertThat(panel.get("targets")).as(panel.get("title").asText()).isNotEmpty();
            for (JsonNode t : panel.get("targets")) {
                assertThat(t.get("expr").asText()).isNotBlank();
                queries++;
            }
        }
        assertThat(queries).isGreaterThan(20);
        Set<String> used = MetricNames.referencedBy(RepoFiles.file("deploy/grafana/dashboards/lethe.json"));
        assertThat(used).contains("lethe_api_requests_accepted_total", "lethe_requests_open", "lethe_requests_overdue",
                "lethe_oldest_open_request_age_seconds", "lethe_tasks_total", "lethe_erase_duration_seconds_bucket",
                "lethe_rows_erased_total", "lethe_blobs_deleted_total", "lethe_dlq_records_total", "lethe_rerouted_records_total",
                "kafka_consumer_fetch_manager_records_lag_max", "lethe_scanner_expiries_total", "lethe_scanner_backlog");
        assertThat(RepoFiles.text("deploy/grafana/dashboards/lethe.json"))
                .contains("histogram_quantile(0.99, sum by (data_type, le) (rate(lethe_erase_duration_seconds_bucket[5m])))");
    }

    /** GitHub-style anchors of the Markdown headings. */
    static Set<String> headingAnchors(String markdown) {
        Set<String> out = new HashSet<>();
        Matcher m = Pattern.compile("(?m)^#{1,6}\\s+(.+?)\\s*$").matcher(markdown);
        while (m.find()) {
            out.add(m.group(1).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'));
        }
        return out;
    }
}
