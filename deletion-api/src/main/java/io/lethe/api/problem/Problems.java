package io.lethe.api.problem;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.lethe.runtime.http.ProblemJson;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Writes {@code application/problem+json} answers, with the headers a cause needs
 * ({@code WWW-Authenticate} on 401, {@code Retry-After} on 429 and 503), and reports each
 * rejection to a listener (metrics). Does not log: callers decide what is worth a log line.
 */
public final class Problems {

    public static final String CONTENT_TYPE = ProblemJson.CONTENT_TYPE;

    private final ObjectMapper json;
    private final Consumer<ProblemType> onRejected;

    public Problems(ObjectMapper json, Consumer<ProblemType> onRejected) {
        this.json = json;
        this.onRejected = onRejected;
    }

    public void write(Context ctx, ProblemException p) {
        ProblemType t = p.type();
        Map<String, Object> body = ProblemJson.body(t.slug(), t.title(), t.status(), p.getMessage(), ctx.path());
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
}
