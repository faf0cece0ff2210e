package io.lethe.cli.chaos;

import io.lethe.localstack.ServiceProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * The faults of a run and when they happen: each enabled fault in its own slot of the submission
 * window, at a random moment of it (seeded), so requests are being submitted and processed while
 * it happens. Counts what was injected for the report.
 */
final class Faults {

    private static final String WORKER_KILL = "worker kill -9 + restart";
    private static final String REBALANCE = "second worker instance started, then killed -9 (rebalance)";
    private static final String BROKER_RESTART = "broker stopped and restarted";
    private static final String SCANNER_KILL = "retention-scanner kill -9, state directory deleted, restarted";

    private final ChaosRun.Options o;
    private final ChaosStack stack;
    private final Random random;
    private final IntSupplier acceptedSoFar;
    private final Map<String, AtomicInteger> injected = new LinkedHashMap<>();

    Faults(ChaosRun.Options o, ChaosStack stack, Random random, IntSupplier acceptedSoFar) {
        this.o = o;
        this.stack = stack;
        this.random = random;
        this.acceptedSoFar = acceptedSoFar;
        if (o.workerKills() > 0) {
            injected.put(WORKER_KILL, new AtomicInteger());
        }
        if (o.secondWorker()) {
            injected.put(REBALANCE, new AtomicInteger());
        }
        if (o.brokerRestart()) {
            injected.put(BROKER_RESTART, new AtomicInteger());
        }
        if (o.databaseOutage()) {
            injected.put(databaseOutageName(), new AtomicInteger());
        }
        if (o.scannerKill()) {
            injected.put(SCANNER_KILL, new AtomicInteger());
        }
        if (o.workerPause()) {
            injected.put(pauseName(), new AtomicInteger());
        }
    }

    /** Injects every enabled fault over {@code windowSeconds}; returns when the last one is over. */
    void run(int windowSeconds) {
        try {
            List<Runnable> steps = new ArrayList<>();
            for (int i = 0; i < o.workerKills(); i++) {
                steps.add(this::killWorker);
            }
            if (o.secondWorker()) {
                steps.add(this::rebalance);
            }
            if (o.workerPause()) {
                steps.add(this::pauseWorker);
            }
            if (o.brokerRestart()) {
                steps.add(this::restartBroker);
            }
            if (o.databaseOutage()) {
                steps.add(this::databaseOutage);
            }
            if (o.scannerKill()) {
                steps.add(this::killScanner);
            }
            Collections.shuffle(steps, random);
            long slot = Math.max(4, windowSeconds * 1000L / (steps.size() + 1));
            long t0 = System.currentTimeMillis();
            for (int i = 0; i < steps.size(); i++) {
                long at = t0 + slot / 2 + i * slot + random.nextLong(slot / 2);
                long wait = at - System.currentTimeMillis();
                if (wait > 0) {
                    ServiceProcess.sleep(Duration.ofMillis(wait));
                }
                o.print("(%d of %d requests accepted so far)", acceptedSoFar.getAsInt(), o.requests());
                steps.get(i).run();
            }
        } catch (RuntimeException e) {
            o.print("fault injection failed: %s", e);
            throw e;
        }
    }

    /** Each enabled fault and how often it was injected, in the order they were enabled. */
    List<ChaosReport.FaultCount> counts() {
        List<ChaosReport.FaultCount> out = new ArrayList<>();
        injected.forEach((k, v) -> out.add(new ChaosReport.FaultCount(k, v.get())));
        return out;
    }

    private void count(String fault) {
        injected.get(fault).incrementAndGet();
    }

    private String databaseOutageName() {
        return "PostgreSQL stopped (" + o.databaseOutageLength().toSeconds() + " s) and restarted";
    }

    private String pauseName() {
        return "worker SIGSTOP " + o.pauseLength().toSeconds() + " s (longer than its transaction and session timeouts), SIGCONT";
    }

    private void killWorker() {
        ServiceProcess worker1 = stack.worker1();
        o.print("FAULT kill -9 %s (pid %d)", worker1.name(), worker1.pid());
        worker1.kill9();
        count(WORKER_KILL);
        ServiceProcess.sleep(Duration.ofSeconds(1 + random.nextInt(3)));
        worker1.start().awaitReady(Duration.ofSeconds(180));
        o.print("%s back (pid %d)", worker1.name(), worker1.pid());
    }

    private void rebalance() {
        ServiceProcess worker2 = stack.worker2();
        o.print("FAULT start a second worker instance, then kill -9 it");
        worker2.start().awaitReady(Duration.ofSeconds(180));
        ServiceProcess.sleep(Duration.ofSeconds(5 + random.nextInt(5)));
        worker2.kill9();
        count(REBALANCE);
        o.print("worker-2 killed");
    }

    private void pauseWorker() {
        ServiceProcess worker1 = stack.worker1();
        ServiceProcess worker2 = stack.worker2();
        if (!worker2.isAlive()) {
            worker2.start().awaitReady(Duration.ofSeconds(180));
        }
        o.print("FAULT SIGSTOP %s (pid %d) for %d s, worker-2 takes over", worker1.name(), worker1.pid(), o.pauseLength().toSeconds());
        worker1.pause();
        ServiceProcess.sleep(o.pauseLength());
        worker1.resume();
        count(pauseName());
        o.print("SIGCONT %s; stopping worker-2 cleanly", worker1.name());
        ServiceProcess.sleep(Duration.ofSeconds(10));
        worker2.close();
    }

    private void restartBroker() {
        o.print("FAULT stop the broker (pid %d)", stack.broker().pid());
        stack.broker().stop();
        count(BROKER_RESTART);
        ServiceProcess.sleep(Duration.ofSeconds(10));
        stack.broker().restart();
        o.print("broker back (pid %d)", stack.broker().pid());
    }

    private void databaseOutage() {
        o.print("FAULT stop PostgreSQL for %d s", o.databaseOutageLength().toSeconds());
        count(databaseOutageName());
        stack.databaseOutage(o.databaseOutageLength());
    }

    private void killScanner() {
        ServiceProcess scanner = stack.scanner();
        o.print("FAULT kill -9 retention-scanner (pid %d) and delete its state directory", scanner.pid());
        scanner.kill9();
        ChaosStack.deleteTree(stack.scannerState());
        count(SCANNER_KILL);
        scanner.start().awaitReady(Duration.ofSeconds(180));
        o.print("retention-scanner back (pid %d), restored from its changelogs", scanner.pid());
    }
}
