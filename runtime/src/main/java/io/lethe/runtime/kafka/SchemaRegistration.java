package io.lethe.runtime.kafka;

import io.lethe.runtime.config.ConfigException;
import io.lethe.schemas.AvroSerde;
import io.lethe.schemas.Topic;
import io.lethe.schemas.Topics;
import io.lethe.schemas.registry.RegistryException;
import io.lethe.schemas.registry.RegistryUnavailableException;
import io.lethe.schemas.registry.SchemaRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers Lethe's schemas in the schema registry when a service starts: every subject of the given topics is
 * set to {@code BACKWARD_TRANSITIVE} and gets every released version, oldest first, then the current one, so
 * the registry refuses a release that cannot read what was written before, and the writers' ids are cached
 * before the first record.
 *
 * <p>A refusal (an incompatible schema, bad credentials) stops the service at start with the subject and the
 * registry's message ({@link ConfigException}, exit code 2). An unreachable registry does not: the service
 * starts, says so in one log line, stays not ready ({@link #isDone()} false, {@code /health/ready} 503) and
 * retries in the background until the registration went through. Without a registry there is nothing to do.
 */
public final class SchemaRegistration implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistration.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final SchemaRegistry registry;
    private final List<AvroSerde.Registration> registrations;
    private final AtomicBoolean done = new AtomicBoolean();
    private volatile boolean closed;
    private Thread retry;

    private SchemaRegistration(SchemaRegistry registry, List<AvroSerde.Registration> registrations) {
        this.registry = registry;
        this.registrations = registrations;
    }

    /** Registers the schemas of {@code topics} (their Avro values) now, or in the background if the registry is down. */
    public static SchemaRegistration start(Topics all, Collection<Topic<?, ?>> topics) {
        SchemaRegistry registry = all.registry().orElse(null);
        List<AvroSerde.Registration> registrations = new ArrayList<>();
        if (registry != null) {
            for (Topic<?, ?> t : topics) {
                if (t.valueSerde() instanceof AvroSerde<?> avro) {
                    registrations.addAll(avro.registrations(t.name()));
                }
            }
        }
        SchemaRegistration r = new SchemaRegistration(registry, registrations);
        if (registry == null) {
            r.done.set(true);
            return r;
        }
        try {
            r.registerAll();
        } catch (RegistryException e) {
            throw new ConfigException(e.getMessage());
        } catch (RegistryUnavailableException e) {
            LOG.error("schema registry {} unreachable ({}): not ready until Lethe's {} subjects are registered; retrying",
                    registry.client().url(), e.getCause() == null ? e.getMessage() : e.getCause().getClass().getSimpleName(),
                    registrations.size());
            r.retry = new Thread(r::retryUntilDone, "schema-registration");
            r.retry.setDaemon(true);
            r.retry.start();
        }
        return r;
    }

    private void registerAll() {
        for (AvroSerde.Registration reg : registrations) {
            registry.ensure(reg.subject(), reg.schemaName(), reg.released(), reg.current());
        }
        done.set(true);
        LOG.info("schema registry {}: {} subjects registered ({})", registry.client().url(), registrations.size(),
                SchemaRegistry.COMPATIBILITY);
    }

    private void retryUntilDone() {
        long backoff = 1_000;
        while (!closed && !done.get()) {
            try {
                Thread.sleep(backoff);
                registerAll();
            } catch (InterruptedException e) {
                return;
            } catch (RegistryUnavailableException e) {
                LOG.warn("schema registry {} still unreachable; not ready", registry.client().url());
                backoff = Math.min(backoff * 2, MAX_BACKOFF.toMillis());
            } catch (RegistryException e) {
                LOG.error("{}; this service stays not ready", e.getMessage());
                return;
            }
        }
    }

    /** True once every subject is registered (or there is no registry). */
    public boolean isDone() {
        return done.get();
    }

    @Override
    public void close() {
        closed = true;
        if (retry != null) {
            retry.interrupt();
        }
    }
}
