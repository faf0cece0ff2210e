package io.lethe.cli.audit;

import io.lethe.audit.PiiScanner;
import io.lethe.audit.Verifier;
import io.lethe.audit.Violation;
import io.lethe.runtime.kafka.KafkaSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lethe audit verify}: checks the whole audit topic (see {@link Verifier} for the
 * rules). Exit 0 when every check holds, 1 with the list of violations otherwise, 2 on a
 * usage or connection problem.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check that every accepted request finished by its due date, every completed request erased "
                + "every required data type with residual 0, and no audit record carries PII.",
                "Exit codes: 0 all checks hold, 1 violations found (listed on stdout), 2 usage or connection error."})
public final class VerifyCommand extends AuditSubcommand {

    @Option(names = "--tenant", paramLabel = "TENANT", description = "only this tenant's requests")
    String tenant;

    @Option(names = "--denylist", paramLabel = "FILE",
            description = "strings that must appear nowhere, one per line (case-insensitive)")
    Path denylist;

    @Option(names = "--now", paramLabel = "TIME", converter = Times.class,
            description = "judge due dates as of TIME (default: the current time)")
    Instant now;

    @Override
    int run(KafkaSettings settings) {
        List<String> denied = readDenylist();
        Verifier verifier = new Verifier(tenant, now == null ? Instant.now() : now, new PiiScanner(denied));
        AuditLog.Summary read = AuditLog.read(settings, connection.timeout, err(), verifier::accept);
        List<Violation> violations = verifier.finish();
        PrintWriter out = out();
        out.printf("checked %d request(s), %d event(s) of %s%s; %d record(s) undecodable; %d denylist entr%s%n",
                verifier.requestCount(), verifier.eventCount(), read.topic(), tenant == null ? "" : " for tenant " + tenant,
                read.undecodable(), denied.size(), denied.size() == 1 ? "y" : "ies");
        if (violations.isEmpty()) {
            out.println("OK: every check holds");
            out.flush();
            return OK;
        }
        out.printf("FAILED: %d violation(s)%n", violations.size());
        out.println("requestId\trule\tdetail");
        violations.forEach(v -> out.println(v.line()));
        out.flush();
        return FINDINGS;
    }

    private List<String> readDenylist() {
        if (denylist == null) {
            return List.of();
        }
        try {
            return Files.readAllLines(denylist).stream().map(String::trim).filter(s -> !s.isEmpty() && !s.startsWith("#")).toList();
        } catch (IOException e) {
            throw new AuditException("cannot read denylist " + denylist + ": " + e.getMessage(), e);
        }
    }
}
