package org.xenproject.eliloader.round;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.xenproject.eliloader.error.BootloaderException;

/**
 * Files this run creates in the output directory. Until {@link #handOver()} they are ours and
 * {@link #discardAll()} removes them; after it they belong to the caller, which deletes them once
 * the domain is built.
 */
public final class HandoverFiles {
    private final Path directory;
    private final List<Path> created = new ArrayList<>();
    private boolean handedOver;

    public HandoverFiles(Path directory) {
        this.directory = directory;
    }

    public Path directory() {
        return directory;
    }

    /** Creates the output directory if missing (the toolstack's default may not exist yet). */
    public void ensureDirectory() {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new BootloaderException(org.xenproject.eliloader.error.ErrorCode.INTERNAL_ERROR,
                    "Cannot create the output directory " + directory + ": " + e.getMessage(), e);
        }
    }

    /** A new owner-only file named like pygrub's ({@code boot_kernel.XXXX}). */
    public Path create(String prefix) {
        ensureDirectory();
        try {
            Path file = Files.createTempFile(directory, prefix, "");
            created.add(file);
            return file.toAbsolutePath();
        } catch (IOException e) {
            throw new BootloaderException(org.xenproject.eliloader.error.ErrorCode.INTERNAL_ERROR,
                    "Cannot create a file in " + directory + ": " + e.getMessage(), e);
        }
    }

    /** Deletes one file this run made but no longer needs (e.g. a vendor initrd after patching). */
    public void discard(Path file) {
        if (created.remove(file.toAbsolutePath()) || created.remove(file)) {
            deleteQuietly(file);
        }
    }

    /** Adopts a file some other code created in the output directory, so failure removes it. */
    public void adopt(Path file) {
        created.add(file.toAbsolutePath());
    }

    public void handOver() {
        handedOver = true;
    }

    /** Removes every file not handed over; safe to call on every path. */
    public void discardAll() {
        if (handedOver) {
            return;
        }
        for (Path file : created) {
            deleteQuietly(file);
        }
        created.clear();
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // best effort: the caller sees the original failure
        }
    }
}
