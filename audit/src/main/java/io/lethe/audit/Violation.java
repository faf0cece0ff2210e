package io.lethe.audit;

/**
 * One broken promise found in the audit trail.
 *
 * @param requestId the request it concerns, or {@code -} when the record has no readable id
 * @param rule      which check failed
 * @param detail    what exactly, for a human; never the personal data itself
 */
public record Violation(String requestId, Rule rule, String detail) implements Comparable<Violation> {

    public enum Rule {
        /** accepted, past its due date, and neither COMPLETED nor FAILED */
        NOT_FINISHED_BY_DUE_DATE,
        /** COMPLETED without a SUCCEEDED task result for a required data type */
        MISSING_DATA_TYPE,
        /** COMPLETED although a required data type's residual check did not come back 0 */
        RESIDUAL_NOT_ZERO,
        /** COMPLETED or FAILED without an ACCEPTED event: what was required is unknown */
        NO_ACCEPTED_EVENT,
        PII_EMAIL,
        PII_PHONE,
        PII_DENYLISTED,
        /** a record that no released schema version decodes */
        UNDECODABLE
    }

    @Override
    public int compareTo(Violation o) {
        int c = requestId.compareTo(o.requestId);
        return c != 0 ? c : rule.compareTo(o.rule) != 0 ? rule.compareTo(o.rule) : detail.compareTo(o.detail);
    }

    /** Tab-separated: requestId, rule, detail. */
    public String line() {
        return requestId + "\t" + rule + "\t" + detail;
    }
}
