package io.lethe.runtime.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class RerouteTest {

    @Test
    void shouldComputeTheSamePartitionAsKafkasJavaProducer() {
        for (int n = 1; n <= 12; n++) {
            for (int c = 0; c < 500; c++) {
                byte[] key = ("tenant-x/cust-" + c).getBytes(StandardCharsets.UTF_8);
                assertThat(Reroute.partitionOf(key, n)).isEqualTo(BuiltInPartitioner.partitionForKey(key, n));
            }
        }
    }

    @Test
    void shouldRefuseToRouteByACountTheServiceDidNotStartWith() {
        var partitioner = new Reroute.KeyPartitioner<String, String>(new StringSerializer(), 6);

        assertThat(partitioner.partitions("t", "demo/cust-1", "v", 6))
                .isEqualTo(Optional.of(Set.of(Reroute.partitionOf("demo/cust-1".getBytes(StandardCharsets.UTF_8), 6))));
        assertThatThrownBy(() -> partitioner.partitions("t", "demo/cust-1", "v", 8))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("t has 8 partitions but this service started with 6");
    }
}
