package io.lethe.runtime.http;

import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Liveness and readiness of one service process, as probes see them.
 *
 * @param name  the service name shown in the probe body
 * @param live  false only when the process should be restarted
 * @param ready true when the service does its job (Streams RUNNING, producer connected)
 */
public record Health(String name, BooleanSupplier live, BooleanSupplier ready) {

    public Map<String, Object> body(boolean ok) {
        return Map.of("service", name, "status", ok ? "UP" : "DOWN");
    }
}
