package io.lethe.api.validation;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.lethe.api.problem.ProblemException;
import io.lethe.api.problem.ProblemType;
import java.util.Locale;

/**
 * Reads a JSON object body: content type {@code application/json} (415 otherwise), a size
 * limit checked before and after reading (413), strict JSON with duplicate keys and trailing
 * content refused (400).
 * Problem details never quote the body.
 */
public final class JsonBodies {

    /** The default limit of a request body. */
    public static final int DEFAULT_LIMIT = 64 * 1024;

    private final ObjectMapper json;

    public JsonBodies(ObjectMapper json) {
        // trailing content ({"…"} {"…"}) is refused: a proxy and the API must not read different requests
        this.json = json.copy().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    public ObjectNode read(Context ctx, int limit) {
        String ct = ctx.contentType();
        if (ct == null || !ct.toLowerCase(Locale.ROOT).split(";")[0].trim().equals("application/json")) {
            throw new ProblemException(ProblemType.UNSUPPORTED_MEDIA_TYPE, "send Content-Type: application/json");
        }
        String declared = ctx.header("Content-Length");
        if (declared != null) {
            try {
                if (Long.parseLong(declared.trim()) > limit) {
                    throw tooLarge(limit);
                }
            } catch (NumberFormatException e) {
                throw ProblemException.invalid("Content-Length", "not a number");
            }
        }
        byte[] body = ctx.bodyAsBytes();
        if (body.length > limit) {
            throw tooLarge(limit);
        }
        JsonNode node;
        try {
            node = json.readTree(body);
        } catch (JsonProcessingException e) {
            // constraint violations (nesting too deep, number too long) carry no location
            String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")";
            throw new ProblemException(ProblemType.MALFORMED_JSON, "the body is not valid JSON" + where);
        } catch (java.io.IOException e) {
            throw new ProblemException(ProblemType.MALFORMED_JSON, "the body is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw new ProblemException(ProblemType.MALFORMED_JSON, "the body must be a JSON object");
        }
        return (ObjectNode) node;
    }

    private static ProblemException tooLarge(int limit) {
        return new ProblemException(ProblemType.BODY_TOO_LARGE, "the body is larger than " + limit + " bytes");
    }
}
