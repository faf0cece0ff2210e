package io.lethe.api.validation;

/**
 * The rule for every id the API accepts (customer, item, request, bulk ids and
 * Idempotency-Key): 1 to 128 characters, no control characters, no unpaired UTF-16
 * surrogates. Ids end up in Kafka keys and logs, so this is what keeps both parseable; an
 * unpaired surrogate would be encoded as {@code ?} on the wire and so name another id.
 */
public final class Ids {

    public static final int MAX_LENGTH = 128;

    private Ids() {
    }

    /** Why {@code id} is not acceptable, or null when it is. */
    public static String problem(String id) {
        if (id == null || id.isEmpty()) {
            return "must not be empty";
        }
        if (id.length() > MAX_LENGTH) {
            return "must be at most " + MAX_LENGTH + " characters";
        }
        if (id.isBlank()) {
            return "must not be blank";
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (Character.isISOControl(c)) {
                return "must not contain control characters";
            }
            if (Character.isHighSurrogate(c) && i + 1 < id.length() && Character.isLowSurrogate(id.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "must be valid Unicode (no unpaired surrogates)";
            }
        }
        return null;
    }

    /** A field name safe to echo in a problem body (unknown field names come from the client). */
    static String printable(String name) {
        String cut = name.length() > 64 ? name.substring(0, 64) + "…" : name;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
