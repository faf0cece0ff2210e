package io.lethe.cli.audit;

import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code lethe audit}: answers, from the audit topic alone, what happened to deletion
 * requests and whether they were really carried out, and ({@code recheck}) whether erased data
 * stayed erased. Read-only except {@code recheck --erase}, which publishes new deletion requests;
 * it joins no consumer group, so it can run against production at any time.
 *
 * <p>The environment and working directory are constructor parameters so that tests can
 * run the commands without the process environment leaking in.
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Replay, verify, report on and recheck the audit topic (<prefix>audit).",
        subcommands = {ReplayCommand.class, VerifyCommand.class, ReportCommand.class, RecheckCommand.class})
public final class AuditCommand implements Runnable {

    private final Map<String, String> env;
    private final Path workDir;

    @Spec
    CommandSpec spec;

    public AuditCommand() {
        this(System.getenv(), Path.of("").toAbsolutePath());
    }

    public AuditCommand(Map<String, String> env, Path workDir) {
        this.env = Map.copyOf(env);
        this.workDir = workDir;
    }

    Map<String, String> env() {
        return env;
    }

    Path workDir() {
        return workDir;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "choose a subcommand: replay, verify, report or recheck");
    }
}
