package io.lethe.api.problem;

import java.net.URI;

/**
 * Every cause the API answers with an error, each with a stable {@code type} URI (RFC 9457).
 * Clients branch on {@link #uri()}, never on {@code title} or {@code detail}; the slug is also
 * the {@code cause} tag of {@code lethe_api_requests_rejected_total}.
 */
public enum ProblemType {
    MALFORMED_JSON("malformed-json", "Malformed JSON", 400),
    VALIDATION("validation", "Invalid request", 400),
    UNAUTHORIZED("unauthorized", "Missing or invalid bearer token", 401),
    FORBIDDEN("forbidden", "Role not allowed", 403),
    FOUR_EYES("four-eyes", "A bulk deletion needs a second privacy officer", 403),
    NOT_FOUND("not-found", "Not found", 404),
    METHOD_NOT_ALLOWED("method-not-allowed", "Method not allowed", 405),
    INVALID_STATE("invalid-state", "Not allowed in the current state", 409),
    CONFIRMATION_REQUIRED("confirmation-required", "Confirmation of expiring profiles required", 409),
    BODY_TOO_LARGE("body-too-large", "Request body too large", 413),
    BULK_TOO_LARGE("bulk-too-large", "Too many customers in one bulk deletion", 413),
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", "Unsupported media type", 415),
    IDEMPOTENCY_KEY_REUSED("idempotency-key-reused", "Idempotency-Key reused with a different body", 422),
    RATE_LIMITED("rate-limited", "Too many requests", 429),
    INTERNAL("internal", "Internal error", 500),
    UNAVAILABLE("kafka-unavailable", "Kafka did not acknowledge in time", 503),
    PREVIEW_UNAVAILABLE("retention-preview-unavailable", "The retention scanner could not be asked how many profiles would expire", 503);

    public static final String BASE = io.lethe.runtime.http.ProblemJson.BASE;

    private final String slug;
    private final String title;
    private final int status;

    ProblemType(String slug, String title, int status) {
        this.slug = slug;
        this.title = title;
        this.status = status;
    }

    public String slug() {
        return slug;
    }

    public URI uri() {
        return URI.create(BASE + slug);
    }

    public String title() {
        return title;
    }

    public int status() {
        return status;
    }
}
