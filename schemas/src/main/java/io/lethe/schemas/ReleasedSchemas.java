package io.lethe.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;

/**
 * Every released version of every Lethe event schema, looked up by its 64-bit
 * parsing fingerprint (the one Avro single-object encoding writes in each record header).
 *
 * <p>Released versions live as resources {@code avro-history/<Name>/v<n>.avsc}, numbered
 * from 1 without gaps. A record written by any released version stays decodable on replay,
 * because decoders resolve it from here and then to the current reader schema.
 * Does not fetch schemas from anywhere remote: an unknown fingerprint is an error, by design.
 */
public final class ReleasedSchemas implements SchemaStore {

    /** Names of every event schema Lethe publishes (each has an avro-history folder). */
    public static final List<String> EVENT_NAMES = List.of(
            "DeletionRequested", "ErasureTask", "ErasureResult", "DeletionStatus",
            "DeletionCompleted", "DeletionFailed", "AuditEvent", "ContactActivity", "RetentionPolicy", "BulkDeletion", "LegalHold");

    private static final ReleasedSchemas INSTANCE = load();

    private final Map<Long, Schema> byFingerprint = new ConcurrentHashMap<>();
    private final Map<String, List<Schema>> byName = new ConcurrentHashMap<>();

    private ReleasedSchemas() {
    }

    public static ReleasedSchemas instance() {
        return INSTANCE;
    }

    /** Released versions of one schema, oldest first. */
    public List<Schema> versions(String name) {
        return byName.getOrDefault(name, List.of());
    }

    @Override
    public Schema findByFingerprint(long fingerprint) {
        return byFingerprint.get(fingerprint);
    }

    /** Adds a schema (the current one of a generated class is always known, released or not). */
    void register(Schema schema) {
        byFingerprint.putIfAbsent(SchemaNormalization.parsingFingerprint64(schema), schema);
    }

    private static ReleasedSchemas load() {
        ReleasedSchemas store = new ReleasedSchemas();
        for (String name : EVENT_NAMES) {
            List<Schema> versions = new ArrayList<>();
            for (int v = 1; ; v++) {
                String json = resource("avro-history/" + name + "/v" + v + ".avsc");
                if (json == null) {
                    break;
                }
                Schema schema = new Schema.Parser().parse(json);
                versions.add(schema);
                store.register(schema);
            }
            store.byName.put(name, Collections.unmodifiableList(versions));
        }
        return store;
    }

    private static String resource(String path) {
        try (InputStream in = ReleasedSchemas.class.getClassLoader().getResourceAsStream(path)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }
}
