package io.lethe.api.problem;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@code application/problem+json} answers, with the headers a cause needs
 * ({@code WWW-Authenticate} on 401, {@code Retry-After} on 429 and 503), and reports each
 * rejection to a listener (metrics). Does not log: callers decide what is worth a log line.
 */
public final class Problems {

    private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

    public static final String CONTENT_TYPE = "application/problem+json";

    private final ObjectMapper json;
    private final Consumer<ProblemType> onRejected;

    public Problems(ObjectMapper json, Consumer<ProblemType> onRejected) {
        this.json = json;
        this.onRejected = onRejected;
    }

    public void write(Context ctx, ProblemException p) {
        ProblemType t = p.type();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", t.uri().toString());
        body.put("title", t.title());
        body.put("status", t.status());
        body.put("detail", p.getMessage());
        body.put("instance", ctx.path());
        if (!p.errors().isEmpty()) {
            body.put("errors", p.errors());
        }
        p.extensions().forEach(body::putIfAbsent);
        switch (t) {
            case UNAUTHORIZED -> ctx.header("WWW-Authenticate",
                    "Bearer realm=\"lethe\", error=\"invalid_token\", error_description=\"" + p.getMessage().replace("\"", "'") + "\"");
            case RATE_LIMITED, UNAVAILABLE -> ctx.header("Retry-After",
                    String.valueOf(p.extensions().getOrDefault("retryAfterSeconds", 1)));
            default -> { }
        }
        try {
            ctx.status(t.status()).contentType(CONTENT_TYPE).result(json.writeValueAsBytes(body));
        } catch (Exception e) {
            ctx.status(t.status()).contentType(CONTENT_TYPE).result("{\"type\":\"" + t.uri() + "\",\"status\":" + t.status() + "}");
        }
        onRejected.accept(t);
    }

    /**
     * Completes the response from {@code body} (Javalin async): {@code status} + JSON on success,
     * the problem on a {@link ProblemException}, 500 on anything else.
     */
    public void reply(Context ctx, CompletableFuture<?> body, int status) {
        ctx.future(() -> body.handle((value, error) -> {
            if (error == null) {
                ctx.status(status).json(value);
            } else {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                if (cause instanceof ProblemException p) {
                    write(ctx, p);
                } else {
                    LOG.error("request failed path={} error={}", ctx.endpointHandlerPath(), cause.getClass().getName(), cause);
                    write(ctx, new ProblemException(ProblemType.INTERNAL, "unexpected error"));
                }
            }
            return null;
        }));
    }
}
