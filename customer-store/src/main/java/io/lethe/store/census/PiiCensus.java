package io.lethe.store.census;

import io.lethe.store.blob.BlobKeys;
import io.lethe.store.blob.BlobStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts and lists one customer's PII across every table of the store and the blob store,
 * independently of the erasers' own residual checks, so tests can prove a profile deletion
 * left nothing and search other systems (Kafka topics, logs) for leaked values.
 *
 * <p>A verification tool: reads only, scans the customer's rows with no batching, and knows
 * nothing about data held outside this store.
 */
public final class PiiCensus {

    // p binds (tenant, customer) once; every subquery reads it
    private static final String P = "with p(t, c) as (select ?::text, ?::text) ";

    private static final String COUNTS = P + "select"
            + " (select count(name) from customers x, p where tenant_id = p.t and id = p.c)"
            + " + (select count(*) from customer_emails x, p where tenant_id = p.t and customer_id = p.c)"
            + " + (select count(*) from customer_phones x, p where tenant_id = p.t and customer_id = p.c)"
            + " + (select count(*) from customer_addresses x, p where tenant_id = p.t and customer_id = p.c)"
            + " + (select count(*) from customer_relationships x, p where tenant_id = p.t"
            + "     and (customer_id = p.c or related_customer_id = p.c))"
            + " + (select count(subject) from conversations x, p where tenant_id = p.t and customer_id = p.c)"
            + " + (select count(body) + count(from_address) from contacts x, p where tenant_id = p.t and customer_id = p.c)"
            + " + (select count(transcript) from voice_recordings x, p where tenant_id = p.t and customer_id = p.c)"
            + " + (select count(file_name) from attachments x, p where tenant_id = p.t and customer_id = p.c)"
            + " + (select count(*) from integration_records x, p where tenant_id = p.t and customer_id = p.c)";

    private static final String BLOB_IDS = P + "select 'A', id from attachments, p where tenant_id = p.t and customer_id = p.c"
            + " union all select 'R', id from voice_recordings, p where tenant_id = p.t and customer_id = p.c";

    private static final String STRINGS = P + "select name from customers, p where tenant_id = p.t and id = p.c and name is not null"
            + " union all select email from customer_emails, p where tenant_id = p.t and customer_id = p.c"
            + " union all select phone from customer_phones, p where tenant_id = p.t and customer_id = p.c"
            + " union all select line from customer_addresses, p where tenant_id = p.t and customer_id = p.c"
            + " union all select subject from conversations, p where tenant_id = p.t and customer_id = p.c"
            + "   and subject is not null"
            + " union all select body from contacts, p where tenant_id = p.t and customer_id = p.c and body is not null"
            + " union all select from_address from contacts, p where tenant_id = p.t and customer_id = p.c"
            + "   and from_address is not null"
            + " union all select transcript from voice_recordings, p where tenant_id = p.t and customer_id = p.c"
            + "   and transcript is not null"
            + " union all select file_name from attachments, p where tenant_id = p.t and customer_id = p.c"
            + "   and file_name is not null"
            + " union all select payload::text from integration_records, p where tenant_id = p.t and customer_id = p.c";

    private PiiCensus() {
    }

    /**
     * PII values left for the customer: non-null PII columns, PII rows (emails, phones,
     * addresses, relationships on either side, integration records) and existing blobs of
     * their attachments and recordings. 0 after a complete profile deletion.
     */
    public static long remainingPii(Connection c, BlobStore blobs, String tenant, String customerId) throws SQLException {
        long total;
        try (PreparedStatement ps = c.prepareStatement(COUNTS)) {
            bind(ps, tenant, customerId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                total = rs.getLong(1);
            }
        }
        try (PreparedStatement ps = c.prepareStatement(BLOB_IDS)) {
            bind(ps, tenant, customerId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(2);
                    String key = "A".equals(rs.getString(1)) ? BlobKeys.attachment(tenant, id) : BlobKeys.recording(tenant, id);
                    if (blobs.exists(key)) {
                        total++;
                    }
                }
            }
        }
        return total;
    }

    /** The customer's PII values themselves (names, emails, phones, address lines, texts, file names, payloads). */
    public static List<String> piiStrings(Connection c, String tenant, String customerId) throws SQLException {
        List<String> values = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(STRINGS)) {
            bind(ps, tenant, customerId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
        }
        return values;
    }

    private static void bind(PreparedStatement ps, String tenant, String customerId) throws SQLException {
        ps.setString(1, tenant);
        ps.setString(2, customerId);
    }
}
