package io.lethe.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.localstack.LocalStackExtension.RegistryEndpoint;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class SchemaRegistryServerTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final String SCHEMA = "{\"type\":\"record\",\"name\":\"Erasure\",\"namespace\":\"io.lethe.test\","
            + "\"fields\":[{\"name\":\"customerId\",\"type\":\"string\"}]}";

    @Test
    void shouldRegisterAnAvroSchemaAndServeItBackById(RegistryEndpoint registry) throws Exception {
        // Given a subject of its own on the shared registry
        String subject = "registry-test-" + UUID.randomUUID() + "-value";
        // When an Avro schema is registered over the Confluent-compatible API
        int id = register(registry.url(), subject, SCHEMA);
        // Then it is served back by that id, and the subject is listed
        HttpResponse<String> byId = get(registry.url() + "/schemas/ids/" + id);
        assertThat(byId.statusCode()).isEqualTo(200);
        assertThat(byId.body()).contains(jsonString(SCHEMA));
        assertThat(get(registry.url() + "/subjects").body()).contains(subject);
        // and registering it again answers the same id
        assertThat(register(registry.url(), subject, SCHEMA)).isEqualTo(id);
    }

    @Test
    void shouldGoOfflineAndComeBackOnTheSameUrl() throws Exception {
        // Given the shared registry with a schema
        SchemaRegistryServer server = TestStack.schemaRegistryServer();
        assertThat(server).as("LETHE_TEST_SCHEMA_REGISTRY_URL set: no process of ours to stop").isNotNull();
        String url = TestStack.schemaRegistryUrl();
        String subject = "registry-outage-" + UUID.randomUUID() + "-value";
        register(url, subject, SCHEMA);
        // When it is stopped
        server.stop();
        try {
            // Then nothing answers there
            assertThat(server.isAlive()).isFalse();
            assertThatThrownBy(() -> get(url + "/subjects")).isInstanceOf(ConnectException.class);
        } finally {
            // And when it is started again, it answers on the same URL, empty (in memory)
            server.startAgain();
        }
        assertThat(server.url()).isEqualTo(url);
        HttpResponse<String> subjects = get(url + "/subjects");
        assertThat(subjects.statusCode()).isEqualTo(200);
        assertThat(subjects.body()).doesNotContain(subject);
        assertThat(server.lastStartup()).isLessThan(Duration.ofSeconds(90));
    }

    @Test
    void shouldKeepSchemasAcrossARestartWhenPersistent() throws Exception {
        // Given a persistent registry of its own with a schema
        Path dir = TestStack.newDirectory("registry-persistent");
        int id;
        String url;
        try (SchemaRegistryServer server = SchemaRegistryServer.startPersistent(dir)) {
            url = server.url();
            id = register(url, "persistent-value", SCHEMA);
        }
        // When a new one is started on the same directory
        try (SchemaRegistryServer server = SchemaRegistryServer.startPersistent(dir)) {
            // Then it serves the same URL and still knows the schema by its id
            assertThat(server.url()).isEqualTo(url);
            assertThat(get(url + "/schemas/ids/" + id).body()).contains("Erasure");
        }
        assertThat(dir.resolve("h2")).isDirectory();
    }

    @Test
    void shouldNameTheMissingDistributionAndHowToFetchIt() {
        String before = System.getProperty("lethe.registry.dist");
        System.setProperty("lethe.registry.dist", "/nonexistent/apicurio.tar.gz");
        try {
            assertThatThrownBy(SchemaRegistryServer::distribution).hasMessageContaining("/nonexistent/apicurio.tar.gz");
        } finally {
            if (before == null) {
                System.clearProperty("lethe.registry.dist");
            } else {
                System.setProperty("lethe.registry.dist", before);
            }
        }
    }

    @Test
    void shouldNameWhereItLookedForAJavaWhenNoneIsNewEnough() throws IOException {
        Assumptions.assumeTrue(Runtime.version().feature() < SchemaRegistryServer.MIN_JAVA, "this JVM would do");
        Assumptions.assumeTrue(System.getenv("LETHE_REGISTRY_JAVA") == null, "LETHE_REGISTRY_JAVA is set");
        // Given a JVM directory with only an old JDK
        Path jvms = TestStack.newDirectory("jvms");
        Path old = Files.createDirectories(jvms.resolve("temurin-17-jdk/bin"));
        Files.writeString(jvms.resolve("temurin-17-jdk/release"), "JAVA_VERSION=\"17.0.15\"\n");
        Files.createFile(old.resolve("java")).toFile().setExecutable(true);
        // Then the failure says what it needs and where it looked
        assertThatThrownBy(() -> SchemaRegistryServer.javaBinary(jvms))
                .hasMessageContaining("needs Java 21")
                .hasMessageContaining("LETHE_REGISTRY_JAVA")
                .hasMessageContaining(jvms + "/*")
                .hasMessageContaining("Java 17");
    }

    @Test
    void shouldReadJavaFeatureVersions() {
        assertThat(SchemaRegistryServer.feature("25.0.3")).isEqualTo(25);
        assertThat(SchemaRegistryServer.feature("21")).isEqualTo(21);
        assertThat(SchemaRegistryServer.feature("17.0.15+6")).isEqualTo(17);
        assertThat(SchemaRegistryServer.feature("1.8.0_292")).isEqualTo(8);
    }

    @Test
    void shouldRunTheVersionThatTheBuildFetches() throws IOException {
        // the pom resolves the tarball, the code looks it up by version: they must agree
        Path pom = Path.of(System.getProperty("basedir", "."), "pom.xml");
        assertThat(Files.readString(pom)).contains("<apicurio.version>" + SchemaRegistryServer.VERSION + "</apicurio.version>");
    }

    private static int register(String url, String subject, String schema) throws Exception {
        String body = "{\"schemaType\":\"AVRO\",\"schema\":" + jsonString(schema) + "}";
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/subjects/" + subject + "/versions"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Matcher m = Pattern.compile("\"id\"\\s*:\\s*(\\d+)").matcher(r.body());
        assertThat(m.find()).as(r.body()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String jsonString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
