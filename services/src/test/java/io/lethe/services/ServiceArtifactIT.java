package io.lethe.services;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What is deployed is only the services: the shaded {@code lethe-services.jar} that the Dockerfile
 * ships holds the three services and none of the tooling.
 */
class ServiceArtifactIT {

    /** Package prefixes that must never be deployed, and why. */
    static final List<String> FORBIDDEN = List.of(
            "kafka/server/",            // a Kafka broker (kafka_2.13), for dev and tests only
            "io/zonky/",                // embedded PostgreSQL
            "io/lethe/localstack/",     // the dev/test broker and database
            "io/lethe/cli/",            // the CLI, with the bench and chaos harnesses
            "org/junit/", "org/assertj/", "org/testcontainers/", "org/openqa/selenium/");

    private static final Path JAR = Path.of("target", "lethe-services.jar");

    /** The entries of {@code jar} under a forbidden prefix, a few per prefix. */
    static List<String> forbiddenEntries(Path jar) throws IOException {
        List<String> found = new ArrayList<>();
        try (JarFile f = new JarFile(jar.toFile())) {
            f.stream().map(JarEntry::getName).filter(n -> FORBIDDEN.stream().anyMatch(n::startsWith)).limit(20).forEach(found::add);
        }
        return found;
    }

    @Test
    void shouldHoldTheThreeServicesAndNoneOfTheTooling() throws IOException {
        assertThat(JAR).as("built by the package phase").exists();

        assertThat(forbiddenEntries(JAR)).isEmpty();
        try (JarFile f = new JarFile(JAR.toFile())) {
            for (String main : Launch.SERVICES.values()) {
                assertThat(f.getEntry(main.replace('.', '/') + ".class")).as(main).isNotNull();
            }
            assertThat(f.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo(Launch.class.getName());
        }
    }

    @Test
    void shouldFindAForbiddenPackageInAJarThatHasOne(@TempDir Path dir) throws IOException {
        Path jar = dir.resolve("fat.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
            j.putNextEntry(new JarEntry("io/lethe/api/Main.class"));
            j.closeEntry();
            j.putNextEntry(new JarEntry("kafka/server/KafkaRaftServer.class"));
            j.closeEntry();
        }

        assertThat(forbiddenEntries(jar)).containsExactly("kafka/server/KafkaRaftServer.class");
    }

    @Test
    void shouldStopAServiceWithABadSettingAtOnceNamingTheKeyAndItsVariable() throws Exception {
        ProcessBuilder b = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                JAR.toString(), "io.lethe.worker.DeletionWorker").redirectErrorStream(true);
        b.environment().put("LETHE_WORKER_SCOPE_PROFILE", "Not A Type");
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(p.exitValue()).as(out).isEqualTo(2);
        assertThat(out).contains("deletion-worker: invalid configuration worker.scope.profile (LETHE_WORKER_SCOPE_PROFILE)='Not A Type'")
                .doesNotContain("\tat ");
    }

    @Test
    void shouldNameTheServicesWhenStartedWithoutOne() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                JAR.toString(), "billing").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(out).contains("usage: java -jar lethe-services.jar deletion-api|deletion-worker|retention-scanner (not billing)");
    }
}
