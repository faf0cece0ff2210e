package io.lethe.localstack;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * The broker, the database and a blob directory under one root, started together
 * (in parallel: the broker's JVM and PostgreSQL take a few seconds each).
 */
public final class LocalStack implements AutoCloseable {

    private final KafkaBroker broker;
    private final Postgres postgres;
    private final Path blobDir;

    private LocalStack(KafkaBroker broker, Postgres postgres, Path blobDir) {
        this.broker = broker;
        this.postgres = postgres;
        this.blobDir = blobDir;
    }

    public static LocalStack start(Path root) {
        CompletableFuture<Postgres> pg = CompletableFuture.supplyAsync(() -> Postgres.start(root.resolve("postgres")));
        KafkaBroker broker;
        try {
            broker = KafkaBroker.start(root.resolve("kafka"));
        } catch (RuntimeException e) {
            pg.thenAccept(Postgres::close);
            throw e;
        }
        try {
            return new LocalStack(broker, pg.join(), root.resolve("blobs"));
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    public KafkaBroker broker() {
        return broker;
    }

    public Postgres postgres() {
        return postgres;
    }

    public Path blobDir() {
        return blobDir;
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public String jdbcUrl() {
        return postgres.jdbcUrl();
    }

    @Override
    public void close() {
        try {
            broker.close();
        } finally {
            postgres.close();
        }
    }
}
