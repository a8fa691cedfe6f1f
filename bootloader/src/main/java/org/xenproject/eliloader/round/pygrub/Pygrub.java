package org.xenproject.eliloader.round.pygrub;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.xenproject.eliloader.concurrent.Deadline;
import org.xenproject.eliloader.concurrent.OwnThread;
import org.xenproject.eliloader.config.BootFileLimits;
import org.xenproject.eliloader.config.Setting;
import org.xenproject.eliloader.config.Settings;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.guest.ChildOutput;
import org.xenproject.eliloader.guest.Confinement;
import org.xenproject.eliloader.guest.GuestUser;
import org.xenproject.eliloader.log.Log;
import org.xenproject.eliloader.round.CallerRequest;
import org.xenproject.eliloader.round.InstallContext;

/**
 * Runs the host's pygrub. Always with an argument vector (never through a shell), stdin from
 * {@code /dev/null}, and both outputs captured. pygrub is a Python program: a failure
 * ends it with exit status 1 and either a traceback whose last line is
 * {@code RuntimeError: MESSAGE} or a plain {@code sys.exit(MESSAGE)} line on stderr.
 *
 * <p>For a round ({@link #forRound}) pygrub reads guest data confined: with the run's
 * {@link GuestUser} it gets {@code --runas=UID} (its XSA-443 mode: it opens the disk as root,
 * then drops to UID in a chroot of its own); under {@code prlimit} with a file-size limit just
 * over the larger of the two boot-file limits (pygrub's own {@code --runas} mode lowers it to
 * 128 MiB), an address-space and a CPU-time limit; while it runs, the files it extracts are
 * watched and it is stopped as soon as one passes its own limit, so a sparse 1 GiB kernel in a
 * small image never becomes more than a few MiB on dom0; and every run of the action shares one
 * {@link Deadline} ({@code guest-probe-timeout}), after which pygrub and its children are killed.
 */
public final class Pygrub {
    /** Generous: pygrub reads a few MiB through libfsimage, which takes well under a second. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);
    /** More output than this is not an answer; the rest is read and dropped so pygrub never blocks. */
    static final int CAPTURE_LIMIT = 1 << 20;
    /** How often the files pygrub extracts are measured while it runs. */
    static final long WATCH_MILLIS = 10;
    static final String KERNEL_PREFIX = "boot_kernel.";
    static final String RAMDISK_PREFIX = "boot_ramdisk.";

    private final Path executable;
    private final Duration timeout;
    private final GuestUser user;
    private final BootFileLimits limits;
    private final Deadline deadline;
    private final String disk;
    /** Who our own readers of this disk run as (pygrub may still run as root, see {@link #forRound}). */
    private final GuestUser reader;

    private Pygrub(Path executable, Duration timeout, GuestUser user, BootFileLimits limits, Deadline deadline,
            String disk, GuestUser reader) {
        this.reader = reader;
        this.executable = executable;
        this.timeout = timeout;
        this.user = user;
        this.limits = limits;
        this.deadline = deadline;
        this.disk = disk;
    }

    public Pygrub(Path executable, Duration timeout) {
        this(executable, timeout, null, null, null, null, null);
    }

    public Pygrub(Path executable) {
        this(executable, DEFAULT_TIMEOUT);
    }

    /**
     * pygrub for one round-2 action: as the run's guest user, within the VM's boot-file limits,
     * all its runs within {@code deadline}.
     */
    public static Pygrub forRound(InstallContext context, Deadline deadline) {
        return forRequest(context.caller(), context.host(), context.limits(), deadline);
    }

    /** As {@link #forRound}, for a start with no round (an installed VM under xl). */
    public static Pygrub forRequest(CallerRequest request, Settings host, BootFileLimits limits, Deadline deadline) {
        GuestUser user = GuestUser.resolve(request.runAs(), host).orElse(null);
        if (user != null && !user.askedByCaller() && request.disk() != null
                && !user.pygrubCanOpen(Path.of(request.disk()))) {
            // pygrub --runas reopens the disk as the user: a disk only root may read (XenServer's
            // block devices) would fail every boot, so pygrub reads it as root, limits still on
            Log.info("pygrub reads " + request.disk() + " as root: " + user + " may not open it, and pygrub --runas"
                    + " reopens the disk as that user");
            return new Pygrub(request.pygrub(), DEFAULT_TIMEOUT, null, limits, deadline, request.disk(), user);
        }
        return new Pygrub(request.pygrub(), DEFAULT_TIMEOUT, user, limits, deadline, request.disk(), user);
    }

    public static Deadline deadline(InstallContext context) {
        return deadline(context.host());
    }

    public static Deadline deadline(Settings host) {
        return Deadline.after(host.duration(Setting.GUEST_PROBE_TIMEOUT_SECONDS));
    }

    public Path executable() {
        return executable;
    }

    /** The uid pygrub drops to, if any. */
    GuestUser user() {
        return user;
    }

    /** The uid our own readers of the disk run as, if any. */
    GuestUser reader() {
        return reader;
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
        return run(args, null);
    }

    /**
     * As {@link #run(List)}; with {@code extracting} (the directory pygrub writes its files to)
     * each file is held to its limit while pygrub writes it.
     */
    public Outcome run(List<String> args, Path extracting) {
        List<String> command = new ArrayList<>(args.size() + 12);
        if (limits != null) {
            long cpu = Math.max(1, currentTimeout().toSeconds() + 1);
            command.addAll(Confinement.limits(Math.max(limits.kernel(), limits.ramdisk()) + 1, cpu));
        }
        int pygrubAt = command.size();
        command.add(executable.toString());
        GuestUser runAs = user;
        if (runAs != null && !runAs.askedByCaller() && (args.contains("-n") || args.contains("--not-really"))) {
            // pygrub 4.17's --runas parent fails on -n whatever its child found; a person's
            // inspection with -n reads as root rather than fail (libxl's own --runas is kept)
            Log.info("pygrub -n runs without --runas: pygrub 4.17 cannot combine them");
            runAs = null;
        }
        if (runAs != null) {
            command.add("--runas=" + runAs.uid());
        }
        command.addAll(args);
        Duration allowed = currentTimeout();
        if (allowed.isZero()) {
            throw deadlinePassed();
        }
        Log.info("running " + String.join(" ", command.subList(pygrubAt, command.size())));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process process;
        try {
            if (!Files.isExecutable(executable)) {
                // checked here: under prlimit a missing program would only show as exit status 127
                throw new IOException("not an executable file");
            }
            process = builder.start();
        } catch (IOException e) {
            throw BootloaderException.supportPackageMissing("pygrub cannot be run from " + executable + " ("
                    + e.getMessage() + "); install it there or name it with --pygrub=PATH or ELILOADER_PYGRUB.");
        }
        CompletableFuture<byte[]> stderr = OwnThread.supply("pygrub-stderr", () -> drain(process.getErrorStream()));
        CompletableFuture<byte[]> stdoutRead = OwnThread.supply("pygrub-stdout", () -> drain(process.getInputStream()));
        try {
            Deadline end = Deadline.after(allowed);
            while (!process.waitFor(extracting == null ? 200 : WATCH_MILLIS, TimeUnit.MILLISECONDS)) {
                if (extracting != null) {
                    BootloaderException tooBig = oversized(extracting, false);
                    if (tooBig != null) {
                        Confinement.destroyTree(process);
                        throw tooBig;
                    }
                }
                if (end.expired()) {
                    Confinement.destroyTree(process);
                    if (deadline != null && deadline.expired()) {
                        throw deadlinePassed();
                    }
                    throw BootloaderException.internal("pygrub (" + executable + ") did not finish within "
                            + allowed.toSeconds() + " seconds and was stopped.", null);
                }
            }
            byte[] stdout = stdoutRead.get(5, TimeUnit.SECONDS);
            byte[] err = stderr.get(5, TimeUnit.SECONDS);
            int status = process.exitValue();
            if (runAs != null && status == 0 && stdout.length == 0 && !listing(args)) {
                // pygrub 4.17's --runas parent exits with its child's wait status, which a byte
                // cuts to 0: a failure shows as success with nothing on stdout
                status = 1;
            }
            Outcome outcome = new Outcome(List.copyOf(command.subList(pygrubAt, command.size())), status, stdout, err);
            Log.info("pygrub exit status " + outcome.exitStatus()
                    + (outcome.succeeded() ? "" : ": " + PygrubMessages.oneLine(outcome.stderr())));
            if (!outcome.succeeded() && limits != null && new String(err, StandardCharsets.UTF_8).contains("File too large")) {
                throw BootloaderException.limits("A file pygrub extracts from " + describeDisk()
                        + " is larger than the file-size limit of its extraction (" + pygrubFileLimit()
                        + " bytes); the VM's limits are " + limits.kernel() + " bytes (platform:"
                        + BootFileLimits.KERNEL_KEY + ") and " + limits.ramdisk() + " bytes (platform:"
                        + BootFileLimits.RAMDISK_KEY + ").");
            }
            return outcome;
        } catch (InterruptedException e) {
            Confinement.destroyTree(process);
            Thread.currentThread().interrupt();
            throw BootloaderException.internal("Interrupted while pygrub was running.", e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException | UncheckedIOException e) {
            Confinement.destroyTree(process);
            throw BootloaderException.internal("Cannot read what pygrub printed: " + e.getMessage(), e);
        }
    }

    /**
     * Checks the files pygrub wrote into {@code dir} against the VM's limits: the first that is
     * over (or, with {@code finished}, any) as a {@code LIMITS} error, else null.
     */
    BootloaderException oversized(Path dir, boolean finished) {
        if (limits == null) {
            return null;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                boolean kernel = name.startsWith(KERNEL_PREFIX);
                if (!kernel && !name.startsWith(RAMDISK_PREFIX)) {
                    continue;
                }
                long size;
                try {
                    size = Files.size(file);
                } catch (IOException e) {
                    continue; // removed meanwhile
                }
                long limit = kernel ? limits.kernel() : limits.ramdisk();
                if (size > limit) {
                    return BootloaderException.limits("The " + (kernel ? "kernel" : "ramdisk") + " pygrub extracts from "
                            + describeDisk() + " is larger than its limit (" + (finished ? "" : "at least ") + size
                            + " > " + limit + " bytes, platform:" + (kernel ? BootFileLimits.KERNEL_KEY
                                    : BootFileLimits.RAMDISK_KEY) + ")" + (finished ? "." : "; pygrub was stopped."));
                }
            }
        } catch (IOException e) {
            return null; // the directory is gone: nothing of ours to hand over
        }
        return null;
    }

    /** Throws the {@link #oversized} error of the files pygrub left in {@code dir}, if any. */
    void checkExtracted(Path dir) {
        BootloaderException tooBig = oversized(dir, true);
        if (tooBig != null) {
            throw tooBig;
        }
    }

    private long pygrubFileLimit() {
        long ours = Math.max(limits.kernel(), limits.ramdisk()) + 1;
        return user != null ? Math.min(ours, 128L << 20) : ours;
    }

    private Duration currentTimeout() {
        return deadline == null ? timeout : deadline.remainingWithin(timeout);
    }

    private BootloaderException deadlinePassed() {
        return BootloaderException.limits("Reading " + describeDisk() + " with pygrub did not finish within "
                + deadline.total().toSeconds() + " seconds (" + Setting.GUEST_PROBE_TIMEOUT_SECONDS.key()
                + "); pygrub was stopped, and the VM stays in its install round.");
    }

    private String describeDisk() {
        return disk == null ? "the guest's disk" : "the guest's disk " + disk;
    }

    private static boolean listing(List<String> args) {
        return args.contains("-l") || args.contains("--list-entries") || args.contains("--isconfig");
    }

    private static byte[] drain(InputStream in) {
        return ChildOutput.drain(in, CAPTURE_LIMIT);
    }
}
