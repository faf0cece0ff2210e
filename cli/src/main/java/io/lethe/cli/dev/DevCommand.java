package io.lethe.cli.dev;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lethe dev}: the whole of Lethe on this machine until Ctrl-C. */
@Command(name = "dev", mixinStandardHelpOptions = true,
        description = "Start a local Kafka broker, PostgreSQL (seeded with a demo tenant) and all three services.")
public final class DevCommand implements Callable<Integer> {

    @Option(names = "--dir", description = "state directory (default: ${DEFAULT-VALUE})", defaultValue = ".lethe")
    Path dir;

    @Option(names = "--fresh", description = "delete the state directory first and start over")
    boolean fresh;

    @Option(names = "--customers", description = "customers to seed into the demo tenant (default: ${DEFAULT-VALUE})", defaultValue = "1000")
    int customers;

    @Option(names = "--api-port", defaultValue = "8080", description = "deletion-api port (default: ${DEFAULT-VALUE}; 0 = any free)")
    int apiPort;

    @Option(names = "--worker-port", defaultValue = "8081", description = "deletion-worker metrics/health port (default: ${DEFAULT-VALUE})")
    int workerPort;

    @Option(names = "--scanner-port", defaultValue = "8082", description = "retention-scanner metrics/health port (default: ${DEFAULT-VALUE})")
    int scannerPort;

    @Option(names = "--scan-interval", defaultValue = "PT5S", description = "retention scan interval (default: ${DEFAULT-VALUE})")
    Duration scanInterval;

    @Override
    public Integer call() throws Exception {
        long start = System.nanoTime();
        if (fresh) {
            deleteTree(dir);
        }
        DevEnvironment.Options o = DevEnvironment.Options.defaults(dir);
        DevEnvironment env = DevEnvironment.start(new DevEnvironment.Options(dir, o.tenant(), customers, apiPort, workerPort,
                scannerPort, scanInterval, o.topicPrefix(), null, null, o.jdbcUser(), o.jdbcPassword()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("lethe dev: stopping…");
            env.close();
            stopped.countDown();
        }, "lethe-dev-shutdown"));
        System.out.printf("%nLethe is ready in %.1f s.%n%n", (System.nanoTime() - start) / 1e9);
        env.devEnv().forEach((k, v) -> {
            if (!k.equals("LETHE_DEV_TOKEN")) {
                System.out.printf("  %-30s %s%n", k, v);
            }
        });
        System.out.printf("%nOpen the compliance console: %s%n  (dev sign-in: tenant demo, any user name, role compliance_admin)%n",
                env.consoleUrl());
        System.out.printf("%nDev token (tenant demo, roles compliance_admin,privacy_officer):%n%s%n", env.token());
        System.out.printf("%nSettings written to %s; try:%n  source %s%n"
                + "  curl -s -X POST $LETHE_API_URL/v1/deletion-requests -H \"Authorization: Bearer $LETHE_DEV_TOKEN\" "
                + "-H 'Content-Type: application/json' -d '{\"scope\":\"PROFILE\",\"customerId\":\"cust-000001\","
                + "\"reason\":\"CUSTOMER_REQUEST\",\"regulation\":\"GDPR\"}'%n%nCtrl-C stops everything.%n",
                dir.resolve("dev.env"), dir.resolve("dev.env"));
        stopped.await();
        return 0;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
