package io.lethe.worker.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.schemas.Topics;
import io.lethe.worker.WorkerMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Keeps the topology printed in docs/worker.md equal to the code. Run with
 * {@code -Dlethe.docs.update=true} to rewrite the block after changing the topology.
 */
class TopologyDocTest {

    @Test
    void shouldDocumentTheCurrentTopology() throws Exception {
        String described = CoordinatorTopology.build(Topics.withDefaultPrefix(), ScopePlan.defaults(), RetryPolicy.DEFAULT,
                new WorkerMetrics(new SimpleMeterRegistry()), 6).describe().toString().strip();
        Path doc = Path.of("..", "docs", "worker.md");
        String text = Files.readString(doc);
        int start = text.indexOf("```\n", text.indexOf("Topology (`CoordinatorTopology.build`")) + 4;
        int end = text.indexOf("\n```", start);
        if (Boolean.getBoolean("lethe.docs.update")) {
            Files.writeString(doc, text.substring(0, start) + described + text.substring(end));
            text = Files.readString(doc);
            end = text.indexOf("\n```", start);
        }
        assertThat(text.substring(start, end).strip()).isEqualTo(described);
    }
}
