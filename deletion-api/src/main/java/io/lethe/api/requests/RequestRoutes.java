package io.lethe.api.requests;

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
import io.lethe.schemas.Ids;
import io.lethe.api.validation.JsonBodies;
import io.lethe.api.validation.Paging;
import io.lethe.events.DeletionRequested;
import io.lethe.events.DeletionStatus;
import io.lethe.events.RequestStatus;
import io.lethe.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handlers of {@code /v1/deletion-requests}: create (with Idempotency-Key), get, list, retry.
 *
 * <p>Idempotency: with a key, the requestId is the name-based UUID of tenant + key, so a
 * repeat is recognised from the status view (the worker's record or this instance's local
 * one) or from a publish still in flight. Not recognised: a repeat sent to another instance
 * before the worker reported the request, or to this instance after a restart before that;
 * the repeat then publishes the same requestId again, which the worker treats as one request.
 */
public final class RequestRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(RequestRoutes.class);
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;

    private record InFlight(String hash, CompletableFuture<Map<String, Object>> reply) {
    }

    private final Topics topics;
    private final Publisher publisher;
    private final StatusStore store;
    private final JsonBodies bodies;
    private final Problems problems;
    private final Sla sla;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final ConcurrentHashMap<String, InFlight> inFlight = new ConcurrentHashMap<>();

    public RequestRoutes(Topics topics, Publisher publisher, StatusStore store, JsonBodies bodies, Problems problems,
                         Sla sla, Clock clock, MeterRegistry metrics) {
        this.topics = topics;
        this.publisher = publisher;
        this.store = store;
        this.bodies = bodies;
        this.problems = problems;
        this.sla = sla;
        this.clock = clock;
        this.metrics = metrics;
    }

    public void create(Context ctx) {
        Principal p = Access.require(ctx, Permission.CREATE);
        String key = ctx.header("Idempotency-Key");
        checkKey(key);
        Replies.json(ctx, submit(p, key, bodies.read(ctx, JsonBodies.DEFAULT_LIMIT)), 202, problems);
    }

    /**
     * Validates and publishes one request on behalf of {@code p} (the JSON route and the console
     * both come here). Throws {@link ProblemException} for invalid input; the future completes
     * with the 202 body once the broker acknowledged, or with a {@link ProblemException}.
     *
     * @param key the Idempotency-Key, or null
     */
    public CompletableFuture<Map<String, Object>> submit(Principal p, String key, ObjectNode json) {
        Access.check(p, Permission.CREATE);
        checkKey(key);
        CreateRequest body = CreateRequest.parse(json);
        String hash = body.hash();
        if (key == null) {
            return publish(p, body, hash, UUID.randomUUID().toString());
        }
        String requestId = UUID.nameUUIDFromBytes(("idempotency\u0000" + p.tenant() + "\u0000" + key)
                .getBytes(StandardCharsets.UTF_8)).toString();
        DeletionStatus existing = store.find(p.tenant(), requestId).orElse(null);
        if (existing != null) {
            requireSameBody(hash, hashOf(existing));
            return CompletableFuture.completedFuture(StatusJson.accepted(requestId, existing.getDueAt()));
        }
        CompletableFuture<Map<String, Object>> mine = new CompletableFuture<>();
        InFlight running = inFlight.putIfAbsent(requestId, new InFlight(hash, mine));
        if (running != null) {
            requireSameBody(hash, running.hash());
            return running.reply();
        }
        publish(p, body, hash, requestId).whenComplete((ok, error) -> {
            inFlight.remove(requestId);
            if (error != null) {
                mine.completeExceptionally(error);
            } else {
                mine.complete(ok);
            }
        });
        return mine;
    }

    private static void checkKey(String key) {
        if (key != null) {
            String problem = Ids.problem(key);
            if (problem != null) {
                throw ProblemException.invalid("Idempotency-Key", problem);
            }
        }
    }

    private static void requireSameBody(String hash, String earlier) {
        if (!hash.equals(earlier)) {
            throw new ProblemException(ProblemType.IDEMPOTENCY_KEY_REUSED,
                    "this Idempotency-Key was used with a different body; use a new key for a new request");
        }
    }

    private static String hashOf(DeletionStatus s) {
        return new CreateRequest(s.getScope(), s.getCustomerId(), s.getItemId(), s.getReason(), s.getRegulation()).hash();
    }

    private CompletableFuture<Map<String, Object>> publish(Principal p, CreateRequest body, String hash, String requestId) {
        Instant now = clock.instant();
        DeletionRequested event = DeletionRequested.newBuilder()
                .setRequestId(requestId).setTenant(p.tenant()).setCustomerId(body.customerId())
                .setScope(body.scope()).setItemId(body.itemId()).setReason(body.reason()).setRegulation(body.regulation())
                .setActor(p.subject()).setRequestedAt(now).setDueAt(sla.dueAt(body.regulation(), now))
                .setBulkId(null).setRedrive(false).setRequestHash(hash).build();
        return publisher.publish(topics.deletionRequests(), Topics.subjectKey(p.tenant(), body.customerId()), event,
                        () -> store.putLocal(event))
                .thenApply(acked -> {
                    metrics.counter("lethe.api.requests.accepted", "scope", body.scope().name(), "reason", body.reason().name())
                            .increment();
                    LOG.info("deletion request accepted requestId={} scope={}", requestId, body.scope());
                    return StatusJson.accepted(requestId, event.getDueAt());
                });
    }

    public void get(Context ctx) {
        Principal p = Access.require(ctx, Permission.READ);
        ctx.json(StatusJson.of(find(p, ctx.pathParam("requestId")), clock.instant()));
    }

    public void list(Context ctx) {
        Principal p = Access.require(ctx, Permission.READ);
        StatusStore.Page page = list(p, ctx.queryParam("customerId"), ctx.queryParam("status"), ctx.queryParam("limit"),
                ctx.queryParam("cursor"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", StatusJson.all(page.items(), clock.instant()));
        body.put("nextCursor", page.next() == null ? null : page.next().cursor());
        ctx.json(body);
    }

    /** One page of the caller's tenant's requests; every argument may be null (no filter, default size, first page). */
    public StatusStore.Page list(Principal p, String customerId, String statusName, String limitParam, String cursor) {
        Access.check(p, Permission.READ);
        if (customerId != null && Ids.problem(customerId) != null) {
            throw ProblemException.invalid("customerId", Ids.problem(customerId));
        }
        RequestStatus status = null;
        if (statusName != null) {
            try {
                status = RequestStatus.valueOf(statusName);
            } catch (IllegalArgumentException e) {
                throw ProblemException.invalid("status", "must be a request status such as ACCEPTED or FAILED");
            }
        }
        int limit = Paging.limit(limitParam, DEFAULT_LIMIT, MAX_LIMIT);
        Paging.Position after = Paging.cursor(cursor);
        return store.list(p.tenant(), customerId, status, limit, after);
    }

    public void retry(Context ctx) {
        Principal p = Access.require(ctx, Permission.RETRY);
        Replies.json(ctx, retry(p, ctx.pathParam("requestId")), 202, problems);
    }

    /** Redrives a FAILED request on behalf of {@code p}; the JSON route and the console both come here. */
    public CompletableFuture<Map<String, Object>> retry(Principal p, String requestId) {
        Access.check(p, Permission.RETRY);
        DeletionStatus s = find(p, requestId);
        if (s.getStatus() != RequestStatus.FAILED) {
            throw new ProblemException(ProblemType.INVALID_STATE, "only a FAILED request can be retried; this one is " + s.getStatus());
        }
        DeletionRequested redrive = DeletionRequested.newBuilder()
                .setRequestId(s.getRequestId()).setTenant(s.getTenant()).setCustomerId(s.getCustomerId())
                .setScope(s.getScope()).setItemId(s.getItemId()).setReason(s.getReason()).setRegulation(s.getRegulation())
                .setActor(p.subject()).setRequestedAt(s.getRequestedAt()).setDueAt(s.getDueAt())
                .setBulkId(s.getBulkId()).setRedrive(true).setRequestHash(s.getRequestHash())
                .setOriginalRequestId(s.getOriginalRequestId()).build();
        return publisher.publish(topics.deletionRequests(), Topics.subjectKey(s.getTenant(), s.getCustomerId()), redrive)
                .thenApply(acked -> {
                    LOG.info("deletion request redriven requestId={}", s.getRequestId());
                    return StatusJson.accepted(s.getRequestId(), s.getDueAt());
                });
    }

    /** The caller's tenant's request, or 404 (another tenant's request is indistinguishable from a missing one). */
    public DeletionStatus find(Principal p, String requestId) {
        Access.check(p, Permission.READ);
        if (Ids.problem(requestId) != null) {
            throw ProblemException.invalid("requestId", Ids.problem(requestId));
        }
        return store.find(p.tenant(), requestId)
                .orElseThrow(() -> new ProblemException(ProblemType.NOT_FOUND, "no such deletion request"));
    }
}
