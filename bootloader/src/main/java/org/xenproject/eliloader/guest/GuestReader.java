package org.xenproject.eliloader.guest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.xenproject.eliloader.concurrent.OwnThread;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.error.MessageText;
import org.xenproject.eliloader.log.Log;

/**
 * Runs one of our readers of guest data in a child process as the {@link GuestUser}: this
 * program again ({@value #SUBCOMMAND}, a hidden subcommand), under {@link Confinement}, with the
 * disk opened here, as root, and given as its standard input, so a disk only root may read still
 * works and the child can reach nothing else of the host's. The child writes its findings as
 * lines on standard output (bounded here), starting with {@code uid N} as the kernel sees it; a
 * failure is its usual {@code RuntimeError: CODE} and sentence on standard error, rethrown here
 * with the same code.
 */
public final class GuestReader {
    /** The hidden subcommand the child runs. */
    public static final String SUBCOMMAND = "guest-read";
    static final String MAIN_CLASS = "org.xenproject.eliloader.cli.Main";
    /** A reader's findings are a few lines; more is not an answer. */
    static final int MAX_OUTPUT = 256 * 1024;
    /** JVM flags for a short run in a 1 GiB address space. */
    static final List<String> JVM_FLAGS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xms8m", "-Xmx64m",
            "-Xss512k", "-XX:-UsePerfData", "-XX:ReservedCodeCacheSize=16m", "-XX:CompressedClassSpaceSize=32m",
            "-XX:MaxMetaspaceSize=64m", "-Xshare:auto", "-Xlog:disable", "-Xlog:all=error:stderr");

    private GuestReader() {
    }

    /**
     * Runs {@code guest-read KIND ARGS} as {@code user} with {@code disk} as its input and returns
     * its output lines after the {@code uid} line.
     *
     * @param what for the log and messages, e.g. "the partition table"
     */
    public static List<String> run(GuestUser user, Path disk, String what, String kind, List<String> args,
            Duration timeout) {
        ProcessBuilder builder = builder(user, disk, kind, args, Math.max(1, timeout.toSeconds() + 1));
        long started = System.nanoTime();
        Process process = launch(builder, what, disk);
        CompletableFuture<byte[]> stderr = OwnThread.supply("guest-reader-stderr", () -> drain(process.getErrorStream()));
        byte[] stdout;
        try {
            stdout = drain(process.getInputStream());
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                Confinement.destroyTree(process);
                throw BootloaderException.limits("Reading " + what + " of " + disk + " did not finish within "
                        + Math.max(1, timeout.toSeconds()) + " seconds and was stopped.");
            }
            byte[] err = stderr.get(5, TimeUnit.SECONDS);
            int status = process.exitValue();
            if (status != 0) {
                throw failure(disk, what, status, err);
            }
            if (stdout.length >= MAX_OUTPUT) {
                throw BootloaderException.limits("Reading " + what + " of " + disk + " gave more than " + MAX_OUTPUT
                        + " bytes of findings.");
            }
        } catch (InterruptedException e) {
            Confinement.destroyTree(process);
            Thread.currentThread().interrupt();
            throw BootloaderException.internal("Interrupted while reading " + what + " of " + disk + ".", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
                | UncheckedIOException e) {
            Confinement.destroyTree(process);
            throw BootloaderException.internal("Cannot read what the reader of " + what + " printed: " + e.getMessage(),
                    e);
        }
        List<String> lines = new ArrayList<>(Arrays.asList(new String(stdout, StandardCharsets.UTF_8).split("\n")));
        if (lines.isEmpty() || !lines.get(0).startsWith("uid ")) {
            throw BootloaderException.internal("The reader of " + what + " of " + disk + " did not say who it ran as.",
                    null);
        }
        String uid = lines.remove(0).substring(4).strip();
        Log.info("read guest disk " + disk + " (" + what + ") as uid " + uid + " in "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms");
        if (!uid.equals(Integer.toString(user.uid()))) {
            throw BootloaderException.internal("The reader of " + what + " ran as uid " + uid + ", not as " + user + ".",
                    null);
        }
        lines.removeIf(String::isEmpty);
        return lines;
    }

    /** A reader that keeps running, serving its parent (see {@link #start}); closing it kills it. */
    public record Child(Process process, String uid) implements AutoCloseable {
        @Override
        public void close() {
            Confinement.destroyTree(process);
        }
    }

    /**
     * Starts {@code guest-read KIND ARGS} as {@code user} with {@code disk} as its input, and waits
     * (at most {@code startTimeout}) for it to print {@code uid N} and {@code ready}: a reader that
     * serves requests until it is closed. A failure before that is the child's own error.
     */
    public static Child start(GuestUser user, Path disk, String what, String kind, List<String> args,
            Duration startTimeout, long cpuSeconds) {
        ProcessBuilder builder = builder(user, disk, kind, args, cpuSeconds);
        long started = System.nanoTime();
        Process process = launch(builder, what, disk);
        CompletableFuture<byte[]> stderr = OwnThread.supply("guest-reader-stderr", () -> drain(process.getErrorStream()));
        CompletableFuture<String> ready = OwnThread.supply("guest-reader-ready", () -> {
            try {
                java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(
                        process.getInputStream(), StandardCharsets.UTF_8), 256);
                String uid = lines.readLine();
                String go = lines.readLine();
                return uid != null && uid.startsWith("uid ") && "ready".equals(go) ? uid.substring(4).strip() : null;
            } catch (IOException e) {
                return null;
            }
        });
        String uid;
        try {
            uid = ready.get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            Confinement.destroyTree(process);
            throw BootloaderException.limits("The reader of " + what + " of " + disk + " did not start within "
                    + Math.max(1, startTimeout.toSeconds()) + " seconds and was stopped.");
        } catch (InterruptedException e) {
            Confinement.destroyTree(process);
            Thread.currentThread().interrupt();
            throw BootloaderException.internal("Interrupted while starting the reader of " + what + ".", e);
        } catch (java.util.concurrent.ExecutionException e) {
            uid = null;
        }
        if (uid == null) {
            try {
                process.waitFor(5, TimeUnit.SECONDS);
                byte[] err = stderr.get(5, TimeUnit.SECONDS);
                int status = process.isAlive() ? -1 : process.exitValue();
                Confinement.destroyTree(process);
                throw failure(disk, what, status, err);
            } catch (InterruptedException | java.util.concurrent.ExecutionException
                    | java.util.concurrent.TimeoutException e) {
                Confinement.destroyTree(process);
                throw BootloaderException.internal("The reader of " + what + " of " + disk + " did not start.", e);
            }
        }
        Log.info("reading guest disk " + disk + " (" + what + ") as uid " + uid + ", started in "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms");
        if (!uid.equals(Integer.toString(user.uid()))) {
            Confinement.destroyTree(process);
            throw BootloaderException.internal("The reader of " + what + " runs as uid " + uid + ", not as " + user + ".",
                    null);
        }
        return new Child(process, uid);
    }

    /**
     * {@code prlimit … setpriv … java … Main guest-read KIND ARGS}: no file may be written, the disk
     * (opened here, as root) is the standard input, the working directory is {@code /} and the
     * environment holds nothing of ours.
     */
    private static ProcessBuilder builder(GuestUser user, Path disk, String kind, List<String> args, long cpuSeconds) {
        List<String> command = new ArrayList<>(Confinement.prefix(user, 0, cpuSeconds));
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_FLAGS);
        command.addAll(List.of("-cp", classPath(), MAIN_CLASS, SUBCOMMAND, kind));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(Path.of("/").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(disk.toFile()));
        builder.environment().clear();
        builder.environment().put("LANG", "C.UTF-8");
        return builder;
    }

    /** The child's own error line, with its code; a signal (CPU time, memory) is a limit. */
    private static BootloaderException failure(Path disk, String what, int status, byte[] stderr) {
        String[] lines = new String(stderr, StandardCharsets.UTF_8).split("\n");
        for (int i = 0; i + 1 < lines.length; i++) {
            if (lines[i].startsWith("RuntimeError: ")) {
                ErrorCode code;
                try {
                    code = ErrorCode.valueOf(lines[i].substring("RuntimeError: ".length()).strip());
                } catch (IllegalArgumentException e) {
                    code = ErrorCode.INTERNAL_ERROR;
                }
                return new BootloaderException(code, MessageText.printable(lines[i + 1], 600));
            }
        }
        if (status > 128) {
            return BootloaderException.limits("Reading " + what + " of " + disk + " was stopped by signal "
                    + (status - 128) + " (its CPU time or memory limit).");
        }
        return BootloaderException.internal("Reading " + what + " of " + disk + " failed with status " + status + ": "
                + MessageText.printable(new String(stderr, StandardCharsets.UTF_8).strip(), 300), null);
    }

    /** Where this program's classes are (the jar, or a classes directory in a build), for the child. */
    static String classPath() {
        try {
            return Path.of(GuestReader.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException | RuntimeException e) {
            return System.getProperty("java.class.path");
        }
    }

    private static Process launch(ProcessBuilder builder, String what, Path disk) {
        try {
            return builder.start();
        } catch (IOException e) {
            throw BootloaderException.invalidSource("Cannot read " + what + " of " + disk + ": " + e.getMessage(), e);
        }
    }

    private static byte[] drain(InputStream in) {
        return ChildOutput.drain(in, MAX_OUTPUT);
    }

    /** In the child: the uid the kernel says this process runs as, from {@code /proc/self/status}. */
    public static String ownUid() {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
                if (line.startsWith("Uid:")) {
                    return line.substring(4).strip().split("\\s+")[1]; // the effective uid
                }
            }
        } catch (IOException e) {
            // below
        }
        return "unknown";
    }
}
