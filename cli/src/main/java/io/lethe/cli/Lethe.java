package io.lethe.cli;

import io.lethe.cli.audit.AuditCommand;
import io.lethe.cli.bench.BenchCommand;
import io.lethe.cli.chaos.ChaosCommand;
import io.lethe.cli.datamap.DataMapCommand;
import io.lethe.cli.dev.DevCommand;
import io.lethe.cli.dev.DevTokenCommand;
import io.lethe.cli.seed.BackfillActivityCommand;
import io.lethe.cli.seed.SeedCommand;
import io.lethe.runtime.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lethe} command. */
@Command(name = "lethe", mixinStandardHelpOptions = true, version = "lethe 0.1.0",
        description = "Privacy deletions and data retention on Apache Kafka.",
        subcommands = {DevCommand.class, DevTokenCommand.class, SeedCommand.class, BackfillActivityCommand.class,
                AuditCommand.class, DataMapCommand.class, BenchCommand.class, ChaosCommand.class})
public final class Lethe implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Lethe());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException || e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
                cmd.getErr().println("lethe: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cl;
    }

    public static void main(String[] args) {
        // lethe dev returns only after its shutdown hook stopped everything
        System.exit(commandLine().execute(args));
    }
}
