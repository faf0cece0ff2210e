package io.lethe.api.requests;

import io.lethe.events.Regulation;
import io.lethe.runtime.config.LetheConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/** Days a regulation allows for a deletion ({@code sla.days.gdpr} 30, {@code sla.days.ccpa} 45, {@code sla.days.other} 30). */
public record Sla(Map<Regulation, Integer> days) {

    public static final Map<Regulation, Integer> DEFAULT_DAYS = Map.of(Regulation.GDPR, 30, Regulation.CCPA, 45, Regulation.OTHER, 30);

    public Sla {
        days = Map.copyOf(days);
    }

    public static String key(Regulation r) {
        return "sla.days." + r.name().toLowerCase(Locale.ROOT);
    }

    public static Sla fromConfig(LetheConfig config) {
        Map<Regulation, Integer> days = new EnumMap<>(Regulation.class);
        for (Regulation r : CreateRequest.API_REGULATIONS) {
            days.put(r, config.optString(key(r)).isPresent() ? config.positiveInt(key(r)) : DEFAULT_DAYS.get(r));
        }
        return new Sla(days);
    }

    public Instant dueAt(Regulation r, Instant requestedAt) {
        return requestedAt.plus(Duration.ofDays(days.getOrDefault(r, DEFAULT_DAYS.get(Regulation.OTHER))));
    }
}
