package io.lethe.scanner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lethe.events.ContactActivity;
import io.lethe.localstack.ForeignClients;
import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.LocalStackExtension.KafkaEndpoint;
import io.lethe.localstack.TestStack;
import io.lethe.runtime.config.LetheConfig;
import io.lethe.runtime.streams.Reroute;
import io.lethe.schemas.Topic;
import io.lethe.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Activity events published by librdkafka's default partitioner reach the scanner task of their key's
 * partition, where the customer's deletion events (written by Java, murmur2) arrive too; without the re-route
 * the last contact sits in a task that never hears of the customer's deletion.
 */
@ExtendWith(LocalStackExtension.class)
class ScannerForeignPartitionerTest {

    private static final int PARTITIONS = 2;
    private final String id = UUID.randomUUID().toString().substring(0, 8);
    private final String tenant = "tenant-" + id;
    private final Topics topics = new Topics("fp" + id + ".");

    @Test
    void shouldKeepALibrdkafkaActivityEventInTheTaskOfItsKeysPartition(KafkaEndpoint kafka) throws Exception {
        ForeignClients.requirePython();
        LetheConfig config = ScannerTestConfig.of(kafka.bootstrapServers(), topics, "scanner-" + id, PARTITIONS,
                TestStack.newDirectory("scanner-fp"), Map.of());
        String customer = null;
        for (int n = 0; customer == null; n++) {
            String key = Topics.subjectKey(tenant, "c-" + n);
            if (ForeignClients.librdkafkaPartition(key, PARTITIONS) != murmur2(key)) {
                customer = "c-" + n;
            }
        }
        String key = Topics.subjectKey(tenant, customer);
        Instant contact = Instant.now().minus(400, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MILLIS);
        Topic<String, ContactActivity> activity = topics.customerActivity();

        try (RetentionScanner scanner = RetentionScanner.start(config)) {
            await("scanner running").atMost(Duration.ofSeconds(60)).until(scanner::isReady);
            int arrived = ForeignClients.produceRaw(kafka.bootstrapServers(), activity.name(), key,
                    activity.valueSerde().serializer().serialize(activity.name(), ContactActivity.newBuilder().setTenant(tenant)
                            .setCustomerId(customer).setContactId("m-1").setOccurredAt(contact).build()));
            assertThat(arrived).isNotEqualTo(murmur2(key));

            await("last contact stored").atMost(Duration.ofSeconds(60)).until(() -> lastContact(scanner, murmur2(key), key) != null);
            assertThat(lastContact(scanner, murmur2(key), key)).isEqualTo(contact.toEpochMilli());
            assertThat(lastContact(scanner, arrived, key)).as("nothing kept where it arrived").isNull();
        }
    }

    private static Long lastContact(RetentionScanner scanner, int partition, String key) {
        ReadOnlyKeyValueStore<String, Long> store = scanner.streams().streams().store(StoreQueryParameters
                .fromNameAndType(ScannerTopology.LAST_CONTACT_STORE, QueryableStoreTypes.<String, Long>keyValueStore())
                .withPartition(partition));
        return store.get(key);
    }

    private static int murmur2(String key) {
        return Reroute.partitionOf(key.getBytes(StandardCharsets.UTF_8), PARTITIONS);
    }
}
