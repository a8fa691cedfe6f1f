package org.xenproject.eliloader.source;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;

import org.xenproject.eliloader.testsupport.ProjectPaths;

/** Trees, work dirs and options shared by the source tests. */
public final class SourceFixtures {
    /** The tree every scheme serves in the round-1 tests (rhel5 layout: images/xen/vmlinuz + initrd.img). */
    public static final String TREE = "rhel5";
    public static final String KERNEL = "images/xen/vmlinuz";
    public static final String INITRD = "images/xen/initrd.img";

    private SourceFixtures() {
    }

    public static Path fixtureTree() {
        return ProjectPaths.trees().resolve(TREE);
    }

    /** Options for direct source tests: short timeouts and quick retries. */
    public static SourceOptions quickOptions() {
        return SourceOptions.defaults()
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(60))
                .withRetry(new RetryPolicy(3, Duration.ofMillis(100), Duration.ofMillis(400)));
    }

    /**
     * A world-readable scratch directory under /tmp (JUnit's are owner-only, which the ftp and
     * nobody accounts of vsftpd and Samba cannot read), deleted by {@link WorkDir#close()}.
     */
    public static WorkDir workDir(String name) {
        try {
            Path dir = Files.createTempDirectory("eliloader-" + name + "-");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            return new WorkDir(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A scratch directory; {@link #close()} removes it and everything in it. */
    public record WorkDir(Path path) implements AutoCloseable {
        public Path resolve(String other) {
            return path.resolve(other);
        }

        /** A world-readable directory inside. */
        public Path mkdirs(String relative) {
            try {
                Path dir = path;
                for (String part : relative.split("/")) {
                    dir = dir.resolve(part);
                    Files.createDirectories(dir);
                    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
                return dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            deleteTree(path);
        }
    }

    /** Writes {@code size} deterministic pseudo-random bytes, world-readable. */
    public static Path randomFile(Path file, long size, long seed) {
        try {
            Files.createDirectories(file.getParent());
            Random random = new Random(seed);
            byte[] buffer = new byte[1 << 16];
            try (OutputStream out = Files.newOutputStream(file)) {
                for (long left = size; left > 0; ) {
                    random.nextBytes(buffer);
                    int n = (int) Math.min(buffer.length, left);
                    out.write(buffer, 0, n);
                    left -= n;
                }
            }
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String md5(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return md5(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String md5(InputStream in) throws IOException {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                md5.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(md5.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads exactly {@code count} bytes into the digest-less void (to get part way into a transfer). */
    public static void readFully(InputStream in, byte[] into) throws IOException {
        int off = 0;
        while (off < into.length) {
            int n = in.read(into, off, into.length - off);
            if (n < 0) {
                throw new IOException("early end after " + off + " bytes");
            }
            off += n;
        }
    }

    public static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
