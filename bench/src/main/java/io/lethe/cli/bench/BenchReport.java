package io.lethe.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The table on stdout and the JSON file of one run: per scenario its figures, its ceiling's and the ratio. */
final class BenchReport {

    private BenchReport() {
    }

    static double ratio(ScenarioResult r, Map<String, ScenarioResult> byName) {
        ScenarioResult c = byName.get(r.ceiling());
        double ceiling = c.headlineValue();
        return ceiling <= 0 ? 0 : Math.round(r.headlineValue() / ceiling * 1000) / 1000.0;
    }

    static void printTable(java.io.PrintWriter out, List<ScenarioResult> results) {
        Map<String, ScenarioResult> byName = byName(results);
        out.printf(Locale.ROOT, "%-17s %14s %-12s %-17s %6s  %s%n", "scenario", "rate", "unit", "ceiling", "ratio", "other figures");
        for (ScenarioResult r : results) {
            String others = r.figures().entrySet().stream().filter(e -> !e.getKey().equals(r.headline()))
                    .map(e -> e.getKey() + "=" + format(e.getValue())).collect(Collectors.joining(" "));
            out.printf(Locale.ROOT, "%-17s %14s %-12s %-17s %6.3f  %s%n", r.name(), format(r.figures().get(r.headline())), r.unit(),
                    r.isCeiling() ? "-" : r.ceiling(), ratio(r, byName), others);
        }
        out.flush();
    }

    static void writeJson(Path file, Map<String, Object> run, List<ScenarioResult> results) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Map<String, ScenarioResult> byName = byName(results);
        ObjectNode root = json.createObjectNode();
        root.set("run", json.valueToTree(run));
        ArrayNode scenarios = root.putArray("scenarios");
        for (ScenarioResult r : results) {
            ScenarioResult c = byName.get(r.ceiling());
            ObjectNode s = scenarios.addObject();
            s.put("scenario", r.name());
            s.put("headline", r.headline());
            s.put("unit", r.unit());
            s.set("figures", json.valueToTree(r.figures()));
            s.put("ceiling", r.ceiling());
            s.set("ceilingFigures", json.valueToTree(c.figures()));
            s.put("ratio", ratio(r, byName));
            s.put("goal", r.goal());
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        json.writeValue(file.toFile(), root);
    }

    private static Map<String, ScenarioResult> byName(List<ScenarioResult> results) {
        Map<String, ScenarioResult> m = new LinkedHashMap<>();
        results.forEach(r -> m.put(r.name(), r));
        return m;
    }

    private static String format(Number n) {
        if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            return d >= 100 ? String.format(Locale.ROOT, "%,.0f", d) : String.format(Locale.ROOT, "%.3g", d);
        }
        return String.format(Locale.ROOT, "%,d", n.longValue());
    }
}
