package io.lethe.worker.coordinator;

import io.lethe.runtime.config.LetheConfig;
import java.time.Duration;

/**
 * Exponential backoff for failed erasure tasks. Defaults: 6 attempts, 10 s first delay,
 * ×2.5, at most 5 min between attempts — about nine minutes before a request is FAILED.
 * An attempt that has no result {@code taskTimeout} after it was dispatched (an eraser that is
 * down, a result that never came) counts as a retryable failure {@code TASK_TIMEOUT}.
 *
 * @param maxAttempts total attempts of one task, the first included
 * @param taskTimeout how long an attempt may go without a result (default 1 h: it includes the
 *                    time the task waits in its topic behind others)
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, double multiplier, Duration maxDelay, Duration taskTimeout) {

    public static final Duration DEFAULT_TASK_TIMEOUT = Duration.ofHours(1);

    public static final RetryPolicy DEFAULT = new RetryPolicy(6, Duration.ofSeconds(10), 2.5, Duration.ofMinutes(5));

    public RetryPolicy(int maxAttempts, Duration initialDelay, double multiplier, Duration maxDelay) {
        this(maxAttempts, initialDelay, multiplier, maxDelay, DEFAULT_TASK_TIMEOUT);
    }

    public static RetryPolicy from(LetheConfig config) {
        int attempts = config.optString("worker.retry.max.attempts").isPresent()
                ? config.positiveInt("worker.retry.max.attempts") : DEFAULT.maxAttempts;
        Duration initial = config.optString("worker.retry.initial.delay").isPresent()
                ? config.duration("worker.retry.initial.delay") : DEFAULT.initialDelay;
        Duration max = config.optString("worker.retry.max.delay").isPresent()
                ? config.duration("worker.retry.max.delay") : DEFAULT.maxDelay;
        double multiplier = DEFAULT.multiplier;
        if (config.optString("worker.retry.multiplier").isPresent()) {
            String v = config.string("worker.retry.multiplier");
            try {
                multiplier = Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw LetheConfig.invalid("worker.retry.multiplier", v, "a number of at least 1");
            }
            if (multiplier < 1) {
                throw LetheConfig.invalid("worker.retry.multiplier", v, "a number of at least 1");
            }
        }
        Duration timeout = config.optString("worker.task.timeout").isPresent()
                ? config.duration("worker.task.timeout") : DEFAULT_TASK_TIMEOUT;
        if (timeout.isNegative() || timeout.isZero()) {
            throw LetheConfig.invalid("worker.task.timeout", config.string("worker.task.timeout"), "a positive duration");
        }
        return new RetryPolicy(attempts, initial, multiplier, max, timeout);
    }

    /** Whether a task that has had {@code attempts} attempts may have another. */
    public boolean mayRetry(int attempts) {
        return attempts < maxAttempts;
    }

    /** Delay before attempt {@code attempts + 1}. */
    public Duration delayAfter(int attempts) {
        double millis = initialDelay.toMillis() * Math.pow(multiplier, Math.max(0, attempts - 1));
        return Duration.ofMillis((long) Math.min(millis, maxDelay.toMillis()));
    }
}
