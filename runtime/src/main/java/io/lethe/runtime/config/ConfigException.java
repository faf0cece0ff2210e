package io.lethe.runtime.config;

/** A configuration value is missing or invalid; the message names the key and its env variable. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
