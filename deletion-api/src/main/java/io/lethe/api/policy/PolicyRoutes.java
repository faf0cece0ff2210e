package io.lethe.api.policy;

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
import io.lethe.api.validation.Fields;
import io.lethe.api.validation.JsonBodies;
import io.lethe.events.PolicyMode;
import io.lethe.events.RetentionPolicy;
import io.lethe.schemas.Topics;
import java.time.Clock;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET}/{@code PUT /v1/retention-policy}. A change that would expire more than
 * {@value #CONFIRM_ABOVE} profiles at once needs {@code confirmExpiring} equal to that count,
 * so nobody deletes thousands of profiles by a typo in {@code days}. The count is a snapshot:
 * profiles may cross the limit between the preview and the scanner's next run.
 */
public final class PolicyRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyRoutes.class);
    public static final int CONFIRM_ABOVE = 50;
    public static final int MAX_DAYS = 36_500;
    private static final Set<String> FIELDS = Set.of("mode", "days", "confirmExpiring");

    private final Topics topics;
    private final Publisher publisher;
    private final PolicyStore store;
    private final RetentionPreview preview;
    private final JsonBodies bodies;
    private final Problems problems;
    private final Clock clock;

    public PolicyRoutes(Topics topics, Publisher publisher, PolicyStore store, RetentionPreview preview,
                        JsonBodies bodies, Problems problems, Clock clock) {
        this.topics = topics;
        this.publisher = publisher;
        this.store = store;
        this.preview = preview;
        this.bodies = bodies;
        this.problems = problems;
        this.clock = clock;
    }

    public void get(Context ctx) {
        ctx.json(current(Access.require(ctx, Permission.POLICY_READ)));
    }

    /** The {@code GET /v1/retention-policy} body: mode, days, updatedBy, updatedAt (KEEP_FOREVER when none was set). */
    public Map<String, Object> current(Principal p) {
        Access.check(p, Permission.POLICY_READ);
        return store.find(p.tenant()).map(PolicyRoutes::json).orElse(Map.of("mode", PolicyMode.KEEP_FOREVER.name()));
    }

    public void put(Context ctx) {
        Principal p = Access.require(ctx, Permission.POLICY_WRITE);
        String dryRunParam = ctx.queryParam("dryRun");
        if (dryRunParam != null && !dryRunParam.equals("true") && !dryRunParam.equals("false")) {
            throw ProblemException.invalid("dryRun", "must be true or false");
        }
        Replies.json(ctx, change(p, bodies.read(ctx, JsonBodies.DEFAULT_LIMIT), "true".equals(dryRunParam)), 200, problems);
    }

    /**
     * Previews ({@code dryRun}: {@code {"wouldExpire": n}}) or applies a policy change on behalf
     * of {@code p}; the JSON route and the console both come here.
     */
    public CompletableFuture<Map<String, Object>> change(Principal p, ObjectNode json, boolean dryRun) {
        Access.check(p, Permission.POLICY_WRITE);
        Fields f = new Fields(json, FIELDS);
        PolicyMode mode = f.enumValue("mode", PolicyMode.class, EnumSet.allOf(PolicyMode.class), true);
        Integer days = null;
        if (mode == PolicyMode.DELETE_AFTER_DAYS) {
            days = f.integer("days", true, 1, MAX_DAYS);
        } else if (mode == PolicyMode.KEEP_FOREVER && f.present("days")) {
            f.error("days", "not allowed for mode KEEP_FOREVER");
        }
        Integer confirm = f.integer("confirmExpiring", false, 0, Integer.MAX_VALUE);
        f.check();
        PolicyChange change = mode == PolicyMode.KEEP_FOREVER ? new PolicyChange.KeepForever() : new PolicyChange.DeleteAfterDays(days);
        long wouldExpire = change.wouldExpire(p.tenant(), preview);
        if (dryRun) {
            return CompletableFuture.completedFuture(Map.of("wouldExpire", wouldExpire));
        }
        if (wouldExpire > CONFIRM_ABOVE && (confirm == null || confirm != wouldExpire)) {
            throw new ProblemException(ProblemType.CONFIRMATION_REQUIRED, "this policy would expire " + wouldExpire
                    + " profiles at once; send \"confirmExpiring\": " + wouldExpire + " to apply it",
                    List.of(), Map.of("wouldExpire", wouldExpire));
        }
        RetentionPolicy policy = RetentionPolicy.newBuilder().setTenant(p.tenant()).setMode(change.mode()).setDays(change.days())
                .setUpdatedBy(p.subject()).setUpdatedAt(clock.instant()).build();
        var audit = io.lethe.api.audit.AdminAudit.policyChanged(p.tenant(), p.subject(), policy.getUpdatedAt());
        return publisher.publish(topics.retentionPolicies(), p.tenant(), policy)
                .thenCompose(v -> publisher.publish(topics.audit(), audit.getRequestId(), audit)).thenApply(v -> {
            store.apply(p.tenant(), policy);
            LOG.info("retention policy changed mode={} days={} wouldExpire={}", policy.getMode(), policy.getDays(), wouldExpire);
            return json(policy);
        });
    }

    private static Map<String, Object> json(RetentionPolicy p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", p.getMode().name());
        if (p.getDays() != null) {
            m.put("days", p.getDays());
        }
        m.put("updatedBy", p.getUpdatedBy());
        m.put("updatedAt", p.getUpdatedAt().toString());
        return m;
    }
}
