package io.lethe.api.problem;

/** One invalid field of a request: its JSON name (or header/parameter name) and why. Never echoes the value. */
public record FieldError(String field, String message) {
}
