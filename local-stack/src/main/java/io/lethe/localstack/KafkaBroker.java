package io.lethe.localstack;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka broker (KRaft, broker and controller in one process),
 * run as a child JVM from the {@code kafka_2.13} server jar on this JVM's class path.
 *
 * <p>A child process rather than in-process so that it can be killed and restarted like a
 * real broker (fault tests) and so that its threads and logs stay out of the service JVM.
 * The data directory keeps the ports it was formatted with ({@code lethe-broker.properties}),
 * so a restart on the same directory keeps every topic and offset.
 * Not for production: one node, replication factor 1.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);
    private static final String PORTS_FILE = "lethe-broker.properties";

    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private Process process;

    private KafkaBroker(Path dataDir, int port, int controllerPort) {
        this.dataDir = dataDir;
        this.port = port;
        this.controllerPort = controllerPort;
    }

    /**
     * Starts a broker on {@code dataDir}, formatting it first when it is new.
     * A directory formatted before is started on its recorded ports.
     */
    public static KafkaBroker start(Path dataDir) {
        return start(dataDir, base64Uuid());
    }

    /** As {@link #start(Path)}, formatting a new directory with the given cluster id. */
    static KafkaBroker start(Path dataDir, String clusterId) {
        try {
            Files.createDirectories(dataDir);
            Path portsFile = dataDir.resolve(PORTS_FILE);
            KafkaBroker broker;
            if (Files.exists(portsFile)) {
                Properties p = load(portsFile);
                broker = new KafkaBroker(dataDir, Integer.parseInt(p.getProperty("port")),
                        Integer.parseInt(p.getProperty("controller.port")));
                broker.writeServerProperties();
            } else {
                broker = new KafkaBroker(dataDir, freePort(), freePort());
                broker.writeServerProperties();
                broker.format(clusterId);
                Properties p = new Properties();
                p.setProperty("port", Integer.toString(broker.port));
                p.setProperty("controller.port", Integer.toString(broker.controllerPort));
                try (Writer w = Files.newBufferedWriter(portsFile)) {
                    p.store(w, "ports this broker's data directory was formatted with");
                }
            }
            broker.launch();
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Kafka broker in " + dataDir, e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The broker's OS process id, for fault injection. */
    public long pid() {
        return process.pid();
    }

    /** Starts the broker again on the same data directory after {@link #stop()} or a kill. */
    public synchronized void restart() {
        stop();
        launch();
    }

    /** Stops the broker gracefully (SIGTERM, then SIGKILL after 30 s). */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        Processes.stop(process);
        process = null;
    }

    @Override
    public void close() {
        stop();
    }

    private Path serverProperties() {
        return dataDir.resolve("server.properties");
    }

    private void writeServerProperties() throws IOException {
        Path logs = dataDir.resolve("logs");
        Files.createDirectories(logs);
        String props = String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
                "inter.broker.listener.name=PLAINTEXT",
                "log.dirs=" + logs.toAbsolutePath(),
                "num.partitions=1",
                "auto.create.topics.enable=false",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=4",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=4",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "log.flush.interval.messages=9223372036854775807",
                "")
                + "\n";
        Files.writeString(serverProperties(), props);
    }

    private void format(String clusterId) throws IOException {
        // "--cluster-id=<id>" in one argument: a random base64 id starts with '-' one time in 64,
        // which the tool's argument parser would otherwise read as an option.
        List<String> cmd = javaCommand("kafka.tools.StorageTool", "format", "--cluster-id=" + clusterId,
                "--config", serverProperties().toString(), "--standalone", "--ignore-formatted");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dataDir.resolve("format.log").toFile()).start();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("formatting the Kafka storage failed; see " + dataDir.resolve("format.log"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while formatting Kafka storage", e);
        }
    }

    private synchronized void launch() {
        try {
            Orphans.stop(dataDir.resolve("broker.pid"), serverProperties().toString());
            File log = dataDir.resolve("broker.log").toFile();
            process = new ProcessBuilder(javaCommand("kafka.Kafka", serverProperties().toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log))
                    .start();
            Files.writeString(dataDir.resolve("broker.pid"), Long.toString(process.pid()));
            Process started = process;
            Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly, "kafka-broker-reaper"));
            awaitPort(Duration.ofSeconds(90));
            LOG.info("Kafka broker ready at {} (pid {}, data {})", bootstrapServers(), process.pid(), dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot launch Kafka broker", e);
        }
    }

    private void awaitPort(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Kafka broker exited with " + process.exitValue() + "; see " + dataDir.resolve("broker.log"));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                sleep(100);
            }
        }
        throw new IllegalStateException("Kafka broker did not open port " + port + " within " + timeout);
    }

    private static List<String> javaCommand(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xms256m");
        cmd.add("-Xmx1g");
        cmd.add("-XX:+UseParallelGC");
        cmd.add("-Dlog4j2.configurationFile=" + LOG4J2_CONFIG);
        cmd.add("-Dlogback.configurationFile=" + LOGBACK_CONFIG);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return cmd;
    }

    // The broker logs through whichever SLF4J provider the class path has; quiet both.
    private static final String LOG4J2_CONFIG = tempFile("lethe-broker-log4j2", ".properties", String.join("\n",
            "rootLogger.level=WARN", "rootLogger.appenderRef.out.ref=out",
            "appender.out.type=Console", "appender.out.name=out",
            "appender.out.layout.type=PatternLayout", "appender.out.layout.pattern=[%d] %p %m (%c)%n", ""));
    private static final String LOGBACK_CONFIG = tempFile("lethe-broker-logback", ".xml",
            "<configuration><appender name=\"out\" class=\"ch.qos.logback.core.ConsoleAppender\"><encoder>"
            + "<pattern>[%d] %level %msg \\(%logger\\)%n</pattern></encoder></appender>"
            + "<root level=\"WARN\"><appender-ref ref=\"out\"/></root></configuration>");

    private static String tempFile(String prefix, String suffix, String content) {
        try {
            Path f = Files.createTempFile(prefix, suffix);
            Files.writeString(f, content);
            f.toFile().deleteOnExit();
            return f.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A free TCP port on the loopback interface, for a broker, a database or a service to listen on. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String base64Uuid() {
        UUID u = UUID.randomUUID();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16);
        b.putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    private static Properties load(Path f) throws IOException {
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(f)) {
            p.load(r);
        }
        return p;
    }

    /** Sleeps, turning an interrupt into an exception (the interrupt flag kept); shared by the local servers. */
    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
