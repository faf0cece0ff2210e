package io.lethe.runtime.kafka;

import io.lethe.schemas.Topic;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import io.lethe.runtime.config.ConfigException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates Lethe's topics at startup with the partitions, replication and retention or
 * compaction of docs/architecture.md, Topics. Idempotent: existing topics are left as they are
 * (it never alters or deletes a topic; changing partitions is an operator's decision).
 */
public final class TopicProvisioner {

    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);

    private TopicProvisioner() {
    }

    public static void ensure(KafkaSettings settings, Collection<Topic<?, ?>> topics) {
        try (Admin admin = Admin.create(settings.admin("lethe-topic-provisioner"))) {
            ensure(admin, topics, settings.partitions(), settings.replicationFactor());
        }
    }

    public static void ensure(Admin admin, Collection<Topic<?, ?>> topics, int partitions, short replication) {
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (Topic<?, ?> t : topics) {
                if (!existing.contains(t.name())) {
                    missing.add(new NewTopic(t.name(), partitions, replication).configs(t.config()));
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            for (var entry : admin.createTopics(missing).values().entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                    LOG.info("created topic {} partitions={} replication={}", entry.getKey(), partitions, replication);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + entry.getKey() + ": " + e.getCause().getMessage(), e.getCause());
                    }
                }
            }
            // a topic just created may not be in every broker's metadata yet
            describe(admin, missing.stream().map(NewTopic::name).toList());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot reach Kafka to create topics: " + e.getMessage(), e);
        }
    }

    /**
     * Fails with a {@link ConfigException} unless the topics have the same partition count:
     * processors that join them by key need one customer's records on one partition number.
     *
     * @return that partition count
     */
    public static int requireCoPartitioned(KafkaSettings settings, String... topics) {
        try (Admin admin = Admin.create(settings.admin("lethe-partition-check"))) {
            Map<String, TopicDescription> d = describe(admin, List.of(topics));
            int first = d.get(topics[0]).partitions().size();
            for (String t : topics) {
                int n = d.get(t).partitions().size();
                if (n != first) {
                    throw new ConfigException(topics[0] + " has " + first + " partitions but " + t + " has " + n
                            + ": topics joined by key must have the same partition count");
                }
            }
            return first;
        }
    }

    /** Describes topics, waiting up to 30 s for ones that were just created to appear. */
    static Map<String, TopicDescription> describe(Admin admin, List<String> names) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (true) {
            try {
                return admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("cannot describe topics " + names + ": " + e.getCause().getMessage(), e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (TimeoutException e) {
                throw new IllegalStateException("cannot reach Kafka to describe topics " + names, e);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }
}
