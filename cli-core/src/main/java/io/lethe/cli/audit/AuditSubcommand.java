package io.lethe.cli.audit;

import io.lethe.runtime.config.ConfigException;
import io.lethe.runtime.kafka.KafkaSettings;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * What the audit subcommands share: connection options, the streams (results on stdout,
 * progress and problems on stderr), and the exit codes 0 (fine), 1 (findings), 2 (usage or
 * connection problem, with a message).
 */
abstract class AuditSubcommand implements Callable<Integer> {

    static final int OK = 0;
    static final int FINDINGS = 1;
    static final int USAGE = CommandLine.ExitCode.USAGE;

    @ParentCommand
    AuditCommand audit;

    @Mixin
    ConnectionOptions connection;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() {
        try {
            return run(connection.settings(audit.env(), audit.workDir()));
        } catch (AuditException | ConfigException e) {
            err().println("audit " + spec.name() + ": " + e.getMessage());
            err().flush();
            return USAGE;
        }
    }

    abstract int run(KafkaSettings settings);

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
