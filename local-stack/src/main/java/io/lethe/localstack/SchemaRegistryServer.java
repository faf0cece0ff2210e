package io.lethe.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Schema Registry, Apicurio Registry {@value #VERSION}, serving the Confluent-compatible
 * API ({@link #url()}, {@code /apis/ccompat/v7}), run as a child JVM like {@link KafkaBroker}.
 *
 * <p>The distribution is the {@code io.apicurio:apicurio-registry-app:<version>:tar.gz:all}
 * artifact, which the {@code local-stack} build resolves into the local Maven repository
 * (or {@code -Dlethe.registry.dist} / {@code LETHE_REGISTRY_DIST}); it is unpacked once into
 * {@code ~/.cache/lethe/apicurio-registry-<version>} (or under {@code XDG_CACHE_HOME}), shared by
 * every JVM on the machine. It needs Java 21+: {@code -Dlethe.registry.java} /
 * {@code LETHE_REGISTRY_JAVA} (a {@code java} binary), else this JVM if it is 21+, else the
 * newest JDK under {@code /usr/lib/jvm}.
 *
 * <p>{@link #start(Path)} keeps the schemas in memory: a restart forgets them (and hands out ids
 * from 1 again). {@link #startPersistent(Path)} keeps them in an H2 file database in the work
 * directory. Either way the work directory records the ports, so a later start on it (and
 * {@link #startAgain()}) serves the same URL; the log is {@code registry.log} there.
 * Listens on 127.0.0.1 only. Not for production.
 */
public final class SchemaRegistryServer implements AutoCloseable {

    /** The Apicurio Registry version; the {@code apicurio.version} of local-stack's pom. */
    public static final String VERSION = "3.3.3";
    static final int MIN_JAVA = 21;

    private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryServer.class);
    private static final String PORTS_FILE = "lethe-registry.properties";
    private static final String PID_FILE = "registry.pid";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final Path workDir;
    private final boolean persistent;
    private final Path home;
    private final Path java;
    private final int port;
    private final int managementPort;
    private final Thread reaper = new Thread(this::destroyNow, "schema-registry-reaper");
    private volatile Process process;
    private Duration lastStartup = Duration.ZERO;

    private SchemaRegistryServer(Path workDir, boolean persistent, Path home, Path java, int port, int managementPort) {
        this.workDir = workDir;
        this.persistent = persistent;
        this.home = home;
        this.java = java;
        this.port = port;
        this.managementPort = managementPort;
    }

    /** Starts a registry that keeps its schemas in memory; logs and ports live in {@code workDir}. */
    public static SchemaRegistryServer start(Path workDir) {
        return start(workDir, false);
    }

    /** Starts a registry that keeps its schemas in an H2 file database under {@code workDir/h2}. */
    public static SchemaRegistryServer startPersistent(Path workDir) {
        return start(workDir, true);
    }

    private static SchemaRegistryServer start(Path workDir, boolean persistent) {
        Path dir = workDir.toAbsolutePath();
        try {
            Files.createDirectories(dir);
            Path java = javaBinary();
            Path home = unpacked(distribution());
            // a registry left running on this directory by a killed JVM holds the recorded ports
            Orphans.stop(dir.resolve(PID_FILE), marker(dir));
            int[] ports = ports(dir);
            SchemaRegistryServer server = new SchemaRegistryServer(dir, persistent, home, java, ports[0], ports[1]);
            Runtime.getRuntime().addShutdownHook(server.reaper);
            try {
                server.launch();
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the schema registry in " + dir, e);
        }
    }

    /** The Confluent-compatible API, e.g. {@code http://127.0.0.1:40123/apis/ccompat/v7}: Lethe's {@code schema.registry.url}. */
    public String url() {
        return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
    }

    public int port() {
        return port;
    }

    public Path workDir() {
        return workDir;
    }

    public Path log() {
        return workDir.resolve("registry.log");
    }

    public boolean persistent() {
        return persistent;
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The registry's OS process id, for fault injection; -1 when stopped. */
    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    /** How long the last (re)start took until the API answered. */
    public synchronized Duration lastStartup() {
        return lastStartup;
    }

    /** Stops the registry gracefully (SIGTERM, then SIGKILL after 30 s); {@link #startAgain()} brings it back. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        Processes.stop(process);
        process = null;
    }

    /** SIGKILL, as a crashed registry; {@link #startAgain()} brings it back. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /**
     * Starts the registry again on the same ports (so {@link #url()} still holds) after
     * {@link #stop()} or {@link #kill()}; waits until it answers. In memory, it has forgotten every schema.
     */
    public synchronized void startAgain() {
        if (isAlive()) {
            throw new IllegalStateException("the schema registry at " + url() + " is running");
        }
        launch();
    }

    /** {@link #stop()}, then {@link #startAgain()}. */
    public synchronized void restart() {
        stop();
        launch();
    }

    @Override
    public synchronized void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs, and finds nothing to kill
        }
    }

    /** The shutdown hook: not synchronized, so that it cannot wait behind a start in progress. */
    private void destroyNow() {
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
        }
    }

    private synchronized void launch() {
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        cmd.add("-Xmx300m");
        // C1 only: ready in about 4.5 s instead of 6.5-7.5 s on two cores, plenty fast for tests and dev
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add(marker(workDir));
        cmd.add("-Dquarkus.http.host=127.0.0.1");
        cmd.add("-Dquarkus.http.port=" + port);
        // the management interface (health, metrics) defaults to 0.0.0.0:9000
        cmd.add("-Dquarkus.management.host=127.0.0.1");
        cmd.add("-Dquarkus.management.port=" + managementPort);
        cmd.add("-Dapicurio.storage.snapshot.location=" + workDir);
        // one client at a time here: the default pool opens 20 connections up front
        cmd.add("-Dapicurio.datasource.jdbc.initial-size=2");
        cmd.add("-Dapicurio.datasource.jdbc.min-size=2");
        cmd.add("-Dapicurio.datasource.jdbc.max-size=20");
        if (persistent) {
            cmd.add("-Dapicurio.datasource.url=jdbc:h2:file:" + workDir.resolve("h2").resolve("registry"));
        }
        cmd.add("-jar");
        cmd.add(home.resolve("quarkus-run.jar").toString());
        Instant begin = Instant.now();
        try {
            Files.writeString(log(), "---- " + begin + " starting Apicurio Registry " + VERSION + " with " + java + "\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
            process = pb.start();
            Files.writeString(workDir.resolve(PID_FILE), Long.toString(process.pid()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot launch the schema registry (" + java + ")", e);
        }
        awaitReady(begin.plus(READY_TIMEOUT));
        lastStartup = Duration.between(begin, Instant.now());
        LOG.info("schema registry ready at {} in {} ms (Apicurio {}, pid {}, {}, log {})", url(), lastStartup.toMillis(),
                VERSION, process.pid(), persistent ? "H2 in " + workDir.resolve("h2") : "in memory", log());
    }

    private void awaitReady(Instant deadline) {
        HttpRequest probe = HttpRequest.newBuilder(URI.create(url() + "/subjects")).timeout(Duration.ofSeconds(2)).build();
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                int code = process.exitValue();
                process = null;
                throw new IllegalStateException("the schema registry exited with " + code + "; " + tail());
            }
            try {
                if (HTTP.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop();
                throw new IllegalStateException("interrupted while starting the schema registry", e);
            }
            KafkaBroker.sleep(100);
        }
        stop();
        throw new IllegalStateException("the schema registry did not answer " + probe.uri() + " within " + READY_TIMEOUT + "; " + tail());
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log());
            return "the end of " + log() + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "see " + log();
        }
    }

    /** On the command line so that {@link Orphans} recognises a registry of this directory. */
    private static String marker(Path dir) {
        return "-Dlethe.registry.dir=" + dir;
    }

    /** The ports recorded in {@code dir}, or new ones (recorded) when there are none or they are taken. */
    private static int[] ports(Path dir) throws IOException {
        Path file = dir.resolve(PORTS_FILE);
        if (Files.exists(file)) {
            Properties p = new Properties();
            try (var r = Files.newBufferedReader(file)) {
                p.load(r);
            }
            int port = Integer.parseInt(p.getProperty("port"));
            int management = Integer.parseInt(p.getProperty("management.port"));
            if (bindable(port) && bindable(management)) {
                return new int[] {port, management};
            }
            LOG.warn("ports {} / {} recorded in {} are taken; the schema registry moves to new ones", port, management, file);
        }
        int port = KafkaBroker.freePort();
        int management = KafkaBroker.freePort();
        while (management == port) {
            management = KafkaBroker.freePort();
        }
        Properties p = new Properties();
        p.setProperty("port", Integer.toString(port));
        p.setProperty("management.port", Integer.toString(management));
        try (Writer w = Files.newBufferedWriter(file)) {
            p.store(w, "ports of the schema registry of this directory");
        }
        return new int[] {port, management};
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    // ---- the distribution

    /** The distribution tarball: {@code lethe.registry.dist} / {@code LETHE_REGISTRY_DIST}, else the local Maven repository's. */
    static Path distribution() {
        Optional<String> given = setting("lethe.registry.dist", "LETHE_REGISTRY_DIST");
        if (given.isPresent()) {
            Path p = Path.of(given.get());
            if (!Files.isRegularFile(p)) {
                throw new IllegalStateException("the schema registry distribution " + p
                        + " (lethe.registry.dist / LETHE_REGISTRY_DIST) does not exist");
            }
            return p;
        }
        Path p = localRepository().resolve("io/apicurio/apicurio-registry-app/" + VERSION
                + "/apicurio-registry-app-" + VERSION + "-all.tar.gz");
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("the Apicurio Registry " + VERSION + " distribution is not at " + p
                    + "; run ./mvnw -pl local-stack generate-resources to fetch it (or set LETHE_REGISTRY_DIST)");
        }
        return p;
    }

    private static Path localRepository() {
        // maven.repo.local: as given to Maven; localRepository: what Surefire tells a test JVM
        return setting("maven.repo.local", null).or(() -> setting("localRepository", null)).map(Path::of)
                .orElse(Path.of(System.getProperty("user.home"), ".m2", "repository"));
    }

    /**
     * The distribution unpacked into the shared cache, once: into a temporary directory first,
     * then renamed, so that JVMs starting at the same time never see half of it.
     */
    static Path unpacked(Path tarball) throws IOException {
        Path cacheRoot = setting(null, "XDG_CACHE_HOME").map(Path::of)
                .orElse(Path.of(System.getProperty("user.home"), ".cache")).resolve("lethe");
        Path home = cacheRoot.resolve("apicurio-registry-" + VERSION);
        if (Files.isRegularFile(home.resolve("quarkus-run.jar"))) {
            return home;
        }
        Files.createDirectories(cacheRoot);
        Path tmp = Files.createTempDirectory(cacheRoot, "apicurio-registry-" + VERSION + ".unpacking-");
        try {
            LOG.info("unpacking {} into {}", tarball, home);
            Process tar = new ProcessBuilder("tar", "xzf", tarball.toAbsolutePath().toString(), "-C", tmp.toString())
                    .redirectErrorStream(true).start();
            String out = new String(tar.getInputStream().readAllBytes());
            if (tar.waitFor() != 0 || !Files.isRegularFile(tmp.resolve("quarkus-run.jar"))) {
                throw new IllegalStateException("cannot unpack " + tarball + " (tar exited " + tar.exitValue()
                        + ", quarkus-run.jar " + (Files.exists(tmp.resolve("quarkus-run.jar")) ? "present" : "missing") + "): " + out);
            }
            try {
                Files.move(tmp, home, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                if (!Files.isRegularFile(home.resolve("quarkus-run.jar"))) {
                    throw e;
                }
                // another JVM was faster
            }
            return home;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while unpacking " + tarball, e);
        } finally {
            deleteTree(tmp);
        }
    }

    /** A {@code java} of version 21+ for the registry, or a failure naming every place looked at. */
    static Path javaBinary() {
        return javaBinary(Path.of("/usr/lib/jvm"));
    }

    static Path javaBinary(Path jvms) {
        List<String> looked = new ArrayList<>();
        Optional<String> given = setting("lethe.registry.java", "LETHE_REGISTRY_JAVA");
        if (given.isPresent()) {
            // an explicit choice is not second-guessed: unusable, it fails rather than falls back
            Path bin = Path.of(given.get());
            if (!Files.isExecutable(bin)) {
                throw new IllegalStateException("lethe.registry.java / LETHE_REGISTRY_JAVA = " + bin + " is not an executable");
            }
            Path javaHome = bin.toAbsolutePath().getParent() == null ? null : bin.toAbsolutePath().getParent().getParent();
            int v = javaVersion(javaHome);
            if (v != 0 && v < MIN_JAVA) {
                throw new IllegalStateException("Apicurio Registry " + VERSION + " needs Java " + MIN_JAVA
                        + " or newer; lethe.registry.java / LETHE_REGISTRY_JAVA = " + bin + " is Java " + v);
            }
            return bin;
        }
        looked.add("lethe.registry.java / LETHE_REGISTRY_JAVA (unset)");
        if (Runtime.version().feature() >= MIN_JAVA) {
            return Path.of(System.getProperty("java.home"), "bin", "java");
        }
        looked.add("this JVM (Java " + Runtime.version().feature() + ", " + System.getProperty("java.home") + ")");
        Path best = null;
        int bestVersion = 0;
        if (Files.isDirectory(jvms)) {
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(jvms)) {
                List<Path> sorted = new ArrayList<>();
                dirs.forEach(sorted::add);
                // the newest wins; among equal versions, temurin-* first
                sorted.sort(Comparator.comparing((Path d) -> !d.getFileName().toString().startsWith("temurin-"))
                        .thenComparing(Path::toString));
                for (Path d : sorted) {
                    int v = javaVersion(d);
                    Path bin = d.resolve("bin/java");
                    if (v > bestVersion && Files.isExecutable(bin)) {
                        best = bin;
                        bestVersion = v;
                    }
                }
            } catch (IOException e) {
                looked.add(jvms + " (unreadable: " + e.getMessage() + ")");
            }
        }
        if (best != null && bestVersion >= MIN_JAVA) {
            return best;
        }
        looked.add(jvms + "/*" + (best == null ? " (no JDK)" : " (newest: Java " + bestVersion + ", " + best + ")"));
        throw new IllegalStateException("Apicurio Registry " + VERSION + " needs Java " + MIN_JAVA + " or newer; looked at: "
                + String.join("; ", looked) + ". Install one, or set LETHE_REGISTRY_JAVA to its bin/java");
    }

    /** The feature version of the JDK at {@code javaHome} from its {@code release} file; 0 when unknown. */
    static int javaVersion(Path javaHome) {
        if (javaHome == null) {
            return 0;
        }
        try (Stream<String> lines = Files.lines(javaHome.resolve("release"))) {
            return lines.filter(l -> l.startsWith("JAVA_VERSION=")).findFirst()
                    .map(l -> l.substring("JAVA_VERSION=".length()).replace("\"", "").trim())
                    .map(SchemaRegistryServer::feature)
                    .orElse(0);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** {@code "25.0.3"} → 25, {@code "21"} → 21, {@code "1.8.0_292"} → 8. */
    static int feature(String version) {
        String[] parts = version.split("[._+-]");
        return Integer.parseInt(parts[0].equals("1") && parts.length > 1 ? parts[1] : parts[0]);
    }

    private static Optional<String> setting(String property, String env) {
        return Optional.ofNullable(property == null ? null : System.getProperty(property))
                .or(() -> Optional.ofNullable(env == null ? null : System.getenv(env)))
                .filter(v -> !v.isBlank());
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", dir, e.toString());
        }
    }
}
