package org.xenproject.eliloader.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real disk images for tests, built as a user without mounting anything: a file tree is
 * written to a directory and turned into an ext3 filesystem with {@code mke2fs -d}; partitioned
 * disks get their table from {@code sfdisk} and each filesystem is written at its partition's
 * offset with {@code mke2fs -E offset=}. Needs e2fsprogs and fdisk (scripts/setup installs them).
 *
 * <pre>
 * Path disk = DiskImages.ext3(dir.resolve("a.img"), DiskImages.files()
 *         .file("/boot/grub/menu.lst", menu).file("/boot/vmlinuz", "KERNEL"), 16);
 * DiskImages.Disk p = DiskImages.partitioned(dir.resolve("p.img"),
 *         DiskImages.Part.swap(8), DiskImages.Part.ext3(20, tree));
 * long secondPartition = p.offsets().get(1);
 * </pre>
 */
public final class DiskImages {
    private static final long MIB = 1L << 20;
    /** Where partitions start: 1 MiB, as sfdisk and every current partitioner align them. */
    private static final long FIRST_SECTOR = 2048;

    private DiskImages() {
    }

    /** The files of a filesystem, by absolute path inside it. */
    public static final class FileTree {
        private final Map<String, byte[]> files = new LinkedHashMap<>();

        private FileTree() {
        }

        public FileTree file(String path, String content) {
            return file(path, content.getBytes(StandardCharsets.UTF_8));
        }

        public FileTree file(String path, byte[] content) {
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("paths inside the image are absolute: " + path);
            }
            files.put(path, content.clone());
            return this;
        }

        public Map<String, byte[]> files() {
            return Map.copyOf(files);
        }

        /** The content of one file, for comparing with what pygrub copied out. */
        public byte[] content(String path) {
            byte[] content = files.get(path);
            if (content == null) {
                throw new IllegalArgumentException("no file " + path);
            }
            return content.clone();
        }

        /** Writes the tree under {@code root}. */
        void writeTo(Path root) throws IOException {
            Files.createDirectories(root);
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                Path target = root.resolve(e.getKey().substring(1));
                Files.createDirectories(target.getParent());
                Files.write(target, e.getValue());
            }
        }
    }

    /** An empty file tree to fill. */
    public static FileTree files() {
        return new FileTree();
    }

    /** One partition: its size in MiB, its MBR type, and the ext3 filesystem in it (null: none). */
    public record Part(long sizeMiB, String type, FileTree ext3) {
        /** A Linux swap partition; pygrub cannot open it. */
        public static Part swap(long sizeMiB) {
            return new Part(sizeMiB, "82", null);
        }

        /** A Linux partition holding an ext3 filesystem with these files. */
        public static Part ext3(long sizeMiB, FileTree files) {
            return new Part(sizeMiB, "83", files);
        }
    }

    /** A partitioned image and the byte offset of each partition. */
    public record Disk(Path image, List<Long> offsets) { }

    /**
     * The ISO 9660 image of a CD made from the directory {@code tree} (Rock Ridge and Joliet, by
     * {@code xorriso -as mkisofs}), e.g. a fixture tree as the boot disk of a CD install.
     */
    public static Path iso(Path tree, Path image, String label) {
        run("xorriso", "-as", "mkisofs", "-R", "-J", "-V", label, "-o", image.toString(), tree.toString());
        return image;
    }

    /** A whole-disk ext3 filesystem (no partition table), as a PV guest's xvda often is. */
    public static Path ext3(Path image, FileTree files, long sizeMiB) {
        try {
            Path tree = Files.createTempDirectory(image.toAbsolutePath().getParent(), "tree.");
            try {
                files.writeTo(tree);
                createSparse(image, sizeMiB * MIB);
                run("mke2fs", "-q", "-F", "-t", "ext3", "-d", tree.toString(), image.toString());
            } finally {
                deleteTree(tree);
            }
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A disk with an MBR partition table ({@code sfdisk}) and the given partitions, in order. */
    public static Disk partitioned(Path image, Part... parts) {
        return partitioned(image, "dos", parts);
    }

    /** As {@link #partitioned(Path, Part...)} with a GUID partition table. */
    public static Disk partitionedGpt(Path image, Part... parts) {
        return partitioned(image, "gpt", parts);
    }

    private static Disk partitioned(Path image, String label, Part... parts) {
        long sectorsPerMiB = MIB / 512;
        StringBuilder script = new StringBuilder("label: ").append(label).append('\n');
        List<Long> offsets = new ArrayList<>();
        long start = FIRST_SECTOR;
        for (Part part : parts) {
            long sectors = part.sizeMiB() * sectorsPerMiB;
            String type = label.equals("gpt") ? (part.type().equals("82") ? "S" : "L") : part.type();
            script.append("start=").append(start).append(", size=").append(sectors).append(", type=").append(type)
                    .append('\n');
            offsets.add(start * 512);
            start += sectors;
        }
        long total = (start + FIRST_SECTOR) * 512; // room for the backup GPT at the end
        try {
            createSparse(image, total);
            runWithInput(script.toString(), "sfdisk", "-q", image.toString());
            for (int i = 0; i < parts.length; i++) {
                if (parts[i].ext3() == null) {
                    continue;
                }
                Path tree = Files.createTempDirectory(image.toAbsolutePath().getParent(), "tree.");
                try {
                    parts[i].ext3().writeTo(tree);
                    run("mke2fs", "-q", "-F", "-t", "ext3", "-d", tree.toString(), "-E", "offset=" + offsets.get(i),
                            image.toString(), (parts[i].sizeMiB() * 1024) + "k");
                } finally {
                    deleteTree(tree);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Disk(image, List.copyOf(offsets));
    }

    /** A grub-legacy menu.lst with one {@code title} stanza per entry (kernel line, then initrd). */
    public static String menuLst(int defaultEntry, String... titleKernelArgsInitrd) {
        if (titleKernelArgsInitrd.length % 4 != 0) {
            throw new IllegalArgumentException("give title, kernel, args, initrd for each entry");
        }
        StringBuilder menu = new StringBuilder("default=" + defaultEntry + "\ntimeout=5\nhiddenmenu\n");
        for (int i = 0; i < titleKernelArgsInitrd.length; i += 4) {
            menu.append("title ").append(titleKernelArgsInitrd[i]).append('\n')
                    .append("\troot (hd0,0)\n")
                    .append("\tkernel ").append(titleKernelArgsInitrd[i + 1]).append(' ').append(titleKernelArgsInitrd[i + 2])
                    .append('\n')
                    .append("\tinitrd ").append(titleKernelArgsInitrd[i + 3]).append('\n');
        }
        return menu.toString();
    }

    private static void createSparse(Path image, long size) throws IOException {
        Files.deleteIfExists(image);
        try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(size);
        }
    }

    private static void run(String tool, String... args) {
        runWithInput(null, tool, args);
    }

    private static void runWithInput(String input, String tool, String... args) {
        List<String> command = new ArrayList<>();
        command.add(tool(tool));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (var in = process.getOutputStream()) {
                if (input != null) {
                    in.write(input.getBytes(StandardCharsets.UTF_8));
                }
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (" + process.exitValue() + "): "
                        + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** e2fsprogs and fdisk live in sbin, which a user's PATH may lack. */
    private static String tool(String name) {
        for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException(name + " is not installed (scripts/setup installs it: e2fsprogs, fdisk, xorriso)");
    }

    private static void deleteTree(Path root) throws IOException {
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
