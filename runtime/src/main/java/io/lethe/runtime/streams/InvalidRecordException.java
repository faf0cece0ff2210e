package io.lethe.runtime.streams;

/**
 * A record decoded fine but carries values Lethe must not act on (an empty customer id, an
 * item id on a PROFILE request). Processors throw it; {@link DeadLetterProcessingHandler}
 * sends the original bytes to the dead-letter topic and processing continues. Any other
 * exception from a processor is unexpected and stops the client.
 */
public final class InvalidRecordException extends RuntimeException {
    public InvalidRecordException(String message) {
        super(message, null, false, false);
    }

    /** Throws unless {@code value} is an id by {@link io.lethe.schemas.Ids#problem}; the message names the field and the rule. */
    public static void requireId(String field, String value) {
        String problem = io.lethe.schemas.Ids.problem(value);
        if (problem != null) {
            throw new InvalidRecordException(field + " " + problem);
        }
    }

    /** Throws unless {@code value} is a tenant by {@link io.lethe.schemas.Ids#tenantProblem}. */
    public static void requireTenant(String field, String value) {
        String problem = io.lethe.schemas.Ids.tenantProblem(value);
        if (problem != null) {
            throw new InvalidRecordException(field + " " + problem);
        }
    }
}
