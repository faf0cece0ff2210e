package io.lethe.api.holds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.lethe.api.Replies;
import io.lethe.api.Publisher;
import io.lethe.api.audit.AdminAudit;
import io.lethe.api.auth.Access;
import io.lethe.api.auth.Permission;
import io.lethe.api.auth.Principal;
import io.lethe.api.problem.ProblemException;
import io.lethe.api.problem.ProblemType;
import io.lethe.api.problem.Problems;
import io.lethe.api.validation.Fields;
import io.lethe.schemas.Ids;
import io.lethe.api.validation.JsonBodies;
import io.lethe.api.validation.Paging;
import io.lethe.events.AuditEvent;
import io.lethe.events.LegalHold;
import io.lethe.schemas.Holds;
import io.lethe.schemas.Topics;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Legal holds ({@code /v1/legal-holds}): place, read, list, release. A hold covers one customer
 * of the caller's tenant, or the whole tenant; while it is active the worker keeps that
 * customer's deletion requests ON_HOLD (the API only records the hold and shows the result).
 * Placing publishes the {@code LegalHold} and then its HOLD_PLACED audit event, releasing the
 * released hold and then HOLD_RELEASED; the answer waits for both acknowledgements.
 *
 * <p>Not idempotent: a retried place after a 503 may create a second hold (harmless, both are
 * listed and each can be released). A 503 between the two publishes leaves a hold (or release)
 * without its audit event; nothing republishes it. Two instances releasing the same hold at
 * once can both publish a release (the later one wins in the compacted topic, and two
 * HOLD_RELEASED events name the two callers); within one instance a second release is refused.
 */
public final class HoldRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(HoldRoutes.class);
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;
    private static final Set<String> FIELDS = Set.of("customerId", "matter", "expiresAt");
    /** Beyond this an ISO-8601 year needs a sign, and timestamp-millis would overflow well after. */
    private static final Instant LATEST_EXPIRY = Instant.parse("9999-12-31T23:59:59Z");
    /** What a matter reference may be, in words (for field errors). */
    public static final String MATTER_RULE = "must be an opaque reference such as LIT-2026-0042: up to 128 letters, digits "
            + "and . _ : / # - starting with a letter or digit, no spaces (no free text, names or e-mail addresses)";

    /** A valid request to place a hold; {@code customerId} null holds the whole tenant. */
    public record NewHold(String customerId, String matter, Instant expiresAt) {
        public boolean tenantWide() {
            return customerId == null;
        }
    }

    private final Topics topics;
    private final Publisher publisher;
    private final HoldStore store;
    private final JsonBodies bodies;
    private final Problems problems;
    private final Clock clock;
    private final Set<String> releasing = ConcurrentHashMap.newKeySet();

    public HoldRoutes(Topics topics, Publisher publisher, HoldStore store, JsonBodies bodies, Problems problems, Clock clock) {
        this.topics = topics;
        this.publisher = publisher;
        this.store = store;
        this.bodies = bodies;
        this.problems = problems;
        this.clock = clock;
    }

    public void place(Context ctx) {
        Principal p = Access.require(ctx, Permission.HOLD_WRITE);
        CompletableFuture<Map<String, Object>> placed = place(p, bodies.read(ctx, JsonBodies.DEFAULT_LIMIT)).thenApply(body -> {
            ctx.header("Location", "/v1/legal-holds/" + URLEncoder.encode((String) body.get("holdId"), StandardCharsets.UTF_8));
            return body;
        });
        Replies.json(ctx, placed, 201, problems);
    }

    /**
     * Checks a place request on behalf of {@code p} without publishing anything (the console asks
     * this before it confirms a tenant-wide hold): fields exactly customerId, matter, expiresAt.
     */
    public NewHold validate(Principal p, ObjectNode json) {
        Access.check(p, Permission.HOLD_WRITE);
        Fields f = new Fields(json, FIELDS);
        JsonNode given = json.get("customerId");
        String customerId = null;
        if (given != null && given.isNull()) {
            f.error("customerId", "must be a customer id; omit the field to hold the whole tenant");
        } else {
            customerId = f.id("customerId", false);
        }
        String matter = null;
        JsonNode m = json.get("matter");
        if (m == null || m.isNull()) {
            f.error("matter", "required");
        } else if (!m.isTextual()) {
            f.error("matter", "must be a string");
        } else if (!Holds.MATTER.matcher(m.asText()).matches()) {
            f.error("matter", MATTER_RULE);
        } else {
            matter = m.asText();
        }
        Instant expiresAt = null;
        JsonNode e = json.get("expiresAt");
        if (e != null && !e.isNull()) {
            Instant now = clock.instant();
            try {
                expiresAt = e.isTextual() ? Instant.parse(e.asText()).truncatedTo(ChronoUnit.MILLIS) : null;
            } catch (DateTimeParseException ex) {
                expiresAt = null;
            }
            if (expiresAt == null) {
                f.error("expiresAt", "must be an ISO-8601 instant such as 2027-06-30T23:59:59Z");
            } else if (!expiresAt.isAfter(now)) {
                f.error("expiresAt", "must be in the future");
                expiresAt = null;
            } else if (expiresAt.isAfter(LATEST_EXPIRY)) {
                f.error("expiresAt", "must be before the year 10000");
                expiresAt = null;
            }
        }
        f.check();
        return new NewHold(customerId, matter, expiresAt);
    }

    /**
     * Places a hold on behalf of {@code p} (the JSON route and the console both come here):
     * completes with the hold's JSON once the hold and its HOLD_PLACED audit event were
     * acknowledged, or with a {@link ProblemException}.
     */
    public CompletableFuture<Map<String, Object>> place(Principal p, ObjectNode json) {
        NewHold n = validate(p, json);
        Instant now = clock.instant();
        LegalHold hold = LegalHold.newBuilder().setHoldId(UUID.randomUUID().toString()).setTenant(p.tenant())
                .setCustomerId(n.customerId()).setMatter(n.matter()).setPlacedBy(p.subject()).setPlacedAt(now)
                .setExpiresAt(n.expiresAt()).setReleasedBy(null).setReleasedAt(null).build();
        AuditEvent audit = AdminAudit.holdPlaced(p.tenant(), hold.getHoldId(), hold.getCustomerId(), p.subject(), now);
        return publisher.publish(topics.legalHolds(), hold.getHoldId(), hold, () -> store.apply(hold.getHoldId(), hold))
                .thenCompose(v -> publisher.publish(topics.audit(), audit.getRequestId(), audit))
                .thenApply(v -> {
                    LOG.info("legal hold placed holdId={} scope={} expires={}", hold.getHoldId(), scope(hold),
                            hold.getExpiresAt() != null);
                    return json(hold, clock.instant());
                });
    }

    public void get(Context ctx) {
        Principal p = Access.require(ctx, Permission.HOLD_READ);
        ctx.json(json(find(p, ctx.pathParam("holdId")), clock.instant()));
    }

    /** The caller's tenant's hold, or 404 (another tenant's hold is indistinguishable from a missing one). */
    public LegalHold find(Principal p, String holdId) {
        Access.check(p, Permission.HOLD_READ);
        if (Ids.problem(holdId) != null) {
            throw ProblemException.invalid("holdId", Ids.problem(holdId));
        }
        return store.find(p.tenant(), holdId).orElseThrow(() -> new ProblemException(ProblemType.NOT_FOUND, "no such legal hold"));
    }

    public void list(Context ctx) {
        Principal p = Access.require(ctx, Permission.HOLD_READ);
        HoldStore.Page page = list(p, ctx.queryParam("customerId"), ctx.queryParam("state"), ctx.queryParam("limit"),
                ctx.queryParam("cursor"));
        Instant now = clock.instant();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", page.items().stream().map(h -> json(h, now)).toList());
        body.put("nextCursor", page.next() == null ? null : page.next().cursor());
        ctx.json(body);
    }

    /**
     * One page of the caller's tenant's holds, newest first; every argument may be null (no
     * filter, default size, first page). {@code customerId} matches that customer's own holds,
     * not tenant-wide ones; {@code state} is ACTIVE, RELEASED or EXPIRED.
     */
    public HoldStore.Page list(Principal p, String customerId, String stateName, String limitParam, String cursor) {
        Access.check(p, Permission.HOLD_READ);
        if (customerId != null && Ids.problem(customerId) != null) {
            throw ProblemException.invalid("customerId", Ids.problem(customerId));
        }
        HoldState state = null;
        if (stateName != null) {
            try {
                state = HoldState.valueOf(stateName);
            } catch (IllegalArgumentException e) {
                throw ProblemException.invalid("state", "must be one of ACTIVE, RELEASED, EXPIRED");
            }
        }
        int limit = Paging.limit(limitParam, DEFAULT_LIMIT, MAX_LIMIT);
        Paging.Position after = Paging.cursor(cursor);
        return store.list(p.tenant(), customerId, state, clock.instant(), limit, after);
    }

    public void release(Context ctx) {
        Principal p = Access.require(ctx, Permission.HOLD_WRITE);
        if (!ctx.body().isBlank()) {
            // no options: an empty object is allowed, any field is an error
            new Fields(bodies.read(ctx, JsonBodies.DEFAULT_LIMIT), Set.of()).check();
        }
        Replies.json(ctx, release(p, ctx.pathParam("holdId")), 200, problems);
    }

    /**
     * Releases an active hold on behalf of {@code p}: 404 for an unknown hold or another
     * tenant's, 409 invalid-state when it was already released or has expired.
     */
    public CompletableFuture<Map<String, Object>> release(Principal p, String holdId) {
        Access.check(p, Permission.HOLD_WRITE);
        LegalHold hold = find(p, holdId);
        Instant now = clock.instant();
        HoldState state = HoldState.of(hold, now);
        if (state != HoldState.ACTIVE) {
            throw new ProblemException(ProblemType.INVALID_STATE, "the legal hold is " + state + ", not ACTIVE");
        }
        if (!releasing.add(hold.getHoldId())) {
            throw new ProblemException(ProblemType.INVALID_STATE, "a release of this legal hold is in progress");
        }
        LegalHold released = LegalHold.newBuilder(hold).setReleasedBy(p.subject()).setReleasedAt(now).build();
        AuditEvent audit = AdminAudit.holdReleased(p.tenant(), hold.getHoldId(), hold.getCustomerId(), p.subject(), now);
        return publisher.publish(topics.legalHolds(), hold.getHoldId(), released, () -> store.apply(hold.getHoldId(), released))
                .thenCompose(v -> publisher.publish(topics.audit(), audit.getRequestId(), audit))
                .whenComplete((v, e) -> releasing.remove(hold.getHoldId()))
                .thenApply(v -> {
                    LOG.info("legal hold released holdId={} scope={}", hold.getHoldId(), scope(hold));
                    return json(released, clock.instant());
                });
    }

    /** The active holds at this moment that cover this customer of the caller's tenant. */
    public List<LegalHold> activeCovering(Principal p, String customerId) {
        Access.check(p, Permission.HOLD_READ);
        return store.activeCovering(p.tenant(), customerId, clock.instant());
    }

    /** "CUSTOMER" or "TENANT". */
    public static String scope(LegalHold h) {
        return h.getCustomerId() == null ? "TENANT" : "CUSTOMER";
    }

    /** The JSON body of one hold, its state taken at {@code now}. */
    public static Map<String, Object> json(LegalHold h, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("holdId", h.getHoldId());
        m.put("customerId", h.getCustomerId());
        m.put("scope", scope(h));
        m.put("matter", h.getMatter());
        m.put("placedBy", h.getPlacedBy());
        m.put("placedAt", iso(h.getPlacedAt()));
        m.put("expiresAt", iso(h.getExpiresAt()));
        m.put("releasedBy", h.getReleasedBy());
        m.put("releasedAt", iso(h.getReleasedAt()));
        m.put("state", HoldState.of(h, now).name());
        return m;
    }

    private static String iso(Instant i) {
        return i == null ? null : i.toString();
    }
}
