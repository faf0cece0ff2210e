package io.lethe.scanner;

import io.lethe.runtime.config.Keys;
import io.lethe.runtime.config.LetheConfig;
import io.lethe.runtime.config.Setting;
import java.time.Duration;

/**
 * @param interval         how often each partition's index is scanned (wall clock)
 * @param maxPerTenantTick at most this many expiries per tenant, per partition, per tick
 * @param dueIn            the due date given to retention deletions
 */
public record ScannerSettings(Duration interval, int maxPerTenantTick, Duration dueIn) {

    public static final String MAX_PER_TICK = "scanner.max.expiries.per.tick";
    public static final String DUE_IN = "scanner.due.in";
    public static final int DEFAULT_MAX_PER_TICK = 100;
    public static final Duration DEFAULT_DUE_IN = Duration.ofDays(30);

    public static final java.util.List<Setting> SETTINGS = java.util.List.of(
            Setting.of(MAX_PER_TICK, Integer.toString(DEFAULT_MAX_PER_TICK),
                    "expiries per tenant, partition and tick, so a shortened policy drains gradually"),
            Setting.of(DUE_IN, DEFAULT_DUE_IN.toString(), "the due date given to retention deletions"));

    public static ScannerSettings from(LetheConfig config) {
        return new ScannerSettings(config.duration(Keys.SCANNER_INTERVAL),
                config.optString(MAX_PER_TICK).isPresent() ? config.positiveInt(MAX_PER_TICK) : DEFAULT_MAX_PER_TICK,
                config.optString(DUE_IN).isPresent() ? config.duration(DUE_IN) : DEFAULT_DUE_IN);
    }
}
