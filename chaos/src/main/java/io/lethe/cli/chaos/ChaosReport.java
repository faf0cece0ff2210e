package io.lethe.cli.chaos;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a fault run measured, and the verdict: {@link #passed()} when no check found a problem.
 * {@link #table()} is the Markdown table that {@code lethe chaos} prints and docs/reliability.md
 * keeps.
 */
public record ChaosReport(List<FaultCount> faults, int submitted, int accepted, int completed, int verified,
                          int expectedNotFound, int failedOther, int redriven, int deletedCustomers, long residualCustomers,
                          int untouchedChecked, int touchedWrongly, int requestsWithoutTerminal, int duplicateTerminal,
                          int expiriesExpected, int expiriesEmitted, int expiriesMissed, int expiriesDuplicated,
                          int status503, Map<String, Integer> retriesByError, int auditVerifyExit, Duration elapsed,
                          List<String> problems) {

    /** One row of the faults table: a fault and how often it was injected. */
    public record FaultCount(String fault, int injected) {
    }

    public boolean passed() {
        return problems.isEmpty();
    }

    public String table() {
        StringBuilder b = new StringBuilder();
        b.append("| Fault | Injected |\n|---|---|\n");
        faults.forEach(f -> b.append("| ").append(f.fault()).append(" | ").append(f.injected()).append(" |\n"));
        b.append("\n| Measure | Value |\n|---|---|\n");
        row(b, "requests submitted over HTTP", submitted);
        row(b, "accepted (202)", accepted);
        row(b, "completed", completed);
        row(b, "completed and verified", verified);
        row(b, "expected NOT_FOUND_FOR_CUSTOMER (item of another customer), FAILED as they should", expectedNotFound);
        row(b, "other FAILED at the end", failedOther);
        row(b, "redriven after an outage (operator retry)", redriven);
        row(b, "customers deleted (PROFILE + retention)", deletedCustomers);
        row(b, "deleted customers with residual PII > 0", residualCustomers);
        row(b, "customers not asked for, checked untouched", untouchedChecked);
        row(b, "customers not asked for that lost PII", touchedWrongly);
        row(b, "accepted requests without a terminal event", requestsWithoutTerminal);
        row(b, "requests with more terminal events than transitions", duplicateTerminal);
        row(b, "retention expiries expected / emitted", expiriesExpected + " / " + expiriesEmitted);
        row(b, "retention expiries missed / duplicated", expiriesMissed + " / " + expiriesDuplicated);
        row(b, "503 answers retried with the same Idempotency-Key", status503);
        row(b, "task retries scheduled, by error (audit RETRY_SCHEDULED)", retriesByError.isEmpty() ? "none" : retriesByError);
        row(b, "lethe audit verify exit code", auditVerifyExit);
        row(b, "wall time", elapsed.toSeconds() + " s");
        return b.toString();
    }

    private static void row(StringBuilder b, String k, Object v) {
        b.append("| ").append(k).append(" | ").append(v).append(" |\n");
    }
}
