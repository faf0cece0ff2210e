package io.lethe.scanner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lethe.events.ContactActivity;
import io.lethe.events.DeletionRequested;
import io.lethe.events.PolicyMode;
import io.lethe.events.RetentionPolicy;
import io.lethe.localstack.LocalStackExtension;
import io.lethe.localstack.LocalStackExtension.KafkaEndpoint;
import io.lethe.localstack.TestStack;
import io.lethe.runtime.config.LetheConfig;
import io.lethe.runtime.kafka.KafkaSettings;
import io.lethe.runtime.kafka.LetheProducer;
import io.lethe.runtime.kafka.TopicReader;
import io.lethe.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The scanner loses its state directory mid-drain and restores from its changelogs on the real
 * broker: every expired customer is requested exactly once, no one else, none twice.
 */
@ExtendWith(LocalStackExtension.class)
class ScannerStateLossTest {

    private final String id = UUID.randomUUID().toString().substring(0, 8);
    private final String tenant = "tenant-" + id;
    private final Topics topics = new Topics("sl" + id + ".");

    @Test
    void shouldNeitherMissNorRepeatAnExpiryAfterItsStateDirectoryIsDeleted(KafkaEndpoint kafka) throws Exception {
        Path state = TestStack.newDirectory("scanner-state-loss");
        LetheConfig config = ScannerTestConfig.of(kafka.bootstrapServers(), topics, "scanner-" + id, 2, state,
                Map.of(ScannerSettings.MAX_PER_TICK, "1"));
        KafkaSettings settings = new KafkaSettings(config);

        // Given 40 customers of which 24 are past a one-year policy, drained at most 1 per partition and tick
        Set<String> expired = new HashSet<>();
        RetentionScanner scanner = RetentionScanner.start(config);
        await("scanner running").atMost(Duration.ofSeconds(60)).until(scanner::isReady);
        try (LetheProducer producer = new LetheProducer(settings, "state-loss-" + id)) {
            for (int i = 0; i < 40; i++) {
                String customer = "c-" + i;
                int daysAgo = i < 24 ? 400 + i : 30 + i;
                if (i < 24) {
                    expired.add(customer);
                }
                producer.send(topics.customerActivity(), Topics.subjectKey(tenant, customer), ContactActivity.newBuilder()
                        .setTenant(tenant).setCustomerId(customer).setContactId("m-" + i)
                        .setOccurredAt(Instant.now().minus(Duration.ofDays(daysAgo))).build()).get();
            }
            producer.send(topics.retentionPolicies(), tenant, RetentionPolicy.newBuilder().setTenant(tenant)
                    .setMode(PolicyMode.DELETE_AFTER_DAYS).setDays(365).setUpdatedBy("admin").setUpdatedAt(Instant.now()).build())
                    .get();
        }
        try {
            // When the first expiries are out, the scanner stops and its state directory is deleted
            await("first expiries").atMost(Duration.ofSeconds(60)).until(() -> requests(settings).size() >= 2);
        } finally {
            scanner.close();
        }
        int before = requests(settings).size();
        assertThat(before).isLessThan(expired.size());
        try (Stream<Path> files = Files.walk(state)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        assertThat(state).doesNotExist();

        // Then a new instance restores from the changelogs and drains the rest
        RetentionScanner restored = RetentionScanner.start(config);
        try {
            await("every expiry").atMost(Duration.ofSeconds(90)).until(() -> requests(settings).size() >= expired.size());
            // and through three more ticks nothing comes twice
            await("no second expiry").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> assertThat(requests(settings)).extracting(DeletionRequested::getCustomerId)
                            .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expired));
        } finally {
            restored.close();
        }
    }

    private List<DeletionRequested> requests(KafkaSettings settings) {
        return TopicReader.readAll(settings, topics.deletionRequests(), Duration.ofSeconds(10)).stream()
                .map(r -> r.value()).filter(r -> r.getTenant().equals(tenant)).toList();
    }
}
