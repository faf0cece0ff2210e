package io.lethe.api.requests;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lethe.api.validation.Fields;
import io.lethe.events.Reason;
import io.lethe.events.Regulation;
import io.lethe.events.Scope;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;

/** A validated {@code POST /v1/deletion-requests} body. */
public record CreateRequest(Scope scope, String customerId, String itemId, Reason reason, Regulation regulation) {

    /** RETENTION_EXPIRED is the retention scanner's alone. */
    public static final Set<Reason> API_REASONS = EnumSet.of(Reason.CUSTOMER_REQUEST, Reason.PII_SENT_BY_MISTAKE, Reason.OTHER);
    /** RETENTION_POLICY is the retention scanner's alone. */
    public static final Set<Regulation> API_REGULATIONS = EnumSet.of(Regulation.GDPR, Regulation.CCPA, Regulation.OTHER);
    private static final Set<String> FIELDS = Set.of("scope", "customerId", "itemId", "reason", "regulation");

    public static CreateRequest parse(ObjectNode body) {
        Fields f = new Fields(body, FIELDS);
        Scope scope = f.enumValue("scope", Scope.class, EnumSet.allOf(Scope.class), true);
        String customerId = f.id("customerId", true);
        String itemId = null;
        if (scope == Scope.PROFILE) {
            if (f.present("itemId")) {
                f.error("itemId", "not allowed for scope PROFILE");
            }
        } else if (scope != null) {
            itemId = f.id("itemId", true);
        }
        Reason reason = f.enumValue("reason", Reason.class, API_REASONS, true);
        Regulation regulation = f.enumValue("regulation", Regulation.class, API_REGULATIONS, true);
        f.check();
        return new CreateRequest(scope, customerId, itemId, reason, regulation);
    }

    /** SHA-256 hex of the canonical body (sorted keys, no whitespace, itemId omitted when absent). */
    public String hash() {
        StringBuilder canonical = new StringBuilder("{\"customerId\":").append(quote(customerId));
        if (itemId != null) {
            canonical.append(",\"itemId\":").append(quote(itemId));
        }
        canonical.append(",\"reason\":\"").append(reason).append("\",\"regulation\":\"").append(regulation)
                .append("\",\"scope\":\"").append(scope).append("\"}");
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> b.append(c); // ids hold no control characters (validated)
            }
        }
        return b.append('"').toString();
    }
}
