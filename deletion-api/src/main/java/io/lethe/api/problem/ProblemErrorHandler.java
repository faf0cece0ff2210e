package io.lethe.api.problem;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Jetty's own error answers (a request it refuses before Javalin sees it: an ambiguous or
 * NUL-carrying path, a bad header, a URI too long) as {@code application/problem+json}
 * instead of an HTML page. Never echoes the request.
 */
public final class ProblemErrorHandler extends ErrorHandler {

    @Override
    protected void generateAcceptableResponse(Request baseRequest, HttpServletRequest request, HttpServletResponse response,
                                              int code, String message) throws IOException {
        baseRequest.setHandled(true);
        response.setContentType(Problems.CONTENT_TYPE);
        byte[] body = body(code);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(new HttpField(HttpHeader.CONTENT_TYPE, Problems.CONTENT_TYPE));
        return ByteBuffer.wrap(body(status));
    }

    static byte[] body(int code) {
        ProblemType known = null;
        for (ProblemType t : ProblemType.values()) {
            if (t.status() == code && (code != 400 || t == ProblemType.VALIDATION) && (code != 403 || t == ProblemType.FORBIDDEN)
                    && (code != 409 || t == ProblemType.INVALID_STATE) && (code != 413 || t == ProblemType.BODY_TOO_LARGE)) {
                known = t;
                break;
            }
        }
        String type = known == null ? "about:blank" : known.uri().toString();
        String title = known == null ? String.valueOf(HttpStatus.getMessage(code)) : known.title();
        return ("{\"type\":\"" + type + "\",\"title\":\"" + title.replace("\"", "'") + "\",\"status\":" + code
                + ",\"detail\":\"refused by the HTTP server before routing\"}").getBytes(StandardCharsets.UTF_8);
    }
}
