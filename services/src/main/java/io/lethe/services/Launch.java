package io.lethe.services;

import java.util.Arrays;
import java.util.Map;

/**
 * Entry point of {@code lethe-services.jar}: {@code java -jar lethe-services.jar <service>} starts
 * one service ({@code deletion-api}, {@code deletion-worker} or {@code retention-scanner}),
 * configured from {@code LETHE_*} variables. {@code java -cp lethe-services.jar <main class>} works too.
 */
public final class Launch {

    /** Service name → its main class. */
    static final Map<String, String> SERVICES = Map.of(
            "deletion-api", "io.lethe.api.Main",
            "deletion-worker", "io.lethe.worker.DeletionWorker",
            "retention-scanner", "io.lethe.scanner.RetentionScanner");

    private Launch() {
    }

    public static void main(String[] args) throws Exception {
        String main = args.length == 0 ? null : SERVICES.get(args[0]);
        if (main == null) {
            System.err.println("usage: java -jar lethe-services.jar deletion-api|deletion-worker|retention-scanner"
                    + (args.length == 0 ? "" : " (not " + args[0] + ")"));
            System.exit(2);
        }
        Class.forName(main).getMethod("main", String[].class).invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    }
}
