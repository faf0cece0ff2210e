package io.lethe.api.bulk;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.lethe.api.Replies;
import io.lethe.api.Publisher;
import io.lethe.api.auth.Access;
import io.lethe.api.auth.Permission;
import io.lethe.api.auth.Principal;
import io.lethe.api.problem.ProblemException;
import io.lethe.api.problem.ProblemType;
import io.lethe.api.problem.Problems;
import io.lethe.api.requests.CreateRequest;
import io.lethe.api.requests.Sla;
import io.lethe.api.requests.StatusStore;
import io.lethe.api.validation.Fields;
import io.lethe.schemas.Ids;
import io.lethe.api.validation.JsonBodies;
import io.lethe.events.BulkDeletion;
import io.lethe.events.DeletionRequested;
import io.lethe.events.DeletionStatus;
import io.lethe.events.Reason;
import io.lethe.events.Regulation;
import io.lethe.events.RequestStatus;
import io.lethe.events.Scope;
import io.lethe.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bulk deletions with four-eyes approval. Up to {@value #AUTO_APPROVE_LIMIT} distinct customers
 * are published at once; more wait in PENDING_APPROVAL (stored in the compacted
 * {@code bulk.deletions} topic, so they survive restarts) until a privacy officer other than
 * the requester approves (all published) or rejects (nothing published).
 *
 * <p>Approval publishes every request first and records ACCEPTED after; if the instance dies
 * in between, the bulk stays PENDING_APPROVAL and a second approval publishes the same
 * requestIds again (deterministic per bulk and customer), which the worker treats as one.
 * Two instances approving the same bulk at once can likewise both publish; nothing else
 * serialises approvals across instances.
 */
public final class BulkRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(BulkRoutes.class);
    public static final int AUTO_APPROVE_LIMIT = 50;
    public static final int MAX_CUSTOMERS = 10_000;
    /** 10,000 ids of 128 characters fit; the general 64 KiB limit would not. */
    public static final int BODY_LIMIT = 2 * 1024 * 1024;
    private static final Set<String> FIELDS = Set.of("customerIds", "reason", "regulation");
    /** Why a privacy officer rejects a bulk: codes, so no free text (and no PII) reaches the audit trail. */
    public static final List<String> REJECT_REASONS = List.of("WRONG_CUSTOMERS", "NOT_AUTHORIZED", "DUPLICATE", "NEEDS_LEGAL_REVIEW", "OTHER");

    private final Topics topics;
    private final Publisher publisher;
    private final BulkStore bulks;
    private final StatusStore statuses;
    private final JsonBodies bodies;
    private final Problems problems;
    private final Sla sla;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final Set<String> deciding = ConcurrentHashMap.newKeySet();

    public BulkRoutes(Topics topics, Publisher publisher, BulkStore bulks, StatusStore statuses, JsonBodies bodies,
                      Problems problems, Sla sla, Clock clock, MeterRegistry metrics) {
        this.topics = topics;
        this.publisher = publisher;
        this.bulks = bulks;
        this.statuses = statuses;
        this.bodies = bodies;
        this.problems = problems;
        this.sla = sla;
        this.clock = clock;
        this.metrics = metrics;
    }

    public void create(Context ctx) {
        Principal p = Access.require(ctx, Permission.BULK_CREATE);
        Replies.json(ctx, create(p, bodies.read(ctx, BODY_LIMIT)), 202, problems);
    }

    /** Validates and starts a bulk deletion on behalf of {@code p}; the JSON route and the console both come here. */
    public CompletableFuture<Map<String, Object>> create(Principal p, ObjectNode json) {
        Access.check(p, Permission.BULK_CREATE);
        Fields f = new Fields(json, FIELDS);
        List<String> given = f.ids("customerIds", 20);
        Reason reason = f.enumValue("reason", Reason.class, CreateRequest.API_REASONS, true);
        Regulation regulation = f.enumValue("regulation", Regulation.class, CreateRequest.API_REGULATIONS, true);
        List<String> customers = new ArrayList<>(new LinkedHashSet<>(given));
        if (f.present("customerIds") && customers.isEmpty()) {
            f.error("customerIds", "must hold at least one customer id");
        }
        f.check();
        if (customers.size() > MAX_CUSTOMERS) {
            throw new ProblemException(ProblemType.BULK_TOO_LARGE, "a bulk deletion holds at most " + MAX_CUSTOMERS
                    + " distinct customers; this one has " + customers.size(), List.of(), Map.of("count", customers.size()));
        }
        Instant now = clock.instant();
        String bulkId = UUID.randomUUID().toString();
        List<String> requestIds = customers.stream().map(c -> requestId(bulkId, c)).toList();
        boolean immediate = customers.size() <= AUTO_APPROVE_LIMIT;
        BulkDeletion bulk = BulkDeletion.newBuilder().setBulkId(bulkId).setTenant(p.tenant()).setRequester(p.subject())
                .setCustomerIds(customers).setRequestIds(requestIds).setReason(reason).setRegulation(regulation)
                .setStatus(immediate ? RequestStatus.ACCEPTED : RequestStatus.PENDING_APPROVAL).setDecidedBy(null)
                .setCreatedAt(now).setUpdatedAt(now).setDueAt(sla.dueAt(regulation, now)).build();
        CompletableFuture<Void> done = immediate
                ? publishRequests(bulk, p.subject()).thenCompose(v -> record(bulk))
                : record(bulk);
        return done.thenApply(v -> {
            LOG.info("bulk deletion created bulkId={} customers={} status={}", bulkId, customers.size(), bulk.getStatus());
            return summary(bulk);
        });
    }

    public void approve(Context ctx) {
        decide(ctx, true);
    }

    public void reject(Context ctx) {
        decide(ctx, false);
    }

    private void decide(Context ctx, boolean approve) {
        Principal p = Access.require(ctx, Permission.BULK_APPROVE);
        String reason = null;
        if (!approve && !ctx.body().isBlank()) {
            Fields f = new Fields(bodies.read(ctx, JsonBodies.DEFAULT_LIMIT), Set.of("reason"));
            reason = f.id("reason", false);
            if (reason != null && !REJECT_REASONS.contains(reason)) {
                f.error("reason", "must be one of " + String.join(", ", REJECT_REASONS));
            }
            f.check();
        }
        Replies.json(ctx, decide(p, ctx.pathParam("bulkId"), approve, reason), 200, problems);
    }

    /**
     * Approves or rejects another requester's pending bulk on behalf of {@code p} (four eyes).
     *
     * @param rejectReason one of {@link #REJECT_REASONS} (a code, never free text), or null; recorded
     *                     as the {@code errorCode} of the REJECTED audit event
     */
    public CompletableFuture<Map<String, Object>> decide(Principal p, String bulkId, boolean approve, String rejectReason) {
        Access.check(p, Permission.BULK_APPROVE);
        if (rejectReason != null && (approve || !REJECT_REASONS.contains(rejectReason))) {
            throw ProblemException.invalid("reason", "must be one of " + String.join(", ", REJECT_REASONS) + ", and only to reject");
        }
        BulkDeletion bulk = find(p, bulkId);
        if (bulk.getStatus() != RequestStatus.PENDING_APPROVAL) {
            throw new ProblemException(ProblemType.INVALID_STATE, "the bulk deletion is " + bulk.getStatus() + ", not PENDING_APPROVAL");
        }
        if (bulk.getRequester().equals(p.subject())) {
            throw new ProblemException(ProblemType.FOUR_EYES, "the requester of a bulk deletion cannot approve or reject it");
        }
        if (!deciding.add(bulk.getBulkId())) {
            throw new ProblemException(ProblemType.INVALID_STATE, "a decision on this bulk deletion is in progress");
        }
        BulkDeletion decided = BulkDeletion.newBuilder(bulk)
                .setStatus(approve ? RequestStatus.ACCEPTED : RequestStatus.REJECTED)
                .setDecidedBy(p.subject()).setUpdatedAt(clock.instant()).build();
        var audit = io.lethe.api.audit.AdminAudit.bulkDecided(p.tenant(), bulk.getBulkId(), p.subject(), approve,
                decided.getUpdatedAt(), rejectReason);
        CompletableFuture<Void> done = (approve
                ? publishRequests(decided, bulk.getRequester()).thenCompose(v -> record(decided))
                : record(decided)).thenCompose(v -> publisher.publish(topics.audit(), audit.getRequestId(), audit))
                .thenApply(v -> null);
        return done.whenComplete((v, e) -> deciding.remove(bulk.getBulkId())).thenApply(v -> {
            LOG.info("bulk deletion decided bulkId={} status={}", bulk.getBulkId(), decided.getStatus());
            return summary(decided);
        });
    }

    public void get(Context ctx) {
        Principal p = Access.require(ctx, Permission.READ);
        ctx.json(details(p, ctx.pathParam("bulkId")));
    }

    /** The {@code GET /v1/bulk-deletions/{bulkId}} body: the bulk, its progress by status and each request. */
    public Map<String, Object> details(Principal p, String bulkId) {
        Access.check(p, Permission.READ);
        BulkDeletion bulk = find(p, bulkId);
        Map<String, Integer> progress = new TreeMap<>();
        List<Map<String, Object>> requests = new ArrayList<>();
        for (int i = 0; i < bulk.getRequestIds().size(); i++) {
            String id = bulk.getRequestIds().get(i);
            String status = statuses.find(p.tenant(), id).map(DeletionStatus::getStatus).map(Enum::name)
                    .orElse(bulk.getStatus().name());
            progress.merge(status, 1, Integer::sum);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("requestId", id);
            r.put("customerId", bulk.getCustomerIds().get(i));
            r.put("status", status);
            requests.add(r);
        }
        Map<String, Object> body = new LinkedHashMap<>(summary(bulk));
        body.put("requester", bulk.getRequester());
        body.put("decidedBy", bulk.getDecidedBy());
        body.put("reason", bulk.getReason().name());
        body.put("regulation", bulk.getRegulation().name());
        body.put("createdAt", bulk.getCreatedAt().toString());
        body.put("dueAt", bulk.getDueAt().toString());
        body.put("total", bulk.getRequestIds().size());
        body.put("progress", progress);
        body.put("requests", requests);
        return body;
    }

    /** The caller's tenant's bulk deletions, newest first, at most {@code limit}. */
    public List<BulkDeletion> recent(Principal p, int limit) {
        Access.check(p, Permission.READ);
        return bulks.recent(p.tenant(), limit);
    }

    private CompletableFuture<Void> publishRequests(BulkDeletion bulk, String actor) {
        Instant now = clock.instant();
        List<Publisher.Rec<DeletionRequested>> records = new ArrayList<>();
        for (int i = 0; i < bulk.getCustomerIds().size(); i++) {
            String customer = bulk.getCustomerIds().get(i);
            DeletionRequested r = DeletionRequested.newBuilder()
                    .setRequestId(bulk.getRequestIds().get(i)).setTenant(bulk.getTenant()).setCustomerId(customer)
                    .setScope(Scope.PROFILE).setItemId(null).setReason(bulk.getReason()).setRegulation(bulk.getRegulation())
                    .setActor(actor).setRequestedAt(now).setDueAt(sla.dueAt(bulk.getRegulation(), now))
                    .setBulkId(bulk.getBulkId()).setRedrive(false)
                    .setRequestHash(new CreateRequest(Scope.PROFILE, customer, null, bulk.getReason(), bulk.getRegulation()).hash())
                    .build();
            records.add(new Publisher.Rec<>(Topics.subjectKey(bulk.getTenant(), customer), r));
        }
        return publisher.publishAll(topics.deletionRequests(), records).thenRun(() -> {
            records.forEach(r -> statuses.putLocal(r.value()));
            metrics.counter("lethe.api.requests.accepted", "scope", Scope.PROFILE.name(), "reason", bulk.getReason().name())
                    .increment(records.size());
        });
    }

    private CompletableFuture<Void> record(BulkDeletion bulk) {
        return publisher.publish(topics.bulkDeletions(), bulk.getBulkId(), bulk).thenRun(() -> bulks.apply(bulk.getBulkId(), bulk));
    }

    private BulkDeletion find(Principal p, String bulkId) {
        if (Ids.problem(bulkId) != null) {
            throw ProblemException.invalid("bulkId", Ids.problem(bulkId));
        }
        return bulks.find(p.tenant(), bulkId).orElseThrow(() -> new ProblemException(ProblemType.NOT_FOUND, "no such bulk deletion"));
    }

    private static Map<String, Object> summary(BulkDeletion b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bulkId", b.getBulkId());
        m.put("status", b.getStatus().name());
        m.put("requestIds", b.getRequestIds());
        return m;
    }

    static String requestId(String bulkId, String customerId) {
        return UUID.nameUUIDFromBytes(("bulk\u0000" + bulkId + "\u0000" + customerId).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
