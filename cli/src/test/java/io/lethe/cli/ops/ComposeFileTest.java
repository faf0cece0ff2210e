package io.lethe.cli.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.runtime.config.Keys;
import io.lethe.runtime.config.LetheConfig;
import io.lethe.scanner.RetentionScanner;
import io.lethe.scanner.ScannerSettings;
import io.lethe.worker.DeletionWorker;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml is consistent with the code: images, ports, health checks, start order,
 * and no environment variable that its service would silently ignore. No Docker engine is
 * needed: the file is parsed, not run.
 */
class ComposeFileTest {

    private static final JsonNode SERVICES = RepoFiles.yaml("docker-compose.yml").get("services");

    /** Keys the deletion-api reads: its declared settings. */
    private static final Set<String> API_KEYS = io.lethe.api.DeletionApi.SETTINGS.stream()
            .map(io.lethe.runtime.config.Setting::key).collect(java.util.stream.Collectors.toSet());

    private static final Map<String, Set<String>> KEYS_READ = Map.of(
            "deletion-api", union(common(), API_KEYS),
            "deletion-worker", union(common(), constants(DeletionWorker.class), DeletionWorker.DEFAULTS.keySet()),
            "retention-scanner", union(common(), constants(RetentionScanner.class), constants(ScannerSettings.class),
                    RetentionScanner.DEFAULTS.keySet()));

    private static final Map<String, Integer> PORTS = Map.of("deletion-api", 8080, "deletion-worker", 8081, "retention-scanner", 8082);
    private static final Map<String, String> MAIN_CLASSES = Map.of("deletion-api", "io.lethe.api.Main",
            "deletion-worker", DeletionWorker.class.getName(), "retention-scanner", RetentionScanner.class.getName());

    @Test
    void shouldRunTheWholeDeployment() {
        List<String> names = new ArrayList<>();
        SERVICES.fieldNames().forEachRemaining(names::add);

        assertThat(names).containsExactlyInAnyOrder("kafka", "postgres", "schema-registry", "deletion-api", "deletion-worker",
                "retention-scanner", "prometheus", "grafana");
        assertThat(SERVICES.get("kafka").get("image").asText())
                .isEqualTo("apache/kafka:" + io.lethe.localstack.KafkaVersion.current());
        assertThat(SERVICES.get("postgres").get("image").asText()).startsWith("postgres:");
        assertThat(SERVICES.get("schema-registry").get("image").asText()).isEqualTo("apicurio/apicurio-registry:"
                + io.lethe.localstack.SchemaRegistryServer.VERSION);
        for (String s : List.of("prometheus", "grafana", "postgres")) {
            assertThat(SERVICES.get(s).get("image").asText()).as(s + " image is pinned").doesNotEndWith(":latest").contains(":");
        }
    }

    @Test
    void shouldRunKafkaAsASingleKraftNodeWithoutAutoCreatedTopics() {
        JsonNode env = SERVICES.get("kafka").get("environment");

        assertThat(env.get("KAFKA_AUTO_CREATE_TOPICS_ENABLE").asText()).isEqualTo("false");
        assertThat(env.get("KAFKA_PROCESS_ROLES").asText()).isEqualTo("broker,controller");
        assertThat(env.get("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR").asText()).as("exactly_once_v2 on one broker").isEqualTo("1");
        assertThat(env.get("KAFKA_ADVERTISED_LISTENERS").asText()).contains("PLAINTEXT://kafka:9092");
        assertThat(SERVICES.get("kafka").get("healthcheck").get("test").toString()).contains("localhost:9092");
    }

    @Test
    void shouldBuildEachServiceFromThisRepoAndStartItsMainClass() {
        String dockerfile = RepoFiles.text("Dockerfile");
        // the image ships the slim services jar (ServiceArtifactIT checks its content), not the CLI with its tooling
        assertThat(dockerfile).contains("COPY --from=build /src/services/target/lethe-services.jar /app/lethe.jar")
                .contains("package -pl services -am").doesNotContain("lethe-cli.jar");
        assertThat(RepoFiles.text("services/pom.xml")).contains("<outputFile>${project.build.directory}/lethe-services.jar</outputFile>");
        // Maven reads every module of the reactor: the build stage must have them all
        java.util.regex.Matcher modules = java.util.regex.Pattern.compile("<module>([^<]+)</module>").matcher(RepoFiles.text("pom.xml"));
        while (modules.find()) {
            assertThat(dockerfile).as("Dockerfile copies module " + modules.group(1))
                    .contains("COPY " + modules.group(1) + "/ " + modules.group(1) + "/");
        }
        for (var e : MAIN_CLASSES.entrySet()) {
            JsonNode s = SERVICES.get(e.getKey());
            assertThat(s.get("build").get("context").asText()).isEqualTo(".");
            assertThat(texts(s.get("command"))).as(e.getKey()).containsExactly("java", "-cp", "/app/lethe.jar", e.getValue());
            // and the class really is a program in the jar
            assertThatCode(() -> Class.forName(e.getValue()).getMethod("main", String[].class)).as(e.getValue()).doesNotThrowAnyException();
        }
    }

    @Test
    void shouldPublishEachServicePortAndProbeReadinessThere() {
        for (var e : PORTS.entrySet()) {
            JsonNode s = SERVICES.get(e.getKey());
            int port = e.getValue();
            assertThat(texts(s.get("ports"))).as(e.getKey()).contains(port + ":" + port);
            assertThat(texts(s.get("healthcheck").get("test"))).as(e.getKey())
                    .contains("http://localhost:" + port + "/health/ready");
            String portKey = switch (e.getKey()) {
                case "deletion-api" -> "api.port";
                case "deletion-worker" -> DeletionWorker.HTTP_PORT;
                default -> RetentionScanner.HTTP_PORT;
            };
            assertThat(s.get("environment").get(LetheConfig.envName(portKey)).asText()).as(e.getKey()).isEqualTo(Integer.toString(port));
        }
        assertThat(DeletionWorker.DEFAULTS.get(DeletionWorker.HTTP_PORT)).isEqualTo("8081");
        assertThat(RetentionScanner.DEFAULTS.get(RetentionScanner.HTTP_PORT)).isEqualTo("8082");
    }

    @Test
    void shouldStartServicesOnlyOnceWhatTheyNeedIsHealthy() {
        assertThat(dependsOn("deletion-api")).containsEntry("kafka", "service_healthy");
        assertThat(dependsOn("deletion-worker")).containsEntry("kafka", "service_healthy").containsEntry("postgres", "service_healthy");
        assertThat(dependsOn("retention-scanner")).containsEntry("kafka", "service_healthy");
        assertThat(dependsOn("grafana")).containsKey("prometheus");
        assertThat(dependsOn("schema-registry")).containsEntry("postgres", "service_healthy");
        for (String s : PORTS.keySet()) {
            assertThat(dependsOn(s)).as(s).containsEntry("schema-registry", "service_healthy");
        }
        for (String s : List.of("kafka", "postgres", "schema-registry", "deletion-api", "deletion-worker", "retention-scanner", "prometheus", "grafana")) {
            assertThat(SERVICES.get(s).has("healthcheck")).as(s + " has a health check").isTrue();
        }
    }

    @Test
    void shouldSetOnlyEnvironmentKeysEachServiceReads() {
        for (var e : KEYS_READ.entrySet()) {
            Set<String> allowed = new HashSet<>();
            e.getValue().forEach(k -> allowed.add(LetheConfig.envName(k)));
            Set<String> unread = new TreeSet<>();
            SERVICES.get(e.getKey()).get("environment").fieldNames().forEachRemaining(name -> {
                // kafka.* is passed to the Kafka clients as it is (security settings)
                if (!allowed.contains(name) && !name.startsWith("LETHE_KAFKA_")) {
                    unread.add(name);
                }
            });
            assertThat(unread).as("variables " + e.getKey() + " does not read").isEmpty();
        }
    }

    @Test
    void shouldConfigureEveryServiceForOneBrokerAndItsStores() {
        for (String s : PORTS.keySet()) {
            JsonNode env = SERVICES.get(s).get("environment");
            assertThat(env.get("LETHE_KAFKA_BOOTSTRAP_SERVERS").asText()).as(s).isEqualTo("kafka:9092");
            assertThat(env.get("LETHE_TOPIC_REPLICATION_FACTOR").asText()).as(s).isEqualTo("1");
            assertThat(env.get("LETHE_TOPIC_PREFIX").asText()).as(s).isEqualTo("lethe.");
            assertThat(env.has("LETHE_TOPIC_PARTITIONS")).as(s).isTrue();
            assertThat(env.get("LETHE_SCHEMA_REGISTRY_URL").asText()).as(s).isEqualTo("http://schema-registry:8080/apis/ccompat/v7");
        }
        JsonNode worker = SERVICES.get("deletion-worker").get("environment");
        assertThat(worker.get("LETHE_JDBC_URL").asText()).startsWith("jdbc:postgresql://postgres:5432/");
        assertThat(worker.has("LETHE_JDBC_USER") && worker.has("LETHE_JDBC_PASSWORD")).isTrue();
        String blobDir = worker.get("LETHE_BLOB_DIR").asText();
        assertThat(texts(SERVICES.get("deletion-worker").get("volumes"))).anyMatch(v -> v.endsWith(":" + blobDir));
        assertThat(SERVICES.get("retention-scanner").get("environment").get("LETHE_SCANNER_INTERVAL").asText()).startsWith("PT");
        JsonNode api = SERVICES.get("deletion-api").get("environment");
        assertThat(api.has("LETHE_AUTH_ISSUER") && api.has("LETHE_AUTH_AUDIENCE")).isTrue();
        assertThat(api.has("LETHE_AUTH_JWKS_URL") || api.has("LETHE_AUTH_PUBLIC_KEY_FILE")).isTrue();
    }

    @Test
    void shouldKeepTheRegistrysSchemasInItsOwnDatabase() {
        // the records name their schemas by id: a registry that forgets them makes the topics unreadable
        JsonNode env = SERVICES.get("schema-registry").get("environment");
        assertThat(env.get("APICURIO_STORAGE_KIND").asText()).isEqualTo("sql");
        assertThat(env.get("APICURIO_STORAGE_SQL_KIND").asText()).isEqualTo("postgresql");
        assertThat(env.get("APICURIO_DATASOURCE_URL").asText()).isEqualTo("jdbc:postgresql://postgres:5432/registry");
        assertThat(texts(SERVICES.get("postgres").get("volumes"))).contains("./deploy/postgres/init:/docker-entrypoint-initdb.d:ro");
        assertThat(RepoFiles.text("deploy/postgres/init/10-registry.sql")).contains("CREATE DATABASE registry OWNER lethe;");
        assertThat(SERVICES.get("postgres").get("environment").get("POSTGRES_USER").asText())
                .isEqualTo(env.get("APICURIO_DATASOURCE_USERNAME").asText());
    }

    @Test
    void shouldMountTheMonitoringConfigurationThatExists() {
        List<String> prom = texts(SERVICES.get("prometheus").get("volumes"));
        assertThat(prom).contains("./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro",
                "./deploy/prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro");
        List<String> grafana = texts(SERVICES.get("grafana").get("volumes"));
        assertThat(grafana).contains("./deploy/grafana/provisioning:/etc/grafana/provisioning:ro");
        String provider = RepoFiles.yaml("deploy/grafana/provisioning/dashboards/lethe.yml")
                .get("providers").get(0).get("options").get("path").asText();
        assertThat(grafana).contains("./deploy/grafana/dashboards:" + provider + ":ro");
        for (String v : List.of(prom.get(0), prom.get(1), grafana.get(0), grafana.get(1))) {
            assertThat(RepoFiles.root().resolve(v.substring(2, v.indexOf(':')))).exists();
        }
    }

    private static Map<String, String> dependsOn(String service) {
        Map<String, String> out = new java.util.HashMap<>();
        JsonNode d = SERVICES.get(service).get("depends_on");
        if (d.isArray()) {
            d.forEach(n -> out.put(n.asText(), "service_started"));
        } else {
            d.fields().forEachRemaining(f -> out.put(f.getKey(), f.getValue().path("condition").asText("service_started")));
        }
        return out;
    }

    private static List<String> texts(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Set<String> common() {
        return union(constants(Keys.class), Keys.DEFAULTS.keySet());
    }

    private static Set<String> constants(Class<?> type) {
        return ConfigKeyConstants.of(type);
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> out = new HashSet<>();
        for (Set<String> s : sets) {
            out.addAll(s);
        }
        return out;
    }
}
