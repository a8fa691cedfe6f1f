package org.xenproject.eliloader.initrd.ext2;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.MessageText;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.initrd.compression.Budget;
import org.xenproject.eliloader.initrd.compression.Compression;
import org.xenproject.eliloader.initrd.compression.KeepOpenInputStream;
import org.xenproject.eliloader.initrd.compression.KeepOpenOutputStream;
import org.xenproject.eliloader.initrd.compression.SeekableFileInput;
import org.xenproject.eliloader.initrd.cpio.CpioEntry;
import org.xenproject.eliloader.initrd.cpio.Overlay;

/**
 * Writes an overlay into an ext2 initrd image (RHEL 4 era {@code initrd.img}, a gzip'd
 * ext2 filesystem) without mounting it: the image is decompressed to a temporary file,
 * edited with e2fsprogs' {@code debugfs -w}, checked with {@code e2fsck -fn}, and
 * recompressed with the vendor's compression. The image is not grown: its size is what
 * the installer kernel's ramdisk expects.
 *
 * <p>debugfs is driven by a command file and its error output is not tied to commands,
 * so nothing is left to chance: the directories the overlay touches are listed first
 * ({@code ls -p}) and the edit script only issues commands that must succeed (no
 * {@code mkdir} of an existing directory, which also leaks an inode in debugfs 1.47);
 * any error message then fails the fix-up. Names containing a double quote or a control
 * character cannot be quoted for debugfs and are refused.
 */
public final class Ext2Overlay {
    private static final long TOOL_TIMEOUT_SECONDS = 120;
    private static final int EXT2_MAGIC_OFFSET = 1080;

    private final Overlay overlay;
    private final Path work;
    private final Path image;
    private final Path debugfs;

    private Ext2Overlay(Overlay overlay, Path work) {
        this.overlay = overlay;
        this.work = work;
        this.image = work.resolve("image");
        this.debugfs = Tools.find("debugfs");
    }

    /**
     * @param work an empty private directory for the image copy and overlay files; the
     *             caller deletes it
     */
    public static void apply(SeekableFileInput vendor, String vendorName, Overlay overlay, Budget budget,
                             Path work, OutputStream out) throws IOException {
        Ext2Overlay patch = new Ext2Overlay(overlay, work);
        Compression compression = patch.unpack(vendor, vendorName, budget);
        patch.edit();
        patch.check();
        try (OutputStream member = compression.encoder(new KeepOpenOutputStream(out))) {
            Files.copy(patch.image, member);
        }
    }

    /** Decompresses the vendor image into {@code work/image}; returns its compression. */
    private Compression unpack(SeekableFileInput vendor, String vendorName, Budget budget) throws IOException {
        byte[] head = new byte[6];
        int n = vendor.peek(0, head, head.length);
        Compression c = Compression.detect(head, n);
        if (c == null) {
            c = Compression.NONE; // a raw ext2 image starts with a zero boot block
        }
        if (!c.canDecode()) {
            throw BootloaderException.invalidSource("ext2 initrd " + vendorName + " uses " + c.label()
                    + ", which cannot be read");
        }
        vendor.seek(0);
        try (InputStream in = c.decoder(new KeepOpenInputStream(vendor));
             OutputStream to = Files.newOutputStream(image)) {
            byte[] buf = new byte[64 * 1024];
            int r;
            while ((r = in.read(buf)) > 0) {
                budget.charge(r);
                to.write(buf, 0, r);
            }
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("No space left")) {
                throw e;
            }
            throw BootloaderException.invalidSource("ext2 initrd " + vendorName + " cannot be decompressed: "
                    + e.getMessage(), e);
        }
        byte[] magic = new byte[2];
        try (SeekableFileInput img = new SeekableFileInput(image)) {
            if (img.peek(EXT2_MAGIC_OFFSET, magic, 2) < 2 || (magic[0] & 0xff) != 0x53 || (magic[1] & 0xff) != 0xef) {
                throw BootloaderException.invalidSource("initrd " + vendorName
                        + " is mapped as ext2 but is not an ext2 filesystem image");
            }
        }
        return c;
    }

    /** What {@code ls -p} says about one existing name: its inode mode. */
    private Map<String, Long> listExisting() throws IOException {
        Set<String> dirs = new LinkedHashSet<>();
        for (Overlay.Item item : overlay.items()) {
            if (!item.key.isEmpty()) {
                dirs.add(parent(item.key));
            }
        }
        StringBuilder script = new StringBuilder();
        for (String dir : dirs) {
            script.append("ls -p ").append(quote("/" + dir)).append('\n');
        }
        Path cmds = work.resolve("list.cmds");
        Files.writeString(cmds, script.toString(), StandardCharsets.ISO_8859_1);
        Result r = run(List.of(debugfs.toString(), "-f", cmds.toString(), image.toString()), "list");
        Map<String, Long> existing = new HashMap<>();
        String dir = null;
        for (String line : r.stdout.split("\n")) {
            if (line.startsWith("debugfs: ls -p ")) {
                String quoted = line.substring("debugfs: ls -p ".length());
                dir = quoted.substring(2, quoted.length() - 1); // drop "/ and "
            } else if (dir != null && line.startsWith("/")) {
                // /inode/mode/uid/gid/name/size/
                String[] f = line.split("/", -1);
                if (f.length >= 7 && !f[5].equals(".") && !f[5].equals("..")) {
                    existing.put(dir.isEmpty() ? f[5] : dir + "/" + f[5], Long.parseLong(f[2], 8));
                }
            }
        }
        return existing;
    }

    private void edit() throws IOException {
        for (Overlay.Item item : overlay.items()) {
            if (item.key.indexOf('"') >= 0 || item.key.chars().anyMatch(Character::isISOControl)) {
                throw BootloaderException.supportPackageMissing("overlay " + overlay.file() + " has the name \""
                        + MessageText.printable(item.key) + "\", which cannot be written into an ext2 image");
            }
        }
        Map<String, Long> existing = listExisting();
        StringBuilder s = new StringBuilder();
        Map<Overlay.LinkGroup, String> linkedTo = new HashMap<>();
        List<String> linkCounts = new ArrayList<>();
        int fileNumber = 0;
        for (Overlay.Item item : overlay.items()) {
            CpioEntry e = item.header;
            String path = "/" + item.key;
            Long had = existing.get(item.key);
            boolean hadDir = had != null && (had & CpioEntry.S_IFMT) == CpioEntry.S_IFDIR;
            if (item.key.isEmpty()) {
                if (!e.isDirectory()) {
                    throw BootloaderException.supportPackageMissing("overlay " + overlay.file()
                            + " replaces the root directory with a non-directory");
                }
                hadDir = true;
            }
            s.append("cd ").append(quote("/" + parent(item.key))).append('\n');
            String name = quote(item.key.isEmpty() ? "/" : base(item.key));
            if (e.isDirectory()) {
                if (had != null && !hadDir) {
                    s.append("rm ").append(name).append('\n');
                }
                if (!hadDir) {
                    s.append("mkdir ").append(name).append('\n');
                }
            } else {
                if (hadDir) {
                    throw BootloaderException.supportPackageMissing("overlay " + overlay.file() + " replaces the directory "
                            + path + " of the ext2 initrd with a non-directory");
                }
                if (had != null) {
                    s.append("rm ").append(name).append('\n');
                }
                long type = e.type();
                Overlay.LinkGroup g = item.group != null && item.group.members.size() > 1 ? item.group : null;
                if (g != null && linkedTo.containsKey(g)) {
                    s.append("ln ").append(quote(linkedTo.get(g))).append(' ').append(name).append('\n');
                    continue; // shares the inode already set up
                }
                if (type == CpioEntry.S_IFREG) {
                    Path data = work.resolve("file" + (fileNumber++));
                    Files.write(data, g != null ? g.data : item.data);
                    s.append("write ").append(quote(data.toString())).append(' ').append(name).append('\n');
                    if (g != null) {
                        linkedTo.put(g, path);
                        linkCounts.add("sif " + quote(path) + " links_count " + g.members.size());
                    }
                } else if (type == CpioEntry.S_IFLNK) {
                    String target = new String(item.data, StandardCharsets.ISO_8859_1);
                    if (target.indexOf('"') >= 0 || target.chars().anyMatch(Character::isISOControl)) {
                        throw BootloaderException.supportPackageMissing("overlay " + overlay.file()
                                + " has a symlink target that cannot be written into an ext2 image");
                    }
                    s.append("symlink ").append(name).append(' ').append(quote(target)).append('\n');
                } else if (type == CpioEntry.S_IFCHR || type == CpioEntry.S_IFBLK) {
                    s.append("mknod ").append(name).append(type == CpioEntry.S_IFCHR ? " c " : " b ")
                            .append(e.rdevMajor).append(' ').append(e.rdevMinor).append('\n');
                } else if (type == CpioEntry.S_IFIFO) {
                    s.append("mknod ").append(name).append(" p\n");
                } else {
                    throw BootloaderException.supportPackageMissing("overlay " + overlay.file() + " entry " + path
                            + " has a file type debugfs cannot create (mode " + Long.toOctalString(e.mode) + ")");
                }
            }
            if (!e.isSymlink()) {
                s.append("sif ").append(name).append(" mode 0").append(Long.toOctalString(e.mode)).append('\n');
            }
            s.append("sif ").append(name).append(" uid ").append(e.uid).append('\n');
            s.append("sif ").append(name).append(" gid ").append(e.gid).append('\n');
            s.append("sif ").append(name).append(" mtime @").append(e.mtime).append('\n');
        }
        for (String c : linkCounts) {
            s.append(c).append('\n');
        }
        Path cmds = work.resolve("edit.cmds");
        Files.writeString(cmds, s.toString(), StandardCharsets.ISO_8859_1);
        Result r = run(List.of(debugfs.toString(), "-w", "-f", cmds.toString(), image.toString()), "edit");
        for (String line : r.stderr.split("\n")) {
            if (line.isBlank() || line.startsWith("debugfs ")) {
                continue; // the version banner
            }
            if (line.contains("Could not allocate") || line.contains("No free space")) {
                throw BootloaderException.limits("the overlay " + overlay.file() + " does not fit in the ext2 initrd image");
            }
            throw BootloaderException.internal("debugfs could not write the overlay into the ext2 initrd: "
                    + line.trim(), null);
        }
    }

    private void check() throws IOException {
        Result r = run(List.of(Tools.find("e2fsck").toString(), "-fn", image.toString()), "check");
        if (r.exit != 0) {
            String first = r.stdout.lines().filter(l -> !l.startsWith("Pass ") && !l.isBlank()).findFirst().orElse("");
            throw BootloaderException.internal("the ext2 initrd is inconsistent after writing the overlay (e2fsck exit "
                    + r.exit + "): " + first, null);
        }
    }

    private static String parent(String key) {
        int slash = key.lastIndexOf('/');
        return slash < 0 ? "" : key.substring(0, slash);
    }

    private static String base(String key) {
        return key.substring(key.lastIndexOf('/') + 1);
    }

    /** debugfs (libss) splits on blanks and honours double quotes. */
    private static String quote(String s) {
        return '"' + s + '"';
    }

    private record Result(int exit, String stdout, String stderr) {
    }

    private Result run(List<String> command, String step) throws IOException {
        Path stdout = work.resolve(step + ".out");
        Path stderr = work.resolve(step + ".err");
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        pb.environment().put("LC_ALL", "C");
        Process p = pb.start();
        try {
            if (!p.waitFor(TOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw BootloaderException.internal(command.get(0) + " did not finish in "
                        + TOOL_TIMEOUT_SECONDS + " s", null);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw BootloaderException.internal("interrupted while running " + command.get(0), e);
        }
        return new Result(p.exitValue(), Files.readString(stdout, StandardCharsets.ISO_8859_1),
                Files.readString(stderr, StandardCharsets.ISO_8859_1));
    }
}
