package io.lethe.api;

import io.lethe.runtime.config.LetheConfig;
import io.lethe.runtime.service.ServiceMain;

/**
 * Runs the API as its own process: config from defaults, {@code LETHE_CONFIG_FILE} and {@code LETHE_*}; stops on SIGTERM.
 *
 * <p>This is the production entry point, so it refuses the dev signing keys
 * ({@code auth.dev.key.dir}) unless {@code auth.dev.mode=true} says, in so many words, that this
 * process is not production (the fault harness does). {@code lethe dev} starts the API in-process
 * and does not come through here.
 */
public final class Main {

    private Main() {
    }

    static final String DEV_MODE = "auth.dev.mode";

    /** The configuration, unless it would let tokens minted with the dev keys in without {@code auth.dev.mode=true}. */
    static LetheConfig checked(LetheConfig config) {
        if (config.optString("auth.dev.key.dir").isPresent() && !(config.optString(DEV_MODE).isPresent() && config.bool(DEV_MODE))) {
            throw LetheConfig.invalid("auth.dev.key.dir", config.string("auth.dev.key.dir"),
                    "no dev signing keys in a deployed API: configure auth.jwks.url or auth.public.key.file, or set "
                            + LetheConfig.envName(DEV_MODE) + "=true where this is not production");
        }
        return config;
    }

    public static void main(String[] args) throws InterruptedException {
        ServiceMain.run(DeletionApi.SERVICE, DeletionApi.DEFAULTS, config -> DeletionApi.start(checked(config)));
    }
}
