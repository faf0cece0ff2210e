package io.lethe.api.validation;

import io.lethe.schemas.Ids;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lethe.api.problem.FieldError;
import io.lethe.api.problem.ProblemException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Field-by-field reading of a JSON object that collects every error before failing, so a
 * client sees all its mistakes at once. Unknown fields are errors: a typo must not silently
 * drop an option of a legal request. Messages never contain the submitted values.
 */
public final class Fields {

    private final ObjectNode node;
    private final List<FieldError> errors = new ArrayList<>();

    public Fields(ObjectNode node, Set<String> allowed) {
        this.node = node;
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                errors.add(new FieldError(printable(name), "unknown field"));
            }
        }
    }

    public boolean present(String name) {
        JsonNode v = node.get(name);
        return v != null && !v.isNull();
    }

    /** A string id (1..128 characters, no control characters), or null after recording an error. */
    public String id(String name, boolean required) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            if (required) {
                errors.add(new FieldError(name, "required"));
            }
            return null;
        }
        if (!v.isTextual()) {
            errors.add(new FieldError(name, "must be a string"));
            return null;
        }
        String problem = Ids.problem(v.asText());
        if (problem != null) {
            errors.add(new FieldError(name, problem));
            return null;
        }
        return v.asText();
    }

    public <E extends Enum<E>> E enumValue(String name, Class<E> type, Set<E> allowed, boolean required) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            if (required) {
                errors.add(new FieldError(name, "required, one of " + names(allowed)));
            }
            return null;
        }
        if (v.isTextual()) {
            for (E e : allowed) {
                if (e.name().equals(v.asText())) {
                    return e;
                }
            }
        }
        errors.add(new FieldError(name, "must be one of " + names(allowed)));
        return null;
    }

    public Integer integer(String name, boolean required, long min, long max) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            if (required) {
                errors.add(new FieldError(name, "required"));
            }
            return null;
        }
        if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max || !v.canConvertToInt()) {
            errors.add(new FieldError(name, "must be a whole number from " + min + " to " + max));
            return null;
        }
        return v.asInt();
    }

    /** An array of ids; each bad element is reported as {@code name[i]}. */
    public List<String> ids(String name, int maxErrors) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            errors.add(new FieldError(name, "required"));
            return List.of();
        }
        if (!v.isArray()) {
            errors.add(new FieldError(name, "must be an array of strings"));
            return List.of();
        }
        List<String> out = new ArrayList<>(v.size());
        int bad = 0;
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            String problem = e.isTextual() ? Ids.problem(e.asText()) : "must be a string";
            if (problem != null) {
                if (bad++ < maxErrors) {
                    errors.add(new FieldError(name + "[" + i + "]", problem));
                }
            } else {
                out.add(e.asText());
            }
        }
        return out;
    }

    public void error(String field, String message) {
        errors.add(new FieldError(field, message));
    }

    /** Throws a 400 validation problem when any field was invalid. */
    public void check() {
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
    }

    private static <E extends Enum<E>> String names(Set<E> allowed) {
        return allowed.stream().sorted().map(Enum::name).collect(Collectors.joining(", "));
    }

    /** A field name safe to echo in a problem body (unknown field names come from the client). */
    static String printable(String name) {
        String cut = name.length() > 64 ? name.substring(0, 64) + "…" : name;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
