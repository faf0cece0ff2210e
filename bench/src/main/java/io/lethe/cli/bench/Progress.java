package io.lethe.cli.bench;

import java.io.PrintStream;
import java.util.Locale;

/** Progress lines on stderr, each prefixed with the seconds since the run started. */
final class Progress {

    private final PrintStream err;
    private final long started = System.nanoTime();

    Progress(PrintStream err) {
        this.err = err;
    }

    void say(String format, Object... args) {
        double s = (System.nanoTime() - started) / 1e9;
        err.printf(Locale.ROOT, "[%6.1fs] %s%n", s, String.format(Locale.ROOT, format, args));
        err.flush();
    }
}
