package io.lethe.worker.coordinator;

import io.lethe.events.Scope;
import io.lethe.runtime.config.ConfigException;
import io.lethe.runtime.config.LetheConfig;
import io.lethe.schemas.Topics;
import io.lethe.store.erase.Erasers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which data types each scope needs, in phases: every task of a phase must succeed before
 * the next phase is dispatched. Configured per scope as {@code worker.scope.<scope>} with
 * phases separated by {@code ;} and data types by {@code ,} — adding a name there is how
 * another service's eraser joins ("bring your own eraser").
 */
public final class ScopePlan {

    /** The built-in erasers' phases ({@link Erasers#phases()}), as configuration values. */
    public static final Map<String, String> DEFAULTS = builtInDefaults();

    /** One setting per scope: its data types, {@code ,} within a phase, {@code ;} between phases. */
    public static final List<io.lethe.runtime.config.Setting> SETTINGS = DEFAULTS.entrySet().stream()
            .map(e -> io.lethe.runtime.config.Setting.of(e.getKey(), e.getValue(), "data types a "
                    + e.getKey().substring("worker.scope.".length()).replace('.', '_').toUpperCase(Locale.ROOT)
                    + " request needs, in phases; add your own data type to bring your own eraser"))
            .toList();

    private final Map<Scope, List<List<String>>> phases;

    public ScopePlan(Map<Scope, List<List<String>>> phases) {
        this.phases = new EnumMap<>(Scope.class);
        for (Scope s : Scope.values()) {
            List<List<String>> p = phases.get(s);
            if (p == null || p.isEmpty() || p.stream().anyMatch(List::isEmpty)) {
                throw new ConfigException("scope " + s + " needs at least one data type in every phase");
            }
            this.phases.put(s, p.stream().map(List::copyOf).toList());
        }
    }

    public static ScopePlan defaults() {
        return from(LetheConfig.of(DEFAULTS));
    }

    public static ScopePlan from(LetheConfig config) {
        Map<Scope, List<List<String>>> phases = new EnumMap<>(Scope.class);
        for (Scope s : Scope.values()) {
            String key = key(s);
            String spec = config.optString(key).orElse(DEFAULTS.get(key));
            List<List<String>> parsed = new ArrayList<>();
            for (String phase : spec.split(";")) {
                List<String> types = Arrays.stream(phase.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList();
                for (String t : types) {
                    if (!Topics.isDataType(t)) {
                        throw LetheConfig.invalid(key, spec, "data type names of lower-case letters, digits and '-'");
                    }
                }
                if (types.isEmpty()) {
                    throw LetheConfig.invalid(key, spec, "phases of comma-separated data types, separated by ';'");
                }
                parsed.add(types);
            }
            phases.put(s, parsed);
        }
        return new ScopePlan(phases);
    }

    private static Map<String, String> builtInDefaults() {
        Map<String, String> d = new LinkedHashMap<>();
        Erasers.phases().forEach((scope, phases) -> d.put(key(scope),
                String.join(";", phases.stream().map(p -> String.join(",", p)).toList())));
        return Collections.unmodifiableMap(d);
    }

    public static String key(Scope scope) {
        return "worker.scope." + scope.name().toLowerCase(Locale.ROOT).replace('_', '.');
    }

    /** The phases of a scope, first phase first. */
    public List<List<String>> phases(Scope scope) {
        return phases.get(scope);
    }

    /** Every data type any scope dispatches to (each has a task topic). */
    public Set<String> dataTypes() {
        Set<String> all = new LinkedHashSet<>();
        phases.values().forEach(p -> p.forEach(all::addAll));
        return all;
    }
}
