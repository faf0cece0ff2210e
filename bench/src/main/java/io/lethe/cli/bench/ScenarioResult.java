package io.lethe.cli.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one scenario measured.
 *
 * @param name     scenario name, e.g. {@code api}
 * @param headline the key in {@code figures} that the ratio is taken of
 * @param unit     unit of the headline figure, e.g. {@code records/s}
 * @param figures  every figure, in display order (rates, latencies in ms, counts)
 * @param ceiling  the scenario whose headline this one is divided by; its own name for a ceiling
 * @param goal     the goal as text, for the table and the JSON
 */
public record ScenarioResult(String name, String headline, String unit, Map<String, Number> figures, String ceiling,
                             String goal) {

    public ScenarioResult {
        figures = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(figures));
        if (!figures.containsKey(headline)) {
            throw new IllegalArgumentException(name + " has no figure " + headline);
        }
    }

    public double headlineValue() {
        return figures.get(headline).doubleValue();
    }

    public boolean isCeiling() {
        return name.equals(ceiling);
    }
}
