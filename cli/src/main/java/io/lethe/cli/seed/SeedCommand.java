package io.lethe.cli.seed;

import io.lethe.cli.CliConfig;
import io.lethe.cli.StoreOptions;
import io.lethe.runtime.config.Keys;
import io.lethe.runtime.config.LetheConfig;
import io.lethe.store.CustomerStore;
import io.lethe.store.blob.FileBlobStore;
import io.lethe.store.seed.SeedSummary;
import io.lethe.store.seed.Seeder;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lethe seed}: deterministic synthetic customers into a customer store. */
@Command(name = "seed", mixinStandardHelpOptions = true, description = "Seed synthetic customers (deterministic per --seed).")
public final class SeedCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--tenant", required = true)
    String tenant;

    @Option(names = "--customers", required = true)
    int customers;

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    @Mixin
    StoreOptions store;

    @Override
    public Integer call() throws Exception {
        LetheConfig config = CliConfig.load(store.into(new HashMap<>()));
        try (CustomerStore store = CliConfig.store(config)) {
            store.migrate();
            SeedSummary s = Seeder.seed(store.dataSource(), new FileBlobStore(Path.of(config.string(Keys.BLOB_DIR))),
                    tenant, customers, seed, Instant.now());
            spec.commandLine().getOut().printf("seeded %d customers into %s: %d rows, %d MB of files, in %.1f s%n",
                    s.customers(), tenant, s.rows(), s.blobBytes() / 1_000_000, s.elapsed().toMillis() / 1000.0);
        }
        return 0;
    }
}
