package io.lethe.api.validation;

import io.lethe.api.problem.ProblemException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** Paged listings: the {@code limit} parameter and the opaque {@code cursor} every list of the API uses. */
public final class Paging {

    private Paging() {
    }

    /**
     * A place in a listing ordered by a time, then an id (requests by requestedAt, holds by
     * placedAt); the cursor encodes the last item returned.
     */
    public record Position(long at, String id) implements Comparable<Position> {
        @Override
        public int compareTo(Position o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : id.compareTo(o.id);
        }

        public String cursor() {
            return Base64.getUrlEncoder().withoutPadding().encodeToString((at + ":" + id).getBytes(StandardCharsets.UTF_8));
        }

        /** Empty when the cursor was not made by {@link #cursor()}. */
        public static Optional<Position> ofCursor(String cursor) {
            try {
                String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                int colon = s.indexOf(':');
                return Optional.of(new Position(Long.parseLong(s.substring(0, colon)), s.substring(colon + 1)));
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        }
    }

    /** The {@code limit} query parameter: {@code defaultLimit} when absent, else a whole number from 1 to {@code max} (400 otherwise). */
    public static int limit(String param, int defaultLimit, int max) {
        if (param == null) {
            return defaultLimit;
        }
        int limit;
        try {
            limit = Integer.parseInt(param);
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > max) {
            throw ProblemException.invalid("limit", "must be a whole number from 1 to " + max);
        }
        return limit;
    }

    /** The {@code cursor} query parameter: null when absent, 400 when it is not one this API made. */
    public static Position cursor(String param) {
        return param == null ? null : Position.ofCursor(param)
                .orElseThrow(() -> ProblemException.invalid("cursor", "not a cursor returned by this API"));
    }
}
