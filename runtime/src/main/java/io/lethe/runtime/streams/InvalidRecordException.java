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
}
