package io.lethe.scanner;

import io.lethe.runtime.config.Keys;
import io.lethe.runtime.config.LetheConfig;
import java.time.Duration;

/**
 * @param interval         how often each partition's index is scanned (wall clock)
 * @param maxPerTenantTick at most this many expiries per tenant, per partition, per tick
 * @param dueIn            the due date given to retention deletions
 */
public record ScannerSettings(Duration interval, int maxPerTenantTick, Duration dueIn) {

    public static final String MAX_PER_TICK = "scanner.max.expiries.per.tick";
    public static final String DUE_IN = "scanner.due.in";

    public static ScannerSettings from(LetheConfig config) {
        return new ScannerSettings(config.duration(Keys.SCANNER_INTERVAL),
                config.optString(MAX_PER_TICK).isPresent() ? config.positiveInt(MAX_PER_TICK) : 100,
                config.optString(DUE_IN).isPresent() ? config.duration(DUE_IN) : Duration.ofDays(30));
    }
}
