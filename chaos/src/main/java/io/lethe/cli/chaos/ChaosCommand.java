package io.lethe.cli.chaos;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lethe chaos}: the fault run of {@link ChaosRun} on a fresh local broker and database
 * (nothing of {@code lethe dev} is touched). Prints the results table (Markdown) on stdout and
 * exits 0 when every check held, 1 otherwise. Takes about ten minutes for 5,000 requests.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = "Run deletions under real faults (kill -9, broker and database outages, SIGSTOP) and check every outcome.")
public final class ChaosCommand implements Callable<Integer> {

    @Option(names = "--requests", defaultValue = "5000", description = "deletion requests to submit (default ${DEFAULT-VALUE})")
    int requests;

    @Option(names = "--dir", description = "where broker, database, blobs, state and service logs go (default: a new temp dir)")
    Path dir;

    @Option(names = "--quick", description = "one worker kill and one database outage only (the scenario the test suite runs)")
    boolean quick;

    @Option(names = "--schema-registry", description = "run a local schema registry (Apicurio): every service writes the "
            + "Confluent wire format")
    boolean schemaRegistry;

    @Override
    public Integer call() throws Exception {
        Path where = dir != null ? dir : Files.createTempDirectory("lethe-chaos-");
        ChaosRun.Options o = quick ? ChaosRun.Options.quick(where, requests, System.err)
                : ChaosRun.Options.full(where, requests, System.err);
        if (schemaRegistry) {
            o = o.withSchemaRegistry();
        }
        ChaosReport r = ChaosRun.run(o);
        System.out.println(r.table());
        System.out.println(r.passed() ? "PASSED" : "FAILED: " + r.problems().size() + " problems (first: " + r.problems().get(0) + ")");
        System.out.println("service logs: " + where);
        return r.passed() ? 0 : 1;
    }
}
