package io.lethe.schemas.registry;

/**
 * The schema registry answered and refused: an incompatible schema (409), an invalid one (422), an unknown
 * id or subject (404), or bad credentials (401/403). {@link #getMessage()} is the registry's own message,
 * which names subjects and schema fields, never record values.
 */
public final class RegistryException extends RuntimeException {

    private final int status;
    private final int errorCode;

    public RegistryException(int status, int errorCode, String message) {
        super(message, null, false, false);
        this.status = status;
        this.errorCode = errorCode;
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The registry's {@code error_code} (Confluent's API: 40403 schema not found, 409 incompatible, …), or the status. */
    public int errorCode() {
        return errorCode;
    }
}
