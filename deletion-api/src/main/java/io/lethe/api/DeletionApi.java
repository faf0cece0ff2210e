package io.lethe.api;

import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.POST;
import static io.javalin.http.HandlerType.PUT;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.lethe.api.Route.QueryParam;
import io.lethe.api.audit.AuditIndex;
import io.lethe.api.auth.Access;
import io.lethe.api.console.Console;
import io.lethe.api.console.OidcClient;
import io.lethe.api.console.SessionCookies;
import io.lethe.api.auth.Principal;
import io.lethe.api.auth.RateLimiter;
import io.lethe.api.auth.TokenVerifier;
import io.lethe.api.bulk.BulkRoutes;
import io.lethe.api.bulk.BulkStore;
import io.lethe.api.holds.HoldRoutes;
import io.lethe.api.holds.HoldStore;
import io.lethe.api.materialize.Materializer;
import io.lethe.api.materialize.Materializer.Subscription;
import io.lethe.api.policy.PolicyRoutes;
import io.lethe.api.policy.PolicyStore;
import io.lethe.api.policy.RetentionPreview;
import io.lethe.api.problem.ProblemErrorHandler;
import io.lethe.api.problem.ProblemException;
import io.lethe.api.problem.ProblemType;
import io.lethe.api.problem.Problems;
import io.lethe.api.requests.RequestRoutes;
import io.lethe.api.requests.Sla;
import io.lethe.api.requests.StatusStore;
import io.lethe.api.validation.JsonBodies;
import io.lethe.runtime.config.Keys;
import io.lethe.runtime.config.LetheConfig;
import io.lethe.runtime.config.Setting;
import io.lethe.runtime.http.Health;
import io.lethe.runtime.http.Metrics;
import io.lethe.runtime.http.OpsRoutes;
import io.lethe.runtime.kafka.KafkaSettings;
import io.lethe.runtime.kafka.LetheProducer;
import io.lethe.runtime.kafka.SchemaRegistration;
import io.lethe.runtime.kafka.TopicProvisioner;
import io.lethe.schemas.Topic;
import io.lethe.schemas.Topics;
import io.lethe.events.Scope;
import io.lethe.events.Reason;
import io.lethe.api.requests.CreateRequest;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deletion HTTP API (docs/architecture.md, HTTP contract): authenticates bearer JWTs, authorizes by role,
 * validates, publishes {@code DeletionRequested} with {@code acks=all} and answers only after
 * the broker acknowledged; serves status from an in-memory materialization of
 * {@code deletion.status}, bulk state from {@code bulk.deletions}, policies from
 * {@code retention.policies} and legal holds from {@code legal.holds}.
 *
 * <p>Does not erase anything, does not talk to the customer store, and keeps no state of its
 * own beyond caches: every instance rebuilds its views from Kafka at startup (health/ready
 * stays 503 until it caught up). Rate limits are per instance.
 */
public final class DeletionApi implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeletionApi.class);

    public static final String SERVICE = "deletion-api";
    public static final String HOST = "api.host";
    public static final String PORT = "api.port";
    public static final String RATE_LIMIT = "api.rate.limit.per.second";
    public static final String PUBLISH_TIMEOUT = "api.publish.timeout";

    /** The API's own settings (the console's included), on top of {@link Keys#SETTINGS}. */
    public static final List<Setting> SETTINGS = settings();

    /** Defaults of the API's own keys, on top of {@link Keys#DEFAULTS}. */
    public static final Map<String, String> DEFAULTS = Setting.defaults(SETTINGS);

    private static List<Setting> settings() {
        List<Setting> s = new java.util.ArrayList<>(List.of(
                Setting.of(HOST, "0.0.0.0", "address the API listens on"),
                Setting.of(PORT, "8080", "API port (`/v1`, `/console`, `/metrics`, `/health/live`, `/health/ready`)"),
                Setting.of(RATE_LIMIT, "50", "requests per second and token before 429"),
                Setting.of(PUBLISH_TIMEOUT, "PT5S", "longest a request waits for Kafka's acknowledgement before 503"),
                Setting.unset(io.lethe.api.policy.ScannerPreview.URLS, "base URL of every retention-scanner instance, asked how many "
                        + "profiles a policy change would expire; without it such changes are refused (503)"),
                Setting.unset(TokenVerifier.ISSUER, "the issuer every token must name (see docs/api.md)"),
                Setting.unset(TokenVerifier.AUDIENCE, "the audience every token must name"),
                Setting.unset(TokenVerifier.JWKS_URL, "where the identity provider's signing keys are (or `auth.public.key.file`)"),
                Setting.unset(TokenVerifier.PUBLIC_KEY_FILE, "a PEM public key to verify tokens with, instead of a JWKS URL"),
                Setting.of(TokenVerifier.CLOCK_SKEW, TokenVerifier.DEFAULT_CLOCK_SKEW.toString(), "clock skew allowed on `exp` and `nbf`"),
                Setting.unset(TokenVerifier.DEV_KEY_DIR, "dev signing keys (`lethe dev`); refused unless `auth.dev.mode=true`"),
                Setting.of(Console.DEV_MODE, "false", "`true` enables dev signing keys and the console's dev sign-in form; never in production"),
                Setting.unset(io.lethe.api.console.OidcClient.ISSUER, "console sign-in with OpenID Connect: the issuer (default `auth.issuer`)"),
                Setting.unset(io.lethe.api.console.OidcClient.CLIENT_ID, "console OIDC client id; sign-in with OIDC is on when set"),
                Setting.unset(io.lethe.api.console.OidcClient.CLIENT_SECRET, "console OIDC client secret (confidential clients)"),
                Setting.unset(io.lethe.api.console.OidcClient.REDIRECT_URL, "console OIDC redirect URL, `https://<host>/console/callback`"),
                Setting.of(io.lethe.api.console.OidcClient.SCOPES, "openid profile", "console OIDC scopes"),
                Setting.unset(Console.SESSION_KEY, "32 bytes in base64, the same on every API instance (required with OIDC)"),
                Setting.of(Console.SESSION_IDLE, "PT30M", "console session idle lifetime"),
                Setting.of(Console.SESSION_MAX, "PT12H", "console session absolute lifetime (at most P7D)"),
                Setting.of(Console.COOKIE_SECURE, "true", "`Secure` on the session cookie (`lethe dev` serves localhost over http)")));
        for (io.lethe.events.Regulation r : io.lethe.api.requests.CreateRequest.API_REGULATIONS) {
            s.add(Setting.of(Sla.key(r), String.valueOf(Sla.DEFAULT_DAYS.get(r)), "days a deletion under " + r + " may take (its due date)"));
        }
        return List.copyOf(s);
    }

    private final Javalin app;
    private final Materializer materializer;
    private final Publisher publisher;
    private final PrometheusMeterRegistry registry;
    private final List<Route> routes;

    private DeletionApi(Javalin app, Materializer materializer, Publisher publisher, PrometheusMeterRegistry registry,
                        List<Route> routes) {
        this.app = app;
        this.materializer = materializer;
        this.publisher = publisher;
        this.registry = registry;
        this.routes = routes;
    }

    /**
     * Starts with the retention preview of {@code api.retention.preview.urls} (asked with
     * {@code retention.preview.token}); without it, policy changes that could expire profiles are
     * refused (503) rather than unguarded.
     */
    public static DeletionApi start(LetheConfig config) {
        return start(config, config.optString(io.lethe.api.policy.ScannerPreview.URLS)
                .<RetentionPreview>map(urls -> io.lethe.api.policy.ScannerPreview.parse(urls,
                        config.optString(Keys.RETENTION_PREVIEW_TOKEN).orElse(null)))
                .orElse(io.lethe.api.policy.ScannerPreview.UNCONFIGURED));
    }

    /**
     * Creates the topics when {@code topic.create} is true, starts the materializer and the
     * HTTP server. Missing keys fall back to {@link Keys#DEFAULTS} and {@link #DEFAULTS}.
     * Returns once the server listens; Kafka may still be unreachable (readiness says so).
     */
    public static DeletionApi start(LetheConfig config, RetentionPreview preview) {
        LetheConfig cfg = LetheConfig.builder().defaults(Keys.DEFAULTS).defaults(DEFAULTS).build()
                .with(config.asMap());
        TokenVerifier verifier = TokenVerifier.fromConfig(cfg);
        Duration publishTimeout = cfg.duration(PUBLISH_TIMEOUT);
        RateLimiter limiter = new RateLimiter(cfg.positiveInt(RATE_LIMIT), System::nanoTime);
        Sla sla = Sla.fromConfig(cfg);
        int port = cfg.integer(PORT);
        if (port < 0 || port > 65535) {
            throw LetheConfig.invalid(PORT, Integer.toString(port), "a port from 0 to 65535 (0 = random)");
        }
        KafkaSettings settings = new KafkaSettings(cfg);
        Topics topics = settings.topics();
        List<Topic<?, ?>> mine = List.of(topics.deletionRequests(), topics.deletionStatus(),
                topics.retentionPolicies(), topics.bulkDeletions(), topics.audit(), topics.consoleSignouts(),
                topics.legalHolds());
        if (cfg.bool(Keys.TOPIC_CREATE)) {
            TopicProvisioner.ensure(settings, mine);
        }
        SchemaRegistration schemas = SchemaRegistration.start(topics, mine);

        PrometheusMeterRegistry registry = Metrics.newRegistry(SERVICE);
        ObjectMapper json = new ObjectMapper();
        Problems problems = new Problems(json, t -> registry.counter("lethe.api.requests.rejected", "cause", t.slug()).increment());
        // every known label value exported from the start at 0, so dashboards and rate() see the series
        for (ProblemType t : ProblemType.values()) {
            registry.counter("lethe.api.requests.rejected", "cause", t.slug());
        }
        for (Scope scope : Scope.values()) {
            for (Reason reason : CreateRequest.API_REASONS) {
                registry.counter("lethe.api.requests.accepted", "scope", scope.name(), "reason", reason.name());
            }
        }
        Map<String, Object> producerProps = settings.producer("lethe-deletion-api");
        // send() blocks while it has no metadata; never longer than a request may wait
        producerProps.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) publishTimeout.toMillis());
        producerProps.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.BULK_MAX_BYTES);
        LetheProducer producer = new LetheProducer(new KafkaProducer<>(producerProps));
        new io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics(producer.unwrap()).bindTo(registry);
        Timer latency = Timer.builder("lethe.api.publish.latency").description("time from send to broker acknowledgement")
                .publishPercentileHistogram().register(registry);
        Publisher publisher = new Publisher(producer, publishTimeout, latency, Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "lethe-api-publish");
            t.setDaemon(true);
            return t;
        }));

        StatusStore statuses = new StatusStore();
        BulkStore bulks = new BulkStore();
        PolicyStore policies = new PolicyStore();
        HoldStore holdStore = new HoldStore();
        AuditIndex auditIndex = new AuditIndex();
        SessionCookies sessions = sessionCookies(cfg);
        AtomicBoolean producerReady = new AtomicBoolean();
        Materializer materializer = new Materializer(settings, List.of(
                new Subscription<>(topics.deletionStatus(), statuses::apply),
                new Subscription<>(topics.bulkDeletions(), bulks::apply),
                new Subscription<>(topics.retentionPolicies(), policies::apply),
                new Subscription<>(topics.audit(), auditIndex::apply),
                new Subscription<>(topics.consoleSignouts(), sessions::revoked),
                new Subscription<>(topics.legalHolds(), holdStore::apply)),
                () -> {
                    producer.unwrap().partitionsFor(topics.deletionRequests().name());
                    producerReady.set(true);
                });

        Clock clock = Clock.systemUTC();
        io.micrometer.core.instrument.Gauge.builder("lethe.api.legal.holds.active", holdStore, h -> h.activeCount(clock.instant()))
                .description("legal holds active now, in this instance's view").register(registry);
        io.micrometer.core.instrument.Gauge.builder("lethe.api.requests.on.hold", statuses, StatusStore::onHold)
                .description("deletion requests ON_HOLD, in this instance's view").register(registry);
        JsonBodies bodies = new JsonBodies(json);
        RequestRoutes requests = new RequestRoutes(topics, publisher, statuses, bodies, problems, sla, clock, registry);
        BulkRoutes bulk = new BulkRoutes(topics, publisher, bulks, statuses, bodies, problems, sla, clock, registry);
        PolicyRoutes policy = new PolicyRoutes(topics, publisher, policies, preview, bodies, problems, clock);
        HoldRoutes holds = new HoldRoutes(topics, publisher, holdStore, bodies, problems, clock);
        List<Route> routes = routes(requests, bulk, policy, holds);
        Console console = new Console(sessions, oidcClient(cfg), devMode(cfg), verifier, requests, bulk, policy, holds, statuses,
                auditIndex, publisher, topics, clock);
        Map<String, Object> openApi = OpenApi.document(routes, json);

        Javalin app = Javalin.create(c -> {
            c.showJavalinBanner = false;
            c.startupWatcherEnabled = false;
            c.http.prefer405over404 = true;
            c.http.maxRequestSize = BulkRoutes.BODY_LIMIT;
            c.jetty.modifyServer(server -> server.setErrorHandler(new ProblemErrorHandler()));
            c.jsonMapper(new JavalinJackson(json, false));
            c.requestLogger.http((ctx, ms) -> Timer.builder("http.server.requests")
                    .tags("method", ctx.method().name(), "uri", matchedPath(ctx), "status", Integer.toString(ctx.statusCode()))
                    .register(registry).record((long) (ms * 1_000_000), TimeUnit.NANOSECONDS));
        });
        app.beforeMatched("/v1/*", ctx -> {
            Principal p = verifier.verify(ctx.header("Authorization"));
            if (!limiter.tryAcquire(p)) {
                throw new ProblemException(ProblemType.RATE_LIMITED, "more than " + cfg.positiveInt(RATE_LIMIT)
                        + " requests a second for this token", List.of(), Map.of("retryAfterSeconds", 1));
            }
            Access.set(ctx, p);
        });
        for (Route r : routes) {
            if (r.handler() != null) {
                app.addHttpHandler(r.method(), r.path(), r.handler());
            }
        }
        app.get("/openapi.json", ctx -> ctx.json(openApi));
        console.register(app);
        Health health = new Health(SERVICE, () -> true,
                () -> schemas.isDone() && producerReady.get() && materializer.caughtUp());
        OpsRoutes.register(app, registry, health);
        app.exception(ProblemException.class, (e, ctx) -> problems.write(ctx, e));
        app.exception(HttpResponseException.class, (e, ctx) -> problems.write(ctx, fromJavalin(e)));
        app.exception(Exception.class, (e, ctx) -> {
            LOG.error("unexpected error path={} error={}", matchedPath(ctx), e.getClass().getName(), e);
            problems.write(ctx, new ProblemException(ProblemType.INTERNAL, "unexpected error"));
        });
        app.error(404, ctx -> writeUnlessProblem(ctx, problems, ProblemType.NOT_FOUND, "no such route"));
        app.error(405, ctx -> writeUnlessProblem(ctx, problems, ProblemType.METHOD_NOT_ALLOWED, "method not allowed on this route"));

        materializer.start();
        app.start(cfg.string(HOST), port);
        LOG.info("deletion-api listening port={} topicPrefix={}", app.port(), topics.prefix());
        return new DeletionApi(app, materializer, publisher, registry, routes);
    }

    static boolean devMode(LetheConfig cfg) {
        return cfg.optString(Console.DEV_MODE).isPresent() && cfg.bool(Console.DEV_MODE);
    }

    /**
     * The console's session cookies. The key ({@code console.session.key}, 32 bytes in base64)
     * must be the same on every instance. Dev mode keeps a generated one next to the dev signing
     * keys; with OpenID Connect configured and no key the API refuses to start; otherwise (no
     * way to sign in) a random key serves.
     */
    static SessionCookies sessionCookies(LetheConfig cfg) {
        byte[] key;
        if (cfg.optString(Console.SESSION_KEY).isPresent()) {
            try {
                key = java.util.Base64.getDecoder().decode(cfg.string(Console.SESSION_KEY).strip());
            } catch (IllegalArgumentException e) {
                key = new byte[0];
            }
            if (key.length != 32) {
                throw LetheConfig.invalid(Console.SESSION_KEY, "(hidden)", "32 random bytes in base64, e.g. from 'openssl rand -base64 32'");
            }
        } else if (devMode(cfg) && cfg.optString(TokenVerifier.DEV_KEY_DIR).isPresent()) {
            key = devSessionKey(java.nio.file.Path.of(cfg.string(TokenVerifier.DEV_KEY_DIR)));
        } else if (cfg.optString(OidcClient.CLIENT_ID).isPresent()) {
            throw LetheConfig.invalid(Console.SESSION_KEY, "(unset)",
                    "32 random bytes in base64, the same on every API instance, when console.oidc.* is configured");
        } else {
            key = SessionCookies.newKey();
        }
        Duration idle = cfg.duration(Console.SESSION_IDLE);
        Duration max = cfg.duration(Console.SESSION_MAX);
        if (idle.isNegative() || idle.isZero() || max.compareTo(idle) < 0 || max.compareTo(Duration.ofDays(7)) > 0) {
            throw LetheConfig.invalid(Console.SESSION_MAX, max.toString(), "at least console.session.idle and at most P7D");
        }
        return new SessionCookies(key, idle, max, cfg.bool(Console.COOKIE_SECURE), Clock.systemUTC());
    }

    private static byte[] devSessionKey(java.nio.file.Path dir) {
        java.nio.file.Path file = dir.resolve("console-session.key");
        try {
            if (java.nio.file.Files.exists(file)) {
                return java.util.Base64.getDecoder().decode(java.nio.file.Files.readString(file).strip());
            }
            java.nio.file.Files.createDirectories(dir);
            byte[] key = SessionCookies.newKey();
            java.nio.file.Files.writeString(file, java.util.Base64.getEncoder().encodeToString(key));
            return key;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot read or write " + file, e);
        }
    }

    /** The console's OpenID Connect client, when {@code console.oidc.client.id} is set. */
    static OidcClient oidcClient(LetheConfig cfg) {
        if (cfg.optString(OidcClient.CLIENT_ID).isEmpty()) {
            return null;
        }
        String issuer = cfg.optString(OidcClient.ISSUER).or(() -> cfg.optString(TokenVerifier.ISSUER))
                .orElseThrow(() -> LetheConfig.invalid(OidcClient.ISSUER, "(unset)", "the OpenID Connect issuer URL"));
        String secret = cfg.optString(OidcClient.CLIENT_SECRET)
                .orElseThrow(() -> LetheConfig.invalid(OidcClient.CLIENT_SECRET, "(unset)", "the client secret registered at the issuer"));
        String redirect = cfg.optString(OidcClient.REDIRECT_URL)
                .orElseThrow(() -> LetheConfig.invalid(OidcClient.REDIRECT_URL, "(unset)",
                        "the console's callback URL as registered at the issuer, ending in /console/oidc/callback"));
        return new OidcClient(issuer, cfg.string(OidcClient.CLIENT_ID), secret, java.net.URI.create(redirect),
                cfg.string(OidcClient.SCOPES));
    }

    /** Every route, in the one place routes are declared; /openapi.json is generated from it. */
    private static List<Route> routes(RequestRoutes requests, BulkRoutes bulk, PolicyRoutes policy, HoldRoutes holds) {
        List<ProblemType> body = List.of(ProblemType.MALFORMED_JSON, ProblemType.VALIDATION, ProblemType.BODY_TOO_LARGE,
                ProblemType.UNSUPPORTED_MEDIA_TYPE, ProblemType.UNAVAILABLE);
        List<ProblemType> createErrors = new ArrayList<>(body);
        createErrors.add(ProblemType.IDEMPOTENCY_KEY_REUSED);
        List<ProblemType> bulkErrors = new ArrayList<>(body);
        bulkErrors.add(ProblemType.BULK_TOO_LARGE);
        List<ProblemType> policyErrors = new ArrayList<>(body);
        policyErrors.add(ProblemType.CONFIRMATION_REQUIRED);
        List<ProblemType> decide = List.of(ProblemType.VALIDATION, ProblemType.NOT_FOUND, ProblemType.FOUR_EYES,
                ProblemType.INVALID_STATE, ProblemType.UNAVAILABLE);
        List<ProblemType> byId = List.of(ProblemType.VALIDATION, ProblemType.NOT_FOUND);
        List<ProblemType> release = List.of(ProblemType.MALFORMED_JSON, ProblemType.VALIDATION, ProblemType.NOT_FOUND,
                ProblemType.INVALID_STATE, ProblemType.UNSUPPORTED_MEDIA_TYPE, ProblemType.UNAVAILABLE);
        return List.of(
                new Route(POST, "/v1/deletion-requests", "createDeletionRequest", "Request a deletion", requests::create,
                        "CreateDeletionRequest", "Accepted", 202, List.of(), createErrors, true),
                new Route(GET, "/v1/deletion-requests", "listDeletionRequests", "List the tenant's deletion requests", requests::list,
                        null, "DeletionRequestPage", 200, List.of(
                                new QueryParam("customerId", "string", "only this customer's requests"),
                                new QueryParam("status", "string", "only requests in this status"),
                                new QueryParam("limit", "integer", "page size, 1..500, default 50"),
                                new QueryParam("cursor", "string", "nextCursor of the previous page")),
                        List.of(ProblemType.VALIDATION), true),
                new Route(GET, "/v1/deletion-requests/{requestId}", "getDeletionRequest", "Status of one request", requests::get,
                        null, "DeletionRequest", 200, List.of(), byId, true),
                new Route(POST, "/v1/deletion-requests/{requestId}/retry", "retryDeletionRequest", "Redrive a FAILED request",
                        requests::retry, null, "Accepted", 202, List.of(),
                        List.of(ProblemType.VALIDATION, ProblemType.NOT_FOUND, ProblemType.INVALID_STATE, ProblemType.UNAVAILABLE), true),
                new Route(POST, "/v1/bulk-deletions", "createBulkDeletion", "Delete many customers' profiles", bulk::create,
                        "CreateBulkDeletion", "BulkSummary", 202, List.of(), bulkErrors, true),
                new Route(GET, "/v1/bulk-deletions/{bulkId}", "getBulkDeletion", "Status and progress of a bulk deletion", bulk::get,
                        null, "BulkDeletion", 200, List.of(), byId, true),
                new Route(POST, "/v1/bulk-deletions/{bulkId}/approve", "approveBulkDeletion",
                        "Approve another requester's bulk deletion (privacy_officer)", bulk::approve, null, "BulkSummary", 200,
                        List.of(), decide, true),
                new Route(POST, "/v1/bulk-deletions/{bulkId}/reject", "rejectBulkDeletion",
                        "Reject another requester's bulk deletion (privacy_officer)", bulk::reject, null, "BulkSummary", 200,
                        List.of(), decide, true),
                new Route(GET, "/v1/retention-policy", "getRetentionPolicy", "The tenant's retention policy", policy::get,
                        null, "RetentionPolicy", 200, List.of(), List.of(), true),
                new Route(PUT, "/v1/retention-policy", "putRetentionPolicy", "Change (or with dryRun=true preview) the retention policy",
                        policy::put, "RetentionPolicyChange", "RetentionPolicyOrPreview", 200,
                        List.of(new QueryParam("dryRun", "boolean", "true: answer {\"wouldExpire\":n} and change nothing")),
                        policyErrors, true),
                new Route(POST, "/v1/legal-holds", "placeLegalHold",
                        "Place a legal hold on one customer or the whole tenant (legal_counsel, privacy_officer)", holds::place,
                        "CreateLegalHold", "LegalHold", 201, List.of(), body, true),
                new Route(GET, "/v1/legal-holds", "listLegalHolds", "List the tenant's legal holds, newest first", holds::list,
                        null, "LegalHoldPage", 200, List.of(
                                new QueryParam("customerId", "string", "only this customer's own holds (not tenant-wide ones)"),
                                new QueryParam("state", "string", "only holds in this state: ACTIVE, RELEASED or EXPIRED"),
                                new QueryParam("limit", "integer", "page size, 1..500, default 50"),
                                new QueryParam("cursor", "string", "nextCursor of the previous page")),
                        List.of(ProblemType.VALIDATION), true),
                new Route(GET, "/v1/legal-holds/{holdId}", "getLegalHold", "One legal hold", holds::get,
                        null, "LegalHold", 200, List.of(), byId, true),
                new Route(POST, "/v1/legal-holds/{holdId}/release", "releaseLegalHold",
                        "Release an active legal hold (legal_counsel, privacy_officer)", holds::release, null, "LegalHold", 200,
                        List.of(), release, true),
                new Route(GET, "/openapi.json", "openApi", "This document", null, null, "Object", 200, List.of(), List.of(), false),
                new Route(GET, "/health/live", "live", "Liveness probe", null, null, "Health", 200, List.of(), List.of(), false),
                new Route(GET, "/health/ready", "ready", "Readiness: producer connected and views caught up", null, null,
                        "Health", 200, List.of(), List.of(), false),
                new Route(GET, "/metrics", "metrics", "Prometheus metrics", null, null, "Object", 200, List.of(), List.of(), false));
    }

    private static ProblemException fromJavalin(HttpResponseException e) {
        return switch (e.getStatus()) {
            case 404 -> new ProblemException(ProblemType.NOT_FOUND, "no such route");
            case 405 -> new ProblemException(ProblemType.METHOD_NOT_ALLOWED, "method not allowed on this route");
            case 413 -> new ProblemException(ProblemType.BODY_TOO_LARGE, "the body is too large");
            case 400 -> new ProblemException(ProblemType.VALIDATION, "bad request");
            default -> new ProblemException(ProblemType.INTERNAL, "unexpected error");
        };
    }

    private static void writeUnlessProblem(Context ctx, Problems problems, ProblemType type, String detail) {
        String ct = ctx.res().getContentType();
        // console pages answer their own errors in HTML
        if (ct == null || !(ct.startsWith(Problems.CONTENT_TYPE) || ct.startsWith("text/html"))) {
            problems.write(ctx, new ProblemException(type, detail));
        }
    }

    private static String matchedPath(Context ctx) {
        try {
            String p = ctx.endpointHandlerPath();
            return p == null || p.isEmpty() ? "unmatched" : p;
        } catch (RuntimeException e) {
            return "unmatched";
        }
    }

    public int port() {
        return app.port();
    }

    /** The routes this instance serves (as documented in /openapi.json). */
    public List<Route> routes() {
        return routes;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        app.stop();
        materializer.close();
        publisher.close();
        registry.close();
    }
}
