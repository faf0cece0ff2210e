package io.lethe.api;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.api.problem.ProblemType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the OpenAPI 3.1 document from the route table plus hand-written component schemas
 * ({@code openapi-components.json}). Does not validate requests against it: handlers do that.
 */
final class OpenApi {

    private static final Pattern PATH_PARAM = Pattern.compile("\\{([^}]+)}");

    private OpenApi() {
    }

    static Map<String, Object> document(List<Route> routes, ObjectMapper json) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("openapi", "3.1.0");
        doc.put("info", Map.of("title", "Lethe deletion API", "version", "1",
                "description", "GDPR/CCPA deletion requests, bulk deletions with four-eyes approval, tenant retention policy and legal holds."));
        Map<String, Map<String, Object>> paths = new LinkedHashMap<>();
        for (Route r : routes) {
            paths.computeIfAbsent(r.path(), p -> new LinkedHashMap<>())
                    .put(r.method().name().toLowerCase(Locale.ROOT), operation(r));
        }
        doc.put("paths", paths);
        Map<String, Object> components = components(json);
        components.put("securitySchemes", Map.of("bearer", Map.of("type", "http", "scheme", "bearer", "bearerFormat", "JWT")));
        Map<String, Object> responses = new LinkedHashMap<>();
        for (ProblemType t : ProblemType.values()) {
            responses.put(t.slug(), Map.of("description", t.title() + " (" + t.uri() + ")",
                    "content", Map.of("application/problem+json", Map.of("schema", ref("Problem")))));
        }
        components.put("responses", responses);
        doc.put("components", components);
        return doc;
    }

    private static Map<String, Object> operation(Route r) {
        Map<String, Object> op = new LinkedHashMap<>();
        op.put("operationId", r.operationId());
        op.put("summary", r.summary());
        List<Map<String, Object>> params = new ArrayList<>();
        Matcher m = PATH_PARAM.matcher(r.path());
        while (m.find()) {
            params.add(Map.of("name", m.group(1), "in", "path", "required", true,
                    "schema", Map.of("type", "string", "maxLength", 128)));
        }
        for (Route.QueryParam q : r.query()) {
            params.add(Map.of("name", q.name(), "in", "query", "required", false,
                    "description", q.description(), "schema", Map.of("type", q.type())));
        }
        if (r.operationId().equals("createDeletionRequest")) {
            params.add(Map.of("name", "Idempotency-Key", "in", "header", "required", false,
                    "description", "same key + same body answers the same requestId; same key + other body is 422",
                    "schema", Map.of("type", "string", "maxLength", 128)));
        }
        if (!params.isEmpty()) {
            op.put("parameters", params);
        }
        if (r.requestSchema() != null) {
            op.put("requestBody", Map.of("required", true,
                    "content", Map.of("application/json", Map.of("schema", ref(r.requestSchema())))));
        }
        Map<String, Object> responses = new LinkedHashMap<>();
        String mediaType = r.path().equals("/metrics") ? "text/plain" : "application/json";
        responses.put(Integer.toString(r.successStatus()), Map.of("description", "success",
                "content", Map.of(mediaType, Map.of("schema", ref(r.responseSchema())))));
        List<ProblemType> errors = new ArrayList<>(r.errors());
        if (r.authenticated()) {
            errors.addAll(List.of(ProblemType.UNAUTHORIZED, ProblemType.FORBIDDEN, ProblemType.RATE_LIMITED));
        }
        errors.add(ProblemType.INTERNAL);
        for (ProblemType t : errors) {
            // several causes share a status: the response lists every type URI it may carry
            responses.merge(Integer.toString(t.status()),
                    Map.of("description", t.uri().toString(), "content",
                            Map.of("application/problem+json", Map.of("schema", ref("Problem")))),
                    (a, b) -> {
                        @SuppressWarnings("unchecked") Map<String, Object> old = (Map<String, Object>) a;
                        Map<String, Object> merged = new LinkedHashMap<>(old);
                        merged.put("description", old.get("description") + " | " + t.uri());
                        return merged;
                    });
        }
        op.put("responses", responses);
        if (r.authenticated()) {
            op.put("security", List.of(Map.of("bearer", List.of())));
        }
        return op;
    }

    private static Map<String, Object> ref(String schema) {
        return Map.of("$ref", "#/components/schemas/" + schema);
    }

    private static Map<String, Object> components(ObjectMapper json) {
        try (InputStream in = OpenApi.class.getResourceAsStream("/openapi-components.json")) {
            return json.readValue(in, new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read openapi-components.json", e);
        }
    }
}
