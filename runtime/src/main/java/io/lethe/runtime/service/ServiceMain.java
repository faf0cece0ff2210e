package io.lethe.runtime.service;

import io.lethe.runtime.config.ConfigException;
import io.lethe.runtime.config.Keys;
import io.lethe.runtime.config.LetheConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How every Lethe service runs as its own process: configuration from {@link Keys#DEFAULTS} and the
 * service's own defaults, then {@code LETHE_CONFIG_FILE}, then {@code LETHE_*} variables; start;
 * stop on SIGTERM (the JVM's shutdown hook closes the service, which finishes or rolls back what it
 * was doing); wait until then. A configuration error stops the process at once with exit code 2 and
 * a message naming the key and its variable, instead of a stack trace.
 */
public final class ServiceMain {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceMain.class);

    private ServiceMain() {
    }

    /**
     * Runs {@code start} with the environment's configuration until the JVM is asked to stop.
     *
     * @param name     the service's name, for logs and the shutdown thread
     * @param defaults the service's own defaults, on top of {@link Keys#DEFAULTS}
     */
    public static void run(String name, Map<String, String> defaults, Function<LetheConfig, ? extends AutoCloseable> start)
            throws InterruptedException {
        Map<String, String> all = new HashMap<>(Keys.DEFAULTS);
        all.putAll(defaults);
        AutoCloseable service;
        try {
            service = start.apply(LetheConfig.fromEnvironment(all));
        } catch (ConfigException e) {
            System.err.println(name + ": " + e.getMessage());
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("{} stopping", name);
            try {
                service.close();
            } catch (Exception e) {
                LOG.warn("{} did not stop cleanly: {}", name, e.toString());
            } finally {
                stopped.countDown();
            }
        }, name + "-shutdown"));
        stopped.await();
    }
}
