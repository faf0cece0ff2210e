package io.lethe.cli.seed;

import io.lethe.cli.CliConfig;
import io.lethe.cli.KafkaOptions;
import io.lethe.cli.StoreOptions;
import io.lethe.cli.LastContacts;
import io.lethe.runtime.config.Keys;
import io.lethe.runtime.config.LetheConfig;
import io.lethe.runtime.kafka.KafkaSettings;
import io.lethe.runtime.kafka.LetheProducer;
import io.lethe.runtime.kafka.TopicProvisioner;
import io.lethe.schemas.Topics;
import io.lethe.store.CustomerStore;
import io.lethe.store.seed.Seeder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lethe backfill-activity}: publishes the last contact of every customer of a tenant in
 * an existing customer store, so a platform adopting Lethe starts with its history.
 *
 * <p>Restartable: customers go in id order and, after every acknowledged chunk, the last id is
 * written to a checkpoint file; a rerun resumes after it ({@code --restart} ignores it). Sending
 * a customer twice is harmless: the scanner never moves a last contact back.
 */
@Command(name = "backfill-activity", mixinStandardHelpOptions = true,
        description = "Publish the last contact of every customer of a tenant to the activity topic.")
public final class BackfillActivityCommand implements Callable<Integer> {

    private static final int CHUNK = 5_000;

    @Spec
    CommandSpec spec;

    @Option(names = "--tenant", required = true)
    String tenant;

    @Mixin
    StoreOptions store;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--checkpoint", description = "checkpoint file (default: .lethe/backfill-<tenant>.checkpoint)")
    Path checkpoint;

    @Option(names = "--restart", description = "ignore the checkpoint and start from the first customer")
    boolean restart;

    @Override
    public Integer call() throws Exception {
        LetheConfig config = CliConfig.load(kafka.into(store.into(new HashMap<>())));
        KafkaSettings settings = new KafkaSettings(config);
        Topics topics = settings.topics();
        Path cp = checkpoint != null ? checkpoint : Path.of(".lethe", "backfill-" + tenant.replaceAll("[^A-Za-z0-9._-]", "_") + ".checkpoint");
        String after = !restart && Files.exists(cp) ? Files.readString(cp).trim() : "";
        PrintWriter err = spec.commandLine().getErr();
        if (!after.isEmpty()) {
            err.println("resuming after customer " + after + " (checkpoint " + cp + ")");
        }
        if (config.bool(Keys.TOPIC_CREATE)) {
            TopicProvisioner.ensure(settings, List.of(topics.customerActivity()));
        }
        long[] sent = {0};
        try (CustomerStore store = CliConfig.store(config);
             LetheProducer producer = new LetheProducer(settings, "lethe-backfill-activity")) {
            List<CompletableFuture<?>> chunk = new ArrayList<>();
            String[] last = {after};
            Seeder.forEachLastContact(store.dataSource(), tenant, after, (customer, at) -> {
                chunk.add(producer.send(topics.customerActivity(), Topics.subjectKey(tenant, customer),
                        LastContacts.event(tenant, customer, at, "backfill")));
                last[0] = customer;
                if (chunk.size() >= CHUNK) {
                    flush(chunk, cp, last[0]);
                    sent[0] += CHUNK;
                    err.printf("\rbackfilled %,d customers (last %s)", sent[0], last[0]);
                    err.flush();
                }
            });
            sent[0] += chunk.size();
            flush(chunk, cp, last[0]);
        }
        err.println();
        spec.commandLine().getOut().printf("backfilled the last contact of %d customers of %s to %s%n", sent[0], tenant,
                topics.customerActivity().name());
        return 0;
    }

    private static void flush(List<CompletableFuture<?>> chunk, Path cp, String lastId) {
        CompletableFuture.allOf(chunk.toArray(CompletableFuture[]::new)).join();
        chunk.clear();
        try {
            Files.createDirectories(cp.toAbsolutePath().getParent());
            Files.writeString(cp, lastId + "\n");
        } catch (IOException e) {
            throw new IllegalStateException("cannot write checkpoint " + cp + ": " + e.getMessage(), e);
        }
    }
}
