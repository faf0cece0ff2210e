package io.lethe.scanner;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ScannerMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ScannerMetrics metrics = new ScannerMetrics(registry);

    private double backlog(String tenant) {
        return registry.get("lethe.scanner.backlog").tag("tenant", tenant).gauge().value();
    }

    private double visited() {
        return registry.get("lethe.scanner.last.tick.entries.visited").gauge().value();
    }

    @Test
    void shouldSumTheBacklogOfEveryPartitionOfTheInstance() {
        // Given two partitions of one instance, ticking on their own
        metrics.backlog("0_0", "acme", 3);
        metrics.backlog("0_1", "acme", 4);
        metrics.backlog("0_1", "globex", 2);

        // Then the tenant's backlog is their sum, not the last one reported
        assertThat(backlog("acme")).isEqualTo(7);
        assertThat(backlog("globex")).isEqualTo(2);

        // When a partition reports again, only its share changes
        metrics.backlog("0_0", "acme", 1);
        assertThat(backlog("acme")).isEqualTo(5);

        // When a partition moves to another instance, its share leaves this one
        metrics.partitionClosed("0_1");
        assertThat(backlog("acme")).isEqualTo(1);
        assertThat(backlog("globex")).isZero();
    }

    @Test
    void shouldSumTheEntriesTheLastTickOfEachPartitionVisited() {
        metrics.tick("0_0", 10, Duration.ofMillis(2));
        metrics.tick("0_1", 5, Duration.ofMillis(1));
        metrics.tick("0_0", 12, Duration.ofMillis(2));

        assertThat(visited()).isEqualTo(17);
        metrics.partitionClosed("0_0");
        assertThat(visited()).isEqualTo(5);
    }
}
