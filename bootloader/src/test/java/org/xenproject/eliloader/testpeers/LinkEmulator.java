package org.xenproject.eliloader.testpeers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.xenproject.eliloader.testsupport.ProjectPaths;

/**
 * The project's TCP link emulator ({@code scripts/tools/linkem.c}, built here with {@code cc})
 * between a client and a real server on 127.0.0.1: every byte waits for the emulated link's rate
 * and delay. The kernel here has no netem; this is how a test puts a slow link in front of a
 * server that cannot throttle itself (an FTP control connection, for one).
 */
public final class LinkEmulator implements AutoCloseable {
    private final Daemon daemon;
    private final int port;

    private LinkEmulator(Daemon daemon, int port) {
        this.daemon = daemon;
        this.port = port;
    }

    /** A link to 127.0.0.1:{@code targetPort} of {@code megabitsPerSecond}, {@code oneWayMicros} each way. */
    public static LinkEmulator to(int targetPort, long oneWayMicros, double megabitsPerSecond, Path workDir) {
        Path binary = build(workDir);
        int port = Ports.free();
        Daemon daemon = Daemon.start("linkem", List.of(binary.toString(), Integer.toString(port),
                Integer.toString(targetPort), Long.toString(oneWayMicros), Double.toString(megabitsPerSecond)),
                workDir.resolve("linkem.log"));
        daemon.awaitListening(port);
        return new LinkEmulator(daemon, port);
    }

    private static Path build(Path workDir) {
        Path binary = workDir.toAbsolutePath().resolve("linkem");
        try {
            Files.createDirectories(workDir);
            Process cc = new ProcessBuilder("cc", "-O2", "-o", binary.toString(),
                    ProjectPaths.scripts().resolve("tools/linkem.c").toString()).redirectErrorStream(true).start();
            String output = new String(cc.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!cc.waitFor(60, TimeUnit.SECONDS) || cc.exitValue() != 0) {
                throw new IllegalStateException("cannot build linkem (scripts/setup installs gcc): " + output);
            }
            return binary;
        } catch (IOException e) {
            throw new IllegalStateException("cannot build linkem (scripts/setup installs gcc)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building linkem", e);
        }
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        daemon.close();
    }
}
