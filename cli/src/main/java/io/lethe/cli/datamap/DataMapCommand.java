package io.lethe.cli.datamap;

import io.lethe.cli.CliConfig;
import io.lethe.cli.StoreOptions;
import io.lethe.runtime.config.Keys;
import io.lethe.runtime.config.LetheConfig;
import io.lethe.store.CustomerStore;
import io.lethe.store.datamap.DataMap;
import io.lethe.store.datamap.DataMapMarkdown;
import io.lethe.store.datamap.SchemaCheck;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lethe datamap}: prints the customer store's data map (the record of processing), or with
 * {@code --check} compares it with a live database's schema, as the build does with the migrated one.
 */
@Command(name = "datamap", mixinStandardHelpOptions = true,
        description = {"Print the data map of the customer store: every table and column, its classification, "
                + "the data type that erases it, and the blobs. docs/data-map.md is this command's markdown output.",
                "With --check: compare the map with the schema of the database at --jdbc.",
                "Exit codes: 0 printed (or schema matches), 1 the schema and the map differ (listed), 2 usage or connection error."})
public final class DataMapCommand implements Callable<Integer> {

    enum Format { markdown, json }

    @Spec
    CommandSpec spec;

    @Option(names = "--format", defaultValue = "markdown", description = "markdown or json (default: ${DEFAULT-VALUE})")
    Format format;

    @Option(names = "--check", description = "compare the map with the live schema instead of printing it")
    boolean check;

    @Mixin
    StoreOptions store;

    @Option(names = "--map", paramLabel = "FILE",
            description = "another store's data map in the same JSON format (default: the built-in customer store's)")
    Path mapFile;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DataMap map;
        try {
            map = mapFile == null ? DataMap.builtIn() : read(mapFile);
        } catch (IOException | IllegalArgumentException e) {
            err.println("datamap: " + mapFile + ": " + e.getMessage());
            err.flush();
            return CommandLine.ExitCode.USAGE;
        }
        if (!check) {
            out.print(format == Format.json ? map.toJson()
                    : DataMapMarkdown.render(map, mapFile == null ? DataMap.BUILT_IN_SOURCE : mapFile.toString()));
            out.flush();
            return 0;
        }
        LetheConfig config = CliConfig.load(store.into(new HashMap<>()));
        if (config.optString(Keys.JDBC_URL).isEmpty()) {
            err.println("datamap: no database: pass --jdbc or set LETHE_JDBC_URL");
            err.flush();
            return CommandLine.ExitCode.USAGE;
        }
        List<String> problems;
        try (CustomerStore store = CliConfig.store(config); Connection c = store.dataSource().getConnection()) {
            problems = SchemaCheck.problems(map, c);
        } catch (SQLException | RuntimeException e) {
            err.println("datamap: cannot read the schema at " + config.string(Keys.JDBC_URL) + ": " + e.getMessage());
            err.flush();
            return CommandLine.ExitCode.USAGE;
        }
        if (problems.isEmpty()) {
            out.println("OK: the schema at " + config.string(Keys.JDBC_URL) + " matches the data map of " + map.store());
            out.flush();
            return 0;
        }
        out.println("FAILED: " + problems.size() + " difference(s) between the schema and the data map");
        problems.forEach(out::println);
        out.flush();
        return 1;
    }

    private static DataMap read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return DataMap.read(in);
        }
    }
}
