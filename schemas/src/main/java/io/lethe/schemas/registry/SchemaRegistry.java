package io.lethe.schemas.registry;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.Schema;

/**
 * Schema ids with caches in front of a {@link RegistryClient}: a writer asks once per subject and schema, a
 * reader once per id, and then never again for the life of the process (ids are immutable in every registry),
 * so the registry is off the hot path. The registry's own ids are used as given: they need not be contiguous
 * or start anywhere.
 */
public final class SchemaRegistry {

    /** The compatibility Lethe sets on its subjects: a new version must read everything ever written. */
    public static final String COMPATIBILITY = "BACKWARD_TRANSITIVE";

    private record Key(String subject, Schema schema) {
    }

    private final RegistryClient client;
    private final Map<Key, Integer> ids = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemas = new ConcurrentHashMap<>();
    private final AtomicLong remoteCalls = new AtomicLong();
    private static final AtomicLong REMOTE_CALLS_IN_PROCESS = new AtomicLong();

    public SchemaRegistry(RegistryClient client) {
        this.client = client;
    }

    public RegistryClient client() {
        return client;
    }

    /** The id of {@code schema} under {@code subject}, registering it on first use. */
    public int idFor(String subject, Schema schema) {
        Integer id = ids.get(new Key(subject, schema));
        return id != null ? id : register(subject, schema);
    }

    private int register(String subject, Schema schema) {
        called();
        int id = client.register(subject, schema.toString());
        if (id < 0) {
            throw new RegistryException(200, 0, "schema registry answered no id for subject " + subject);
        }
        ids.put(new Key(subject, schema), id);
        schemas.putIfAbsent(id, schema);
        return id;
    }

    /** The writer schema of {@code id}; an id the registry does not know is a {@link RegistryException} (404). */
    public Schema schemaById(int id) {
        Schema s = schemas.get(id);
        if (s != null) {
            return s;
        }
        called();
        Schema fetched = new Schema.Parser().parse(client.schemaById(id));
        Schema known = schemas.putIfAbsent(id, fetched);
        return known != null ? known : fetched;
    }

    /**
     * Sets {@code subject} to {@value #COMPATIBILITY} and registers the released versions oldest first, then the current one, so that the
     * registry itself refuses a release that cannot read what earlier ones wrote. A refusal names the subject,
     * the version and the registry's message.
     */
    public void ensure(String subject, String schemaName, List<Schema> released, Schema current) {
        called();
        client.setCompatibility(subject, COMPATIBILITY);
        for (int v = 0; v <= released.size(); v++) {
            Schema schema = v < released.size() ? released.get(v) : current;
            try {
                register(subject, schema);
            } catch (RegistryException e) {
                throw new RegistryException(e.status(), e.errorCode(), "schema registry refused " + schemaName
                        + (v < released.size() ? " v" + (v + 1) : " (current, unreleased)") + " under subject " + subject
                        + ": " + e.getMessage());
            }
        }
    }

    private void called() {
        remoteCalls.incrementAndGet();
        REMOTE_CALLS_IN_PROCESS.incrementAndGet();
    }

    /** Calls every registry client of this process made so far; the benchmark reads it around a timed run. */
    public static long remoteCallsInProcess() {
        return REMOTE_CALLS_IN_PROCESS.get();
    }

    /** Calls made to the registry so far (registrations, lookups, configuration); the benchmark reports it. */
    public long remoteCalls() {
        return remoteCalls.get();
    }
}
