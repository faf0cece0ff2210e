package io.lethe.cli.audit;

/** A usage or connection problem: the command prints the message and exits with 2. */
final class AuditException extends RuntimeException {
    AuditException(String message) {
        super(message);
    }

    AuditException(String message, Throwable cause) {
        super(message, cause);
    }
}
