package io.lethe.cli.audit;

import io.lethe.audit.AuditRecord;
import io.lethe.audit.ProofOfDeletion;
import io.lethe.audit.Report;
import io.lethe.events.AuditEvent;
import io.lethe.runtime.kafka.KafkaSettings;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lethe audit report}: proof of deletion for one tenant, per request (see {@link Report}
 * for the selection and the formats). The window selects requests by {@code requestedAt} in
 * {@code [from, to)}; every event of a selected request counts, whenever it happened.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Proof of deletion per request of one tenant, as CSV or JSON on stdout.")
public final class ReportCommand extends AuditSubcommand {

    enum Format { csv, json }

    static final List<String> CSV_COLUMNS = Report.CSV_COLUMNS;

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
            if (e instanceof AuditRecord.Decoded d && tenant.equals(d.event().getTenant())) {
                events.add(d.event());
            } else if (e instanceof AuditRecord.Undecodable) {
                undecodable[0]++;
            }
        });
        List<ProofOfDeletion> proofs = Report.proofs(tenant, events, from, to);
        PrintWriter out = out();
        if (format == Format.json) {
            out.println(Report.json(proofs));
        } else {
            out.print(Report.csv(proofs));
        }
        out.flush();
        long held = proofs.stream().filter(p -> "ON_HOLD".equals(p.status())).count();
        if (held > 0) {
            // held requests are kept on purpose (a legal hold), not late: say so apart from the rows
            err().printf("audit report: %d request(s) ON_HOLD under a legal hold, not erased while the hold lasts%n", held);
            err().flush();
        }
        if (undecodable[0] > 0) {
            err().printf("audit report: %d undecodable record(s) skipped; run 'lethe audit verify' to list them%n", undecodable[0]);
            err().flush();
        }
        return OK;
    }
}
