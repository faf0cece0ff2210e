package io.lethe.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.lethe.events.AuditEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Proof of deletion for one tenant, per request, as CSV or JSON: what {@code lethe audit
 * report} prints and the console offers for download. CSV has one row per request and data
 * type (request columns repeated); JSON has one object per request with a {@code dataTypes}
 * array. Rendering only: it reads no topic.
 */
public final class Report {

    /** RFC 4180, {@code \n} line ends, nulls as empty fields. */
    private static final CSVFormat CSV = CSVFormat.RFC4180.builder().setRecordSeparator('\n').get();

    public static final List<String> CSV_COLUMNS = List.of("requestId", "customerId", "scope", "itemId", "regulation", "reason",
            "requestedAt", "completedAt", "dueAt", "onTime", "status", "verified",
            "dataType", "taskStatus", "rowsScrubbed", "rowsDeleted", "blobsDeleted", "residual");

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);

    private Report() {
    }

    /**
     * The proofs of {@code tenant}'s deletion requests requested in {@code [from, to)}, in the
     * order of each request's first event. Every event of a selected request counts, whenever it
     * happened. Administrative histories (policy changes, bulk decisions) are no deletion to
     * prove and are left out; so is a request without a known requestedAt when a bound is given.
     *
     * @param events the events, each request's in log order; other tenants' are ignored
     * @param from   first requestedAt included, or null for no lower bound
     * @param to     first requestedAt excluded, or null for no upper bound
     */
    public static List<ProofOfDeletion> proofs(String tenant, List<AuditEvent> events, Instant from, Instant to) {
        List<AuditEvent> mine = events.stream().filter(e -> tenant.equals(e.getTenant())).toList();
        return RequestHistory.group(mine).stream()
                .filter(h -> h.status() != RequestHistory.Status.NOT_ACCEPTED)
                .map(ProofOfDeletion::of)
                .filter(p -> inWindow(p.requestedAt(), from, to))
                .toList();
    }

    private static boolean inWindow(Instant requestedAt, Instant from, Instant to) {
        if (from == null && to == null) {
            return true;
        }
        return requestedAt != null && (from == null || !requestedAt.isBefore(from)) && (to == null || requestedAt.isBefore(to));
    }

    /** A header line, then one line per request and data type; every line ends with {@code \n}. */
    public static String csv(List<ProofOfDeletion> proofs) {
        StringBuilder b = new StringBuilder();
        try (CSVPrinter printer = new CSVPrinter(b, CSV)) {
            printer.printRecord(CSV_COLUMNS);
            for (ProofOfDeletion p : proofs) {
                for (List<Object> row : csvRows(p)) {
                    printer.printRecord(row);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("a StringBuilder does not fail", e);
        }
        return b.toString();
    }

    /** An indented JSON array, one object per request, times as ISO-8601; no trailing newline. */
    public static String json(List<ProofOfDeletion> proofs) {
        try {
            return JSON.writeValueAsString(proofs);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report as JSON", e);
        }
    }

    private static List<List<Object>> csvRows(ProofOfDeletion p) {
        List<ProofOfDeletion.DataTypeCounts> types = p.dataTypes().isEmpty()
                ? List.of(new ProofOfDeletion.DataTypeCounts("", null, 0, 0, 0, 0, null)) : p.dataTypes();
        return types.stream().map(t -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("requestId", p.requestId());
            row.put("customerId", p.customerId());
            row.put("scope", p.scope());
            row.put("itemId", p.itemId());
            row.put("regulation", p.regulation());
            row.put("reason", p.reason());
            row.put("requestedAt", p.requestedAt());
            row.put("completedAt", p.completedAt());
            row.put("dueAt", p.dueAt());
            row.put("onTime", p.onTime());
            row.put("status", p.status());
            row.put("verified", p.verified());
            row.put("dataType", t.dataType());
            row.put("taskStatus", t.taskStatus());
            row.put("rowsScrubbed", t.results() == 0 ? null : t.rowsScrubbed());
            row.put("rowsDeleted", t.results() == 0 ? null : t.rowsDeleted());
            row.put("blobsDeleted", t.results() == 0 ? null : t.blobsDeleted());
            row.put("residual", t.residual());
            return CSV_COLUMNS.stream().map(c -> guard(row.get(c))).toList();
        }).toList();
    }

    /**
     * A leading quote on text that a spreadsheet would run as a formula (OWASP CSV injection);
     * RFC 4180 quoting is Commons CSV's.
     */
    static Object guard(Object value) {
        if (value instanceof String s && !s.isEmpty() && Stream.of("=", "+", "-", "@").anyMatch(s::startsWith)) {
            return "'" + s;
        }
        return value;
    }
}
