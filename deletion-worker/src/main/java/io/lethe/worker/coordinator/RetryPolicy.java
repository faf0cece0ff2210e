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

    public static final String MAX_ATTEMPTS = "worker.retry.max.attempts";
    public static final String INITIAL_DELAY = "worker.retry.initial.delay";
    public static final String MULTIPLIER = "worker.retry.multiplier";
    public static final String MAX_DELAY = "worker.retry.max.delay";
    public static final String TASK_TIMEOUT = "worker.task.timeout";

    /** Task retries: with the defaults, about nine minutes of attempts before a request FAILS. */
    public static final java.util.List<io.lethe.runtime.config.Setting> SETTINGS = java.util.List.of(
            io.lethe.runtime.config.Setting.of(MAX_ATTEMPTS, Integer.toString(DEFAULT.maxAttempts), "attempts per task before it FAILS"),
            io.lethe.runtime.config.Setting.of(INITIAL_DELAY, DEFAULT.initialDelay.toString(), "wait before the first retry"),
            io.lethe.runtime.config.Setting.of(MULTIPLIER, Double.toString(DEFAULT.multiplier), "each retry waits this much longer"),
            io.lethe.runtime.config.Setting.of(MAX_DELAY, DEFAULT.maxDelay.toString(), "the longest wait between attempts"),
            io.lethe.runtime.config.Setting.of(TASK_TIMEOUT, DEFAULT_TASK_TIMEOUT.toString(),
                    "an attempt without a result by then fails as `TASK_TIMEOUT` and is retried"));

    public RetryPolicy(int maxAttempts, Duration initialDelay, double multiplier, Duration maxDelay) {
        this(maxAttempts, initialDelay, multiplier, maxDelay, DEFAULT_TASK_TIMEOUT);
    }

    public static RetryPolicy from(LetheConfig config) {
        int attempts = config.optString(MAX_ATTEMPTS).isPresent()
                ? config.positiveInt(MAX_ATTEMPTS) : DEFAULT.maxAttempts;
        Duration initial = config.optString(INITIAL_DELAY).isPresent()
                ? config.duration(INITIAL_DELAY) : DEFAULT.initialDelay;
        Duration max = config.optString(MAX_DELAY).isPresent()
                ? config.duration(MAX_DELAY) : DEFAULT.maxDelay;
        double multiplier = DEFAULT.multiplier;
        if (config.optString(MULTIPLIER).isPresent()) {
            String v = config.string(MULTIPLIER);
            try {
                multiplier = Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw LetheConfig.invalid(MULTIPLIER, v, "a number of at least 1");
            }
            if (multiplier < 1) {
                throw LetheConfig.invalid(MULTIPLIER, v, "a number of at least 1");
            }
        }
        Duration timeout = config.optString(TASK_TIMEOUT).isPresent()
                ? config.duration(TASK_TIMEOUT) : DEFAULT_TASK_TIMEOUT;
        if (timeout.isNegative() || timeout.isZero()) {
            throw LetheConfig.invalid(TASK_TIMEOUT, config.string(TASK_TIMEOUT), "a positive duration");
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
