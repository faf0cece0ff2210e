package io.lethe.cli.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.lethe.events.AuditEvent;
import io.lethe.runtime.kafka.KafkaSettings;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lethe audit report}: proof of deletion for one tenant, per request. The window
 * selects requests by {@code requestedAt} in {@code [from, to)}; every event of a selected
 * request counts, whenever it happened. CSV has one row per request and data type (request
 * columns repeated); JSON has one object per request with a {@code dataTypes} array.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Proof of deletion per request of one tenant, as CSV or JSON on stdout.")
public final class ReportCommand extends AuditSubcommand {

    enum Format { csv, json }

    static final List<String> CSV_COLUMNS = List.of("requestId", "customerId", "scope", "itemId", "regulation", "reason",
            "requestedAt", "completedAt", "dueAt", "onTime", "status", "verified",
            "dataType", "taskStatus", "rowsScrubbed", "rowsDeleted", "blobsDeleted", "residual");

    @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "the tenant to report on")
    String tenant;

    @Option(names = "--from", paramLabel = "TIME", converter = Times.class, description = "requests requested at or after TIME")
    Instant from;

    @Option(names = "--to", paramLabel = "TIME", converter = Times.class, description = "requests requested before TIME")
    Instant to;

    @Option(names = "--format", paramLabel = "csv|json", defaultValue = "csv", description = "csv (default) or json")
    Format format;

    @Override
    int run(KafkaSettings settings) {
        List<AuditEvent> events = new ArrayList<>();
        long[] undecodable = new long[1];
        AuditLog.read(settings, connection.timeout, err(), e -> {
            if (e instanceof AuditLog.Decoded d && tenant.equals(d.event().getTenant())) {
                events.add(d.event());
            } else if (e instanceof AuditLog.Undecodable) {
                undecodable[0]++;
            }
        });
        // administrative events (policy changes, bulk decisions) are no deletion to prove
        List<ProofOfDeletion> rows = RequestHistory.group(events).stream()
                .filter(h -> h.status() != RequestHistory.Status.NOT_ACCEPTED)
                .map(ProofOfDeletion::of)
                .filter(p -> inWindow(p.requestedAt()))
                .toList();
        PrintWriter out = out();
        if (format == Format.json) {
            out.println(json(rows));
        } else {
            out.println(String.join(",", CSV_COLUMNS));
            rows.forEach(p -> csvRows(p).forEach(out::println));
        }
        out.flush();
        if (undecodable[0] > 0) {
            err().printf("audit report: %d undecodable record(s) skipped; run 'lethe audit verify' to list them%n", undecodable[0]);
            err().flush();
        }
        return OK;
    }

    private boolean inWindow(Instant requestedAt) {
        if (from == null && to == null) {
            return true;
        }
        return requestedAt != null && (from == null || !requestedAt.isBefore(from)) && (to == null || requestedAt.isBefore(to));
    }

    static String json(List<ProofOfDeletion> rows) {
        ObjectMapper mapper = new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);
        try {
            return mapper.writeValueAsString(rows);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report as JSON", e);
        }
    }

    static List<String> csvRows(ProofOfDeletion p) {
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
            return CSV_COLUMNS.stream().map(c -> csv(row.get(c))).collect(Collectors.joining(","));
        }).toList();
    }

    /** RFC 4180 quoting, and a leading quote on text that a spreadsheet would run as a formula. */
    static String csv(Object value) {
        if (value == null) {
            return "";
        }
        String s = value.toString();
        if (value instanceof String && !s.isEmpty() && Stream.of("=", "+", "-", "@").anyMatch(s::startsWith)) {
            s = "'" + s;
        }
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            s = "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }
}
