package org.xenproject.eliloader.source.iso;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.xenproject.eliloader.error.BootloaderException;

/**
 * A read-only ISO 9660 image (file or block device) read in user space: primary volume
 * descriptor, Joliet supplementary descriptor, Rock Ridge names and symbolic links.
 *
 * <p>Why our own reader: dom0 cannot be asked to mount the install CD (no root in a
 * deprivileged dom0, and the test machines have no iso9660 in the kernel), Commons Compress
 * cannot read ISO 9660, and the Java libraries that can drag in Hadoop and ignore Rock Ridge.
 * Only lookups by path and streaming of file contents are needed, which keeps this small.
 *
 * <p>The image is treated as hostile: every size and offset is checked against the image
 * and against fixed limits before it is used, so a corrupt or crafted image fails with
 * {@code INVALID_SOURCE} naming the image and the problem, never with a hang, a deep
 * recursion or a huge allocation. Reads use positional {@link FileChannel} reads, so one
 * image may serve several streams at once.
 */
public final class IsoImage implements Closeable {

    /** Which names the image's directory tree is read with, best first. */
    public enum Naming {
        /** Rock Ridge (RRIP) names and symbolic links in the primary tree. */
        ROCK_RIDGE,
        /** The Joliet (UCS-2) tree of a supplementary volume descriptor. */
        JOLIET,
        /** Plain ISO 9660 names, version suffix removed, looked up ignoring case as a fallback. */
        PRIMARY
    }

    static final int SECTOR = 2048;
    /** The system area occupies sectors 0-15; descriptors start at 16. */
    private static final int FIRST_DESCRIPTOR_SECTOR = 16;
    /** Real images carry 2-4 descriptors; this bounds the scan of a set without terminator. */
    private static final int MAX_DESCRIPTORS = 64;
    private static final int TYPE_PRIMARY = 1;
    private static final int TYPE_SUPPLEMENTARY = 2;
    private static final int TYPE_TERMINATOR = 255;
    private static final int ROOT_RECORD_OFFSET = 156;

    /** Far above any install medium (a 10 000-package directory is about 2 MiB). */
    static final long MAX_DIRECTORY_BYTES = 16L << 20;
    /** Directory nesting followed by a lookup; Rock Ridge allows more than ISO 9660's 8. */
    static final int MAX_DEPTH = 256;
    /** Symbolic links followed by one lookup, as Linux's MAXSYMLINKS. */
    static final int MAX_SYMLINKS = 40;

    private final Path path;
    private final FileChannel channel;
    private final long size;
    private final String volumeLabel;
    private final Naming naming;
    /** Bytes to skip at the start of each System Use field (SUSP SP entry), or -1 without Rock Ridge. */
    private final int rockRidgeSkip;
    private final IsoEntry root;

    private IsoImage(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
        this.size = channelSize();
        if (size < (FIRST_DESCRIPTOR_SECTOR + 1L) * SECTOR) {
            throw invalid("has only " + size + " bytes, too few to hold an ISO 9660 volume descriptor");
        }

        byte[] primary = null;
        byte[] joliet = null;
        for (int index = 0; index < MAX_DESCRIPTORS; index++) {
            long offset = (long) (FIRST_DESCRIPTOR_SECTOR + index) * SECTOR;
            if (offset + SECTOR > size) {
                break;
            }
            byte[] descriptor = readBytes(offset, SECTOR, "a volume descriptor");
            if (!hasStandardIdentifier(descriptor)) {
                if (index == 0) {
                    throw invalid("is not an ISO 9660 image: no \"CD001\" volume descriptor at sector 16");
                }
                break; // a set without terminator: keep what was found
            }
            int type = descriptor[0] & 0xff;
            if (type == TYPE_TERMINATOR) {
                break;
            } else if (type == TYPE_PRIMARY && primary == null) {
                primary = descriptor;
            } else if (type == TYPE_SUPPLEMENTARY && joliet == null && isJoliet(descriptor)) {
                joliet = descriptor;
            }
        }
        if (primary == null) {
            throw invalid("has no primary volume descriptor");
        }
        checkBlockSize(primary, "primary");
        long volumeBytes = uint32(primary, 80) * SECTOR;
        if (volumeBytes > size) {
            throw invalid("is truncated: its volume descriptor declares " + volumeBytes
                    + " bytes but the image has " + size);
        }
        this.volumeLabel = new String(primary, 40, 32, StandardCharsets.ISO_8859_1).trim();

        IsoEntry primaryRoot = rootDirectory(primary, false);
        this.rockRidgeSkip = rockRidgeSkip(primaryRoot);
        if (rockRidgeSkip >= 0) {
            this.naming = Naming.ROCK_RIDGE;
            this.root = primaryRoot;
        } else if (joliet != null) {
            checkBlockSize(joliet, "Joliet");
            this.naming = Naming.JOLIET;
            this.root = rootDirectory(joliet, true);
        } else {
            this.naming = Naming.PRIMARY;
            this.root = primaryRoot;
        }
    }

    /**
     * Opens the image and reads its volume descriptors.
     *
     * @throws BootloaderException INVALID_SOURCE if the file cannot be read or is not a
     *                             usable ISO 9660 image
     */
    public static IsoImage open(Path image) {
        FileChannel channel;
        try {
            channel = FileChannel.open(image, StandardOpenOption.READ);
        } catch (IOException e) {
            throw BootloaderException.invalidSource("cannot open ISO image " + image + ": " + reason(e), e);
        }
        try {
            return new IsoImage(image, channel);
        } catch (RuntimeException | Error e) {
            try {
                channel.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Reads an image already open, e.g. the CD a deprivileged reader was handed as its input;
     * {@code name} is for messages.
     */
    public static IsoImage open(Path name, FileChannel channel) {
        return new IsoImage(name, channel);
    }

    public Path path() {
        return path;
    }

    /** The primary volume identifier, trimmed (mkisofs {@code -V}). */
    public String volumeLabel() {
        return volumeLabel;
    }

    public Naming naming() {
        return naming;
    }

    /**
     * Finds {@code path} ('/'-separated, relative to the root; "", "." and ".." work as in a
     * file system), following symbolic links within the image, the last component included.
     * Names match exactly; on images with only primary names, a name that matches no entry
     * exactly matches one that differs in case (old CDs carry uppercase 8.3 names).
     *
     * @return the file or directory, or empty if it does not exist
     * @throws BootloaderException INVALID_SOURCE if the directories on the way are corrupt,
     *                             loop, or nest too deep, or if links loop
     */
    public Optional<IsoEntry> lookup(String path) {
        ArrayDeque<String> pending = new ArrayDeque<>();
        pushComponents(pending, path);
        List<IsoEntry> directories = new ArrayList<>();
        directories.add(root);
        IsoEntry current = root;
        int symlinksFollowed = 0;
        ReadBudget budget = new ReadBudget(this, "looking up", path);
        while (!pending.isEmpty()) {
            String component = pending.pop();
            if (!current.isDirectory()) {
                return Optional.empty(); // a file used as a directory
            }
            if (component.equals(".")) {
                continue;
            }
            if (component.equals("..")) {
                if (directories.size() > 1) {
                    directories.remove(directories.size() - 1);
                }
                current = directories.get(directories.size() - 1);
                continue;
            }
            IsoEntry found = find(current, directoryPath(directories), component, budget);
            if (found == null) {
                return Optional.empty();
            }
            if (found.isSymbolicLink()) {
                if (++symlinksFollowed > MAX_SYMLINKS) {
                    throw invalid("has more than " + MAX_SYMLINKS + " symbolic links (a loop?) on the way to "
                            + abbreviated(path));
                }
                String target = found.symbolicLinkTarget();
                if (target.startsWith("/")) {
                    // absolute targets are taken relative to the image's root, never the host's
                    directories.subList(1, directories.size()).clear();
                    current = root;
                }
                pushComponents(pending, target);
            } else if (found.isDirectory()) {
                enter(directories, found);
                current = found;
            } else {
                current = found;
            }
        }
        return Optional.of(current);
    }

    /**
     * Lists a directory (after following links to it), without "." and "..".
     *
     * @throws BootloaderException INVALID_SOURCE if it is missing, not a directory, or corrupt
     */
    public List<IsoEntry> list(String directoryPath) {
        IsoEntry directory = lookup(directoryPath).orElse(null);
        if (directory == null || !directory.isDirectory()) {
            throw invalid("has no directory " + directoryPath);
        }
        List<IsoEntry> entries = new ArrayList<>();
        DirectoryReader reader = new DirectoryReader(this, directory, "/" + directoryPath,
                new ReadBudget(this, "listing", directoryPath));
        for (IsoEntry entry = reader.next(); entry != null; entry = reader.next()) {
            entries.add(entry);
        }
        return entries;
    }

    /**
     * Streams a regular file's content straight from the image (nothing is buffered beyond
     * the caller's array, so wrap it in a BufferedInputStream for byte-by-byte reading).
     */
    public InputStream openStream(IsoEntry file) {
        if (!file.isRegularFile()) {
            throw new IllegalArgumentException("not a regular file: " + file);
        }
        return new ExtentInputStream(this, file);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return "ISO image " + path;
    }

    // ---- used by the readers of this package ----

    long size() {
        return size;
    }

    FileChannel channel() {
        return channel;
    }

    /** Whether names come from Rock Ridge entries; then {@link #rockRidgeSkip()} applies. */
    boolean hasRockRidge() {
        return rockRidgeSkip >= 0;
    }

    int rockRidgeSkip() {
        return rockRidgeSkip;
    }

    boolean usesJolietNames() {
        return naming == Naming.JOLIET;
    }

    /** An INVALID_SOURCE error; {@code problem} completes "ISO image PATH ...". */
    BootloaderException invalid(String problem) {
        return BootloaderException.invalidSource("ISO image " + path + " " + problem);
    }

    /**
     * Fills {@code target} from {@code position}; the range must lie inside the image.
     * {@code what} and {@code path} (may be null) name the structure for messages.
     */
    void readFully(ByteBuffer target, long position, String what, String path) {
        if (position < 0 || position > size - target.remaining()) {
            throw invalid("is corrupt: " + subject(what, path, null) + " (byte " + position + ", "
                    + target.remaining() + " bytes) lies beyond the end of the image (" + size + " bytes)");
        }
        try {
            long at = position;
            while (target.hasRemaining()) {
                int count = channel.read(target, at);
                if (count <= 0) {
                    throw invalid("is truncated: it ends before " + subject(what, path, null) + " at byte " + at);
                }
                at += count;
            }
        } catch (IOException e) {
            throw BootloaderException.invalidSource("cannot read ISO image " + this.path + " at byte " + position
                    + " (" + subject(what, path, null) + "): " + reason(e), e);
        }
    }

    static long uint32(byte[] bytes, int offset) {
        return (bytes[offset] & 0xffL)
                | (bytes[offset + 1] & 0xffL) << 8
                | (bytes[offset + 2] & 0xffL) << 16
                | (bytes[offset + 3] & 0xffL) << 24;
    }

    // ---- internals ----

    private long channelSize() {
        try {
            return channel.size(); // JDK 17 asks the kernel for a block device's size too
        } catch (IOException e) {
            throw BootloaderException.invalidSource("cannot read ISO image " + path + ": " + reason(e), e);
        }
    }

    private byte[] readBytes(long position, int length, String what) {
        byte[] bytes = new byte[length];
        readFully(ByteBuffer.wrap(bytes), position, what, null);
        return bytes;
    }

    private static boolean hasStandardIdentifier(byte[] descriptor) {
        return descriptor[1] == 'C' && descriptor[2] == 'D' && descriptor[3] == '0'
                && descriptor[4] == '0' && descriptor[5] == '1' && descriptor[6] == 1;
    }

    /** Joliet marks its descriptor with a UCS-2 escape sequence: %/@, %/C or %/E (levels 1-3). */
    private static boolean isJoliet(byte[] descriptor) {
        return descriptor[88] == '%' && descriptor[89] == '/'
                && (descriptor[90] == '@' || descriptor[90] == 'C' || descriptor[90] == 'E');
    }

    private void checkBlockSize(byte[] descriptor, String which) {
        int blockSize = (descriptor[128] & 0xff) | (descriptor[129] & 0xff) << 8;
        if (blockSize != SECTOR) {
            throw invalid("uses " + blockSize + "-byte logical blocks in its " + which
                    + " volume descriptor; only " + SECTOR + " is supported");
        }
    }

    private IsoEntry rootDirectory(byte[] descriptor, boolean joliet) {
        byte[] record = new byte[34];
        System.arraycopy(descriptor, ROOT_RECORD_OFFSET, record, 0, record.length);
        if ((record[0] & 0xff) != 34 || (record[25] & DirectoryReader.FLAG_DIRECTORY) == 0) {
            throw invalid("is corrupt: the " + (joliet ? "Joliet" : "primary")
                    + " volume descriptor has no valid root directory record");
        }
        long offset = (uint32(record, 2) + (record[1] & 0xff)) * SECTOR;
        long length = uint32(record, 10);
        DirectoryReader.checkDirectoryExtent(this, joliet ? "the Joliet root directory" : "the primary root directory",
                null, null, offset, length);
        return IsoEntry.directory("", offset, length);
    }

    /**
     * Rock Ridge is announced by a SUSP "SP" entry opening the System Use field of the root's
     * "." record; old CD-XA images put 14 bytes of XA data in front of it.
     */
    private int rockRidgeSkip(IsoEntry primaryRoot) {
        byte[] sector = readBytes(primaryRoot.firstExtentOffset(), SECTOR, "the root directory");
        int recordLength = sector[0] & 0xff;
        if (recordLength < 34 || (sector[32] & 0xff) != 1 || sector[33] != 0) {
            throw invalid("is corrupt: the root directory does not start with its \".\" record");
        }
        for (int start : new int[] {34, 34 + 14}) {
            if (start + 7 <= recordLength
                    && sector[start] == 'S' && sector[start + 1] == 'P' && (sector[start + 2] & 0xff) == 7
                    && (sector[start + 4] & 0xff) == 0xbe && (sector[start + 5] & 0xff) == 0xef) {
                return sector[start + 6] & 0xff;
            }
        }
        return -1;
    }

    private IsoEntry find(IsoEntry directory, String directoryPath, String name, ReadBudget budget) {
        DirectoryReader reader = new DirectoryReader(this, directory, directoryPath, budget);
        IsoEntry differentCase = null;
        for (IsoEntry entry = reader.next(); entry != null; entry = reader.next()) {
            if (entry.name().equals(name)) {
                return entry;
            }
            if (naming == Naming.PRIMARY && differentCase == null && entry.name().equalsIgnoreCase(name)) {
                differentCase = entry;
            }
        }
        return differentCase;
    }

    /** Descends into {@code directory}, refusing records that point back up the tree. */
    private void enter(List<IsoEntry> directories, IsoEntry directory) {
        for (IsoEntry ancestor : directories) {
            if (ancestor.firstExtentOffset() == directory.firstExtentOffset()) {
                throw invalid("is corrupt: directory " + childPath(directoryPath(directories), directory.name())
                        + " points back to " + (ancestor == root ? "the root directory" : "its ancestor "
                        + ancestor.name()) + " (a directory loop)");
            }
        }
        if (directories.size() > MAX_DEPTH) {
            throw invalid("nests directories deeper than " + MAX_DEPTH + " levels at " + directoryPath(directories));
        }
        directories.add(directory);
    }

    private static String directoryPath(List<IsoEntry> directories) {
        if (directories.size() == 1) {
            return "/";
        }
        StringBuilder text = new StringBuilder();
        for (int i = 1; i < directories.size(); i++) {
            text.append('/').append(directories.get(i).name());
        }
        return text.toString();
    }

    /** "file /a/b", "directory /a" or just {@code what}, for messages. */
    static String subject(String what, String directoryPath, String name) {
        if (directoryPath == null) {
            return what;
        }
        return what + " " + (name == null ? directoryPath : childPath(directoryPath, name));
    }

    /** Keeps messages to one readable line whatever a path or link maze looks like. */
    static String abbreviated(String path) {
        return path.length() <= 200 ? path : path.substring(0, 200) + "...";
    }

    static String childPath(String directoryPath, String name) {
        return directoryPath.endsWith("/") ? directoryPath + name : directoryPath + "/" + name;
    }

    /** Puts the components of {@code path} at the front of {@code pending}, in order. */
    private static void pushComponents(ArrayDeque<String> pending, String path) {
        String[] components = path.split("/");
        for (int i = components.length - 1; i >= 0; i--) {
            if (!components[i].isEmpty()) {
                pending.push(components[i]);
            }
        }
    }

    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
