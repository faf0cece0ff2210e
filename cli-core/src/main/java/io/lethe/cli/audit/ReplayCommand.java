package io.lethe.cli.audit;

import io.lethe.audit.AuditRecord;
import io.lethe.audit.RequestHistory;
import io.lethe.events.AuditEvent;
import io.lethe.events.AuditType;
import io.lethe.runtime.kafka.KafkaSettings;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lethe audit replay}: each request's timeline, one line per audit event. Time filters
 * select events by {@code occurredAt} in {@code [from, to)}; a request whose events all fall
 * outside the window is not shown. Undecodable records are listed on stderr.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Print each deletion request's timeline from the audit topic.")
public final class ReplayCommand extends AuditSubcommand {

    @Option(names = "--tenant", paramLabel = "TENANT", description = "only this tenant")
    String tenant;

    @Option(names = "--request", paramLabel = "ID", description = "only this request id")
    String requestId;

    @Option(names = "--from", paramLabel = "TIME", converter = Times.class, description = "events at or after TIME (ISO date or instant)")
    Instant from;

    @Option(names = "--to", paramLabel = "TIME", converter = Times.class, description = "events before TIME")
    Instant to;

    @Override
    int run(KafkaSettings settings) {
        List<AuditEvent> kept = new ArrayList<>();
        List<AuditRecord.Undecodable> bad = new ArrayList<>();
        AuditLog.read(settings, connection.timeout, err(), e -> {
            if (e instanceof AuditRecord.Decoded d && selected(d.event())) {
                kept.add(d.event());
            } else if (e instanceof AuditRecord.Undecodable u) {
                bad.add(u);
            }
        });
        PrintWriter out = out();
        List<RequestHistory> requests = RequestHistory.group(kept);
        for (RequestHistory h : requests) {
            AuditEvent f = h.first();
            out.printf("request %s  tenant=%s customer=%s scope=%s%s regulation=%s reason=%s status=%s%n", h.requestId(),
                    f.getTenant(), f.getCustomerId(), f.getScope(), f.getItemId() == null ? "" : " item=" + f.getItemId(),
                    f.getRegulation(), f.getReason(), h.status());
            for (AuditEvent e : h.events()) {
                out.println("  " + line(e));
            }
        }
        out.printf("%d request(s), %d event(s)%n", requests.size(), kept.size());
        out.flush();
        for (AuditRecord.Undecodable u : bad) {
            err().printf("audit replay: undecodable record %d@%d: %s%n", u.partition(), u.offset(), u.error());
        }
        err().flush();
        return OK;
    }

    private boolean selected(AuditEvent e) {
        return (tenant == null || tenant.equals(e.getTenant()))
                && (requestId == null || requestId.equals(e.getRequestId()))
                && (from == null || !e.getOccurredAt().isBefore(from))
                && (to == null || e.getOccurredAt().isBefore(to));
    }

    static String line(AuditEvent e) {
        StringBuilder b = new StringBuilder();
        b.append(e.getOccurredAt()).append("  ").append(String.format("%-17s", e.getType()));
        field(b, "data", e.getDataType());
        field(b, "attempt", e.getAttempt());
        field(b, "task", e.getTaskStatus());
        if (e.getType() == AuditType.ACCEPTED || e.getType() == AuditType.COMPLETED || e.getType() == AuditType.FAILED) {
            field(b, "request", e.getRequestStatus());
            if (!e.getRequiredDataTypes().isEmpty()) {
                field(b, "required", String.join(",", e.getRequiredDataTypes()));
            }
        }
        if (e.getType() == AuditType.TASK_RESULT || e.getType() == AuditType.COMPLETED || e.getType() == AuditType.FAILED) {
            field(b, "scrubbed", e.getRowsScrubbed());
            field(b, "deleted", e.getRowsDeleted());
            field(b, "blobs", e.getBlobsDeleted());
            field(b, "residual", e.getResidual());
        }
        if (e.getType() == AuditType.ACCEPTED) {
            field(b, "requested", e.getRequestedAt());
            field(b, "due", e.getDueAt());
        }
        field(b, "error", e.getErrorCode());
        field(b, "bulk", e.getBulkId());
        field(b, "actor", e.getActor());
        return b.toString().stripTrailing();
    }

    private static void field(StringBuilder b, String name, Object value) {
        if (value != null) {
            b.append(' ').append(name).append('=').append(value);
        }
    }
}
