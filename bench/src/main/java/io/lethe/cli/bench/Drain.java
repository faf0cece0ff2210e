package io.lethe.cli.bench;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Times a Streams application draining pre-produced input: from the moment it is RUNNING
 * (startup and the first rebalance are not counted) until its consumer group committed the
 * whole input. Offsets are committed every 100 ms under {@code exactly_once_v2}, so the end
 * is seen at most about 150 ms late.
 */
final class Drain {

    private Drain() {
    }

    /** Seconds from running to all {@code records} of {@code topic} committed by {@code groupId}. */
    static double seconds(BenchEnvironment env, String what, BooleanSupplier running, String groupId, String topic,
                          long records, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!running.getAsBoolean()) {
            check(deadline, what + " did not start");
            Thread.sleep(5);
        }
        long started = System.nanoTime();
        long lastReport = started;
        long committed;
        while ((committed = env.committed(groupId, topic)) < records) {
            check(deadline, what + " committed only " + committed + " of " + records + " records");
            if (System.nanoTime() - lastReport > 5_000_000_000L) {
                env.progress.say("%s: %,d of %,d", what, committed, records);
                lastReport = System.nanoTime();
            }
            Thread.sleep(20);
        }
        return (System.nanoTime() - started) / 1e9;
    }

    private static void check(long deadline, String message) {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException(message + " in time");
        }
    }
}
