package io.lethe.store.recheck;

import java.util.function.LongSupplier;

/**
 * Keeps work at or under a rate: {@link #before(int)} sleeps until doing {@code n} more units keeps
 * the average since the first call at or under {@code perSecond}. The first call never waits.
 *
 * <p>A few lines by hand: Guava's RateLimiter does this, but is not worth a dependency of the
 * store for one sleep.
 */
public final class Pacer {

    /** How a pacer waits; {@link Thread#sleep} in production, a recorder in tests. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    private final double perSecond;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private long start = -1;
    private long done;

    /** @param perSecond units per second; 0 for no limit */
    public Pacer(double perSecond) {
        this(perSecond, System::nanoTime, nanos -> Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000)));
    }

    public Pacer(double perSecond, LongSupplier nanoTime, Sleeper sleeper) {
        if (perSecond < 0 || Double.isNaN(perSecond) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException("rate must be a finite number, not negative: " + perSecond);
        }
        this.perSecond = perSecond;
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
    }

    /** Waits as long as needed before {@code n} more units of work. */
    public void before(int n) throws InterruptedException {
        if (perSecond == 0) {
            return;
        }
        long now = nanoTime.getAsLong();
        if (start < 0) {
            start = now;
        }
        // the units done so far may not end before their share of time since the start
        long wait = start + (long) (done / perSecond * 1e9) - now;
        done += n;
        if (wait > 0) {
            sleeper.sleep(wait);
        }
    }
}
