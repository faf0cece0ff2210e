package io.lethe.store.seed;

import java.time.Duration;

/** What one {@link Seeder#seed} call wrote, and how long it took. */
public record SeedSummary(String tenant, long customers, long emails, long phones, long addresses, long relationships,
                          long conversations, long contacts, long attachments, long voiceRecordings,
                          long integrationRecords, long workSessions, long blobBytes, Duration elapsed) {

    /** Rows written across all tables. */
    public long rows() {
        return customers + emails + phones + addresses + relationships + conversations + contacts + attachments
                + voiceRecordings + integrationRecords + workSessions;
    }
}
