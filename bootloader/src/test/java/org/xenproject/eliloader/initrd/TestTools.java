package org.xenproject.eliloader.initrd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.xenproject.eliloader.initrd.compression.Compression;
import org.xenproject.eliloader.initrd.cpio.CpioEntry;

/**
 * Runs the real tools (cpio, gzip, xz, lzma, bzip2, zstd, lz4, mknod, mke2fs, debugfs)
 * with argument lists, and describes unpacked trees for comparison.
 */
public final class TestTools {
    private TestTools() {
    }

    /** Runs a command; stdin/stdout may be files (null: none / captured). Returns stdout. */
    public static String run(Path cwd, Path stdin, Path stdout, String... command) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(cwd == null ? null : cwd.toFile());
            pb.redirectInput(stdin == null ? ProcessBuilder.Redirect.from(new File("/dev/null"))
                    : ProcessBuilder.Redirect.from(stdin.toFile()));
            Path captured = null;
            if (stdout != null) {
                pb.redirectOutput(stdout.toFile());
            } else {
                captured = Files.createTempFile("tool", ".out");
                pb.redirectOutput(captured.toFile());
            }
            Path err = Files.createTempFile("tool", ".err");
            pb.redirectError(err.toFile());
            Process p = pb.start();
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + String.join(" ", command));
            }
            String errText = Files.readString(err, StandardCharsets.ISO_8859_1);
            Files.delete(err);
            String out = captured == null ? "" : Files.readString(captured, StandardCharsets.ISO_8859_1);
            if (captured != null) {
                Files.delete(captured);
            }
            if (p.exitValue() != 0) {
                throw new AssertionError("exit " + p.exitValue() + " from " + String.join(" ", command) + ": " + errText);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** `find . | sort | cpio -o -H newc` in {@code tree}, by argument lists. */
    public static Path cpio(Path tree, Path archive) throws IOException {
        Path list = Files.createTempFile("cpio", ".list");
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.walk(tree)) {
            s.forEach(p -> names.add(p.equals(tree) ? "." : "./" + tree.relativize(p)));
        }
        names.sort(null);
        Files.writeString(list, String.join("\n", names) + "\n");
        run(tree, list, archive, "cpio", "-o", "-H", "newc", "--quiet");
        Files.delete(list);
        return archive;
    }

    /** Compresses with the real command-line tool for {@code c}. */
    public static Path compress(Path in, Compression c, Path out) {
        switch (c) {
            case NONE -> run(null, in, out, "cat");
            case GZIP -> run(null, in, out, "gzip", "-9", "-n", "-c");
            case XZ -> run(null, in, out, "xz", "--check=crc32", "-c");
            case LZMA -> run(null, in, out, "lzma", "-c");
            case BZIP2 -> run(null, in, out, "bzip2", "-c");
            case ZSTD -> run(null, in, out, "zstd", "-q", "-c");
            case LZ4_LEGACY -> run(null, in, out, "lz4", "-l", "-q", "-c");
            case LZ4_FRAME -> run(null, in, out, "lz4", "-q", "-c");
            default -> throw new IllegalArgumentException(c.toString());
        }
        return out;
    }

    /** Decompresses with the real command-line tool for {@code c}. */
    public static Path decompress(Path in, Compression c, Path out) {
        switch (c) {
            case NONE -> run(null, in, out, "cat");
            case GZIP -> run(null, in, out, "gzip", "-dc");
            case XZ -> run(null, in, out, "xz", "-dc");
            case LZMA -> run(null, in, out, "lzma", "-dc");
            case BZIP2 -> run(null, in, out, "bzip2", "-dc");
            case ZSTD -> run(null, in, out, "zstd", "-q", "-dc");
            case LZ4_LEGACY, LZ4_FRAME -> run(null, in, out, "lz4", "-q", "-dc");
            default -> throw new IllegalArgumentException(c.toString());
        }
        return out;
    }

    /** `cpio -idmu` as root: owners, modes, device nodes and hard links are recreated; later names win. */
    public static void extract(Path cpioArchive, Path dest) throws IOException {
        Files.createDirectories(dest);
        run(dest, cpioArchive, null, "cpio", "-idmu", "--no-absolute-filenames", "--quiet");
    }

    public static List<String> list(Path cpioArchive) {
        return List.of(run(null, cpioArchive, null, "cpio", "-t", "--quiet").split("\n"));
    }

    public static Path slice(Path file, long from, long to, Path out) throws IOException {
        byte[] all = Files.readAllBytes(file);
        Files.write(out, java.util.Arrays.copyOfRange(all, (int) from, (int) to));
        return out;
    }

    /**
     * A description of every path under {@code root}: type, permissions, owner, device
     * numbers, size and content hash or link target, the names a file is hard-linked
     * with, and the mtime of files (not of directories, which unpacking in two steps
     * legitimately touches).
     */
    public static Map<String, String> describe(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        Map<Object, List<String>> byInode = new TreeMap<>();
        List<Path> all;
        try (Stream<Path> s = Files.walk(root)) {
            all = s.toList();
        }
        for (Path p : all) {
            Map<String, Object> a = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) a.get("mode");
            if ((mode & CpioEntry.S_IFMT) == CpioEntry.S_IFREG && (Integer) a.get("nlink") > 1) {
                byInode.computeIfAbsent(a.get("ino"), k -> new ArrayList<>()).add(root.relativize(p).toString());
            }
        }
        for (Path p : all) {
            String name = root.relativize(p).toString();
            Map<String, Object> a = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) a.get("mode");
            int type = mode & CpioEntry.S_IFMT;
            StringBuilder d = new StringBuilder();
            d.append(Integer.toOctalString(mode)).append(' ').append(a.get("uid")).append(':').append(a.get("gid"));
            if (type == CpioEntry.S_IFCHR || type == CpioEntry.S_IFBLK) {
                d.append(" rdev ").append(a.get("rdev"));
            }
            if (type == CpioEntry.S_IFREG) {
                d.append(" size ").append(a.get("size")).append(" sha ").append(sha(p));
                d.append(" mtime ").append(((FileTime) a.get("lastModifiedTime")).toMillis() / 1000);
                List<String> links = byInode.get(a.get("ino"));
                if (links != null) {
                    d.append(" links ").append(new java.util.TreeSet<>(links));
                }
            }
            if (type == CpioEntry.S_IFLNK) {
                d.append(" -> ").append(Files.readSymbolicLink(p));
            }
            out.put(name, d.toString());
        }
        return out;
    }

    static String sha(Path p) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (var in = Files.newInputStream(p)) {
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = in.read(buf)) > 0) {
                    md.update(buf, 0, n);
                }
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    public static void assertNothingLeft(Path outputDir) throws IOException {
        try (Stream<Path> s = Files.list(outputDir)) {
            assertThat(s.toList()).as("files left in the output directory").isEmpty();
        }
    }
}
