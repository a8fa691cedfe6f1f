package org.xenproject.eliloader.log;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.xenproject.eliloader.error.MessageText;
import org.xenproject.eliloader.error.Secrets;

/**
 * The run's log. Lines go to syslog (the journal on current dom0s) through {@code logger}, in
 * one batch at the end of the run so that a boot pays for at most one short process; Java has
 * no datagram unix sockets for /dev/log. With {@code --debug} they are also echoed to stderr.
 * Callers must never log passwords. {@code ELILOADER_SYSLOG=0} in the run's environment (the one
 * given to {@code Main.run}, not the process's) keeps the lines out of syslog.
 */
public final class Log {
    private static final List<String> LINES = new ArrayList<>();
    private static boolean echo;
    /** A syslog line longer than this is cut: outside text quoted in it is bounded anyway. */
    static final int MAX_LINE = 2000;
    static final Path LOGGER = Path.of("/usr/bin/logger");
    static final Path SYSLOG_SOCKET = Path.of("/dev/log");
    private static Path logger = LOGGER;
    private static Path syslogSocket = SYSLOG_SOCKET;

    private Log() {
    }

    public static void echoToStderr(boolean on) {
        echo = on;
    }

    /** Adds a line to the log; secrets are masked and the line is bounded ({@code Secrets}, {@code MessageText}). */
    public static synchronized void info(String message) {
        message = MessageText.printable(Secrets.mask(message), MAX_LINE);
        LINES.add(message);
        if (echo) {
            System.err.println("eliloader: " + message);
        }
    }

    /** For tests: the logger program and the socket whose presence says syslog is there. */
    static synchronized void sendThrough(Path loggerProgram, Path socket) {
        logger = loggerProgram;
        syslogSocket = socket;
    }

    /**
     * Sends the collected lines to syslog when a logger is available, unless {@code environment}
     * (the run's) holds {@code ELILOADER_SYSLOG=0}; never fails the run.
     */
    public static synchronized void flush(Map<String, String> environment) {
        if (LINES.isEmpty() || "0".equals(environment.get("ELILOADER_SYSLOG"))) {
            LINES.clear();
            return;
        }
        if (!Files.isExecutable(logger) || !Files.exists(syslogSocket)) {
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
