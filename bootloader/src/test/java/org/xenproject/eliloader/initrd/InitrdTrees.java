package org.xenproject.eliloader.initrd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Random;

/** The vendor and overlay trees the tests pack into initrds (the tests run as root). */
public final class InitrdTrees {
    public static final long MTIME = 981_173_106L; // 2001-02-03

    private InitrdTrees() {
    }

    public static Path file(Path root, String name, String content, String perms) throws IOException {
        Path p = root.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
        Files.setLastModifiedTime(p, FileTime.fromMillis(MTIME * 1000));
        return p;
    }

    public static void mknod(Path root, String name, String type, int major, int minor) {
        Path p = root.resolve(name);
        if (type.equals("p")) {
            TestTools.run(null, null, null, "mknod", p.toString(), "p");
        } else {
            TestTools.run(null, null, null, "mknod", p.toString(), type, Integer.toString(major), Integer.toString(minor));
        }
    }

    static void chown(Path p, int uid, int gid) {
        TestTools.run(null, null, null, "chown", "-h", uid + ":" + gid, p.toString());
    }

    /**
     * A small installer-like tree: directories, a setuid binary, owned files, symlinks,
     * device nodes, a fifo, three hard-link groups (one empty) and a file larger than a
     * legacy-lz4 chunk so the chunking is exercised.
     */
    public static Path vendorTree(Path root, boolean big) throws IOException {
        Files.createDirectories(root.resolve("dev"));
        file(root, "bin/busybox", text(200_000, 1), "rwxr-xr-x");
        Files.createSymbolicLink(root.resolve("bin/sh"), Path.of("busybox"));
        Files.createDirectories(root.resolve("sbin"));
        Files.createSymbolicLink(root.resolve("sbin/init"), Path.of("../bin/busybox"));
        file(root, "usr/bin/su", "setuid\n", "rwxr-xr-x");
        TestTools.run(null, null, null, "chmod", "4755", root.resolve("usr/bin/su").toString());
        chown(file(root, "etc/passwd", "root:x:0:0::/root:/bin/sh\n", "rw-r-----"), 1234, 5678);
        file(root, "etc/replaced", "vendor version\n", "rw-r--r--");
        file(root, "etc/keep", "vendor keeps this\n", "rw-r--r--");
        mknod(root, "dev/console", "c", 5, 1);
        mknod(root, "dev/null", "c", 1, 3);
        mknod(root, "dev/loop0", "b", 7, 0);
        mknod(root, "dev/initctl", "p", 0, 0);
        // Group 1: GNU cpio puts the data on the last name (z); the overlay replaces z.
        Path a = file(root, "lib/links/a", "linked data 1\n", "rw-r--r--");
        Files.createLink(root.resolve("lib/links/m"), a);
        Files.createLink(root.resolve("lib/links/z"), a);
        // Group 2: the overlay replaces the first name only.
        Path p = file(root, "lib/links2/p", "linked data 2\n", "rw-r--r--");
        Files.createLink(root.resolve("lib/links2/q"), p);
        // Group 3: empty hard-linked files.
        Path e = file(root, "lib/empty1", "", "rw-r--r--");
        Files.createLink(root.resolve("lib/empty2"), e);
        if (big) {
            file(root, "lib/big.bin", text(9 << 20, 2), "rw-r--r--");
        }
        for (String dir : List.of("bin", "sbin", "usr/bin", "usr", "etc", "dev", "lib/links", "lib/links2", "lib")) {
            Files.setLastModifiedTime(root.resolve(dir), FileTime.fromMillis(MTIME * 1000));
        }
        return root;
    }

    /** Replaces two files (one the data carrier of a link group), adds files, a directory, a device and a link pair. */
    public static Path overlayTree(Path root) throws IOException {
        Path replaced = file(root, "etc/replaced", "overlay version\n", "rw-------");
        chown(replaced, 42, 43);
        file(root, "etc/new-file", "added by the overlay\n", "rw-r--r--");
        file(root, "newdir/inside", "in a new directory\n", "rw-r--r--");
        Files.setPosixFilePermissions(root.resolve("newdir"), PosixFilePermissions.fromString("rwx------"));
        file(root, "lib/links/z", "overlay z\n", "rw-r--r--");
        file(root, "lib/links2/p", "overlay p\n", "rw-r--r--");
        Files.createDirectories(root.resolve("dev"));
        mknod(root, "dev/ttyS0", "c", 4, 64);
        Path n1 = file(root, "bin/newlink1", "overlay linked\n", "rwxr-xr-x");
        Files.createLink(root.resolve("bin/newlink2"), n1);
        return root;
    }

    public static Path microcodeTree(Path root) throws IOException {
        file(root, "kernel/x86/microcode/GenuineIntel.bin", text(3000, 3), "rw-r--r--");
        return root;
    }

    /** Compressible but not trivial text. */
    public static String text(int size, long seed) {
        Random r = new Random(seed);
        String[] words = {"alpha", "beta", "gamma", "delta", "initrd", "kernel", "xen", "cpio", "\n"};
        StringBuilder s = new StringBuilder(size + 16);
        while (s.length() < size) {
            s.append(words[r.nextInt(words.length)]).append(r.nextInt(1000)).append(' ');
        }
        s.setLength(size);
        return s.toString();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
