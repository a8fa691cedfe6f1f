package org.xenproject.eliloader.round.pygrub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.xenproject.eliloader.concurrent.Deadline;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.round.CallerRequest;
import org.xenproject.eliloader.round.HandoverFiles;
import org.xenproject.eliloader.round.InstallContext;

/**
 * pygrub runs that only look at the disk ({@code -q -n}): no files are written, and the output
 * directory pygrub insists on creating is a private temporary one inside the run's private
 * directory, removed on close (or with the run's directory after a kill), so a probe never
 * leaves files in the caller's output directory or creates pygrub's default one on the host.
 *
 * <p>With a guest user (pygrub's {@code --runas}), pygrub 4.17 cannot run {@code -n}: its
 * deprivileged parent then stats the kernel file it never made and fails whatever the child
 * found. Such probes extract for real into the scratch directory, held to the VM's limits like
 * any extraction, and the files are deleted after each run. All runs of one probe share one
 * deadline ({@code guest-probe-timeout}).
 */
final class PygrubProbe implements AutoCloseable {
    static final String SCRATCH_PREFIX = "pygrub-probe.";

    private final Pygrub pygrub;
    private final String disk;
    private final Path scratch;

    private PygrubProbe(Pygrub pygrub, String disk, Path scratch) {
        this.pygrub = pygrub;
        this.disk = disk;
        this.scratch = scratch;
    }

    /** Checks that the disk can be read (pygrub's exit status 1 would otherwise read as "no menu"). */
    static PygrubProbe open(InstallContext context, Deadline deadline) {
        CallerRequest request = context.caller();
        HandoverFiles run = context.handover();
        Path disk = Path.of(request.disk());
        if (!Files.isReadable(disk)) {
            throw BootloaderException.invalidSource("The boot disk " + request.disk()
                    + " cannot be read, so pygrub cannot look at the installed system.");
        }
        try {
            // inside the run's private directory, so a killed run's probe is removed with it
            return new PygrubProbe(Pygrub.forRound(context, deadline), request.disk(),
                    Files.createTempDirectory(run.runDirectory(), SCRATCH_PREFIX));
        } catch (IOException e) {
            throw BootloaderException.internal("Cannot create a temporary directory for pygrub: " + e.getMessage(), e);
        }
    }

    String disk() {
        return disk;
    }

    Pygrub pygrub() {
        return pygrub;
    }

    /** Runs {@code pygrub -q -n OPTIONS -- DISK} ({@code -n} left out under {@code --runas}, see above). */
    Pygrub.Outcome run(List<String> options) {
        List<String> args = new ArrayList<>();
        args.add("-q");
        boolean deprivileged = pygrub.user() != null;
        boolean extracts = deprivileged && !options.contains("-l");
        if (!deprivileged) {
            args.add("-n");
        }
        args.add("--output-directory=" + scratch);
        args.addAll(options);
        args.add("--");
        args.add(disk);
        try {
            Pygrub.Outcome outcome = pygrub.run(args, extracts ? scratch : null);
            if (extracts && outcome.succeeded()) {
                pygrub.checkExtracted(scratch);
            }
            return outcome;
        } finally {
            if (extracts) {
                clearScratch();
            }
        }
    }

    /** Removes what a run extracted; the directory stays for the next run. */
    private void clearScratch() {
        try (var files = Files.list(scratch)) {
            files.forEach(Trees::deleteQuietly);
        } catch (IOException e) {
            // removed with the directory on close
        }
    }

    @Override
    public void close() {
        Trees.deleteQuietly(scratch);
    }
}
