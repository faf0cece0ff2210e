package io.lethe.api;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.lethe.api.problem.ProblemType;
import java.util.List;

/**
 * One served route and what the OpenAPI document says about it; {@link DeletionApi} registers
 * and documents routes from the same list, so the two cannot drift apart.
 *
 * @param requestSchema  component schema of the JSON body, or null when it takes none
 * @param responseSchema component schema of the success body
 * @param errors         problem types the route can answer with (beyond 429/500/503 shared by all)
 * @param authenticated  whether a bearer token is required
 */
public record Route(HandlerType method, String path, String operationId, String summary, Handler handler,
                    String requestSchema, String responseSchema, int successStatus, List<QueryParam> query,
                    List<ProblemType> errors, boolean authenticated) {

    /** A query parameter: name, JSON schema type and description. */
    public record QueryParam(String name, String type, String description) {
    }

    public Route {
        query = List.copyOf(query);
        errors = List.copyOf(errors);
    }
}
