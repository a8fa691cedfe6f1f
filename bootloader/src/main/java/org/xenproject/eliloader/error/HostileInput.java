package org.xenproject.eliloader.error;

import java.util.Map;

/**
 * The one boundary between a runtime exception and the caller: a failure no code named (an
 * {@code IllegalArgumentException} from a position a disk's partition table made overflow, an
 * {@code IndexOutOfBoundsException} in a reader, an {@code OutOfMemoryError} a header's size
 * asked for, a {@code StackOverflowError} of a deep structure) is, when it was thrown while
 * reading data from outside (a guest disk, an image, an initrd, a server's answer, tree metadata,
 * a profile, the VM store), {@code INVALID_SOURCE} ({@code LIMITS} for memory and depth) naming
 * what was being read; anything else stays {@code INTERNAL_ERROR}. Messages name the place, never
 * the data.
 */
public final class HostileInput {
    /** Where (a package or class of ours, by prefix) → what it reads, for the sentence. */
    private static final Map<String, String> PLACES = new java.util.LinkedHashMap<>();

    static {
        String p = "org.xenproject.eliloader.";
        PLACES.put(p + "round.pygrub.PartitionTable", "the boot disk's partition table");
        PLACES.put(p + "round.pygrub", "what pygrub answered about the boot disk");
        PLACES.put(p + "initrd.ext2", "the ext2 initrd");
        PLACES.put(p + "initrd.cpio", "the initrd's cpio archive");
        PLACES.put(p + "initrd.compression", "the compressed initrd");
        PLACES.put(p + "initrd", "the initrd or its overlay");
        PLACES.put(p + "source.iso", "the ISO image");
        PLACES.put(p + "source.nfs", "the NFS server's answer");
        PLACES.put(p + "source.http", "the HTTP server's answer");
        PLACES.put(p + "source.ftp", "the FTP server's answer");
        PLACES.put(p + "source.smb", "the SMB server's answer");
        PLACES.put(p + "source", "the repository");
        PLACES.put(p + "profile.TreeMetadata", "the tree's metadata files");
        PLACES.put(p + "profile", "a distribution profile");
        PLACES.put(p + "round.PublishedChecksums", "the tree's published checksums");
        PLACES.put(p + "xmlrpc", "the XenAPI answer");
        PLACES.put(p + "toolstack", "the VM record");
    }

    private HostileInput() {
    }

    /**
     * The named error for an unnamed failure, or null when it did not come from reading outside
     * data (a bug of ours, reported as {@code INTERNAL_ERROR}).
     */
    public static BootloaderException classify(Throwable failure) {
        if (failure instanceof BootloaderException named) {
            return named;
        }
        String place = place(failure);
        String what = failure.getClass().getSimpleName();
        if (failure instanceof OutOfMemoryError || failure instanceof StackOverflowError) {
            return new BootloaderException(ErrorCode.LIMITS, "Reading " + (place == null ? "the input" : place)
                    + " needed more " + (failure instanceof OutOfMemoryError ? "memory" : "stack")
                    + " than this program allows (" + what + "); the input is too large or too deeply nested.", failure);
        }
        if (place == null || !(failure instanceof RuntimeException)) {
            return null;
        }
        return new BootloaderException(ErrorCode.INVALID_SOURCE, "Cannot read " + place + ": it holds data this"
                + " program cannot make sense of (" + what + " in " + frame(failure) + ").", failure);
    }

    /** What the innermost frame of ours was reading, or null. */
    static String place(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            for (StackTraceElement frame : t.getStackTrace()) {
                String cls = frame.getClassName();
                if (!cls.startsWith("org.xenproject.eliloader.")) {
                    continue;
                }
                for (Map.Entry<String, String> place : PLACES.entrySet()) {
                    if (cls.equals(place.getKey()) || cls.startsWith(place.getKey() + ".")
                            || cls.startsWith(place.getKey() + "$")) {
                        return place.getValue();
                    }
                }
                return null; // the innermost frame of ours reads nothing from outside
            }
        }
        return null;
    }

    private static String frame(Throwable failure) {
        for (StackTraceElement frame : failure.getStackTrace()) {
            if (frame.getClassName().startsWith("org.xenproject.eliloader.")) {
                String cls = frame.getClassName();
                return cls.substring(cls.lastIndexOf('.') + 1) + "." + frame.getMethodName();
            }
        }
        return "a library";
    }
}
