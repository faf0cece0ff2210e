package io.lethe.cli.bench;

import org.HdrHistogram.Histogram;

/**
 * A latency histogram in microseconds (HdrHistogram, 3 significant digits, up to 10 minutes),
 * recorded by one thread each and merged with {@link #add}.
 */
final class Latencies {

    private final Histogram histogram = new Histogram(600_000_000L, 3);

    void recordNanos(long nanos) {
        histogram.recordValue(Math.max(0, Math.min(nanos / 1_000, histogram.getHighestTrackableValue())));
    }

    synchronized void add(Latencies other) {
        histogram.add(other.histogram);
    }

    long count() {
        return histogram.getTotalCount();
    }

    double percentileMillis(double percentile) {
        return histogram.getValueAtPercentile(percentile) / 1000.0;
    }

    double meanMillis() {
        return histogram.getMean() / 1000.0;
    }

    double maxMillis() {
        return histogram.getMaxValue() / 1000.0;
    }
}
