package org.xenproject.eliloader.round.pygrub;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.log.Log;

/**
 * Runs the host's pygrub. Always with an argument vector (never through a shell), stdin from
 * {@code /dev/null}, and both outputs captured. pygrub is a Python program: a failure
 * ends it with exit status 1 and either a traceback whose last line is
 * {@code RuntimeError: MESSAGE} or a plain {@code sys.exit(MESSAGE)} line on stderr.
 */
public final class Pygrub {
    /** Generous: pygrub reads a few MiB through libfsimage, which takes well under a second. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);
    /** More output than this is not an answer; the rest is read and dropped so pygrub never blocks. */
    static final int CAPTURE_LIMIT = 1 << 20;

    private final Path executable;
    private final Duration timeout;

    public Pygrub(Path executable, Duration timeout) {
        this.executable = executable;
        this.timeout = timeout;
    }

    public Pygrub(Path executable) {
        this(executable, DEFAULT_TIMEOUT);
    }

    public Path executable() {
        return executable;
    }

    /** One finished pygrub run. */
    public record Outcome(List<String> command, int exitStatus, byte[] stdout, byte[] stderr) {
        public boolean succeeded() {
            return exitStatus == 0;
        }

        /** pygrub's own one-line account of a failure (see {@link PygrubMessages#failure}). */
        public String message() {
            return PygrubMessages.failure(stdout, stderr, exitStatus);
        }
    }

    /**
     * Runs {@code pygrub ARGS}. Fails only when pygrub cannot be started or does not finish;
     * a non-zero exit status is an {@link Outcome} for the caller to judge.
     */
    public Outcome run(List<String> args) {
        List<String> command = new ArrayList<>(args.size() + 1);
        command.add(executable.toString());
        command.addAll(args);
        Log.info("running " + String.join(" ", command));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw BootloaderException.supportPackageMissing("pygrub cannot be run from " + executable + " ("
                    + e.getMessage() + "); install it there or name it with --pygrub=PATH or ELILOADER_PYGRUB.");
        }
        CompletableFuture<byte[]> stderr = CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()));
        byte[] stdout;
        try {
            stdout = drain(process.getInputStream());
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                throw BootloaderException.internal("pygrub (" + executable + ") did not finish within "
                        + timeout.toSeconds() + " seconds and was stopped.", null);
            }
            Outcome outcome = new Outcome(List.copyOf(command), process.exitValue(), stdout,
                    stderr.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
            Log.info("pygrub exit status " + outcome.exitStatus()
                    + (outcome.succeeded() ? "" : ": " + PygrubMessages.oneLine(outcome.stderr())));
            return outcome;
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw BootloaderException.internal("Interrupted while pygrub was running.", e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException | UncheckedIOException e) {
            process.destroyForcibly();
            throw BootloaderException.internal("Cannot read what pygrub printed: " + e.getMessage(), e);
        }
    }

    private static byte[] drain(InputStream in) {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                int room = CAPTURE_LIMIT - kept.size();
                if (room > 0) {
                    kept.write(buffer, 0, Math.min(room, n));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return kept.toByteArray();
    }
}
