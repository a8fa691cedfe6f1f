package org.xenproject.eliloader.testpeers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server process started from an argument list (never a shell line), its output in a log
 * file, stopped by PID: SIGTERM to it and every descendant (per-connection workers), then SIGKILL
 * to whatever is left after a grace period. It runs in a session of its own ({@code setsid}
 * execs it, so the PID is the server's): smbd, for one, signals its whole process group when it
 * stops, which would otherwise take the test JVM and Maven with it.
 */
final class Daemon implements AutoCloseable {
    private static final String SETSID = "/usr/bin/setsid";
    private final String name;
    private final Process process;
    private final Path log;

    private Daemon(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code command}; fails loudly if the program is missing or exits at once. */
    static Daemon start(String name, List<String> command, Path log) {
        try {
            Files.createDirectories(log.getParent());
            List<String> argv = new java.util.ArrayList<>();
            if (Files.isExecutable(Path.of(SETSID))) {
                argv.add(SETSID); // execs the server as leader of its own session: its signals cannot reach us
            }
            argv.addAll(command);
            Process process = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            return new Daemon(name, process, log);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name + " (" + command.get(0)
                    + "); run scripts/setup to install it", e);
        }
    }

    /** Waits until it listens on 127.0.0.1:port, or stops it and fails with its log. */
    void awaitListening(int port) {
        try {
            Ports.awaitListening(port, Duration.ofSeconds(15), process);
        } catch (IllegalStateException e) {
            close();
            throw new IllegalStateException(name + " did not start: " + e.getMessage() + "\n--- " + log + ":\n"
                    + logText(), e);
        }
    }

    long pid() {
        return process.pid();
    }

    /** Every process it forked, directly or not (per-session workers and their helpers). */
    List<ProcessHandle> descendants() {
        return process.descendants().toList();
    }

    String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        descendants.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle handle : descendants) {
            try {
                handle.onExit().get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                handle.destroyForcibly();
            }
        }
    }
}
