package io.lethe.audit;

import io.lethe.audit.PiiScanner.Finding;
import io.lethe.audit.Violation.Rule;
import io.lethe.events.AuditEvent;
import io.lethe.events.AuditType;
import io.lethe.events.TaskStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The checks of {@code lethe audit verify}, over a stream of audit records (see
 * {@link #verifyEvents} for events known only in decoded form):
 * <ol>
 *   <li>every ACCEPTED request reached COMPLETED or FAILED, or is still before its due date
 *       (a REDRIVEN request is open again);</li>
 *   <li>every COMPLETED request has, before its COMPLETED event, a TASK_RESULT with status
 *       SUCCEEDED and residual 0 for each data type its ACCEPTED event required;</li>
 *   <li>no record carries PII: every string field of every event, and the raw bytes of every
 *       record (key and value), decodable or not.</li>
 * </ol>
 * FAILED is a legitimate outcome here (it is visible in the report and in alerts), not a
 * violation. Keeps the decoded events of the selected tenant in memory; the PII scan is done
 * as records stream by. Records that do not decode are reported whatever the tenant filter,
 * since their tenant cannot be known.
 */
public final class Verifier {

    private static final Pattern PRINTABLE_ID = Pattern.compile("[A-Za-z0-9._:/@+-]{1,200}");

    private final String tenant;
    private final Instant now;
    private final PiiScanner pii;
    private final List<AuditEvent> events = new ArrayList<>();
    private final List<Violation> violations = new ArrayList<>();

    /**
     * @param tenant only this tenant's events, or null for every tenant
     * @param now    the time due dates are judged at
     * @param pii    the scanner, with the operator's denylist
     */
    public Verifier(String tenant, Instant now, PiiScanner pii) {
        this.tenant = tenant;
        this.now = now;
        this.pii = pii;
    }

    /**
     * Rules (a) to (c) over decoded events alone, for a caller that holds events rather than
     * topic records (the console's in-memory index). Runs the same checks as {@link #accept(AuditRecord)}
     * except the scan of raw bytes: there are none to scan, and re-encoding the events would
     * only show their fields again. So it cannot see data in fields this reader's schema drops,
     * and never reports {@link Rule#UNDECODABLE}: a record that did not decode never became an
     * event. The PII scan has no denylist; see the overload to pass one.
     *
     * @param tenant only this tenant's events, or null for every tenant
     * @param now    the time due dates are judged at
     * @param events the events, each request's in log order
     * @return every violation, sorted by request and rule
     */
    public static List<Violation> verifyEvents(String tenant, Instant now, List<AuditEvent> events) {
        return verifyEvents(tenant, now, events, new PiiScanner(List.of()));
    }

    /** {@link #verifyEvents(String, Instant, List)} with a scanner that carries a denylist. */
    public static List<Violation> verifyEvents(String tenant, Instant now, List<AuditEvent> events, PiiScanner pii) {
        Verifier v = new Verifier(tenant, now, pii);
        events.forEach(e -> v.accept(e, null));
        return v.finish();
    }

    /** One record of the audit topic, in log order. */
    public void accept(AuditRecord record) {
        if (record instanceof AuditRecord.Decoded d) {
            accept(d.event(), d);
        } else if (record instanceof AuditRecord.Undecodable u) {
            List<Finding> found = rawFindings(u);
            String id = keyForDisplay(u.key(), found);
            violations.add(new Violation(id, Rule.UNDECODABLE, at(u) + ": " + u.error()));
            found.forEach(f -> violations.add(piiViolation(id, f)));
        }
    }

    /** @param record the record {@code e} was decoded from, or null when there are no raw bytes to scan */
    private void accept(AuditEvent e, AuditRecord record) {
        if (tenant != null && !tenant.equals(e.getTenant())) {
            return;
        }
        events.add(e);
        String where = "event " + e.getEventId() + " (" + e.getType() + ")";
        List<Finding> found = new ArrayList<>();
        for (Finding f : pii.scanRecord(e)) {
            found.add(new Finding(f.kind(), where + " field " + f.where(), f.hint()));
        }
        if (record != null) {
            // the raw bytes add only what the fields did not show (e.g. data in a field this reader drops)
            Set<String> seen = new HashSet<>();
            found.forEach(f -> seen.add(f.kind() + f.hint()));
            for (Finding f : rawFindings(record)) {
                if (seen.add(f.kind() + f.hint())) {
                    found.add(f);
                }
            }
        }
        found.forEach(f -> violations.add(piiViolation(e.getRequestId(), f)));
    }

    /** Runs the per-request checks and returns every violation, sorted by request and rule. */
    public List<Violation> finish() {
        List<Violation> out = new ArrayList<>(violations);
        for (RequestHistory h : RequestHistory.group(events)) {
            out.addAll(checkRequest(h, now));
        }
        out.sort(null);
        return out;
    }

    /** Deletion requests seen; administrative histories (policy changes, bulk decisions) are not counted. */
    public int requestCount() {
        return (int) RequestHistory.group(events).stream().filter(h -> h.status() != RequestHistory.Status.NOT_ACCEPTED).count();
    }

    /** Events of the selected tenant seen so far. */
    public int eventCount() {
        return events.size();
    }

    /**
     * Rules (a) and (b) for one request. A request held by a legal hold (last hold event
     * REQUEST_HELD) is in order whatever its due date: the law requires it be kept.
     */
    public static List<Violation> checkRequest(RequestHistory h, Instant now) {
        List<Violation> out = new ArrayList<>();
        RequestHistory.Status status = h.status();
        boolean accepted = h.accepted().isPresent();
        if ((status == RequestHistory.Status.COMPLETED || status == RequestHistory.Status.FAILED) && !accepted) {
            out.add(new Violation(h.requestId(), Rule.NO_ACCEPTED_EVENT, status + " at "
                    + h.lastLifecycle().map(AuditEvent::getOccurredAt).orElse(null) + " but no ACCEPTED event on the topic"));
        }
        if (status == RequestHistory.Status.ACCEPTED || status == RequestHistory.Status.IN_PROGRESS) {
            Instant due = h.dueAt().orElse(null);
            AuditEvent last = h.events().get(h.events().size() - 1);
            if (due == null) {
                out.add(new Violation(h.requestId(), Rule.NOT_FINISHED_BY_DUE_DATE,
                        "open (" + status + ") and no due date recorded; last event " + last.getType() + " at " + last.getOccurredAt()));
            } else if (now.isAfter(due)) {
                out.add(new Violation(h.requestId(), Rule.NOT_FINISHED_BY_DUE_DATE, "open (" + status + "), due " + due
                        + "; last event " + last.getType() + " at " + last.getOccurredAt()));
            }
        }
        h.completed().ifPresent(done -> out.addAll(checkCompleted(h, done)));
        return out;
    }

    private static List<Violation> checkCompleted(RequestHistory h, AuditEvent done) {
        List<Violation> out = new ArrayList<>();
        int end = h.events().indexOf(done);
        List<String> required = h.requiredDataTypes();
        if (required.isEmpty()) {
            out.add(new Violation(h.requestId(), Rule.MISSING_DATA_TYPE, "COMPLETED but no required data types were recorded"));
        }
        for (String type : required) {
            List<AuditEvent> results = h.events().subList(0, end).stream()
                    .filter(e -> e.getType() == AuditType.TASK_RESULT && type.equals(e.getDataType())).toList();
            List<AuditEvent> succeeded = results.stream().filter(e -> e.getTaskStatus() == TaskStatus.SUCCEEDED).toList();
            if (succeeded.isEmpty()) {
                out.add(new Violation(h.requestId(), Rule.MISSING_DATA_TYPE, "COMPLETED without a SUCCEEDED result for "
                        + type + " (" + results.size() + " result(s) for it)"));
            } else if (succeeded.stream().noneMatch(e -> e.getResidual() != null && e.getResidual() == 0)) {
                out.add(new Violation(h.requestId(), Rule.RESIDUAL_NOT_ZERO, type + ": residual "
                        + succeeded.stream().map(e -> String.valueOf(e.getResidual())).toList() + " in its SUCCEEDED result(s)"));
            }
        }
        if (done.getResidual() != null && done.getResidual() != 0) {
            out.add(new Violation(h.requestId(), Rule.RESIDUAL_NOT_ZERO, "COMPLETED event reports residual " + done.getResidual()));
        }
        return out;
    }

    /** True when a COMPLETED request passes rule (b): what the report calls verified. */
    public static boolean deletionVerified(RequestHistory h) {
        return h.completed().isPresent() && h.accepted().isPresent()
                && checkCompleted(h, h.completed().get()).isEmpty();
    }

    private List<Finding> rawFindings(AuditRecord e) {
        List<Finding> out = new ArrayList<>(pii.scanBytes(at(e) + " key", e.key(), 0));
        byte[] v = e.raw();
        // skip the single-object header: its 8 fingerprint bytes are noise, not text
        int from = v != null && v.length >= 10 && v[0] == (byte) 0xC3 && v[1] == 0x01 ? 10 : 0;
        out.addAll(pii.scanBytes(at(e) + " value bytes", v, from));
        return out;
    }

    private static String at(AuditRecord e) {
        return "record " + e.partition() + "@" + e.offset();
    }

    /** The record key as a request id, unless it is not id-like or itself holds PII. */
    private static String keyForDisplay(byte[] key, List<Finding> found) {
        if (key == null) {
            return "-";
        }
        String s = new String(key, StandardCharsets.UTF_8);
        boolean keyHasPii = found.stream().anyMatch(f -> f.where().endsWith(" key"));
        return !keyHasPii && PRINTABLE_ID.matcher(s).matches() ? s : "-";
    }

    private static Violation piiViolation(String requestId, Finding f) {
        Rule rule = switch (f.kind()) {
            case EMAIL -> Rule.PII_EMAIL;
            case PHONE -> Rule.PII_PHONE;
            case DENYLISTED -> Rule.PII_DENYLISTED;
        };
        return new Violation(requestId, rule, f.where() + ": " + f.hint());
    }
}
