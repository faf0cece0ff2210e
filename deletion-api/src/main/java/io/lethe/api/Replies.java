package io.lethe.api;

import io.javalin.http.Context;
import io.lethe.api.problem.ProblemException;
import io.lethe.api.problem.ProblemType;
import io.lethe.api.problem.Problems;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a route whose work completes later (a publish waiting for Kafka's acknowledgement):
 * {@code status} with the JSON body on success; on failure the problem it raised, or 500 for
 * anything unexpected (logged with its class, never with request data).
 */
public final class Replies {

    private static final Logger LOG = LoggerFactory.getLogger(Replies.class);

    private Replies() {
    }

    public static void json(Context ctx, CompletableFuture<?> body, int status, Problems problems) {
        ctx.future(() -> body.handle((value, error) -> {
            if (error == null) {
                ctx.status(status).json(value);
            } else {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                if (cause instanceof ProblemException p) {
                    problems.write(ctx, p);
                } else {
                    LOG.error("request failed path={} error={}", ctx.endpointHandlerPath(), cause.getClass().getName(), cause);
                    problems.write(ctx, new ProblemException(ProblemType.INTERNAL, "unexpected error"));
                }
            }
            return null;
        }));
    }
}
