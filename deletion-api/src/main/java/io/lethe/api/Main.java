package io.lethe.api;

import io.lethe.runtime.config.Keys;
import io.lethe.runtime.config.LetheConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** Runs the API as its own process: config from defaults, {@code LETHE_CONFIG_FILE} and {@code LETHE_*}; stops on SIGTERM. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> defaults = new HashMap<>(Keys.DEFAULTS);
        defaults.putAll(DeletionApi.DEFAULTS);
        DeletionApi api = DeletionApi.start(LetheConfig.fromEnvironment(defaults));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            api.close();
            stopped.countDown();
        }, "lethe-api-shutdown"));
        stopped.await();
    }
}
