package io.lethe.localstack;

import java.util.concurrent.TimeUnit;

/** Stopping a child process the way every part of the local stack and the fault harness does. */
public final class Processes {

    private Processes() {
    }

    /** SIGTERM, then SIGKILL if it has not ended within 30 s; waits up to 10 s more for it to go. */
    public static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
