package org.xenproject.eliloader.log;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The run's log. Lines go to syslog (the journal on current dom0s) through {@code logger}, in
 * one batch at the end of the run so that a boot pays for at most one short process; Java has
 * no datagram unix sockets for /dev/log. With {@code --debug} they are also echoed to stderr.
 * Callers must never log passwords.
 */
public final class Log {
    private static final List<String> LINES = new ArrayList<>();
    private static boolean echo;

    private Log() {
    }

    public static void echoToStderr(boolean on) {
        echo = on;
    }

    public static synchronized void info(String message) {
        LINES.add(message);
        if (echo) {
            System.err.println("eliloader: " + message);
        }
    }

    /** Sends the collected lines to syslog when a logger is available; never fails the run. */
    public static synchronized void flush() {
        if (LINES.isEmpty() || "0".equals(System.getenv("ELILOADER_SYSLOG"))) {
            LINES.clear();
            return;
        }
        Path logger = Path.of("/usr/bin/logger");
        if (!Files.isExecutable(logger) || !Files.exists(Path.of("/dev/log"))) {
            LINES.clear();
            return;
        }
        try {
            Process process = new ProcessBuilder(logger.toString(), "-t", "eliloader", "-p", "user.info")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            try (OutputStream in = process.getOutputStream()) {
                for (String line : LINES) {
                    in.write((line.replace('\n', ' ') + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
            process.waitFor(2, TimeUnit.SECONDS);
        } catch (IOException e) {
            // no syslog is not a reason to fail a VM start
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            LINES.clear();
        }
    }
}
