package io.lethe.cli.audit;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses {@code --from/--to/--now}: an ISO instant, an ISO date-time with offset, or a date (midnight UTC). */
final class Times implements ITypeConverter<Instant> {

    @Override
    public Instant convert(String value) {
        String v = value.trim();
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException ignored) {
            // try the other accepted forms
        }
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException ignored) {
            // try a plain date
        }
        try {
            return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            throw new TypeConversionException("'" + value + "' is not a time: use 2026-01-31, 2026-01-31T12:00:00Z or 2026-01-31T12:00:00+01:00");
        }
    }

    static String iso(Instant t) {
        return t == null ? "" : t.toString();
    }
}
