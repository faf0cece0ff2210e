package io.lethe.api.problem;

import java.util.List;
import java.util.Map;

/**
 * Thrown (or completed exceptionally) by handlers to answer with a problem document.
 * {@code detail} and field messages must never contain PII or echo request values.
 */
public final class ProblemException extends RuntimeException {

    private final ProblemType type;
    private final List<FieldError> errors;
    private final Map<String, Object> extensions;

    public ProblemException(ProblemType type, String detail) {
        this(type, detail, List.of(), Map.of());
    }

    public ProblemException(ProblemType type, String detail, List<FieldError> errors, Map<String, Object> extensions) {
        super(detail, null, false, false);
        this.type = type;
        this.errors = List.copyOf(errors);
        this.extensions = Map.copyOf(extensions);
    }

    public static ProblemException invalid(List<FieldError> errors) {
        return new ProblemException(ProblemType.VALIDATION, "the request has invalid fields", errors, Map.of());
    }

    public static ProblemException invalid(String field, String message) {
        return invalid(List.of(new FieldError(field, message)));
    }

    public ProblemType type() {
        return type;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public Map<String, Object> extensions() {
        return extensions;
    }
}
