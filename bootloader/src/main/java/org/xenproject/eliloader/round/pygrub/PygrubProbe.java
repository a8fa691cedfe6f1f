package org.xenproject.eliloader.round.pygrub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.round.CallerRequest;
import org.xenproject.eliloader.round.Produced;
import org.xenproject.eliloader.round.HandoverFiles;

/**
 * pygrub runs that only look at the disk ({@code -q -n}): no files are written, and the output
 * directory pygrub insists on creating is a private temporary one inside the run's private
 * directory, removed on close (or with the run's directory after a kill), so a probe never
 * leaves files in the caller's output directory or creates pygrub's default one on the host.
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
    static PygrubProbe open(CallerRequest request, HandoverFiles run) {
        Path disk = Path.of(request.disk());
        if (!Files.isReadable(disk)) {
            throw BootloaderException.invalidSource("The boot disk " + request.disk()
                    + " cannot be read, so pygrub cannot look at the installed system.");
        }
        try {
            // inside the run's private directory, so a killed run's probe is removed with it
            return new PygrubProbe(new Pygrub(request.pygrub()), request.disk(),
                    Files.createTempDirectory(run.runDirectory(), SCRATCH_PREFIX));
        } catch (IOException e) {
            throw BootloaderException.internal("Cannot create a temporary directory for pygrub: " + e.getMessage(), e);
        }
    }

    String disk() {
        return disk;
    }

    /** Runs {@code pygrub -q -n OPTIONS -- DISK}. */
    Pygrub.Outcome run(List<String> options) {
        List<String> args = new ArrayList<>();
        args.add("-q");
        args.add("-n");
        args.add("--output-directory=" + scratch);
        args.addAll(options);
        args.add("--");
        args.add(disk);
        return pygrub.run(args);
    }

    @Override
    public void close() {
        Trees.deleteQuietly(scratch);
    }
}
