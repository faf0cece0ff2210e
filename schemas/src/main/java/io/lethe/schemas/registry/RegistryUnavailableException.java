package io.lethe.schemas.registry;

/**
 * The schema registry could not be reached, or answered 5xx, through every retry. Not a property of
 * the record being read or written: readers must not dead-letter a record for it, but stop and read it
 * again later (Streams replaces the thread, erasers restart their batch, the API answers 503).
 */
public final class RegistryUnavailableException extends RuntimeException {
    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
