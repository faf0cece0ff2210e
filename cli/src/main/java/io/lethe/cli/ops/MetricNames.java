package io.lethe.cli.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Metric names that an alert-rules file, a dashboard or any other text refers to, so a
 * test can hold them against what the services really expose (a renamed meter otherwise
 * leaves an alert that silently never fires).
 *
 * <p>Finds every token {@code lethe_…} or {@code kafka_…} made of lower-case letters,
 * digits and underscores that is not part of a longer identifier. It is a text scan, not a
 * PromQL parser: a label value or a comment shaped like a metric name counts too, and
 * metrics with other prefixes ({@code up}, {@code http_server_…}, {@code jvm_…}) are not
 * reported.
 */
public final class MetricNames {

    private static final Pattern NAME = Pattern.compile("(?<![A-Za-z0-9_:.\\-/])(?:lethe|kafka)_[a-z0-9_]*[a-z0-9](?![A-Za-z0-9_:])");

    private MetricNames() {
    }

    /** The {@code lethe_*} and {@code kafka_*} metric names {@code file} mentions, sorted. */
    public static Set<String> referencedBy(Path file) {
        try {
            return referencedIn(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    public static Set<String> referencedIn(String text) {
        Set<String> out = new TreeSet<>();
        Matcher m = NAME.matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }
}
