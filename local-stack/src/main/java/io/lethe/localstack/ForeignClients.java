package io.lethe.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Assumptions;

/**
 * Kafka clients that Lethe's own code did not write, for tests that must drive Lethe the way
 * other teams' services do: librdkafka through Debian's {@code python3-confluent-kafka} (1.7,
 * librdkafka 2.0) with {@code python3-avro}, and kafkajs 2.2.4 with
 * {@code @kafkajs/confluent-schema-registry} 3.9.0 on Node.
 *
 * <p>Why they exist: a test that both writes and reads with Lethe's Java serializers and the
 * Java producer only proves Lethe agrees with itself. Records from these clients show that Lethe
 * reads what others write (Confluent wire format, schema ids from the registry) and writes what
 * others can read. They also partition differently: librdkafka's default partitioner,
 * {@code consistent_random}, takes the CRC32 of the key, where the Java client takes murmur2, so
 * the same key lands on different partitions, and any Lethe code that assumes a key's partition
 * (co-partitioning, "find the record for this subject") must cope. {@link #librdkafkaPartition}
 * computes librdkafka's choice.
 *
 * <p>Each call runs a short-lived child process with a timeout, from a script that is copied out
 * of the class path ({@code io/lethe/localstack/clients/}) into a temp dir; on failure the
 * exception carries the child's stderr. The Python clients are the system's
 * {@value #PYTHON} (never a pyenv or virtualenv one), where apt installs them. The Node packages
 * are installed with npm on first use into {@code ~/.cache/lethe/node-clients/} (or
 * {@code $LETHE_NODE_CLIENTS_CACHE}), in a temp dir that is then renamed, so JVMs running at the
 * same time do not clash. Tests call {@link #requirePython()} / {@link #requireNode()} first:
 * without the tools they are skipped, except in CI (env {@code CI=true}), where they fail.
 */
public final class ForeignClients {

    public static final String PYTHON = "/usr/bin/python3";
    public static final String KAFKAJS_VERSION = "2.2.4";
    public static final String SCHEMA_REGISTRY_CLIENT_VERSION = "3.9.0";

    static final String PYTHON_MISSING =
            "Python Kafka clients not installed: apt-get install python3-confluent-kafka python3-avro";
    static final String NODE_MISSING = "Node.js (>= 14) with npm not found on PATH";

    private static final String RESOURCES = "/io/lethe/localstack/clients/";
    private static final Duration PRODUCE_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration NPM_TIMEOUT = Duration.ofMinutes(5);
    /** Node start-up, connecting and leaving the group, on top of the caller's read timeout. */
    private static final Duration NODE_OVERHEAD = Duration.ofSeconds(30);
    private static final Pattern PRODUCED = Pattern.compile(
            "\\{\\s*\"partition\"\\s*:\\s*(-?\\d+)\\s*,\\s*\"offset\"\\s*:\\s*(-?\\d+)\\s*}");

    private static final Object LOCK = new Object();
    private static Boolean python;
    private static Boolean node;
    private static Path nodeModules;

    private ForeignClients() {
    }

    /** Whether {@value #PYTHON} can import {@code confluent_kafka}, its Avro serializer, and {@code avro}. */
    public static boolean pythonAvailable() {
        synchronized (LOCK) {
            if (python == null) {
                python = Files.isExecutable(Path.of(PYTHON))
                        && probe(List.of(PYTHON, "-c", "import confluent_kafka, confluent_kafka.avro, avro"));
            }
            return python;
        }
    }

    /** Whether {@code node} (14 or later, as kafkajs needs) and {@code npm} are on the PATH. */
    public static boolean nodeAvailable() {
        synchronized (LOCK) {
            if (node == null) {
                node = probe(List.of("node", "-e", "process.exit(Number(process.versions.node.split('.')[0]) >= 14 ? 0 : 1)"))
                        && probe(List.of("npm", "--version"));
            }
            return node;
        }
    }

    /** Skips the calling test when the Python clients are missing; fails it instead in CI (env CI=true). */
    public static void requirePython() {
        require(pythonAvailable(), PYTHON_MISSING);
    }

    /** Skips the calling test when Node is missing; fails it instead in CI (env CI=true). */
    public static void requireNode() {
        require(nodeAvailable(), NODE_MISSING);
    }

    /**
     * Produces one record with librdkafka: acks=all, the default partitioner, key as UTF-8.
     *
     * @return the partition librdkafka chose (for a non-empty key: {@link #librdkafkaPartition})
     */
    public static int produceRaw(String bootstrap, String topic, String key, byte[] value) {
        Path dir = scriptDir("produce_raw.py");
        try {
            String out = run(List.of(PYTHON, dir.resolve("produce_raw.py").toString(), "--key-hex",
                            bootstrap, topic, hex(key), "-"),
                    HexFormat.of().formatHex(value), PRODUCE_TIMEOUT, Map.of(), dir);
            return producedPartition(out);
        } finally {
            deleteTree(dir);
        }
    }

    /**
     * Produces one record whose value is Avro in the Confluent wire format, with the schema
     * registered under {@code topic + "-value"} through the registry's Confluent API (the legacy
     * {@code confluent_kafka.avro} serializer), and whose key is the plain UTF-8 string. acks=all,
     * librdkafka's default partitioner.
     *
     * @param registryUrl a Confluent-compatible API, e.g. {@code http://127.0.0.1:18081/apis/ccompat/v7}
     * @param schemaJson  the value's Avro schema (.avsc text)
     * @param valueJson   the value as a JSON object in Python avro's datum form: union values bare,
     *                    not wrapped as {@code {"string": ...}}
     * @return the partition librdkafka chose
     */
    public static int produceAvro(String bootstrap, String registryUrl, String topic, String key,
                                  String schemaJson, String valueJson) {
        Path dir = scriptDir("produce_avro.py", "produce_raw.py");
        try {
            Path schema = dir.resolve("value.avsc");
            Files.writeString(schema, schemaJson, StandardCharsets.UTF_8);
            String out = run(List.of(PYTHON, dir.resolve("produce_avro.py").toString(), "--key-hex",
                            bootstrap, registryUrl, topic, hex(key), schema.toString(), "-"),
                    valueJson, PRODUCE_TIMEOUT, Map.of(), dir);
            return producedPartition(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteTree(dir);
        }
    }

    /**
     * Reads {@code count} records of {@code topic} from the beginning with kafkajs (fresh group
     * id) and decodes each value with {@code @kafkajs/confluent-schema-registry}'s
     * {@code registry.decode()}. Installs the Node packages on first use.
     *
     * @return one JSON object per record, in the order read (per partition in offset order):
     *         {@code {"key": <UTF-8 string or null>, "partition": N, "offset": M, "value": <decoded>}},
     *         Avro bytes/fixed as base64, longs beyond 2^53 as decimal strings
     * @throws IllegalStateException when fewer than {@code count} arrive within {@code timeout}
     *         or a value does not decode
     */
    public static List<String> consumeWithRegistry(String bootstrap, String registryUrl, String topic,
                                                   int count, Duration timeout) {
        Path modules = nodeModules();
        Path dir = scriptDir("consume_registry.mjs");
        try {
            // ESM imports resolve against the script's directory, not NODE_PATH.
            Files.createSymbolicLink(dir.resolve("node_modules"), modules);
            String out = run(List.of("node", dir.resolve("consume_registry.mjs").toString(),
                            bootstrap, registryUrl, topic, Integer.toString(count), Long.toString(timeout.toMillis())),
                    null, timeout.plus(NODE_OVERHEAD), Map.of("KAFKAJS_NO_PARTITIONER_WARNING", "1"), dir);
            List<String> lines = out.lines().filter(l -> !l.isBlank()).toList();
            if (lines.size() != count) {
                throw new IllegalStateException("expected " + count + " records from " + topic + ", got "
                        + lines.size() + ":\n" + out);
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteTree(dir);
        }
    }

    /**
     * The partition librdkafka's default partitioner ({@code consistent_random}) picks for a
     * non-empty key: the CRC32 of the key's UTF-8 bytes, modulo the partition count. Java's
     * producer uses {@code toPositive(murmur2(key)) % partitions} instead. Empty and null keys
     * are placed at random by librdkafka, so they have no answer here.
     */
    public static int librdkafkaPartition(String key, int partitions) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("librdkafka places empty and null keys at random");
        }
        if (partitions <= 0) {
            throw new IllegalArgumentException("partitions must be positive: " + partitions);
        }
        CRC32 crc = new CRC32();
        crc.update(key.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % partitions); // unsigned 32-bit, as rd_crc32() returns
    }

    // ---------------------------------------------------------------------------------------

    private static void require(boolean available, String missing) {
        if (!available) {
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException(missing + " (foreign-client tests are mandatory in CI)");
            }
            Assumptions.abort(missing);
        }
    }

    private static int producedPartition(String out) {
        Matcher m = PRODUCED.matcher(out.strip());
        if (!m.matches()) {
            throw new IllegalStateException("unexpected producer output: " + out);
        }
        return Integer.parseInt(m.group(1));
    }

    private static String hex(String key) {
        return HexFormat.of().formatHex(key.getBytes(StandardCharsets.UTF_8));
    }

    /** The Node packages, installed on first use. */
    private static Path nodeModules() {
        synchronized (LOCK) {
            if (nodeModules == null) {
                if (!nodeAvailable()) {
                    throw new IllegalStateException(NODE_MISSING);
                }
                Path cache = Path.of(System.getenv().getOrDefault("LETHE_NODE_CLIENTS_CACHE",
                        Path.of(System.getProperty("user.home"), ".cache", "lethe", "node-clients").toString()));
                Path target = cache.resolve("kafkajs-" + KAFKAJS_VERSION + "_csr-" + SCHEMA_REGISTRY_CLIENT_VERSION);
                if (!installed(target)) {
                    install(cache, target);
                }
                nodeModules = target.resolve("node_modules");
            }
            return nodeModules;
        }
    }

    private static boolean installed(Path target) {
        return Files.isRegularFile(target.resolve("node_modules/kafkajs/package.json"))
                && Files.isRegularFile(target.resolve("node_modules/@kafkajs/confluent-schema-registry/package.json"));
    }

    private static void install(Path cache, Path target) {
        Path tmp;
        try {
            Files.createDirectories(cache);
            tmp = Files.createTempDirectory(cache, ".installing-");
            // Its own package.json, so npm does not walk up and install into a parent project.
            Files.writeString(tmp.resolve("package.json"),
                    "{\"name\":\"lethe-node-clients\",\"version\":\"1.0.0\",\"private\":true}\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            run(List.of("npm", "install", "--no-audit", "--no-fund", "--no-progress",
                            "kafkajs@" + KAFKAJS_VERSION,
                            "@kafkajs/confluent-schema-registry@" + SCHEMA_REGISTRY_CLIENT_VERSION),
                    null, NPM_TIMEOUT, Map.of(), tmp);
            if (!installed(tmp)) {
                throw new IllegalStateException("npm install left no kafkajs in " + tmp);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // Another JVM renamed its complete install into place first: use that one.
                if (!installed(target)) {
                    throw new IllegalStateException("could not move " + tmp + " to " + target, e);
                }
            }
        } finally {
            deleteTree(tmp);
        }
    }

    /** A fresh temp dir holding copies of the scripts from the class path. */
    private static Path scriptDir(String... scripts) {
        try {
            Path dir = Files.createTempDirectory("lethe-foreign-");
            for (String script : scripts) {
                try (InputStream in = ForeignClients.class.getResourceAsStream(RESOURCES + script)) {
                    if (in == null) {
                        throw new IllegalStateException("script not on the class path: " + RESOURCES + script);
                    }
                    Files.copy(in, dir.resolve(script));
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean probe(List<String> command) {
        try {
            run(command, null, PROBE_TIMEOUT, Map.of(), null);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Runs a command to its end within {@code timeout}, with {@code stdin} (or nothing) as its
     * input, and returns its stdout. Output goes to files, so neither pipe can fill and block it.
     */
    private static String run(List<String> command, String stdin, Duration timeout, Map<String, String> env, Path cwd) {
        Path out = null;
        Path err = null;
        Process process = null;
        try {
            out = Files.createTempFile("lethe-foreign-", ".out");
            err = Files.createTempFile("lethe-foreign-", ".err");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            if (cwd != null) {
                builder.directory(cwd.toFile());
            }
            builder.environment().put("PYTHONUTF8", "1");
            builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
            builder.environment().putAll(env);
            if (stdin == null) {
                builder.redirectInput(ProcessBuilder.Redirect.from(nullFile()));
            }
            process = builder.start();
            if (stdin != null) {
                try (var in = process.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                Processes.stop(process);
                throw new IllegalStateException("timed out after " + timeout + ": " + String.join(" ", command)
                        + "\nstderr:\n" + Files.readString(err, StandardCharsets.UTF_8)
                        + "\nstdout:\n" + Files.readString(out, StandardCharsets.UTF_8));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("exit " + process.exitValue() + ": " + String.join(" ", command)
                        + "\nstderr:\n" + Files.readString(err, StandardCharsets.UTF_8)
                        + "\nstdout:\n" + Files.readString(out, StandardCharsets.UTF_8));
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (process != null) {
                process.destroyForcibly();
            }
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static java.io.File nullFile() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    private static void deleteQuietly(Path path) {
        if (path != null) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // a temp file; the OS cleans up
            }
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            List<Path> all = paths.sorted(Comparator.reverseOrder()).toList();
            for (Path path : all) {
                Files.deleteIfExists(path); // a symlink is deleted, never followed
            }
        } catch (NoSuchFileException gone) {
            // already gone
        } catch (IOException | UncheckedIOException e) {
            // a temp dir; leave it rather than fail the caller
        }
    }
}
