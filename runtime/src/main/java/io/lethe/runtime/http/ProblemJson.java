package io.lethe.runtime.http;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shape of an RFC 9457 {@code application/problem+json} answer that every Lethe service
 * writes: {@code type} (a stable URI clients branch on), {@code title}, {@code status},
 * {@code detail} and {@code instance}. The API adds field errors and extensions on top.
 */
public final class ProblemJson {

    public static final String CONTENT_TYPE = "application/problem+json";
    /** Problem types are {@code BASE + slug}. */
    public static final String BASE = "https://lethe.dev/problems/";

    private ProblemJson() {
    }

    public static Map<String, Object> body(String slug, String title, int status, String detail, String instance) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", BASE + slug);
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        body.put("instance", instance);
        return body;
    }

    /** Answers with the problem (for services without the API's richer problem catalogue). */
    public static void write(Context ctx, String slug, String title, int status, String detail) {
        ctx.status(status).json(body(slug, title, status, detail, ctx.path())).contentType(CONTENT_TYPE);
    }
}
