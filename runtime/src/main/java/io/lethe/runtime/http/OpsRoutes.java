package io.lethe.runtime.http;

import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The operational routes every service serves: {@code /health/live}, {@code /health/ready}
 * (503 while not ready) and {@code /metrics} (Prometheus text format).
 */
public final class OpsRoutes {

    private OpsRoutes() {
    }

    public static void register(Javalin app, PrometheusMeterRegistry registry, Health health) {
        io.micrometer.core.instrument.Gauge.builder("lethe.ready", health, h -> h.ready().getAsBoolean() ? 1 : 0)
                .description("1 while the service is ready").register(registry);
        app.get("/health/live", ctx -> {
            boolean ok = health.live().getAsBoolean();
            ctx.status(ok ? 200 : 503).json(health.body(ok));
        });
        app.get("/health/ready", ctx -> {
            boolean ok = health.ready().getAsBoolean();
            ctx.status(ok ? 200 : 503).json(health.body(ok));
        });
        app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape()));
    }

    /** A Javalin server with only the operational routes, for services without an API. */
    public static Javalin start(String host, int port, PrometheusMeterRegistry registry, Health health) {
        Javalin app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.startupWatcherEnabled = false;
        });
        register(app, registry, health);
        return app.start(host, port);
    }
}
