package io.lethe.api.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import io.lethe.api.Publisher;
import io.lethe.api.audit.AuditIndex;
import io.lethe.api.auth.Permission;
import io.lethe.api.auth.Principal;
import io.lethe.api.auth.Role;
import io.lethe.api.auth.TokenVerifier;
import io.lethe.api.bulk.BulkRoutes;
import io.lethe.api.holds.HoldRoutes;
import io.lethe.api.holds.HoldState;
import io.lethe.api.holds.HoldStore;
import io.lethe.api.policy.PolicyRoutes;
import io.lethe.api.problem.FieldError;
import io.lethe.api.problem.ProblemException;
import io.lethe.api.problem.ProblemType;
import io.lethe.api.requests.RequestRoutes;
import io.lethe.api.requests.StatusStore;
import io.lethe.schemas.Ids;
import io.lethe.audit.ProofDocument;
import io.lethe.audit.ProofOfDeletion;
import io.lethe.audit.Report;
import io.lethe.audit.RequestHistory;
import io.lethe.audit.Verifier;
import io.lethe.audit.Violation;
import io.lethe.events.AuditEvent;
import io.lethe.events.BulkDeletion;
import io.lethe.events.DeletionStatus;
import io.lethe.events.LegalHold;
import io.lethe.events.PolicyMode;
import io.lethe.events.RequestStatus;
import io.lethe.events.Scope;
import io.lethe.events.TaskState;
import io.lethe.schemas.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compliance console under {@code /console/}: server-rendered pages (precompiled jte
 * templates, auto-escaped) for the people who run deletions. Every action calls the same
 * methods as the JSON API, as the signed-in user, so authorization, validation, tenant
 * isolation and the audit actor are the API's; the console adds none of its own rules.
 *
 * <p>Security: an encrypted session cookie ({@link SessionCookies}); a synchronizer CSRF token
 * on every POST plus an Origin check; a strict Content-Security-Policy (scripts and styles only
 * from this origin, nothing inline), {@code frame-ancestors 'none'}, {@code nosniff},
 * {@code Referrer-Policy: same-origin} and {@code no-store} on every console response.
 *
 * <p>Sign-in: OpenID Connect ({@link OidcClient}) when {@code console.oidc.*} is configured;
 * the dev form only when {@code auth.dev.mode=true} (its routes are not even registered
 * otherwise). The {@code service} role cannot sign in.
 */
public final class Console {

    private static final Logger LOG = LoggerFactory.getLogger(Console.class);

    public static final String SESSION_KEY = "console.session.key";
    public static final String SESSION_IDLE = "console.session.idle";
    public static final String SESSION_MAX = "console.session.max";
    public static final String COOKIE_SECURE = "console.cookie.secure";
    public static final String DEV_MODE = "auth.dev.mode";

    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    static final Set<Role> CONSOLE_ROLES = EnumSet.of(Role.COMPLIANCE_ADMIN, Role.PRIVACY_OFFICER, Role.LEGAL_COUNSEL, Role.AUDITOR);
    private static final String SESSION_ATTR = "lethe.console.session";
    private static final int PAGE_SIZE = 50;
    private static final Duration ACTION_TIMEOUT = Duration.ofSeconds(30);
    static final List<String> REJECT_REASONS = BulkRoutes.REJECT_REASONS;

    private final SessionCookies sessions;
    private final OidcClient oidc;
    private final boolean devMode;
    private final TokenVerifier verifier;
    private final RequestRoutes requests;
    private final BulkRoutes bulks;
    private final PolicyRoutes policy;
    private final HoldRoutes holds;
    private final StatusStore statuses;
    private final AuditIndex audit;
    private final Publisher publisher;
    private final Topics topics;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    private final TemplateEngine templates = TemplateEngine.createPrecompiled(ContentType.Html);

    public Console(SessionCookies sessions, OidcClient oidc, boolean devMode, TokenVerifier verifier, RequestRoutes requests,
                   BulkRoutes bulks, PolicyRoutes policy, HoldRoutes holds, StatusStore statuses, AuditIndex audit,
                   Publisher publisher, Topics topics, Clock clock) {
        this.sessions = sessions;
        this.oidc = oidc;
        this.devMode = devMode;
        this.verifier = verifier;
        this.requests = requests;
        this.bulks = bulks;
        this.policy = policy;
        this.holds = holds;
        this.statuses = statuses;
        this.audit = audit;
        this.publisher = publisher;
        this.topics = topics;
        this.clock = clock;
    }

    /** Registers every console route on {@code app}: the one place they are declared. */
    public void register(Javalin app) {
        // only for routes that exist: an unregistered route (the dev sign-in outside dev mode) stays a plain 404
        app.beforeMatched("/console", this::frame);
        app.beforeMatched("/console/*", this::frame);
        app.get("/console", ctx -> ctx.redirect("/console/requests"));
        app.get("/console/", ctx -> ctx.redirect("/console/requests"));
        app.get("/console/assets/{file}", this::asset);
        app.get("/console/sign-in", this::signInPage);
        if (devMode) {
            app.post("/console/dev-sign-in", this::devSignIn);
        }
        app.get("/console/oidc/start", this::oidcStart);
        app.get("/console/oidc/callback", this::oidcCallback);
        app.post("/console/sign-out", this::signOut);
        app.get("/console/requests", this::requestsPage);
        app.get("/console/requests/new", this::newDeletionPage);
        app.post("/console/requests/new", this::reviewDeletion);
        app.post("/console/requests", this::createDeletion);
        app.get("/console/requests/{requestId}", this::requestPage);
        app.post("/console/requests/{requestId}/retry", this::retry);
        app.get("/console/requests/{requestId}/proof.pdf", this::proof);
        app.get("/console/bulk", this::bulkPage);
        app.post("/console/bulk", this::createBulk);
        app.post("/console/bulk/{bulkId}/approve", ctx -> decide(ctx, true));
        app.post("/console/bulk/{bulkId}/reject", ctx -> decide(ctx, false));
        app.get("/console/retention", this::retentionPage);
        app.post("/console/retention/preview", this::previewPolicy);
        app.post("/console/retention", this::savePolicy);
        app.get("/console/holds", this::holdsPage);
        app.post("/console/holds", this::placeHold);
        app.post("/console/holds/{holdId}/release", this::releaseHold);
        app.get("/console/audit", this::auditPage);
        app.get("/console/audit/report.csv", this::reportCsv);
    }

    // ---- frame: headers, session, CSRF ----

    private void frame(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        // same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on our own form posts
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header("Cache-Control", "no-store");
        if (ctx.path().startsWith("/console/assets/")) {
            return;
        }
        SessionCookies.Loaded loaded = sessions.load(ctx);
        ConsoleSession s = loaded.session();
        ctx.attribute(SESSION_ATTR, s);
        sessions.save(ctx, s);
        if (ctx.method() == io.javalin.http.HandlerType.POST) {
            String origin = ctx.header("Origin");
            if (origin != null && !origin.equals(expectedOrigin(ctx))) {
                refuse(ctx, 403, "Request refused", "This form was sent from another site. Nothing was changed.");
                return;
            }
            String sent = ctx.formParam("_csrf");
            if (sent == null || !MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8), s.csrf().getBytes(StandardCharsets.UTF_8))) {
                LOG.warn("console form refused: CSRF token missing or wrong path={}", ctx.matchedPath());
                refuse(ctx, 403, "Request refused", "The form was out of date or did not come from this console. Nothing was changed; "
                        + "reload the page and try again.");
                return;
            }
        }
        boolean open = ctx.path().equals("/console/sign-in") || ctx.path().startsWith("/console/oidc/")
                || ctx.path().equals("/console/dev-sign-in") || ctx.path().equals("/console") || ctx.path().equals("/console/");
        if (!open && !s.signedIn()) {
            String reason = switch (loaded.lapse()) {
                case IDLE -> "?expired=idle";
                case ABSOLUTE -> "?expired=absolute";
                case SIGNED_OUT -> "?expired=signed-out";
                default -> "";
            };
            if (ctx.method() == io.javalin.http.HandlerType.GET) {
                ctx.redirect("/console/sign-in" + reason);
            } else {
                ctx.redirect("/console/sign-in" + reason, io.javalin.http.HttpStatus.SEE_OTHER);
            }
            ctx.skipRemainingHandlers();
        }
    }

    private static String expectedOrigin(Context ctx) {
        String proto = ctx.header("X-Forwarded-Proto") != null ? ctx.header("X-Forwarded-Proto") : ctx.scheme();
        return proto + "://" + ctx.host();
    }

    private void refuse(Context ctx, int status, String heading, String message) {
        ConsoleSession s = ctx.attribute(SESSION_ATTR);
        render(ctx.status(status), "error.jte", new Views.ErrorView(chrome(s, heading, ""), status, heading, message));
        ctx.skipRemainingHandlers();
    }

    private static ConsoleSession session(Context ctx) {
        return ctx.attribute(SESSION_ATTR);
    }

    private static Principal user(Context ctx) {
        return session(ctx).user();
    }

    private Views.Chrome chrome(ConsoleSession s, String title, String active) {
        return new Views.Chrome(title, active, s == null ? null : s.user(), s == null ? "" : s.csrf(), null);
    }

    private Views.Chrome chrome(Context ctx, String title, String active) {
        return new Views.Chrome(title, active, user(ctx), session(ctx).csrf(), notice(ctx.queryParam("notice")));
    }

    /** Notices are chosen by code: nothing from the URL is reflected into the page. */
    private static String notice(String code) {
        if (code == null) {
            return null;
        }
        return switch (code) {
            case "retried" -> "Retry requested. The failed data types run again.";
            case "bulk-accepted" -> "Bulk deletion accepted: its requests are running.";
            case "bulk-pending" -> "Bulk deletion saved. It waits for a privacy officer other than you to approve it.";
            case "bulk-approved" -> "Bulk deletion approved: its requests are running.";
            case "bulk-rejected" -> "Bulk deletion rejected: nothing was deleted.";
            case "policy-saved" -> "Retention policy saved.";
            case "hold-placed" -> "Legal hold placed. Deletions it covers wait On hold until it ends.";
            case "hold-released" -> "Legal hold released. Deletions it held resume unless another hold covers them.";
            case "signed-out" -> "You are signed out.";
            default -> null;
        };
    }

    void render(Context ctx, String template, Object model) {
        StringOutput out = new StringOutput();
        templates.render(template, model, out);
        ctx.contentType("text/html; charset=utf-8").result(out.toString());
    }

    private void asset(Context ctx) {
        String file = ctx.pathParam("file");
        String type = file.endsWith(".css") ? "text/css; charset=utf-8" : file.endsWith(".js") ? "text/javascript; charset=utf-8" : null;
        InputStream in = type == null || !file.matches("[a-z-]+\\.(css|js)") ? null
                : Console.class.getResourceAsStream("/console/" + file);
        if (in == null) {
            ctx.status(404).contentType("text/plain").result("not found");
            return;
        }
        ctx.header("Cache-Control", "no-cache");
        ctx.contentType(type).result(in);
    }

    // ---- sign-in ----

    private void signInPage(Context ctx) {
        if (session(ctx).signedIn()) {
            ctx.redirect("/console/requests");
            return;
        }
        String expired = ctx.queryParam("expired");
        String message = expired == null ? null : switch (expired) {
            case "idle" -> "Your session ended after a period without activity. Sign in again.";
            case "absolute" -> "Your session reached its maximum length. Sign in again.";
            case "signed-out" -> "That session was signed out. Sign in again.";
            default -> null;
        };
        signIn(ctx, 200, "", "compliance_admin", "", Map.of(), message);
    }

    private void signIn(Context ctx, int status, String tenant, String role, String userName, Map<String, String> errors, String message) {
        Views.Chrome c = new Views.Chrome("Sign in", "", null, session(ctx).csrf(), notice(ctx.queryParam("notice")));
        render(ctx.status(status), "signin.jte", new Views.SignInView(c, devMode, oidc != null,
                oidc == null ? null : oidc.issuer(), tenant, role, userName, errors, message));
    }

    private void devSignIn(Context ctx) {
        String tenant = trim(ctx.formParam("tenant"));
        String role = trim(ctx.formParam("role"));
        String name = trim(ctx.formParam("user"));
        Map<String, String> errors = new LinkedHashMap<>();
        String tp = Ids.problem(tenant);
        if (tp != null) {
            errors.put("tenant", "Tenant " + tp);
        } else if (tenant.indexOf('/') >= 0) {
            errors.put("tenant", "Tenant must not contain '/'");
        }
        Role r = Role.fromClaim(role).orElse(null);
        if (r == null || !CONSOLE_ROLES.contains(r)) {
            errors.put("role", r == Role.SERVICE ? "The service role cannot sign in to the console"
                    : "Choose compliance_admin, privacy_officer, legal_counsel or auditor");
        }
        String up = Ids.problem(name);
        if (up != null) {
            errors.put("user", "User " + up);
        }
        if (!errors.isEmpty()) {
            signIn(ctx, 400, tenant, role, name, errors, null);
            return;
        }
        ConsoleSession s = sessions.signedIn(name, tenant, EnumSet.of(r));
        sessions.save(ctx, s);
        LOG.info("console sign-in (dev) role={}", r.claim());
        ctx.redirect("/console/requests", io.javalin.http.HttpStatus.SEE_OTHER);
    }

    private void oidcStart(Context ctx) throws Exception {
        if (oidc == null) {
            refuse(ctx, 404, "Not available", "Single sign-on is not configured for this console.");
            return;
        }
        ConsoleSession.OidcPending pending = new ConsoleSession.OidcPending(SessionCookies.token(), SessionCookies.token(),
                SessionCookies.token() + SessionCookies.token());
        sessions.save(ctx, session(ctx).withPending(pending));
        ctx.redirect(oidc.authorize(pending).toString());
    }

    private void oidcCallback(Context ctx) {
        ConsoleSession s = session(ctx);
        ConsoleSession.OidcPending pending = s.pending();
        if (oidc == null || pending == null || ctx.queryParam("state") == null || !pending.state().equals(ctx.queryParam("state"))) {
            signIn(ctx, 400, "", "", "", Map.of(), "The sign-in could not be completed (it expired or did not start here). Try again.");
            return;
        }
        if (ctx.queryParam("error") != null || ctx.queryParam("code") == null) {
            signIn(ctx, 400, "", "", "", Map.of(), "The identity provider did not sign you in.");
            return;
        }
        Principal p;
        try {
            String accessToken = oidc.exchange(ctx.queryParam("code"), pending);
            p = verifier.verify("Bearer " + accessToken);
        } catch (OidcClient.SignInException e) {
            sessions.save(ctx, s.withPending(null));
            signIn(ctx, 400, "", "", "", Map.of(), "Sign-in failed: " + e.getMessage() + ".");
            return;
        } catch (ProblemException e) {
            sessions.save(ctx, s.withPending(null));
            signIn(ctx, 403, "", "", "", Map.of(), "Sign-in failed: the access token was not accepted (" + e.getMessage() + ").");
            return;
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        p.roles().stream().filter(CONSOLE_ROLES::contains).forEach(roles::add);
        if (roles.isEmpty()) {
            sessions.save(ctx, s.withPending(null));
            signIn(ctx, 403, "", "", "", Map.of(), p.roles().contains(Role.SERVICE)
                    ? "The service role cannot sign in to the console."
                    : "Your account has none of the console roles (compliance_admin, privacy_officer, legal_counsel, auditor).");
            return;
        }
        sessions.save(ctx, sessions.signedIn(p.subject(), p.tenant(), roles));
        LOG.info("console sign-in (oidc) roles={}", roles.size());
        ctx.redirect("/console/requests");
    }

    private void signOut(Context ctx) {
        ConsoleSession s = session(ctx);
        if (s.signedIn()) {
            Instant until = s.createdAt().plus(sessions.max());
            sessions.revoke(s.id(), until);
            try {
                publisher.publish(topics.consoleSignouts(), s.id(), until.toString()).get(ACTION_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (Exception e) {
                // this instance refuses the session already; others would honour it until it expires
                LOG.warn("sign-out not published to other instances error={}", e.getClass().getSimpleName());
            }
        }
        sessions.save(ctx, sessions.anonymous());
        ctx.redirect("/console/sign-in?notice=signed-out", io.javalin.http.HttpStatus.SEE_OTHER);
    }

    // ---- requests ----

    private void requestsPage(Context ctx) {
        Principal p = user(ctx);
        Instant now = clock.instant();
        String status = blankToNull(ctx.queryParam("status"));
        String customer = blankToNull(ctx.queryParam("customerId"));
        Map<String, String> errors = new LinkedHashMap<>();
        if (status != null) {
            try {
                RequestStatus.valueOf(status);
            } catch (IllegalArgumentException e) {
                errors.put("status", "Choose a status from the list");
                status = null;
            }
        }
        if (customer != null && Ids.problem(customer) != null) {
            errors.put("customerId", "Customer ID " + Ids.problem(customer));
            customer = null;
        }
        io.lethe.api.validation.Paging.Position before = null;
        if (ctx.queryParam("before") != null) {
            before = io.lethe.api.validation.Paging.Position.ofCursor(ctx.queryParam("before")).orElse(null);
        }
        io.lethe.api.auth.Access.check(p, Permission.READ);
        StatusStore.Page page = statuses.listNewestFirst(p.tenant(), customer, status == null ? null : RequestStatus.valueOf(status),
                PAGE_SIZE, before);
        List<Views.RequestRow> rows = page.items().stream().map(s -> row(s, now)).toList();
        render(ctx, "requests.jte", new Views.RequestsView(chrome(ctx, "Requests", "requests"), statuses.counts(p.tenant(), now), rows,
                status == null ? "" : status, customer == null ? "" : customer,
                page.next() == null ? null : page.next().cursor(), status != null || customer != null, errors));
    }

    private static Views.RequestRow row(DeletionStatus s, Instant now) {
        boolean overdue = StatusStore.overdue(s, now);
        return new Views.RequestRow(s.getRequestId(), s.getCustomerId(), Views.scopeLabel(s.getScope()), Views.label(s.getReason().name()),
                Views.statusLabel(s.getStatus()), s.getStatus().name(), Views.When.of(s.getRequestedAt(), now),
                Views.When.of(s.getDueAt(), now), dueText(s, now), overdue);
    }

    private static String dueText(DeletionStatus s, Instant now) {
        if (io.lethe.schemas.Statuses.terminal(s.getStatus())) {
            return "";
        }
        if (s.getStatus() == RequestStatus.ON_HOLD) {
            return "On hold";
        }
        if (StatusStore.overdue(s, now)) {
            return "Overdue";
        }
        long days = Duration.between(now, s.getDueAt()).toDays();
        return days == 1 ? "1 day left" : days + " days left";
    }

    private void newDeletionPage(Context ctx) {
        io.lethe.api.auth.Access.check(user(ctx), Permission.CREATE);
        Views.DeletionForm form = new Views.DeletionForm(orEmpty(ctx.queryParam("scope")), orEmpty(ctx.queryParam("customerId")), "",
                "CUSTOMER_REQUEST", "GDPR");
        render(ctx, "newdeletion.jte", new Views.NewDeletionView(chrome(ctx, "New deletion", "new"), form, Map.of(), null, false,
                null, null, UUID.randomUUID().toString()));
    }

    private Views.DeletionForm deletionForm(Context ctx) {
        String scope = orEmpty(ctx.formParam("scope"));
        String item = "PROFILE".equals(scope) ? "" : orEmpty(ctx.formParam("itemId"));
        return new Views.DeletionForm(scope, trim(ctx.formParam("customerId")), item, orEmpty(ctx.formParam("reason")),
                orEmpty(ctx.formParam("regulation")));
    }

    private ObjectNode deletionJson(Views.DeletionForm f) {
        ObjectNode n = json.createObjectNode();
        putIfPresent(n, "scope", f.scope());
        putIfPresent(n, "customerId", f.customerId());
        putIfPresent(n, "itemId", f.itemId());
        putIfPresent(n, "reason", f.reason());
        putIfPresent(n, "regulation", f.regulation());
        return n;
    }

    /** Step 1: the form is checked with the API's own parser; a valid one leads to the confirmation. */
    private void reviewDeletion(Context ctx) {
        io.lethe.api.auth.Access.check(user(ctx), Permission.CREATE);
        Views.DeletionForm f = deletionForm(ctx);
        String key = idempotencyKey(ctx);
        try {
            io.lethe.api.requests.CreateRequest.parse(deletionJson(f));
        } catch (ProblemException e) {
            render(ctx.status(400), "newdeletion.jte", new Views.NewDeletionView(chrome(ctx, "New deletion", "new"), f,
                    fieldErrors(e), e.errors().isEmpty() ? e.getMessage() : null, false, null, null, key));
            return;
        }
        Scope scope = Scope.valueOf(f.scope());
        render(ctx, "newdeletion.jte", new Views.NewDeletionView(chrome(ctx, "Confirm deletion", "new"), f, Map.of(), null, true,
                erases(scope), keeps(scope), key));
    }

    /** Step 2: the customer id typed again must match; then the API publishes the request. */
    private void createDeletion(Context ctx) {
        Principal p = user(ctx);
        Views.DeletionForm f = deletionForm(ctx);
        String key = idempotencyKey(ctx);
        String confirm = trim(ctx.formParam("confirmCustomerId"));
        Scope scope = parseScope(f.scope());
        if (!confirm.equals(f.customerId()) || scope == null) {
            render(ctx.status(400), "newdeletion.jte", new Views.NewDeletionView(chrome(ctx, "Confirm deletion", "new"), f,
                    Map.of("confirmCustomerId", "Type the customer ID exactly as above to confirm"), null, scope != null,
                    scope == null ? null : erases(scope), scope == null ? null : keeps(scope), key));
            return;
        }
        try {
            Map<String, Object> accepted = await(requests.submit(p, key, deletionJson(f)));
            ctx.redirect("/console/requests/" + URLEncoder.encode((String) accepted.get("requestId"), StandardCharsets.UTF_8),
                    io.javalin.http.HttpStatus.SEE_OTHER);
        } catch (ProblemException e) {
            render(ctx.status(e.type().status()), "newdeletion.jte", new Views.NewDeletionView(chrome(ctx, "New deletion", "new"), f,
                    fieldErrors(e), e.errors().isEmpty() ? e.getMessage() : null, false, null, null, key));
        }
    }

    private static String idempotencyKey(Context ctx) {
        String key = ctx.formParam("idempotencyKey");
        return key == null || Ids.problem(key) != null ? UUID.randomUUID().toString() : key;
    }

    private static Scope parseScope(String s) {
        try {
            return Scope.valueOf(s);
        } catch (RuntimeException e) {
            return null;
        }
    }

    static String erases(Scope scope) {
        return switch (scope) {
            case PROFILE -> "All of this customer's personal data: conversation content, messages, voice recordings, attachments, "
                    + "customer details (names, emails, phone numbers, addresses, relationships) and integration data "
                    + "(orders, CSAT, NPS, data from external apps).";
            case CONTACT -> "The message body of this contact item and its attachments.";
            case ATTACHMENT -> "This one attachment file.";
            case VOICE_RECORDING -> "This one voice recording.";
        };
    }

    static String keeps(Scope scope) {
        return switch (scope) {
            case PROFILE -> "For reporting: the customer ID, conversation IDs, contact IDs, work sessions, timestamps, channel and status.";
            default -> "For reporting: the item's ID and timestamps, and everything else of this customer.";
        };
    }

    /** The request named in the path, or null after answering that this tenant has none such. */
    private DeletionStatus requestOrRefuse(Context ctx, Principal p) {
        try {
            return requests.find(p, ctx.pathParam("requestId"));
        } catch (ProblemException e) {
            refuse(ctx, e.type().status(), "Request not found", "There is no deletion request with this ID in your tenant.");
            return null;
        }
    }

    private void requestPage(Context ctx) {
        Principal p = user(ctx);
        DeletionStatus s = requestOrRefuse(ctx, p);
        if (s == null) {
            return;
        }
        Instant now = clock.instant();
        List<Views.TaskRow> tasks = s.getTasks().stream().map(Console::task).toList();
        List<Views.TimelineRow> timeline = audit.request(p.tenant(), s.getRequestId()).stream()
                .map(e -> new Views.TimelineRow(Views.When.of(e.getOccurredAt(), now), describe(e), e.getActor())).toList();
        boolean terminal = io.lethe.schemas.Statuses.terminal(s.getStatus());
        render(ctx, "request.jte", new Views.RequestView(chrome(ctx, "Request " + s.getRequestId(), "requests"), s.getRequestId(),
                s.getCustomerId(), Views.scopeLabel(s.getScope()), s.getItemId(), Views.label(s.getReason().name()), s.getRegulation().name(),
                Views.statusLabel(s.getStatus()), s.getStatus().name(), s.getVerified() && s.getStatus() == RequestStatus.COMPLETED,
                terminal, Views.When.of(s.getRequestedAt(), now), Views.When.of(s.getDueAt(), now), dueText(s, now),
                StatusStore.overdue(s, now), Views.When.of(s.getCompletedAt(), now), s.getBulkId(), tasks, timeline,
                s.getStatus() == RequestStatus.FAILED && p.may(Permission.RETRY), null,
                s.getStatus() == RequestStatus.ON_HOLD ? span(io.lethe.api.requests.StatusJson.heldFor(s, now)) : null,
                s.getHoldIds().stream().map(id -> holdLink(p, id)).toList(), s.getOriginalRequestId()));
    }

    /** A hold named by a request's status, described from this instance's view of the holds when it is there. */
    private Views.HoldLink holdLink(Principal p, String holdId) {
        if (!p.may(Permission.HOLD_READ)) {
            return new Views.HoldLink(holdId, null, null);
        }
        String href = "/console/holds?state=ALL#hold-" + URLEncoder.encode(holdId, StandardCharsets.UTF_8);
        String description;
        try {
            LegalHold h = holds.find(p, holdId);
            description = "matter " + h.getMatter() + ", " + (h.getCustomerId() == null ? "whole tenant" : "this customer")
                    + ", placed by " + h.getPlacedBy();
        } catch (ProblemException e) {
            description = null;
        }
        return new Views.HoldLink(holdId, href, description);
    }

    /** "3 days", "5 hours", "less than an hour". */
    static String span(Duration d) {
        if (d.toDays() >= 1) {
            return d.toDays() + (d.toDays() == 1 ? " day" : " days");
        }
        if (d.toHours() >= 1) {
            return d.toHours() + (d.toHours() == 1 ? " hour" : " hours");
        }
        return "less than an hour";
    }

    private static Views.TaskRow task(TaskState t) {
        return new Views.TaskRow(t.getDataType(), Views.label(t.getStatus().name()), t.getAttempts(), t.getRowsScrubbed(),
                t.getRowsDeleted(), t.getBlobsDeleted(), t.getResidual() == null ? "" : t.getResidual().toString(),
                t.getErrorCode() == null ? "" : t.getErrorCode());
    }

    /** One audit event in words (its fields are ids, counts and codes only). */
    static String describe(AuditEvent e) {
        String type = e.getDataType() == null ? "" : " " + e.getDataType();
        String attempt = e.getAttempt() == null ? "" : " (attempt " + e.getAttempt() + ")";
        return switch (e.getType()) {
            case ACCEPTED -> "Request accepted" + (e.getRequiredDataTypes().isEmpty() ? "" : ": " + String.join(", ", e.getRequiredDataTypes()));
            case TASK_DISPATCHED -> "Erasure of" + type + " started" + attempt;
            case TASK_RESULT -> "Erasure of" + type + " " + (e.getTaskStatus() == null ? "reported" : Views.label(e.getTaskStatus().name()).toLowerCase())
                    + attempt + ": " + e.getRowsScrubbed() + " rows scrubbed, " + e.getRowsDeleted() + " rows deleted, "
                    + e.getBlobsDeleted() + " files deleted" + (e.getResidual() == null ? "" : ", residual " + e.getResidual())
                    + (e.getErrorCode() == null ? "" : ", error " + e.getErrorCode());
            case RETRY_SCHEDULED -> "Retry of" + type + " scheduled" + attempt + (e.getErrorCode() == null ? "" : " after " + e.getErrorCode());
            case COMPLETED -> "Request completed";
            case FAILED -> "Request failed" + (e.getErrorCode() == null ? "" : ": " + e.getErrorCode());
            case REDRIVEN -> "Retry requested";
            case DUPLICATE_IGNORED -> "Duplicate request ignored";
            case REJECTED -> "Rejected";
            case APPROVED -> "Approved";
            case POLICY_CHANGED -> "Retention policy changed";
            case REQUEST_HELD -> "Put on hold" + (e.getHoldId() == null ? "" : " by legal hold " + e.getHoldId());
            case REQUEST_RESUMED -> "Resumed: no legal hold covers it any more";
            case HOLD_PLACED -> "Legal hold placed" + (e.getHoldId() == null ? "" : ": " + e.getHoldId());
            case HOLD_RELEASED -> "Legal hold released" + (e.getHoldId() == null ? "" : ": " + e.getHoldId());
            case HOLD_EXPIRED -> "Legal hold expired" + (e.getHoldId() == null ? "" : ": " + e.getHoldId());
            default -> Views.label(e.getType().name());
        };
    }

    private void retry(Context ctx) {
        String id = ctx.pathParam("requestId");
        try {
            await(requests.retry(user(ctx), id));
            ctx.redirect("/console/requests/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "?notice=retried",
                    io.javalin.http.HttpStatus.SEE_OTHER);
        } catch (ProblemException e) {
            refuse(ctx, e.type().status(), "Retry not possible", e.getMessage());
        }
    }

    private void proof(Context ctx) {
        Principal p = user(ctx);
        DeletionStatus s = requestOrRefuse(ctx, p);
        if (s == null) {
            return;
        }
        List<AuditEvent> events = audit.request(p.tenant(), s.getRequestId());
        if (events.isEmpty()) {
            refuse(ctx, 409, "No proof yet", "The audit trail of this request has not reached this console yet. Try again in a moment.");
            return;
        }
        ProofOfDeletion proof = ProofOfDeletion.of(new RequestHistory(s.getRequestId(), events));
        byte[] pdf = ProofDocument.pdf(proof, events, clock.instant());
        ctx.header("Content-Disposition", "attachment; filename=\"proof-of-deletion-" + safeFileName(s.getRequestId()) + ".pdf\"");
        ctx.contentType("application/pdf").result(pdf);
    }

    private static String safeFileName(String id) {
        return id.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    // ---- bulk ----

    private void bulkPage(Context ctx) {
        bulk(ctx, 200, "", "CUSTOMER_REQUEST", "GDPR", Map.of(), null);
    }

    private void bulk(Context ctx, int status, String ids, String reason, String regulation, Map<String, String> errors, String summary) {
        Principal p = user(ctx);
        List<Views.BulkRow> rows = bulks.recent(p, 100).stream().map(b -> bulkRow(p, b)).toList();
        render(ctx.status(status), "bulk.jte", new Views.BulkView(chrome(ctx, "Bulk deletions", "bulk"), ids, reason, regulation, errors,
                summary, rows, REJECT_REASONS));
    }

    private Views.BulkRow bulkRow(Principal p, BulkDeletion b) {
        long completed = b.getRequestIds().stream().filter(id -> statuses.find(p.tenant(), id)
                .map(s -> s.getStatus() == RequestStatus.COMPLETED).orElse(false)).count();
        boolean own = b.getRequester().equals(p.subject());
        return new Views.BulkRow(b.getBulkId(), b.getRequester(), Views.statusLabel(b.getStatus()), b.getStatus().name(),
                b.getRequestIds().size(), completed, Views.When.of(b.getCreatedAt(), clock.instant()),
                b.getStatus() == RequestStatus.PENDING_APPROVAL && !own && p.may(Permission.BULK_APPROVE), own);
    }

    private void createBulk(Context ctx) throws IOException {
        Principal p = user(ctx);
        String typed = orEmpty(ctx.formParam("customerIds"));
        String reason = orEmpty(ctx.formParam("reason"));
        String regulation = orEmpty(ctx.formParam("regulation"));
        List<String> ids = new ArrayList<>();
        for (String line : typed.split("[,;\\r\\n]+")) {
            if (!line.isBlank()) {
                ids.add(line.strip());
            }
        }
        UploadedFile file = ctx.uploadedFile("csv");
        if (file != null && file.size() > 0) {
            try (Reader r = new InputStreamReader(file.content(), StandardCharsets.UTF_8)) {
                for (CSVRecord rec : CSVFormat.DEFAULT.builder().setIgnoreEmptyLines(true).setTrim(true).get().parse(r)) {
                    String first = rec.size() == 0 ? "" : rec.get(0);
                    if (!first.isEmpty() && !(rec.getRecordNumber() == 1 && first.equalsIgnoreCase("customerId"))) {
                        ids.add(first);
                    }
                }
            } catch (RuntimeException e) {
                bulk(ctx, 400, typed, reason, regulation, Map.of("csv", "The CSV file could not be read: put one customer ID per line"), null);
                return;
            }
        }
        ObjectNode body = json.createObjectNode();
        ArrayNode arr = body.putArray("customerIds");
        ids.forEach(arr::add);
        putIfPresent(body, "reason", reason);
        putIfPresent(body, "regulation", regulation);
        try {
            Map<String, Object> summary = await(bulks.create(p, body));
            boolean pending = RequestStatus.PENDING_APPROVAL.name().equals(summary.get("status"));
            ctx.redirect("/console/bulk?notice=" + (pending ? "bulk-pending" : "bulk-accepted"), io.javalin.http.HttpStatus.SEE_OTHER);
        } catch (ProblemException e) {
            Map<String, String> errors = fieldErrors(e);
            if (errors.containsKey("customerIds") && ids.isEmpty()) {
                errors.put("customerIds", "Enter at least one customer ID, or choose a CSV file");
            }
            bulk(ctx, e.type().status(), typed, reason, regulation, errors, e.errors().isEmpty() ? e.getMessage() : null);
        }
    }

    private void decide(Context ctx, boolean approve) {
        String bulkId = ctx.pathParam("bulkId");
        String reason = ctx.formParam("rejectReason");
        if (!approve && (reason == null || !REJECT_REASONS.contains(reason))) {
            bulk(ctx, 400, "", "CUSTOMER_REQUEST", "GDPR", Map.of("rejectReason-" + bulkId, "Choose why you reject this bulk deletion"), null);
            return;
        }
        try {
            await(bulks.decide(user(ctx), bulkId, approve, approve ? null : reason));
            ctx.redirect("/console/bulk?notice=" + (approve ? "bulk-approved" : "bulk-rejected"), io.javalin.http.HttpStatus.SEE_OTHER);
        } catch (ProblemException e) {
            bulk(ctx, e.type().status(), "", "CUSTOMER_REQUEST", "GDPR", Map.of(), e.getMessage());
        }
    }

    // ---- retention ----

    private void retentionPage(Context ctx) {
        if (!user(ctx).may(Permission.POLICY_READ)) {
            // legal counsel: no Retention link, and a page rather than a problem document if typed in
            refuse(ctx, 403, "Not allowed", "Your role may not see the retention policy.");
            return;
        }
        retention(ctx, 200, null, null, null, null, Map.of(), null);
    }

    @SuppressWarnings("unchecked")
    private void retention(Context ctx, int status, String newMode, String newDays, Long wouldExpire, String confirm,
                           Map<String, String> errors, String summary) {
        Principal p = user(ctx);
        Map<String, Object> current = policy.current(p);
        String mode = (String) current.get("mode");
        Integer days = (Integer) current.get("days");
        Long backlog = null;
        String backlogError = null;
        if (PolicyMode.DELETE_AFTER_DAYS.name().equals(mode) && days != null && p.may(Permission.POLICY_WRITE)) {
            try {
                backlog = ((Number) await(policy.change(p, policyJson(mode, days.toString(), null), true)).get("wouldExpire")).longValue();
            } catch (ProblemException e) {
                backlogError = e.getMessage();
            }
        }
        Views.When updated = current.get("updatedAt") == null ? null : Views.When.of(Instant.parse((String) current.get("updatedAt")), clock.instant());
        render(ctx.status(status), "retention.jte", new Views.RetentionView(chrome(ctx, "Retention", "retention"), mode, days,
                (String) current.get("updatedBy"), updated, newMode == null ? mode : newMode,
                newDays == null ? (days == null ? "" : days.toString()) : newDays, wouldExpire,
                wouldExpire != null && wouldExpire > PolicyRoutes.CONFIRM_ABOVE, confirm == null ? "" : confirm, errors, summary,
                backlog, backlogError, PolicyRoutes.CONFIRM_ABOVE));
    }

    private ObjectNode policyJson(String mode, String days, String confirm) {
        ObjectNode n = json.createObjectNode();
        putIfPresent(n, "mode", mode);
        if (PolicyMode.DELETE_AFTER_DAYS.name().equals(mode)) {
            putNumberOrText(n, "days", days);
        }
        if (confirm != null && !confirm.isBlank()) {
            putNumberOrText(n, "confirmExpiring", confirm);
        }
        return n;
    }

    private void previewPolicy(Context ctx) {
        String mode = orEmpty(ctx.formParam("mode"));
        String days = trim(ctx.formParam("days"));
        try {
            Map<String, Object> r = await(policy.change(user(ctx), policyJson(mode, days, null), true));
            retention(ctx, 200, mode, days, ((Number) r.get("wouldExpire")).longValue(), null, Map.of(), null);
        } catch (ProblemException e) {
            retention(ctx, e.type().status(), mode, days, null, null, fieldErrors(e), e.errors().isEmpty() ? e.getMessage() : null);
        }
    }

    private void savePolicy(Context ctx) {
        String mode = orEmpty(ctx.formParam("mode"));
        String days = trim(ctx.formParam("days"));
        String confirm = trim(ctx.formParam("confirmExpiring"));
        try {
            await(policy.change(user(ctx), policyJson(mode, days, confirm), false));
            ctx.redirect("/console/retention?notice=policy-saved", io.javalin.http.HttpStatus.SEE_OTHER);
        } catch (ProblemException e) {
            Long would = e.extensions().get("wouldExpire") instanceof Number n ? n.longValue() : null;
            Map<String, String> errors = fieldErrors(e);
            if (e.type() == ProblemType.CONFIRMATION_REQUIRED) {
                errors.put("confirmExpiring", "Type " + would + ", the number of profiles this policy deletes now, to confirm");
            }
            retention(ctx, e.type().status(), mode, days, would, confirm, errors,
                    e.errors().isEmpty() && e.type() != ProblemType.CONFIRMATION_REQUIRED ? e.getMessage() : null);
        }
    }

    // ---- legal holds ----

    private static final List<String> HOLD_FILTERS = List.of("ACTIVE", "RELEASED", "EXPIRED", "ALL");

    private void holdsPage(Context ctx) {
        holds(ctx, 200, new Views.HoldForm("", "", ""), Map.of(), null, false, "");
    }

    private void holds(Context ctx, int status, Views.HoldForm form, Map<String, String> errors, String summary, boolean confirming,
                       String confirmTenant) {
        Principal p = user(ctx);
        String state = ctx.queryParam("state") == null ? "ACTIVE" : ctx.queryParam("state");
        Map<String, String> all = new LinkedHashMap<>(errors);
        if (!HOLD_FILTERS.contains(state)) {
            all.put("state", "Choose a state from the list");
            state = "ACTIVE";
        }
        HoldStore.Page page;
        try {
            page = holds.list(p, null, "ALL".equals(state) ? null : state, Integer.toString(PAGE_SIZE), ctx.queryParam("after"));
        } catch (ProblemException e) {
            if (e.type() != ProblemType.VALIDATION) {
                throw e;
            }
            page = holds.list(p, null, "ALL".equals(state) ? null : state, Integer.toString(PAGE_SIZE), null);
        }
        Instant now = clock.instant();
        List<Views.HoldRow> rows = page.items().stream().map(h -> holdRow(p, h, now)).toList();
        render(ctx.status(status), "holds.jte", new Views.HoldsView(chrome(ctx, confirming ? "Confirm the legal hold" : "Legal holds", "holds"),
                state, rows, page.next() == null ? null : page.next().cursor(), form, all, summary, confirming, confirmTenant));
    }

    private static Views.HoldRow holdRow(Principal p, LegalHold h, Instant now) {
        HoldState state = HoldState.of(h, now);
        return new Views.HoldRow(h.getHoldId(), h.getCustomerId(), h.getMatter(), h.getPlacedBy(), Views.When.of(h.getPlacedAt(), now),
                Views.When.of(h.getExpiresAt(), now), Views.label(state.name()), state.name(), h.getReleasedBy(),
                Views.When.of(h.getReleasedAt(), now), state == HoldState.ACTIVE && p.may(Permission.HOLD_WRITE));
    }

    /**
     * Places a hold from the form: the API checks it first; a valid tenant-wide hold is shown for
     * confirmation and placed only once the tenant's name was typed in Confirm tenant.
     */
    private void placeHold(Context ctx) {
        Principal p = user(ctx);
        Views.HoldForm form = new Views.HoldForm(trim(ctx.formParam("customerId")), trim(ctx.formParam("matter")),
                trim(ctx.formParam("expiresOn")));
        Map<String, String> errors = new LinkedHashMap<>();
        ObjectNode body = json.createObjectNode();
        putIfPresent(body, "customerId", form.customerId());
        putIfPresent(body, "matter", form.matter());
        if (!form.expiresOn().isEmpty()) {
            try {
                // the end of that day, UTC
                body.put("expiresAt", LocalDate.parse(form.expiresOn()).plusDays(1).atStartOfDay(ZoneOffset.UTC).minusSeconds(1)
                        .toInstant().toString());
            } catch (DateTimeParseException e) {
                errors.put("expiresAt", "Expires on must be a date such as 2027-06-30");
            }
        }
        String confirm = ctx.formParam("confirmTenant");
        try {
            HoldRoutes.NewHold hold = holds.validate(p, body);
            if (!errors.isEmpty()) {
                holds(ctx, 400, form, errors, null, false, "");
                return;
            }
            if (hold.tenantWide() && (confirm == null || !confirm.strip().equals(p.tenant()))) {
                holds(ctx, confirm == null ? 200 : 400, form,
                        confirm == null ? Map.of() : Map.of("confirmTenant", "Type the tenant name exactly as shown to confirm"),
                        null, true, confirm == null ? "" : confirm.strip());
                return;
            }
            await(holds.place(p, body));
            ctx.redirect("/console/holds?notice=hold-placed", io.javalin.http.HttpStatus.SEE_OTHER);
        } catch (ProblemException e) {
            if (e.type() == ProblemType.FORBIDDEN) {
                refuse(ctx, 403, "Not allowed", "Your role may not place legal holds. Nothing was changed.");
                return;
            }
            Map<String, String> all = fieldErrors(e);
            all.putAll(errors);
            holds(ctx, e.type().status(), form, all, e.errors().isEmpty() ? e.getMessage() : null, false, "");
        }
    }

    /** Step 1 shows what the hold covers and asks to confirm; step 2 ({@code confirm=yes}) releases it through the API. */
    private void releaseHold(Context ctx) {
        Principal p = user(ctx);
        String holdId = ctx.pathParam("holdId");
        LegalHold h;
        try {
            h = holds.find(p, holdId);
            if (!p.may(Permission.HOLD_WRITE)) {
                refuse(ctx, 403, "Not allowed", "Your role may not release legal holds. Nothing was changed.");
                return;
            }
        } catch (ProblemException e) {
            refuse(ctx, e.type().status(), "Legal hold not found", "There is no legal hold with this ID in your tenant.");
            return;
        }
        if (!"yes".equals(ctx.formParam("confirm"))) {
            render(ctx, "releasehold.jte", new Views.ReleaseHoldView(chrome(ctx, "Release the legal hold", "holds"),
                    holdRow(p, h, clock.instant())));
            return;
        }
        try {
            await(holds.release(p, holdId));
            ctx.redirect("/console/holds?notice=hold-released", io.javalin.http.HttpStatus.SEE_OTHER);
        } catch (ProblemException e) {
            refuse(ctx, e.type().status(), "Release not possible", "The legal hold could not be released: " + e.getMessage() + ".");
        }
    }

    // ---- audit ----

    private record Period(Instant from, Instant to, Map<String, String> errors) {
    }

    private static Period period(Context ctx) {
        Map<String, String> errors = new LinkedHashMap<>();
        Instant from = day(ctx.queryParam("from"), "from", errors, 0);
        Instant to = day(ctx.queryParam("to"), "to", errors, 1);
        if (from != null && to != null && !from.isBefore(to)) {
            errors.put("to", "The end date must not be before the start date");
        }
        return new Period(from, to, errors);
    }

    private static Instant day(String value, String field, Map<String, String> errors, int plusDays) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(value).plusDays(plusDays).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            errors.put(field, "Enter a date as YYYY-MM-DD");
            return null;
        }
    }

    private void auditPage(Context ctx) {
        Principal p = user(ctx);
        io.lethe.api.auth.Access.check(p, Permission.READ);
        Period period = period(ctx);
        List<AuditEvent> events = audit.tenant(p.tenant());
        List<ProofOfDeletion> proofs = Report.proofs(p.tenant(), events, period.from(), period.to());
        List<Violation> violations = Verifier.verifyEvents(p.tenant(), clock.instant(), events);
        List<Views.ViolationRow> rows = violations.stream()
                .map(v -> new Views.ViolationRow(Views.label(v.rule().name()), v.requestId(), v.detail())).toList();
        String from = orEmpty(ctx.queryParam("from"));
        String to = orEmpty(ctx.queryParam("to"));
        String url = "/console/audit/report.csv?from=" + URLEncoder.encode(from, StandardCharsets.UTF_8) + "&to="
                + URLEncoder.encode(to, StandardCharsets.UTF_8);
        render(ctx.status(period.errors().isEmpty() ? 200 : 400), "audit.jte", new Views.AuditView(chrome(ctx, "Audit", "audit"),
                from, to, period.errors(), proofs.size(),
                (int) proofs.stream().filter(x -> "COMPLETED".equals(x.status())).count(),
                (int) proofs.stream().filter(ProofOfDeletion::verified).count(), events.size(), rows, url));
    }

    private void reportCsv(Context ctx) {
        Principal p = user(ctx);
        io.lethe.api.auth.Access.check(p, Permission.READ);
        Period period = period(ctx);
        if (!period.errors().isEmpty()) {
            refuse(ctx, 400, "Report not available", String.join(". ", period.errors().values()));
            return;
        }
        String csv = Report.csv(Report.proofs(p.tenant(), audit.tenant(p.tenant()), period.from(), period.to()));
        ctx.header("Content-Disposition", "attachment; filename=\"proof-of-deletion-" + safeFileName(p.tenant()) + ".csv\"");
        ctx.contentType("text/csv; charset=utf-8").result(csv);
    }

    // ---- helpers ----

    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(ACTION_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ProblemException p) {
                throw p;
            }
            if (e.getCause() instanceof java.util.concurrent.CompletionException c && c.getCause() instanceof ProblemException p) {
                throw p;
            }
            throw new ProblemException(ProblemType.INTERNAL, "unexpected error");
        } catch (TimeoutException e) {
            throw new ProblemException(ProblemType.UNAVAILABLE, "Kafka did not acknowledge in time; nothing is lost, try again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProblemException(ProblemType.UNAVAILABLE, "interrupted");
        }
    }

    /** API field errors keyed by form field; messages are the API's (they never echo values). */
    static Map<String, String> fieldErrors(ProblemException e) {
        Map<String, String> m = new LinkedHashMap<>();
        for (FieldError f : e.errors()) {
            String field = f.field().replaceAll("\\[\\d+]$", "");
            m.merge(field, sentence(field, f.message()), (a, b) -> a);
        }
        return m;
    }

    private static String sentence(String field, String message) {
        String name = switch (field) {
            case "customerId" -> "Customer ID";
            case "customerIds" -> "Customer IDs";
            case "itemId" -> "Item ID";
            case "scope" -> "Scope";
            case "reason" -> "Reason";
            case "regulation" -> "Regulation";
            case "days" -> "Days";
            case "mode" -> "Policy";
            case "confirmExpiring" -> "Confirmation";
            case "matter" -> "Matter";
            case "expiresAt" -> "Expires on";
            default -> "This field";
        };
        return name + " " + message;
    }

    private static void putIfPresent(ObjectNode n, String name, String value) {
        if (value != null && !value.isBlank()) {
            n.put(name, value);
        }
    }

    private static void putNumberOrText(ObjectNode n, String name, String value) {
        if (value == null || value.isBlank()) {
            return;
        }
        try {
            n.put(name, Long.parseLong(value.strip()));
        } catch (NumberFormatException e) {
            n.put(name, value);
        }
    }

    private static String trim(String s) {
        return s == null ? "" : s.strip();
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
