package io.lethe.api.requests;

import io.javalin.http.Context;
import io.lethe.api.Publisher;
import io.lethe.api.auth.Access;
import io.lethe.api.auth.Permission;
import io.lethe.api.auth.Principal;
import io.lethe.api.problem.ProblemException;
import io.lethe.api.problem.ProblemType;
import io.lethe.api.problem.Problems;
import io.lethe.api.validation.Ids;
import io.lethe.api.validation.JsonBodies;
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
        if (key != null) {
            String problem = Ids.problem(key);
            if (problem != null) {
                throw ProblemException.invalid("Idempotency-Key", problem);
            }
        }
        CreateRequest body = CreateRequest.parse(bodies.read(ctx, JsonBodies.DEFAULT_LIMIT));
        String hash = body.hash();
        if (key == null) {
            problems.reply(ctx, publish(p, body, hash, UUID.randomUUID().toString()), 202);
            return;
        }
        String requestId = UUID.nameUUIDFromBytes(("idempotency\u0000" + p.tenant() + "\u0000" + key)
                .getBytes(StandardCharsets.UTF_8)).toString();
        DeletionStatus existing = store.find(p.tenant(), requestId).orElse(null);
        if (existing != null) {
            requireSameBody(hash, hashOf(existing));
            problems.reply(ctx, CompletableFuture.completedFuture(StatusJson.accepted(requestId, existing.getDueAt())), 202);
            return;
        }
        CompletableFuture<Map<String, Object>> mine = new CompletableFuture<>();
        InFlight running = inFlight.putIfAbsent(requestId, new InFlight(hash, mine));
        if (running != null) {
            requireSameBody(hash, running.hash());
            problems.reply(ctx, running.reply(), 202);
            return;
        }
        publish(p, body, hash, requestId).whenComplete((ok, error) -> {
            inFlight.remove(requestId);
            if (error != null) {
                mine.completeExceptionally(error);
            } else {
                mine.complete(ok);
            }
        });
        problems.reply(ctx, mine, 202);
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
        ctx.json(StatusJson.of(find(p, ctx.pathParam("requestId"))));
    }

    public void list(Context ctx) {
        Principal p = Access.require(ctx, Permission.READ);
        String customerId = ctx.queryParam("customerId");
        if (customerId != null && Ids.problem(customerId) != null) {
            throw ProblemException.invalid("customerId", Ids.problem(customerId));
        }
        RequestStatus status = null;
        if (ctx.queryParam("status") != null) {
            try {
                status = RequestStatus.valueOf(ctx.queryParam("status"));
            } catch (IllegalArgumentException e) {
                throw ProblemException.invalid("status", "must be a request status such as ACCEPTED or FAILED");
            }
        }
        int limit = DEFAULT_LIMIT;
        if (ctx.queryParam("limit") != null) {
            try {
                limit = Integer.parseInt(ctx.queryParam("limit"));
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                throw ProblemException.invalid("limit", "must be a whole number from 1 to " + MAX_LIMIT);
            }
        }
        StatusStore.Position after = null;
        if (ctx.queryParam("cursor") != null) {
            after = StatusStore.Position.ofCursor(ctx.queryParam("cursor"))
                    .orElseThrow(() -> ProblemException.invalid("cursor", "not a cursor returned by this API"));
        }
        StatusStore.Page page = store.list(p.tenant(), customerId, status, limit, after);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", StatusJson.all(page.items()));
        body.put("nextCursor", page.next() == null ? null : page.next().cursor());
        ctx.json(body);
    }

    public void retry(Context ctx) {
        Principal p = Access.require(ctx, Permission.RETRY);
        DeletionStatus s = find(p, ctx.pathParam("requestId"));
        if (s.getStatus() != RequestStatus.FAILED) {
            throw new ProblemException(ProblemType.INVALID_STATE, "only a FAILED request can be retried; this one is " + s.getStatus());
        }
        DeletionRequested redrive = DeletionRequested.newBuilder()
                .setRequestId(s.getRequestId()).setTenant(s.getTenant()).setCustomerId(s.getCustomerId())
                .setScope(s.getScope()).setItemId(s.getItemId()).setReason(s.getReason()).setRegulation(s.getRegulation())
                .setActor(p.subject()).setRequestedAt(s.getRequestedAt()).setDueAt(s.getDueAt())
                .setBulkId(s.getBulkId()).setRedrive(true).setRequestHash(s.getRequestHash()).build();
        problems.reply(ctx, publisher.publish(topics.deletionRequests(), Topics.subjectKey(s.getTenant(), s.getCustomerId()), redrive)
                .thenApply(acked -> {
                    LOG.info("deletion request redriven requestId={}", s.getRequestId());
                    return StatusJson.accepted(s.getRequestId(), s.getDueAt());
                }), 202);
    }

    private DeletionStatus find(Principal p, String requestId) {
        if (Ids.problem(requestId) != null) {
            throw ProblemException.invalid("requestId", Ids.problem(requestId));
        }
        return store.find(p.tenant(), requestId)
                .orElseThrow(() -> new ProblemException(ProblemType.NOT_FOUND, "no such deletion request"));
    }
}
