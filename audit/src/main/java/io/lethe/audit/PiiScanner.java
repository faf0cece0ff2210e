package io.lethe.audit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

/**
 * Looks for personal data where there must be none: e-mail addresses, phone numbers, and
 * the strings of an operator-supplied denylist (real names or addresses known to have
 * leaked, say).
 *
 * <p>A finding never carries the value it found, only a masked hint, so a report of PII
 * does not itself spread the PII. Heuristic by nature: a phone number is 7 to 15 digits
 * with optional {@code +}, spaces, dashes, dots and parentheses, standing alone (not part of
 * an id like {@code cust-000123}); UUIDs and ISO dates are ignored. It will miss a name
 * that is not on the denylist, and may flag a free-standing 7-digit number.
 */
public final class PiiScanner {

    public enum Kind { EMAIL, PHONE, DENYLISTED }

    /** @param where the field or byte range  @param hint a masked form of what was found */
    public record Finding(Kind kind, String where, String hint) {
    }

    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");
    // a run of digits and phone punctuation that does not touch a letter, digit, '-' or '_' on either side
    private static final Pattern PHONE = Pattern.compile("(?<![\\w-])\\+?\\(?\\d[\\d\\s().-]{5,}\\d(?![\\w-])");
    private static final Pattern UUID = Pattern.compile("(?i)\\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\b");
    private static final Pattern ISO_TIME = Pattern.compile(
            "\\b\\d{4}-\\d{2}-\\d{2}(?:[T ]\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?(?:Z|[+-]\\d{2}:?\\d{2})?)?\\b");
    private static final Pattern NOT_PRINTABLE = Pattern.compile("[^\\x20-\\x7E\\u00A0-\\uFFFF]+");

    private final List<String> denylist;

    /** @param denylist strings that must appear nowhere, matched case-insensitively; blank entries are ignored */
    public PiiScanner(List<String> denylist) {
        this.denylist = denylist.stream().map(String::trim).filter(s -> !s.isEmpty())
                .map(s -> s.toLowerCase(Locale.ROOT)).toList();
    }

    /** Every string in a record, its arrays, maps and nested records. Enum symbols are schema, not data. */
    public List<Finding> scanRecord(IndexedRecord record) {
        List<Finding> out = new ArrayList<>();
        walk("", record, out);
        return out;
    }

    private void walk(String path, Object value, List<Finding> out) {
        if (value instanceof IndexedRecord r) {
            for (Schema.Field f : r.getSchema().getFields()) {
                walk(path.isEmpty() ? f.name() : path + "." + f.name(), r.get(f.pos()), out);
            }
        } else if (value instanceof CharSequence s) {
            out.addAll(scanText(path, s.toString()));
        } else if (value instanceof Iterable<?> items) {
            int i = 0;
            for (Object item : items) {
                walk(path + "[" + i++ + "]", item, out);
            }
        } else if (value instanceof java.util.Map<?, ?> m) {
            m.forEach((k, v) -> {
                walk(path + ".<key>", k, out);
                walk(path + "[" + k + "]", v, out);
            });
        }
    }

    /**
     * Raw record bytes, read as UTF-8 with binary runs as separators: catches PII in records
     * that do not decode and in anything the reader schema does not show.
     */
    public List<Finding> scanBytes(String where, byte[] bytes, int from) {
        if (bytes == null || bytes.length <= from) {
            return List.of();
        }
        String text = new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
        return scanText(where, NOT_PRINTABLE.matcher(text).replaceAll("\u0000"));
    }

    /** One text, {@code where} naming it in the findings. */
    public List<Finding> scanText(String where, String text) {
        List<Finding> out = new ArrayList<>();
        Matcher email = EMAIL.matcher(text);
        while (email.find()) {
            out.add(new Finding(Kind.EMAIL, where, maskEmail(email.group())));
        }
        String rest = ISO_TIME.matcher(UUID.matcher(EMAIL.matcher(text).replaceAll(" ")).replaceAll(" ")).replaceAll(" ");
        Matcher phone = PHONE.matcher(rest);
        while (phone.find()) {
            String digits = phone.group().replaceAll("\\D", "");
            if (digits.length() >= 7 && digits.length() <= 15) {
                out.add(new Finding(Kind.PHONE, where, digits.length() + " digits ending in " + digits.substring(digits.length() - 2)));
            }
        }
        String lower = text.toLowerCase(Locale.ROOT);
        for (int i = 0; i < denylist.size(); i++) {
            if (lower.contains(denylist.get(i))) {
                out.add(new Finding(Kind.DENYLISTED, where, "denylist entry " + (i + 1)));
            }
        }
        return out;
    }

    private static String maskEmail(String email) {
        int at = email.indexOf('@');
        return email.charAt(0) + "***@" + email.charAt(at + 1) + "***";
    }
}
