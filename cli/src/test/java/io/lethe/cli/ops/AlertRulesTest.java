package io.lethe.cli.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The alert rules, unit-tested by Prometheus itself: {@code promtool test rules} runs
 * {@code deploy/prometheus/alerts.test.yml}, in which every alert has a case where it fires and
 * one where it stays silent. promtool comes from Debian's {@code prometheus} package, which
 * {@code .ci/run} installs; without it the test is skipped, except in CI (env {@code CI=true}).
 */
class AlertRulesTest {

    private static final String TESTS = "deploy/prometheus/alerts.test.yml";

    @Test
    void shouldHaveAFiringAndASilentCaseForEveryAlert() {
        Set<String> alerts = new TreeSet<>();
        for (JsonNode group : RepoFiles.yaml("deploy/prometheus/alerts.yml").get("groups")) {
            group.get("rules").forEach(r -> alerts.add(r.get("alert").asText()));
        }
        Set<String> fires = new TreeSet<>();
        Set<String> silent = new TreeSet<>();
        for (JsonNode test : RepoFiles.yaml(TESTS).get("tests")) {
            for (JsonNode c : test.get("alert_rule_test")) {
                (c.get("exp_alerts").isEmpty() ? silent : fires).add(c.get("alertname").asText());
            }
        }

        assertThat(fires).as("alerts with a case where they fire").containsAll(alerts);
        assertThat(silent).as("alerts with a case where they stay silent").containsAll(alerts);
    }

    @Test
    void shouldPassPromtoolsUnitTestsOfTheAlertRules() throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        if (!Files.isExecutable(promtool)) {
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException("promtool is missing: .ci/run installs Debian's prometheus package");
            }
            assumeTrue(false, "promtool not installed (apt-get install prometheus); skipped outside CI");
        }
        Path root = RepoFiles.root();
        Process p = new ProcessBuilder(promtool.toString(), "test", "rules", TESTS).directory(root.toFile())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();

        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("SUCCESS");
    }

    @Test
    void shouldFailPromtoolWhenAnAlertNoLongerFiresOnItsCondition() throws Exception {
        // Given the rules with one threshold raised out of reach
        Path promtool = Path.of("/usr/bin/promtool");
        assumeTrue(Files.isExecutable(promtool), "promtool not installed");
        Path dir = Files.createTempDirectory("alerts");
        String rules = RepoFiles.text("deploy/prometheus/alerts.yml")
                .replace("expr: max(lethe_recheck_resurrected) > 0", "expr: max(lethe_recheck_resurrected) > 1000");
        Files.writeString(dir.resolve("alerts.yml"), rules);
        Files.copy(RepoFiles.file(TESTS), dir.resolve("alerts.test.yml"));

        // When promtool runs the same tests
        Process p = new ProcessBuilder(promtool.toString(), "test", "rules", "alerts.test.yml").directory(dir.toFile())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);

        // Then they fail, naming the alert
        assertThat(p.exitValue()).isNotZero();
        assertThat(output).contains("LetheErasedDataCameBack");
        deleteQuietly(dir);
    }

    private static void deleteQuietly(Path dir) throws IOException {
        List<Path> all = new ArrayList<>();
        try (var s = Files.walk(dir)) {
            s.forEach(all::add);
        }
        for (int i = all.size() - 1; i >= 0; i--) {
            Files.deleteIfExists(all.get(i));
        }
    }
}
