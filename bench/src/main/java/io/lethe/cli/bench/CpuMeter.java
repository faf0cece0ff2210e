package io.lethe.cli.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * CPU time by part of the system, so that a scenario can report CPU milliseconds per profile for
 * each process: the parts of this JVM (grouped by thread name: the API, the worker's coordinator,
 * the erasers, the benchmark's own load generator, and the rest of the JVM such as GC and JIT),
 * the Kafka broker (a child process of the local stack), PostgreSQL (the postmaster in the
 * local stack's data directory and every backend it started), and services run as JVMs of their
 * own (by their threads: the JIT compiler threads, the GC threads and the rest).
 *
 * <p>Hand-written on purpose: it reads {@code /proc/<pid>/stat} (Linux; utime, stime and the
 * reaped children's cutime and cstime, in clock ticks of 10 ms) and the JVM's
 * {@link ThreadMXBean}; no library on the approved list does this. Threads that end between two
 * samples take their CPU time with them, which then shows under {@code jvmOther}. Outside
 * Linux, or against a cluster and database that are not the local stack's, the broker and
 * PostgreSQL are reported as -1.
 */
final class CpuMeter {

    /**
     * CPU nanoseconds at one moment: of each live Java thread of this JVM (by id, with its part),
     * and of the whole JVM, its JIT and GC threads, the broker and PostgreSQL ({@code -1}: not measured).
     */
    record Sample(Map<Long, Map.Entry<String, Long>> threads, Map<String, Long> processes) {
    }

    private static final long TICK_NANOS = 10_000_000L; // USER_HZ is 100 on Linux

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final long brokerPid;
    private final Path postgresDataDir;
    private final Function<String, String> part;
    private final Map<String, Long> services;

    /**
     * @param brokerPid       the broker's pid, or -1
     * @param postgresDataDir the local PostgreSQL's data directory (its postmaster.pid names the postmaster), or null
     * @param part            the part of this JVM a thread belongs to, by thread name
     */
    CpuMeter(long brokerPid, Path postgresDataDir, Function<String, String> part) {
        this(brokerPid, postgresDataDir, part, Map.of());
    }

    private CpuMeter(long brokerPid, Path postgresDataDir, Function<String, String> part, Map<String, Long> services) {
        this.brokerPid = brokerPid;
        this.postgresDataDir = postgresDataDir;
        this.part = part;
        this.services = services;
        if (threads.isThreadCpuTimeSupported() && !threads.isThreadCpuTimeEnabled()) {
            threads.setThreadCpuTimeEnabled(true);
        }
    }

    /** This meter, also measuring the JVM of a service with {@code pid}, as {@code name}, {@code nameJit} and {@code nameGc}. */
    CpuMeter withService(String name, long pid) {
        Map<String, Long> all = new LinkedHashMap<>(services);
        all.put(name, pid);
        return new CpuMeter(brokerPid, postgresDataDir, part, all);
    }

    Sample sample() {
        Map<Long, Map.Entry<String, Long>> byThread = new LinkedHashMap<>();
        long jvm = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long t = threads.getThreadCpuTime(info.getThreadId());
            if (t >= 0) {
                byThread.put(info.getThreadId(), Map.entry(part.apply(info.getThreadName()), t));
            }
        }
        // the JVM's own native threads (not visible to ThreadMXBean), from /proc/self/task by thread name
        long[] own = jvmThreads(Path.of("/proc/self/task"));
        Map<String, Long> p = new LinkedHashMap<>();
        p.put("jvm", jvm);
        p.put("jvmJit", own[0]);
        p.put("jvmGc", own[1]);
        p.put("broker", brokerPid > 0 ? processTreeNanos(List.of(brokerPid)) : -1);
        p.put("postgres", postgresPid() > 0 ? processTreeNanos(postgresFamily(postgresPid())) : -1);
        services.forEach((name, pid) -> {
            long total = processTreeNanos(List.of(pid));
            long[] t = jvmThreads(Path.of("/proc", Long.toString(pid), "task"));
            p.put(name, total < 0 ? -1 : total - t[0] - t[1]);
            p.put(name + "Jit", total < 0 ? -1 : t[0]);
            p.put(name + "Gc", total < 0 ? -1 : t[1]);
        });
        return new Sample(byThread, p);
    }

    /** CPU nanoseconds of a JVM's JIT compiler threads and GC threads, from its {@code /proc/<pid>/task} by thread name. */
    private static long[] jvmThreads(Path taskDir) {
        long jit = 0;
        long gc = 0;
        try (Stream<Path> tasks = Files.list(taskDir)) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String comm = Files.readString(task.resolve("comm")).strip();
                boolean isJit = comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler");
                boolean isGc = comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.equals("VM Thread");
                if (isJit || isGc) {
                    String[] f = fields(Files.readString(task.resolve("stat")));
                    long t = (Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK_NANOS;
                    if (isJit) {
                        jit += t;
                    } else {
                        gc += t;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or a thread that ended meanwhile: what is not read stays in the rest
        }
        return new long[] {jit, gc};
    }

    /**
     * CPU milliseconds per unit of work between two samples, by part ({@code -1} where not measured).
     * A thread counts with what it used between the samples (all of it if it started meanwhile);
     * threads that ended meanwhile cannot be read any more, and what they used shows in {@code jvmOther}
     * (the JVM's total minus everything attributed).
     */
    static Map<String, Double> msPer(Sample before, Sample after, long units) {
        Map<String, Long> nanos = new LinkedHashMap<>();
        after.threads().forEach((id, now) -> {
            Map.Entry<String, Long> was = before.threads().get(id);
            nanos.merge(now.getKey(), now.getValue() - (was == null ? 0 : was.getValue()), Long::sum);
        });
        long attributed = nanos.values().stream().mapToLong(Long::longValue).sum();
        long jit = after.processes().get("jvmJit") - before.processes().get("jvmJit");
        long gc = after.processes().get("jvmGc") - before.processes().get("jvmGc");
        nanos.put("jvmJit", jit);
        nanos.put("jvmGc", gc);
        nanos.put("jvmOther", after.processes().get("jvm") - before.processes().get("jvm") - attributed - jit - gc);
        Map<String, Double> out = new LinkedHashMap<>();
        nanos.forEach((k, v) -> out.put(k, v / 1e6 / units));
        for (String process : after.processes().keySet()) {
            if (process.equals("jvm") || process.equals("jvmJit") || process.equals("jvmGc")) {
                continue;
            }
            long b = before.processes().get(process);
            long a = after.processes().get(process);
            out.put(process, a < 0 || b < 0 ? -1 : (a - b) / 1e6 / units);
        }
        return out;
    }

    private long postgresPid() {
        if (postgresDataDir == null) {
            return -1;
        }
        try {
            List<String> lines = Files.readAllLines(postgresDataDir.resolve("postmaster.pid"));
            return lines.isEmpty() ? -1 : Long.parseLong(lines.get(0).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** The postmaster and its live children (backends, background workers). */
    private static List<Long> postgresFamily(long postmaster) {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            List<Long> family = new java.util.ArrayList<>(List.of(postmaster));
            procs.map(p -> p.getFileName().toString()).filter(s -> s.chars().allMatch(Character::isDigit)).map(Long::parseLong)
                    .filter(pid -> pid != postmaster && parent(pid) == postmaster).forEach(family::add);
            return family;
        } catch (IOException e) {
            return List.of(postmaster);
        }
    }

    /** utime + stime + cutime + cstime of each process, in nanoseconds; -1 when /proc cannot be read. */
    private static long processTreeNanos(List<Long> pids) {
        long total = 0;
        for (long pid : pids) {
            String[] f = stat(pid);
            if (f == null) {
                if (pid == pids.get(0)) {
                    return -1;
                }
                continue; // a backend that ended meanwhile: its time is in the postmaster's cutime once reaped
            }
            total += (Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14])) * TICK_NANOS;
        }
        return total;
    }

    private static long parent(long pid) {
        String[] f = stat(pid);
        return f == null ? -1 : Long.parseLong(f[1]);
    }

    private static String[] fields(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    /** Fields of /proc/pid/stat (or of a thread of this process) after the command name (field 3, the state, is index 0). */
    private static String[] stat(long pid) {
        try {
            Path own = Path.of("/proc/self/task", Long.toString(pid), "stat");
            return fields(Files.readString(Files.exists(own) ? own : Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
