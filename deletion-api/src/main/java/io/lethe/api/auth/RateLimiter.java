package io.lethe.api.auth;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per caller (tenant + subject): {@code perSecond} requests a second with bursts
 * of the same size. In-memory and per instance: behind N instances a caller gets up to N times
 * the limit; it protects an instance, it is not a quota.
 */
public final class RateLimiter {

    private static final int MAX_BUCKETS = 100_000;

    private final double perSecond;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(int perSecond, LongSupplier nanoClock) {
        this.perSecond = perSecond;
        this.nanoClock = nanoClock;
    }

    /** True when the caller may proceed; takes one token. */
    public boolean tryAcquire(Principal p) {
        if (buckets.size() > MAX_BUCKETS) {
            buckets.clear(); // forgetting buckets only ever lets callers through: bounded memory wins
        }
        Bucket b = buckets.computeIfAbsent(p.tenant() + "\u0000" + p.subject(), k -> new Bucket(perSecond, nanoClock.getAsLong()));
        return b.take(perSecond, nanoClock.getAsLong());
    }

    private static final class Bucket {
        private double tokens;
        private long last;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.last = now;
        }

        synchronized boolean take(double perSecond, long now) {
            tokens = Math.min(perSecond, tokens + (now - last) / 1e9 * perSecond);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }
    }
}
