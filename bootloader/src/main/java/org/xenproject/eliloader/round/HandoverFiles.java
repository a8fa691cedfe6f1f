package org.xenproject.eliloader.round;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.files.NewFile;

/**
 * Files this run creates for the caller. They are made and filled in the run's private directory
 * ({@link RunDirectory}: {@code OUTPUT/.eliloader-run.PID.START}), and only a complete file is
 * {@linkplain #publish moved} to its final name in the output directory, so the output directory
 * never holds a partial file of ours. Until {@link #handOver()} the published files are ours and
 * {@link #discardAll()} removes them; after it they belong to the caller, which deletes them once
 * the domain is built.
 *
 * <p>Kills: on SIGTERM (or any JVM shutdown) a hook discards every set of files not handed over,
 * as a failure would. After SIGKILL the private directory stays, listing the files already
 * published; the next run in this output directory (or {@code eliloader cleanup}) sweeps it.
 */
public final class HandoverFiles {
    private static final Set<HandoverFiles> ACTIVE = new LinkedHashSet<>();
    private static boolean hookInstalled;
    /** Set by the shutdown hook, under the lock of {@code ACTIVE}, before it removes anything. */
    private static boolean stopping;

    private final Path directory;
    private final Path runDirectory;
    private final List<Path> created = new ArrayList<>();
    private final List<Path> published = new ArrayList<>();
    private boolean runDirectoryMade;
    private volatile boolean handedOver;
    private boolean closed;

    public HandoverFiles(Path directory) {
        this.directory = directory.toAbsolutePath().normalize();
        this.runDirectory = this.directory.resolve(RunDirectory.ownName() + "."
                + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36));
    }

    /** The output directory the caller reads the files from. */
    public Path directory() {
        return directory;
    }

    /** Creates the output directory if missing (the toolstack's default may not exist yet). */
    public void ensureDirectory() {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new BootloaderException(ErrorCode.INTERNAL_ERROR,
                    "Cannot create the output directory " + directory + ": " + e.getMessage(), e);
        }
    }

    /** This run's private directory (created on first use), for files and scratch directories of ours. */
    public synchronized Path runDirectory() {
        checkOpen();
        if (!runDirectoryMade) {
            ensureDirectory();
            RunDirectory.sweep(directory);
            // registered before the directory exists: a SIGTERM from here on finds it (the hook's
            // abandon waits for this method, so it sees the directory made)
            register(this);
            try {
                Files.createDirectory(runDirectory, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            } catch (IOException | UnsupportedOperationException e) {
                throw new BootloaderException(ErrorCode.INTERNAL_ERROR, "Cannot create a private directory in "
                        + directory + ": " + e.getMessage(), e);
            }
            runDirectoryMade = true;
        }
        return runDirectory;
    }

    /** A new owner-only file in the run's private directory, named like pygrub's ({@code boot_kernel.XXXX}). */
    public synchronized Path create(String prefix) {
        Path dir = runDirectory();
        try {
            Path file = NewFile.create(dir, prefix, "");
            created.add(file);
            return file;
        } catch (IOException e) {
            throw new BootloaderException(ErrorCode.INTERNAL_ERROR,
                    "Cannot create a file in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Moves a complete file of this run to its final name in the output directory (the same name,
     * or a fresh one if taken) and returns that path; the name is recorded first, so a sweep after
     * a kill finds it. A link and an unlink: an existing file is never replaced.
     */
    public synchronized Path publish(Path file) {
        checkOpen();
        Path work = file.toAbsolutePath().normalize();
        if (!work.getParent().equals(runDirectory) || !created.contains(work)) {
            return work; // already published, or not ours to move
        }
        String name = work.getFileName().toString();
        for (int attempt = 0; attempt < 20; attempt++) {
            String finalName = attempt == 0 ? name : name + "." + attempt;
            Path target = directory.resolve(finalName);
            try {
                Files.writeString(runDirectory.resolve(RunDirectory.PUBLISHED), finalName + "\n",
                        StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                link(work, target);
            } catch (FileAlreadyExistsException e) {
                continue;
            } catch (IOException e) {
                throw new BootloaderException(ErrorCode.INTERNAL_ERROR, "Cannot move a finished file into "
                        + directory + ": " + e.getMessage(), e);
            }
            published.add(target);
            created.remove(work);
            deleteQuietly(work);
            return target;
        }
        throw new BootloaderException(ErrorCode.INTERNAL_ERROR, "Cannot find a free name for " + name + " in "
                + directory + ".");
    }

    /**
     * Gives {@code work} the name {@code target}, never replacing a file there: a hard link (the
     * old name is removed by the caller), else, on a file system without them, a rename (the run's
     * directory is inside the output directory, so never a copy) that checks the name first.
     */
    private static void link(Path work, Path target) throws IOException {
        try {
            Files.createLink(target, work);
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (UnsupportedOperationException | java.nio.file.FileSystemException e) {
            Files.move(work, target); // a rename in the same file system; refuses a taken name
        }
    }

    /** Deletes one file this run made but no longer needs (e.g. a vendor initrd after patching). */
    public synchronized void discard(Path file) {
        Path p = file.toAbsolutePath().normalize();
        if (created.remove(p) || published.remove(p)) {
            deleteQuietly(p);
        }
    }

    /** Adopts a file some other code created in the run's directory, so failure removes it. */
    public synchronized void adopt(Path file) {
        created.add(file.toAbsolutePath().normalize());
    }

    /**
     * The published files now belong to the caller. The run's private directory keeps only the
     * list of them until {@link #finishRun()}, right before the process ends: a kill before that
     * is a failed start for the caller, so the sweep (SIGKILL) or the shutdown hook (SIGTERM)
     * still removes them.
     */
    public synchronized void handOver() {
        if (closed) {
            throw new BootloaderException(ErrorCode.INTERNAL_ERROR, "The run was stopped before its files were handed over.");
        }
        handedOver = true;
        closed = true;
        for (Path file : created) {
            deleteQuietly(file);
        }
        created.clear();
        if (!runDirectoryMade) {
            return;
        }
        try (var entries = Files.newDirectoryStream(runDirectory)) {
            for (Path entry : entries) {
                if (!entry.getFileName().toString().equals(RunDirectory.PUBLISHED)) {
                    RunDirectory.deleteTree(entry);
                }
            }
        } catch (IOException e) {
            // best effort: the sweep removes what is left once this process is gone
        }
    }

    /** Removes every file not handed over, and the run's private directory; safe to call on every path. */
    public synchronized void discardAll() {
        if (handedOver) {
            return;
        }
        abandon();
    }

    /** Removes every published file (handed over or not) and the private directory. */
    private synchronized void abandon() {
        closed = true;
        for (Path file : published) {
            deleteQuietly(file);
        }
        published.clear();
        created.clear();
        if (runDirectoryMade) {
            RunDirectory.deleteTree(runDirectory);
        }
        unregister(this);
    }

    /**
     * The process has answered and is about to end: the files handed over are the caller's for
     * good, so the private directories that listed them go. Called last by the entry point.
     */
    public static void finishRun() {
        List<HandoverFiles> done = new ArrayList<>();
        synchronized (ACTIVE) {
            if (stopping) {
                return; // SIGTERM came first: the hook removes them, and the exit is not a success
            }
            for (HandoverFiles files : ACTIVE) {
                if (files.handedOver) {
                    done.add(files);
                }
            }
        }
        // still registered while their directories go: a SIGTERM now (exit 143, a failed start
        // for the caller) has the hook remove them and the files they handed over
        for (HandoverFiles files : done) {
            RunDirectory.deleteTree(files.runDirectory);
        }
        synchronized (ACTIVE) {
            ACTIVE.removeAll(done);
        }
    }

    /** Whether a SIGTERM (or another shutdown) has begun removing this process's files: no success exit then. */
    public static boolean stopping() {
        synchronized (ACTIVE) {
            return stopping;
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new BootloaderException(ErrorCode.INTERNAL_ERROR, "The run is being stopped.");
        }
    }

    private static void register(HandoverFiles files) {
        synchronized (ACTIVE) {
            if (stopping) {
                throw new BootloaderException(ErrorCode.INTERNAL_ERROR, "The run is being stopped.");
            }
            ACTIVE.add(files);
            if (!hookInstalled) {
                hookInstalled = true;
                try {
                    Runtime.getRuntime().addShutdownHook(new Thread(HandoverFiles::discardActive, "eliloader-cleanup"));
                } catch (IllegalStateException shuttingDown) {
                    // already shutting down: nothing will be handed over anyway
                }
            }
        }
    }

    private static void unregister(HandoverFiles files) {
        synchronized (ACTIVE) {
            ACTIVE.remove(files);
        }
    }

    /** The shutdown hook: SIGTERM (or an exit) before the hand-over cleans up as a failure does. */
    private static void discardActive() {
        List<HandoverFiles> active;
        synchronized (ACTIVE) {
            stopping = true;
            active = new ArrayList<>(ACTIVE);
        }
        if (active.isEmpty()) {
            return;
        }
        // the programs this run started (pygrub, debugfs, …) stop writing into what is removed next
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroy);
        for (HandoverFiles files : active) {
            files.abandon(); // the process did not finish: whatever it answered, the caller sees a failure
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // best effort: the caller sees the original failure
        }
    }
}
