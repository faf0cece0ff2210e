package io.lethe.schemas;

import io.lethe.events.LegalHold;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * The rules of a legal hold that every service applies the same way: when a hold is active,
 * whom it covers, and what a matter reference may look like.
 */
public final class Holds {

    /**
     * A matter reference: an opaque id such as {@code LIT-2026-0042} or {@code case:814/b}, never
     * free text (no spaces) nor an e-mail address (no {@code @}), since it is kept forever in the
     * audit trail.
     */
    public static final Pattern MATTER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/#-]{0,127}");

    /**
     * The {@code errorCode} of an {@code ErasureResult} that erased nothing because the customer
     * is under a hold (retryable; the attempt does not count). External erasers may answer it too.
     */
    public static final String LEGAL_HOLD = "LEGAL_HOLD";

    private Holds() {
    }

    /** Not released and not past its expiry at {@code now}. */
    public static boolean active(LegalHold h, Instant now) {
        return h.getReleasedAt() == null && (h.getExpiresAt() == null || h.getExpiresAt().isAfter(now));
    }

    /** Whether {@code h} covers that customer of that tenant: its own hold, or a hold of the whole tenant. */
    public static boolean covers(LegalHold h, String tenant, String customerId) {
        return h.getTenant().equals(tenant) && (h.getCustomerId() == null || h.getCustomerId().equals(customerId));
    }

    /** Expired (not released) at {@code now}: the expiry passed while nobody released it. */
    public static boolean expired(LegalHold h, Instant now) {
        return h.getReleasedAt() == null && h.getExpiresAt() != null && !h.getExpiresAt().isAfter(now);
    }
}
