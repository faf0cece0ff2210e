package io.lethe.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a broker or database left running by a previous process that was killed
 * ({@code kill -9} runs no shutdown hook), so that a restart on the same data directory can
 * take its ports and locks. Only a process whose command line names that data directory
 * is touched.
 */
final class Orphans {

    private static final Logger LOG = LoggerFactory.getLogger(Orphans.class);

    private Orphans() {
    }

    static void stop(Path pidFile, String mustMention) {
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
        } catch (IOException | RuntimeException e) {
            return;
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive() || pid == ProcessHandle.current().pid()) {
            return;
        }
        String cmd = handle.get().info().commandLine().orElse("");
        if (!cmd.contains(mustMention)) {
            return;
        }
        LOG.warn("stopping process {} left over from a previous run on {}", pid, mustMention);
        handle.get().destroy();
        try {
            handle.get().onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            handle.get().destroyForcibly();
        }
    }
}
