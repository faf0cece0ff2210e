package io.lethe.api.validation;

/**
 * The rule for every id the API accepts (customer, item, request, bulk ids and
 * Idempotency-Key): 1 to 128 characters, no control characters. Ids end up in Kafka keys
 * and logs, so this is what keeps both parseable.
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
            if (Character.isISOControl(id.charAt(i))) {
                return "must not contain control characters";
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
