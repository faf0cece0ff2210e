package io.lethe.store;

import io.lethe.localstack.LocalStackExtension.DatabaseEndpoint;
import io.lethe.localstack.TestStack;
import io.lethe.store.blob.BlobKeys;
import io.lethe.store.blob.BlobStore;
import io.lethe.store.blob.FileBlobStore;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A small, fully known customer written with plain SQL, so erasure tests can name every id.
 * Ids are prefixed with the customer id, so several customers fit in one tenant.
 */
public final class StoreFixture {

    private static CustomerStore store;

    public final BlobStore blobs = new FileBlobStore(TestStack.newDirectory("blobs"));

    /** The ids of one fixture customer. */
    public record Seeded(String tenant, String customerId, List<String> conversations, List<String> contacts,
                         List<String> attachments, String recording, String recordingContact,
                         List<String> integrationRecords, List<String> workSessions) {
        public String contact(int i) {
            return contacts.get(i);
        }

        public String attachment(int i) {
            return attachments.get(i);
        }
    }

    public static synchronized CustomerStore store(DatabaseEndpoint db) {
        if (store == null) {
            store = CustomerStore.connect(db.jdbcUrl(), db.user(), db.password());
            store.migrate();
        }
        return store;
    }

    public static String newTenant() {
        return "t-" + UUID.randomUUID();
    }

    /**
     * Customer with 2 emails, 1 phone, 1 address, 2 conversations (subjects), 3 contacts
     * (bodies, from-addresses), attachments a0 on contact 0 and a1 on contact 1 (with blobs),
     * a recording on contact 2 (transcript, audio blob), 2 integration records, 2 work sessions.
     */
    public Seeded seedCustomer(CustomerStore s, String tenant, String customerId) throws SQLException {
        String p = customerId + "-";
        Instant t0 = Instant.parse("2024-03-01T10:00:00Z");
        List<String> convs = List.of(p + "cv0", p + "cv1");
        List<String> contacts = List.of(p + "ct0", p + "ct1", p + "ct2");
        List<String> atts = List.of(p + "a0", p + "a1");
        String rec = p + "r0";
        List<String> ints = List.of(p + "i0", p + "i1");
        List<String> ws = List.of(p + "ws0", p + "ws1");
        try (Connection c = s.dataSource().getConnection()) {
            exec(c, "insert into customers (tenant_id, id, name, created_at, last_contact_at) values (?,?,?,?,?)",
                    tenant, customerId, "Name of " + customerId, ts(t0), ts(t0.plusSeconds(3600)));
            exec(c, "insert into customer_emails (tenant_id, id, customer_id, email, is_primary) values (?,?,?,?,true)",
                    tenant, p + "e0", customerId, customerId + "@example.com");
            exec(c, "insert into customer_emails (tenant_id, id, customer_id, email, is_primary) values (?,?,?,?,false)",
                    tenant, p + "e1", customerId, customerId + "@work.example.com");
            exec(c, "insert into customer_phones (tenant_id, id, customer_id, phone, kind) values (?,?,?,?,'MOBILE')",
                    tenant, p + "ph0", customerId, "+1 555 0100");
            exec(c, "insert into customer_addresses (tenant_id, id, customer_id, line, city, postal_code, country)"
                    + " values (?,?,?,?,?,?,?)", tenant, p + "ad0", customerId, "1 Main St", "Springfield", "12345", "US");
            for (int i = 0; i < convs.size(); i++) {
                exec(c, "insert into conversations (tenant_id, id, customer_id, channel, status, subject, created_at,"
                        + " closed_at) values (?,?,?,'EMAIL','CLOSED',?,?,?)", tenant, convs.get(i), customerId,
                        "Subject " + i + " of " + customerId, ts(t0), ts(t0.plusSeconds(7200)));
                exec(c, "insert into work_sessions (tenant_id, id, conversation_id, customer_id, agent_id, started_at,"
                        + " ended_at) values (?,?,?,?,'agent-7',?,?)", tenant, ws.get(i), convs.get(i), customerId,
                        ts(t0), ts(t0.plusSeconds(600)));
            }
            for (int i = 0; i < contacts.size(); i++) {
                exec(c, "insert into contacts (tenant_id, id, conversation_id, customer_id, channel, direction,"
                        + " from_address, body, occurred_at) values (?,?,?,?,?,'INBOUND',?,?,?)", tenant,
                        contacts.get(i), convs.get(i == 0 ? 0 : 1), customerId, i == 2 ? "VOICE" : "EMAIL",
                        customerId + "@example.com", "Body " + i + " of " + customerId, ts(t0.plusSeconds(i)));
            }
            for (int i = 0; i < atts.size(); i++) {
                exec(c, "insert into attachments (tenant_id, id, contact_id, customer_id, file_name, content_type,"
                        + " size_bytes, created_at) values (?,?,?,?,?,'text/plain',5,?)", tenant, atts.get(i),
                        contacts.get(i), customerId, "file-" + i + "-" + customerId + ".txt", ts(t0));
                blobs.put(BlobKeys.attachment(tenant, atts.get(i)), "hello".getBytes(StandardCharsets.UTF_8));
            }
            exec(c, "insert into voice_recordings (tenant_id, id, contact_id, customer_id, duration_seconds, transcript,"
                    + " created_at) values (?,?,?,?,42,?,?)", tenant, rec, contacts.get(2), customerId,
                    "Transcript of " + customerId, ts(t0));
            blobs.put(BlobKeys.recording(tenant, rec), new byte[] {1, 2, 3});
            for (int i = 0; i < ints.size(); i++) {
                exec(c, "insert into integration_records (tenant_id, id, customer_id, kind, source_app, payload,"
                        + " created_at) values (?,?,?,?,'shopify',?::jsonb,?)", tenant, ints.get(i), customerId,
                        i == 0 ? "ORDER" : "CSAT", "{\"note\":\"payload " + i + " of " + customerId + "\"}", ts(t0));
            }
        }
        return new Seeded(tenant, customerId, convs, contacts, atts, rec, contacts.get(2), ints, ws);
    }

    public static void relate(CustomerStore s, String tenant, String a, String b) throws SQLException {
        try (Connection c = s.dataSource().getConnection()) {
            exec(c, "insert into customer_relationships (tenant_id, customer_id, related_customer_id, relation_kind)"
                    + " values (?,?,?,'FAMILY')", tenant, a, b);
        }
    }

    /** Runs a query and returns the first column of every row as strings (nulls kept). */
    public static List<String> column(CustomerStore s, String sql, Object... args) throws SQLException {
        try (Connection c = s.dataSource().getConnection()) {
            return column(c, sql, args);
        }
    }

    /** The same on a connection the caller holds (temporary tables, one session). */
    public static List<String> column(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }

    public static long count(CustomerStore s, String sql, Object... args) throws SQLException {
        return Long.parseLong(column(s, sql, args).get(0));
    }

    private static void exec(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }

    private static Timestamp ts(Instant i) {
        return Timestamp.from(i);
    }
}
