package io.lethe.api.console;

import io.lethe.api.auth.Permission;
import io.lethe.api.auth.Principal;
import io.lethe.api.auth.Role;
import io.lethe.events.RequestStatus;
import io.lethe.events.Scope;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What the console's templates show: one record per screen plus {@link Chrome} for the frame.
 * Templates only display these; every rule (who may, what is valid) was applied before.
 */
public final class Views {

    private Views() {
    }

    /** The frame of every page: title, navigation, the user and the CSRF token for its forms. */
    public record Chrome(String title, String active, Principal user, String csrf, String notice) {
        public boolean may(Permission p) {
            return user != null && user.may(p);
        }

        public String roles() {
            return user == null ? "" : user.roles().stream().map(Role::claim).sorted().collect(Collectors.joining(", "));
        }
    }

    /** An instant for people: "3 minutes ago" / "in 29 days", with the exact ISO-8601 form for the title and datetime. */
    public record When(String iso, String human) {
        public static When of(Instant t, Instant now) {
            if (t == null) {
                return null;
            }
            Duration d = Duration.between(now, t);
            boolean future = !d.isNegative();
            Duration a = d.abs();
            String span;
            if (a.toSeconds() < 45) {
                return new When(t.toString(), "just now");
            } else if (a.toMinutes() < 60) {
                span = plural(Math.max(1, a.toMinutes()), "minute");
            } else if (a.toHours() < 24) {
                span = plural(a.toHours(), "hour");
            } else {
                span = plural(a.toDays(), "day");
            }
            return new When(t.toString(), future ? "in " + span : span + " ago");
        }

        private static String plural(long n, String unit) {
            return n + " " + unit + (n == 1 ? "" : "s");
        }
    }

    public static String statusLabel(RequestStatus s) {
        return s == null ? "" : label(s.name());
    }

    /** ACCEPTED → Accepted, IN_PROGRESS → In progress. */
    public static String label(String constant) {
        String s = constant.replace('_', ' ').toLowerCase(java.util.Locale.ROOT);
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    public static String scopeLabel(Scope s) {
        return switch (s) {
            case PROFILE -> "Profile";
            case CONTACT -> "Contact item";
            case ATTACHMENT -> "Attachment";
            case VOICE_RECORDING -> "Voice recording";
        };
    }

    /** One row of the Requests table. */
    public record RequestRow(String requestId, String customerId, String scope, String reason, String status,
                             String statusKey, When requested, When due, String dueText, boolean overdue) {
    }

    public record RequestsView(Chrome chrome, Map<String, Long> counts, List<RequestRow> rows, String status,
                               String customerId, String next, boolean filtered, Map<String, String> errors) {
    }

    /** The values of the New deletion form, as typed. */
    public record DeletionForm(String scope, String customerId, String itemId, String reason, String regulation) {
    }

    /**
     * The New deletion screen: the form ({@code confirming} false) or the confirmation of a
     * valid form, which says what will be erased and what is kept.
     */
    public record NewDeletionView(Chrome chrome, DeletionForm form, Map<String, String> errors, String summary,
                                  boolean confirming, String erases, String keeps, String idempotencyKey) {
    }

    public record TaskRow(String dataType, String status, int attempts, long rowsScrubbed, long rowsDeleted, long blobsDeleted,
                          String residual, String error) {
    }

    public record TimelineRow(When at, String what, String actor) {
    }

    /**
     * One request's page. {@code heldFor} ("3 days") is set while it is ON_HOLD; {@code holds}
     * are the legal holds the status names, linked to the Legal holds page.
     */
    public record RequestView(Chrome chrome, String requestId, String customerId, String scope, String itemId, String reason,
                              String regulation, String status, String statusKey, boolean verified, boolean terminal,
                              When requested, When due, String dueText, boolean overdue, When completed, String bulkId,
                              List<TaskRow> tasks, List<TimelineRow> timeline, boolean canRetry, String error,
                              String heldFor, List<HoldLink> holds, String originalRequestId) {
    }

    /** A legal hold named on a request's page: its id, where it is listed, and what it covers in words (or null when unknown). */
    public record HoldLink(String holdId, String href, String description) {
    }

    /** The values of the Place a legal hold form, as typed ({@code expiresOn} a date, YYYY-MM-DD). */
    public record HoldForm(String customerId, String matter, String expiresOn) {
    }

    /** One row of the Legal holds table; {@code customerId} null = the whole tenant. */
    public record HoldRow(String holdId, String customerId, String matter, String placedBy, When placed, When expires,
                          String state, String stateKey, String releasedBy, When released, boolean canRelease) {
    }

    /**
     * The Legal holds screen: the filter ({@code state}: ACTIVE, RELEASED, EXPIRED or ALL), the
     * tenant's holds, and for those who may place holds the form, or ({@code confirming}) the
     * confirmation of a valid tenant-wide hold, which must be confirmed by typing the tenant.
     */
    public record HoldsView(Chrome chrome, String state, List<HoldRow> holds, String next, HoldForm form, Map<String, String> errors,
                            String summary, boolean confirming, String confirmTenant) {
        public boolean canPlace() {
            return chrome.may(Permission.HOLD_WRITE);
        }

        public String tenant() {
            return chrome.user().tenant();
        }
    }

    /** The confirmation before a hold is released. */
    public record ReleaseHoldView(Chrome chrome, HoldRow hold) {
    }

    public record BulkRow(String bulkId, String requester, String status, String statusKey, int total, long completed,
                          When created, boolean canDecide, boolean ownBulk) {
    }

    public record BulkView(Chrome chrome, String customerIds, String reason, String regulation, Map<String, String> errors,
                           String summary, List<BulkRow> bulks, List<String> rejectReasons) {
    }

    public record RetentionView(Chrome chrome, String mode, Integer days, String updatedBy, When updatedAt,
                                String newMode, String newDays, Long wouldExpire, boolean needsConfirm, String confirm,
                                Map<String, String> errors, String summary, Long backlog, String backlogError, int confirmAbove) {
    }

    public record ViolationRow(String rule, String requestId, String detail) {
    }

    public record AuditView(Chrome chrome, String from, String to, Map<String, String> errors, int requests, int completed,
                            int verified, int events, List<ViolationRow> violations, String reportUrl) {
    }

    public record SignInView(Chrome chrome, boolean devMode, boolean oidc, String issuer, String tenant, String role,
                             String user, Map<String, String> errors, String message) {
    }

    public record ErrorView(Chrome chrome, int status, String heading, String message) {
    }
}
