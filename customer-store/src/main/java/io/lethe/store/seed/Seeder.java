package io.lethe.store.seed;

import static io.lethe.store.seed.FakeData.CITIES;
import static io.lethe.store.seed.FakeData.CSAT_COMMENTS;
import static io.lethe.store.seed.FakeData.EMAIL_DOMAINS;
import static io.lethe.store.seed.FakeData.FIRST_NAMES;
import static io.lethe.store.seed.FakeData.INBOUND;
import static io.lethe.store.seed.FakeData.LAST_NAMES;
import static io.lethe.store.seed.FakeData.OUTBOUND;
import static io.lethe.store.seed.FakeData.PRODUCTS;
import static io.lethe.store.seed.FakeData.STREETS;
import static io.lethe.store.seed.FakeData.STREET_KINDS;
import static io.lethe.store.seed.FakeData.SUBJECTS;

import io.lethe.store.blob.BlobKeys;
import io.lethe.store.blob.BlobStore;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Deterministic synthetic customers for one tenant, written with PostgreSQL {@code COPY} in
 * chunks, plus their attachment and recording content in the blob store.
 *
 * <p>The same (customers, seed, asOf) gives byte-identical rows and blobs in any tenant: the
 * random stream never depends on the tenant. All rows go in one transaction; blobs are written
 * before the commit and are not removed if it fails. Not safe to run twice for the same tenant
 * (primary keys collide). Ids: {@code cust-000001}, {@code conv-00000001}, {@code msg-00000001}, ...
 */
public final class Seeder {

    /** The default "now" of generated timestamps; fixed so output does not depend on the clock. */
    public static final Instant DEFAULT_AS_OF = Instant.parse("2026-01-01T00:00:00Z");

    private static final int CHUNK_CUSTOMERS = 500;
    private static final long DAY = 86_400;
    private static final long FIVE_YEARS = 5 * 365 * DAY;
    private static final String[] CHANNELS = {"EMAIL", "SMS", "CHAT", "VOICE", "SOCIAL"};

    private static final List<Table> TABLES = List.of(
            new Table("customers", "tenant_id, id, name, created_at, last_contact_at"),
            new Table("customer_emails", "tenant_id, id, customer_id, email, is_primary"),
            new Table("customer_phones", "tenant_id, id, customer_id, phone, kind"),
            new Table("customer_addresses", "tenant_id, id, customer_id, line, city, postal_code, country"),
            new Table("customer_relationships", "tenant_id, customer_id, related_customer_id, relation_kind"),
            new Table("conversations", "tenant_id, id, customer_id, channel, status, subject, created_at, closed_at"),
            new Table("contacts",
                    "tenant_id, id, conversation_id, customer_id, channel, direction, from_address, body, occurred_at"),
            new Table("voice_recordings",
                    "tenant_id, id, contact_id, customer_id, duration_seconds, transcript, created_at"),
            new Table("attachments",
                    "tenant_id, id, contact_id, customer_id, file_name, content_type, size_bytes, created_at"),
            new Table("integration_records", "tenant_id, id, customer_id, kind, source_app, payload, created_at"),
            new Table("work_sessions", "tenant_id, id, conversation_id, customer_id, agent_id, started_at, ended_at"));

    private record Table(String name, String columns) {
    }

    private Seeder() {
    }

    /** The id of the n-th customer (1-based) of every seeded tenant. */
    public static String customerId(int n) {
        return String.format(Locale.ROOT, "cust-%06d", n);
    }

    /** Seeds with timestamps relative to {@link #DEFAULT_AS_OF}. */
    public static SeedSummary seed(DataSource ds, BlobStore blobs, String tenant, int customers, long seed)
            throws SQLException {
        return seed(ds, blobs, tenant, customers, seed, DEFAULT_AS_OF);
    }

    /**
     * Seeds {@code customers} customers into {@code tenant}, last contacts spread over the five
     * years before {@code asOf}.
     */
    public static SeedSummary seed(DataSource ds, BlobStore blobs, String tenant, int customers, long seed, Instant asOf)
            throws SQLException {
        long started = System.nanoTime();
        Generator gen = new Generator(tenant, blobs, new SplittableRandom(seed), asOf.getEpochSecond());
        try (Connection c = ds.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
                for (int from = 1; from <= customers; from += CHUNK_CUSTOMERS) {
                    int to = Math.min(customers, from + CHUNK_CUSTOMERS - 1);
                    for (int n = from; n <= to; n++) {
                        gen.customer(n);
                    }
                    for (int t = 0; t < TABLES.size(); t++) {
                        Table table = TABLES.get(t);
                        StringBuilder rows = gen.buffers[t];
                        if (rows.length() > 0) {
                            copy.copyIn("copy " + table.name() + " (" + table.columns() + ") from stdin",
                                    new StringReader(rows.toString()));
                            rows.setLength(0);
                        }
                    }
                }
                c.commit();
            } catch (SQLException | IOException | RuntimeException e) {
                c.rollback();
                if (e instanceof SQLException s) {
                    throw s;
                }
                throw new SQLException("seeding failed", e);
            } finally {
                c.setAutoCommit(autoCommit);
            }
        }
        return new SeedSummary(tenant, gen.counts[0], gen.counts[1], gen.counts[2], gen.counts[3], gen.counts[4],
                gen.counts[5], gen.counts[6], gen.counts[8], gen.counts[7], gen.counts[9], gen.counts[10],
                gen.blobBytes, Duration.ofNanos(System.nanoTime() - started));
    }

    /**
     * Streams (customer id, last contact) of every not-yet-erased customer of the tenant that
     * has a last contact, in id order, without loading them all (cursor with a fetch size).
     */
    public static void forEachLastContact(DataSource ds, String tenant, BiConsumer<String, Instant> consumer)
            throws SQLException {
        forEachLastContact(ds, tenant, "", consumer);
    }

    /** As above, for customers whose id sorts after {@code afterCustomerId} (resuming a backfill). */
    public static void forEachLastContact(DataSource ds, String tenant, String afterCustomerId,
                                          BiConsumer<String, Instant> consumer) throws SQLException {
        try (Connection c = ds.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            // the PostgreSQL driver only streams with a fetch size inside a transaction
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("select id, last_contact_at from customers"
                    + " where tenant_id = ? and id > ? and erased_at is null and last_contact_at is not null order by id")) {
                ps.setFetchSize(1000);
                ps.setString(1, tenant);
                ps.setString(2, afterCustomerId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        consumer.accept(rs.getString(1), rs.getTimestamp(2).toInstant());
                    }
                }
                c.commit();
            } finally {
                c.setAutoCommit(autoCommit);
            }
        }
    }

    /** Generates rows into per-table COPY text buffers; one instance per seed call. */
    private static final class Generator {
        final StringBuilder[] buffers = new StringBuilder[TABLES.size()];
        final long[] counts = new long[TABLES.size()];
        long blobBytes;
        private final String tenant;
        private final BlobStore blobs;
        private final SplittableRandom rnd;
        private final long asOf;
        private final List<String> row = new ArrayList<>();

        Generator(String tenant, BlobStore blobs, SplittableRandom rnd, long asOf) {
            this.tenant = tenant;
            this.blobs = blobs;
            this.rnd = rnd;
            this.asOf = asOf;
            for (int i = 0; i < buffers.length; i++) {
                buffers[i] = new StringBuilder(1 << 16);
            }
        }

        void customer(int n) {
            String id = customerId(n);
            String first = pick(FIRST_NAMES);
            String last = pick(LAST_NAMES);
            String[] city = CITIES.get(rnd.nextInt(CITIES.size()));
            String email = (first + "." + last).toLowerCase(Locale.ROOT) + rnd.nextInt(1, 1000) + "@" + pick(EMAIL_DOMAINS);
            String phone = city[3] + " " + rnd.nextInt(200, 1000) + " " + rnd.nextInt(1000, 10000);
            String address = rnd.nextInt(1, 300) + " " + pick(STREETS) + " " + pick(STREET_KINDS);
            String postal = city[1] + String.format(Locale.ROOT, "%02d", rnd.nextInt(100));

            long lastTarget = asOf - rnd.nextLong(FIVE_YEARS) - DAY;
            long created = lastTarget - rnd.nextLong(30 * DAY, 2 * 365 * DAY);

            // rows of this customer's other tables first, so last_contact_at is the real maximum
            emit(1, tenant, "em-" + id + "-1", id, email, "t");
            if (rnd.nextInt(3) == 0) {
                emit(1, tenant, "em-" + id + "-2", id, first.toLowerCase(Locale.ROOT) + "@work." + pick(EMAIL_DOMAINS), "f");
            }
            emit(2, tenant, "ph-" + id, id, phone, rnd.nextBoolean() ? "MOBILE" : "HOME");
            emit(3, tenant, "ad-" + id, id, address, city[0], postal, city[2]);
            if (n > 1 && rnd.nextInt(5) == 0) {
                String[] kinds = {"SPOUSE", "FAMILY", "COLLEAGUE", "ASSISTANT", "OTHER"};
                emit(4, tenant, id, customerId(rnd.nextInt(1, n)), kinds[rnd.nextInt(kinds.length)]);
            }

            int conversations = rnd.nextInt(2, 6);
            int voiceConversation = rnd.nextInt(conversations);
            int attachmentsLeft = rnd.nextInt(1, 4);
            long lastContact = Long.MIN_VALUE;
            String order = "#" + rnd.nextInt(10_000, 100_000);
            String product = pick(PRODUCTS);
            String fullAddress = address + ", " + city[0];
            for (int k = 0; k < conversations; k++) {
                String conv = "conv-" + seq(5);
                String channel = k == voiceConversation ? "VOICE" : pickChannelExceptVoice();
                // conversations in order, the last one ending near lastTarget
                long start = k == conversations - 1 ? lastTarget - rnd.nextLong(DAY)
                        : created + rnd.nextLong(Math.max(1, lastTarget - created - 2 * DAY));
                boolean closed = k < conversations - 1 || rnd.nextInt(4) > 0;
                int contacts = rnd.nextInt(5, 16);
                long t = start;
                String firstInbound = null;
                List<String> contactIds = new ArrayList<>(contacts);
                for (int m = 0; m < contacts; m++) {
                    String msg = "msg-" + seq(6);
                    boolean inbound = m % 2 == 0;
                    String from = inbound ? fromAddress(channel, email, phone, first) : "support@shop.example";
                    String body = String.format(Locale.ROOT, pick(inbound ? INBOUND : OUTBOUND), first + " " + last,
                            order, phone, product, fullAddress);
                    emit(6, tenant, msg, conv, id, channel, inbound ? "INBOUND" : "OUTBOUND", from, body, ts(t));
                    if (inbound && firstInbound == null) {
                        firstInbound = msg;
                    }
                    contactIds.add(msg);
                    lastContact = Math.max(lastContact, t);
                    t += rnd.nextLong(60, 6 * 3600);
                }
                emit(5, tenant, conv, id, channel, closed ? "CLOSED" : (rnd.nextBoolean() ? "OPEN" : "WAITING"),
                        String.format(Locale.ROOT, pick(SUBJECTS), k % 2 == 0 ? order : product), ts(start),
                        closed ? ts(t) : null);
                emit(10, tenant, "ws-" + seq(10), conv, id, "agent-" + rnd.nextInt(1, 41), ts(start),
                        ts(start + rnd.nextLong(120, 2400)));
                if (k == voiceConversation) {
                    recording(id, firstInbound, first + " " + last, order, phone, start);
                }
                while (attachmentsLeft > 0 && (k != voiceConversation || k == conversations - 1)
                        && (rnd.nextBoolean() || k == conversations - 1)) {
                    attachment(id, contactIds.get(rnd.nextInt(contactIds.size())), last, start);
                    attachmentsLeft--;
                }
            }
            int integrations = rnd.nextInt(2, 7);
            for (int i = 0; i < integrations; i++) {
                integration(id, i, order, product, fullAddress, created + rnd.nextLong(Math.max(1, lastTarget - created)));
            }
            emit(0, tenant, id, first + " " + last, ts(created), ts(lastContact));
        }

        private void recording(String customer, String contact, String name, String order, String phone, long at) {
            String id = "rec-" + seq(7);
            int seconds = rnd.nextInt(30, 900);
            String transcript = "Agent: Thank you for calling, how can I help? Caller: Hi, this is " + name
                    + ", calling about order " + order + ". You can call me back on " + phone + ".";
            emit(7, tenant, id, contact, customer, Integer.toString(seconds), transcript, ts(at));
            byte[] audio = new byte[rnd.nextInt(800, 3000)];
            fill(audio);
            System.arraycopy("RIFF".getBytes(StandardCharsets.US_ASCII), 0, audio, 0, 4);
            System.arraycopy("WAVEfmt ".getBytes(StandardCharsets.US_ASCII), 0, audio, 8, 8);
            put(BlobKeys.recording(tenant, id), audio);
        }

        private void attachment(String customer, String contact, String lastName, long at) {
            String id = "att-" + seq(8);
            int kind = rnd.nextInt(3);
            byte[] content;
            String fileName;
            String contentType;
            if (kind == 0) {
                contentType = "image/png";
                fileName = "photo-" + lastName.toLowerCase(Locale.ROOT) + "-" + rnd.nextInt(1000, 10000) + ".png";
                content = new byte[rnd.nextInt(300, 4000)];
                fill(content);
                byte[] sig = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
                System.arraycopy(sig, 0, content, 0, sig.length);
            } else if (kind == 1) {
                contentType = "application/pdf";
                fileName = "invoice-" + lastName.toLowerCase(Locale.ROOT) + ".pdf";
                content = new byte[rnd.nextInt(500, 4000)];
                fill(content);
                byte[] head = "%PDF-1.4\n".getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(head, 0, content, 0, head.length);
            } else {
                contentType = "text/plain";
                fileName = "receipt-" + lastName.toLowerCase(Locale.ROOT) + ".txt";
                StringBuilder text = new StringBuilder("RECEIPT\n");
                int lines = rnd.nextInt(10, 80);
                for (int i = 0; i < lines; i++) {
                    text.append(pick(PRODUCTS)).append('\t').append(rnd.nextInt(1, 5)).append('\t')
                            .append(rnd.nextInt(5, 300)).append(".00\n");
                }
                content = text.toString().getBytes(StandardCharsets.UTF_8);
            }
            emit(8, tenant, id, contact, customer, fileName, contentType, Integer.toString(content.length), ts(at));
            put(BlobKeys.attachment(tenant, id), content);
        }

        private void integration(String customer, int i, String order, String product, String address, long at) {
            String id = "int-" + seq(9);
            int kind = i < 2 ? i : rnd.nextInt(4);
            String payload;
            String type;
            String app;
            switch (kind) {
                case 0 -> {
                    type = "ORDER";
                    app = rnd.nextBoolean() ? "shopify" : "magento";
                    payload = String.format(Locale.ROOT, "{\"orderId\": \"%s\", \"totalCents\": %d, \"currency\": \"USD\","
                            + " \"items\": [{\"name\": \"%s\", \"qty\": %d}], \"shippingAddress\": \"%s\"}", order,
                            rnd.nextInt(1000, 50_000), product, rnd.nextInt(1, 4), address);
                }
                case 1 -> {
                    type = "CSAT";
                    app = "stella";
                    payload = String.format(Locale.ROOT, "{\"score\": %d, \"comment\": \"%s\"}", rnd.nextInt(1, 6),
                            pick(CSAT_COMMENTS));
                }
                case 2 -> {
                    type = "NPS";
                    app = "delighted";
                    payload = String.format(Locale.ROOT, "{\"score\": %d, \"comment\": \"%s\"}", rnd.nextInt(0, 11),
                            pick(CSAT_COMMENTS));
                }
                default -> {
                    type = "EXTERNAL_APP";
                    app = "loyalty-app";
                    payload = String.format(Locale.ROOT, "{\"tier\": \"%s\", \"points\": %d}",
                            rnd.nextBoolean() ? "gold" : "silver", rnd.nextInt(0, 20_000));
                }
            }
            emit(9, tenant, id, customer, type, app, payload, ts(at));
        }

        private String fromAddress(String channel, String email, String phone, String first) {
            return switch (channel) {
                case "EMAIL" -> email;
                case "SMS", "VOICE" -> phone;
                case "CHAT" -> "chat:" + first.toLowerCase(Locale.ROOT);
                default -> "@" + first.toLowerCase(Locale.ROOT) + "_" + rnd.nextInt(10, 100);
            };
        }

        private String pickChannelExceptVoice() {
            String c = CHANNELS[rnd.nextInt(CHANNELS.length - 1)];
            return c.equals("VOICE") ? "SOCIAL" : c;
        }

        private void put(String key, byte[] content) {
            blobs.put(key, content);
            blobBytes += content.length;
        }

        private void fill(byte[] bytes) {
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) rnd.nextInt(256);
            }
        }

        private String seq(int table) {
            return String.format(Locale.ROOT, "%08d", counts[table] + 1);
        }

        private String pick(List<String> values) {
            return values.get(rnd.nextInt(values.size()));
        }

        /** One row in COPY text format: tab-separated, {@code \N} for null, special characters escaped. */
        private void emit(int table, String... values) {
            StringBuilder b = buffers[table];
            for (int i = 0; i < values.length; i++) {
                if (i > 0) {
                    b.append('\t');
                }
                String v = values[i];
                if (v == null) {
                    b.append("\\N");
                    continue;
                }
                for (int j = 0; j < v.length(); j++) {
                    char ch = v.charAt(j);
                    switch (ch) {
                        case '\\' -> b.append("\\\\");
                        case '\t' -> b.append("\\t");
                        case '\n' -> b.append("\\n");
                        case '\r' -> b.append("\\r");
                        default -> b.append(ch);
                    }
                }
            }
            b.append('\n');
            counts[table]++;
        }

        private static String ts(long epochSecond) {
            return Instant.ofEpochSecond(epochSecond).toString();
        }
    }
}
