package org.xenproject.eliloader.guest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.log.Log;

/**
 * The command prefixes that confine a program reading guest data, from util-linux (on every dom0):
 * {@code prlimit} for resource limits (file size, address space, CPU time, no core dumps) and
 * {@code setpriv} to run it as the {@link GuestUser} with no supplementary groups. Both exec the
 * program: no shell, no extra process left running.
 */
public final class Confinement {
    static final List<Path> PRLIMIT = List.of(Path.of("/usr/bin/prlimit"), Path.of("/bin/prlimit"));
    static final List<Path> SETPRIV = List.of(Path.of("/usr/bin/setpriv"), Path.of("/bin/setpriv"));
    /** Address space of a confined process: room for a small JVM or Python with libfsimage, not for a heap grown by a hostile image. */
    public static final long ADDRESS_SPACE = 1L << 30;
    private static volatile boolean noPrlimitLogged;

    private Confinement() {
    }

    /** The resource limits, as a prefix; empty (logged once) where prlimit is missing. */
    public static List<String> limits(long fileSizeBytes, long cpuSeconds) {
        Path prlimit = find(PRLIMIT);
        if (prlimit == null) {
            if (!noPrlimitLogged) {
                noPrlimitLogged = true;
                Log.info("prlimit (util-linux) is missing: programs reading guest data run without resource limits");
            }
            return List.of();
        }
        return List.of(prlimit.toString(), "--fsize=" + fileSizeBytes + ":" + fileSizeBytes,
                "--as=" + ADDRESS_SPACE + ":" + ADDRESS_SPACE, "--cpu=" + cpuSeconds + ":" + cpuSeconds, "--core=0:0",
                "--");
    }

    /** Runs the rest as {@code user}: a missing setpriv is an error, never a silent run as root. */
    public static List<String> asUser(GuestUser user) {
        Path setpriv = find(SETPRIV);
        if (setpriv == null) {
            throw BootloaderException.supportPackageMissing("setpriv (util-linux) is needed to read the guest's disk as "
                    + user + "; install util-linux, or set guest-reader-user to root.");
        }
        return List.of(setpriv.toString(), "--reuid=" + user.uid(), "--regid=" + user.gid(), "--clear-groups", "--");
    }

    /** The whole prefix: limits, then the user. */
    public static List<String> prefix(GuestUser user, long fileSizeBytes, long cpuSeconds) {
        List<String> prefix = new ArrayList<>(limits(fileSizeBytes, cpuSeconds));
        prefix.addAll(asUser(user));
        return prefix;
    }

    private static Path find(List<Path> candidates) {
        for (Path p : candidates) {
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * Stops a process and everything it started (pygrub's deprivileged child is its grandchild
     * of ours, in a namespace of its own): the descendants are listed before anything is killed.
     */
    public static void destroyTree(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        for (ProcessHandle p : descendants) {
            p.destroyForcibly();
        }
        try {
            process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
