package io.lethe.schemas;

import io.lethe.events.AuditEvent;
import io.lethe.events.BulkDeletion;
import io.lethe.events.ContactActivity;
import io.lethe.events.DeletionCompleted;
import io.lethe.events.DeletionFailed;
import io.lethe.events.DeletionRequested;
import io.lethe.events.DeletionStatus;
import io.lethe.events.ErasureResult;
import io.lethe.events.ErasureTask;
import io.lethe.events.LegalHold;
import io.lethe.events.RetentionPolicy;
import io.lethe.schemas.registry.SchemaRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The typed topic registry (docs/architecture.md, Topics). No topic name string appears anywhere
 * else; the prefix (default {@code lethe.}) is the only part that is configuration.
 */
public final class Topics {

    public static final String DEFAULT_PREFIX = "lethe.";
    private static final Pattern DATA_TYPE = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private static final Map<String, String> THIRTY_DAYS = retention(Duration.ofDays(30));
    private static final Map<String, String> SEVEN_DAYS = retention(Duration.ofDays(7));
    private static final Map<String, String> COMPACTED = Map.of("cleanup.policy", "compact");
    private static final Map<String, String> FOREVER = Map.of("retention.ms", "-1", "retention.bytes", "-1");

    private static final Serde<String> KEY = Serdes.String();

    /** Largest record of the bulk-deletions topic; producers writing it need a max.request.size this large. */
    public static final int BULK_MAX_BYTES = 8 * 1024 * 1024;

    private final String prefix;
    private final Topic<String, DeletionRequested> deletionRequests;
    private final Topic<String, ErasureResult> erasureResults;
    private final Topic<String, DeletionStatus> deletionStatus;
    private final Topic<String, SpecificRecord> deletionEvents;
    private final Topic<String, AuditEvent> audit;
    private final Topic<String, ContactActivity> customerActivity;
    private final Topic<String, RetentionPolicy> retentionPolicies;
    private final Topic<byte[], byte[]> dlq;
    private final Topic<String, BulkDeletion> bulkDeletions;
    private final Topic<String, String> consoleSignouts;
    private final Topic<String, LegalHold> legalHolds;
    private final AvroSerde<ErasureTask> taskSerde;
    private final SchemaRegistry registry;

    /** Topics whose values are written in Avro single-object encoding. */
    public Topics(String prefix) {
        this(prefix, null);
    }

    /**
     * Topics whose Avro values are written in the Confluent wire format through {@code registry}, or in
     * single-object encoding when it is null; either is read.
     */
    public Topics(String prefix, SchemaRegistry registry) {
        if (prefix == null || !prefix.matches("[A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("topic prefix may only hold letters, digits, '.', '_' and '-': " + prefix);
        }
        this.prefix = prefix;
        this.registry = registry;
        taskSerde = AvroSerde.of(ErasureTask.class, registry);
        deletionRequests = new Topic<>(prefix + "deletion.requests", KEY, AvroSerde.of(DeletionRequested.class, registry), THIRTY_DAYS);
        erasureResults = new Topic<>(prefix + "erasure.results", KEY, AvroSerde.of(ErasureResult.class, registry), THIRTY_DAYS);
        deletionStatus = new Topic<>(prefix + "deletion.status", KEY, AvroSerde.of(DeletionStatus.class, registry), COMPACTED);
        deletionEvents = new Topic<>(prefix + "deletion.events", KEY,
                AvroSerde.oneOf(registry, SpecificRecord.class, DeletionCompleted.class, DeletionFailed.class), THIRTY_DAYS);
        audit = new Topic<>(prefix + "audit", KEY, AvroSerde.of(AuditEvent.class, registry), FOREVER);
        customerActivity = new Topic<>(prefix + "customer.activity", KEY, AvroSerde.of(ContactActivity.class, registry), SEVEN_DAYS);
        retentionPolicies = new Topic<>(prefix + "retention.policies", KEY, AvroSerde.of(RetentionPolicy.class, registry), COMPACTED);
        dlq = new Topic<>(prefix + "dlq", Serdes.ByteArray(), Serdes.ByteArray(), THIRTY_DAYS);
        // a bulk of 10,000 customer and request ids is larger than the 1 MB default
        bulkDeletions = new Topic<>(prefix + "bulk.deletions", KEY, AvroSerde.of(BulkDeletion.class, registry),
                Map.of("cleanup.policy", "compact", "max.message.bytes", Integer.toString(BULK_MAX_BYTES)));
        // a signed-out session must stay refused until it would have expired anyway (console.session.max, at most 7 days)
        consoleSignouts = new Topic<>(prefix + "console.signouts", KEY, Serdes.String(), SEVEN_DAYS);
        legalHolds = new Topic<>(prefix + "legal.holds", KEY, AvroSerde.of(LegalHold.class, registry), COMPACTED);
    }

    public static Topics withDefaultPrefix() {
        return new Topics(DEFAULT_PREFIX);
    }

    public String prefix() {
        return prefix;
    }

    /** The schema registry the Avro topics write through, if any. */
    public java.util.Optional<SchemaRegistry> registry() {
        return java.util.Optional.ofNullable(registry);
    }

    /** Keyed by subject key {@code tenant/customerId}. */
    public Topic<String, DeletionRequested> deletionRequests() {
        return deletionRequests;
    }

    /**
     * Whether {@code name} is a data type name: 1 to 63 lower-case letters, digits and {@code -},
     * not starting with {@code -}. It names a task topic, so it is part of the topic contract.
     */
    public static boolean isDataType(String name) {
        return name != null && DATA_TYPE.matcher(name).matches();
    }

    /** The task topic of one data type, keyed by subject key. */
    public Topic<String, ErasureTask> erasureTasks(String dataType) {
        if (!isDataType(dataType)) {
            throw new IllegalArgumentException("a data type is lower-case letters, digits and '-': " + dataType);
        }
        return new Topic<>(prefix + "erasure.tasks." + dataType, KEY, taskSerde, THIRTY_DAYS);
    }

    public Topic<String, ErasureResult> erasureResults() {
        return erasureResults;
    }

    /** Keyed by requestId, compacted. */
    public Topic<String, DeletionStatus> deletionStatus() {
        return deletionStatus;
    }

    /** {@link DeletionCompleted} or {@link DeletionFailed}, keyed by subject key. */
    public Topic<String, SpecificRecord> deletionEvents() {
        return deletionEvents;
    }

    /** Keyed by requestId, kept forever. */
    public Topic<String, AuditEvent> audit() {
        return audit;
    }

    public Topic<String, ContactActivity> customerActivity() {
        return customerActivity;
    }

    /** Keyed by tenant, compacted. */
    public Topic<String, RetentionPolicy> retentionPolicies() {
        return retentionPolicies;
    }

    /** State of bulk deletions (four-eyes approval), keyed by bulkId, compacted. */
    public Topic<String, BulkDeletion> bulkDeletions() {
        return bulkDeletions;
    }

    /**
     * Console sessions signed out before they expired, keyed by session id; the value is the
     * ISO-8601 instant the session would have expired. Internal to the API (not an event contract).
     */
    public Topic<String, String> consoleSignouts() {
        return consoleSignouts;
    }

    /** Legal holds, keyed by holdId, compacted: a release is the same hold with releasedAt set. */
    public Topic<String, LegalHold> legalHolds() {
        return legalHolds;
    }

    /** Original key and bytes, with error headers. */
    public Topic<byte[], byte[]> dlq() {
        return dlq;
    }

    /** Every topic Lethe owns, for the given data types' task topics. */
    public List<Topic<?, ?>> all(Collection<String> dataTypes) {
        List<Topic<?, ?>> all = new ArrayList<>(List.of(deletionRequests, erasureResults, deletionStatus,
                deletionEvents, audit, customerActivity, retentionPolicies, dlq, bulkDeletions, consoleSignouts, legalHolds));
        dataTypes.stream().distinct().sorted().forEach(t -> all.add(erasureTasks(t)));
        return all;
    }

    /** The subject key of a customer: {@code tenant/customerId}. */
    public static String subjectKey(String tenant, String customerId) {
        return tenant + "/" + customerId;
    }

    private static Map<String, String> retention(Duration d) {
        return Map.of("retention.ms", Long.toString(d.toMillis()));
    }
}
