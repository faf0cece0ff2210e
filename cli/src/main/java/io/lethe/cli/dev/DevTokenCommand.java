package io.lethe.cli.dev;

import io.lethe.api.auth.DevKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lethe dev-token}: mints a JWT signed by the dev key that {@code lethe dev} created.
 * Refuses to run without that key: it never creates one, and production APIs never trust it.
 */
@Command(name = "dev-token", mixinStandardHelpOptions = true, description = "Mint a development JWT for the local API.")
public final class DevTokenCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--tenant", required = true, description = "tenant claim")
    String tenant;

    @Option(names = "--roles", required = true, split = ",",
            description = "roles: compliance_admin, privacy_officer, legal_counsel, auditor, service")
    List<String> roles;

    @Option(names = "--sub", defaultValue = "dev-user", description = "subject claim (default: ${DEFAULT-VALUE})")
    String subject;

    @Option(names = "--ttl", defaultValue = "PT1H", description = "lifetime (default: ${DEFAULT-VALUE})")
    Duration ttl;

    @Option(names = "--dir", defaultValue = ".lethe", description = "lethe dev state directory (default: ${DEFAULT-VALUE})")
    Path dir;

    static final List<String> ROLES = List.of("compliance_admin", "privacy_officer", "legal_counsel", "auditor", "service");

    @Override
    public Integer call() {
        Path keys = dir.resolve("dev-keys");
        if (!Files.isDirectory(keys)) {
            spec.commandLine().getErr().println("lethe dev-token: no dev key in " + keys + "; run ./lethe dev first");
            return 2;
        }
        for (String r : roles) {
            if (!ROLES.contains(r)) {
                spec.commandLine().getErr().println("lethe dev-token: unknown role '" + r + "' (known: " + String.join(", ", ROLES) + ")");
                return 2;
            }
        }
        spec.commandLine().getOut().println(DevKeys.loadOrCreate(keys).mint(tenant, roles, subject, ttl));
        return 0;
    }
}
