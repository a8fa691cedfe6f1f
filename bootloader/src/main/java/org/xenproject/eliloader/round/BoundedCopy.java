package org.xenproject.eliloader.round;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.OptionalLong;
import java.util.function.Supplier;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.source.InstallSource;

/**
 * Copies one file of the tree to a local file, refusing it as soon as it is known to be over its
 * limit (announced length, or bytes received), checking the announced length against what
 * arrived, computing its MD5 on the way (vendor initrds are recognised by MD5) and, when the tree
 * publishes a checksum for it, verifying that digest as the bytes stream through.
 */
public final class BoundedCopy {
    private static final int BUFFER = 256 * 1024;
    /** Progress on a terminal ({@link Progress#enableOnTerminal}); null, the toolstack's case: none, and the class stays unloaded. */
    static volatile Progress progress;

    /** A digest the tree publishes for a file: algorithm ({@code sha256}, {@code sha1}, {@code md5}, {@code sha512}), hex, and where it was published. */
    public record Expected(String algorithm, String hex, String publishedIn) {
        /** For messages and {@code probe}: {@code sha256 from .treeinfo [checksums]}. */
        public String describe() {
            return algorithm + " from " + publishedIn;
        }
    }

    private BoundedCopy() {
    }

    public static FetchedFile fetch(InstallSource source, String path, String what, long limit, Path target) {
        return fetch(source, path, what, limit, target, null);
    }

    /** As {@link #fetch(InstallSource, String, String, long, Path)}, refusing a file whose digest is not {@code expected}. */
    public static FetchedFile fetch(InstallSource source, String path, String what, long limit, Path target,
            Expected expected) {
        return fetch(source, path, what, limit, target, expected, true);
    }

    /**
     * As {@link #fetch(InstallSource, String, String, long, Path, Expected)}; with {@code md5}
     * false the MD5 is left out unless {@code expected} is one (the file's {@link FetchedFile#md5Hex()}
     * is then null). Digests are computed on a second thread while the bytes stream in.
     */
    public static FetchedFile fetch(InstallSource source, String path, String what, long limit, Path target,
            Expected expected, boolean md5) {
        return fetch(source, path, what, limit, target, () -> expected, md5);
    }

    /**
     * As {@link #fetch(InstallSource, String, String, long, Path, Expected, boolean)} with the
     * published checksum asked for once the request is answered, before the first byte is
     * copied: the tree's checksum list may still be on its way while this request goes out.
     */
    static FetchedFile fetch(InstallSource source, String path, String what, long limit, Path target,
            Supplier<Expected> expected, boolean md5) {
        String where = source.describe(path);
        try (InstallSource.Resource resource = source.open(path)) {
            return copy(resource, path, where, what, limit, target, expected, md5, null).file();
        } catch (IOException e) {
            throw BootloaderException.invalidSource("Cannot fetch the " + what + " " + where + ": " + e.getMessage(), e);
        }
    }

    /** What {@link #copy} made: the file, and its SHA-256 when asked for. */
    record Copied(FetchedFile file, String crc32) { }

    /**
     * Copies an open resource to {@code target} as {@link #fetch} does; with {@code crc32} non-null
     * that checksum is computed too (the cache stores it: a CRC-32 runs as one CPU instruction a
     * word where any cryptographic digest costs about 0.3 s a 40 MB initrd here), returned as hex.
     */
    static Copied copy(InstallSource.Resource resource, String path, String where, String what, long limit, Path target,
            Supplier<Expected> expectation, boolean md5, java.util.zip.CRC32 crc32) {
        try {
            OptionalLong announced = resource.length();
            Expected expected = expectation.get();
            if (announced.isPresent() && announced.getAsLong() > limit) {
                throw tooBig(what, where, announced.getAsLong(), limit);
            }
            boolean expectsMd5 = expected != null && expected.algorithm().equals("md5");
            MessageDigest md5Digest = md5 || expectsMd5 ? digest("md5") : null;
            MessageDigest check = expected == null || expectsMd5 ? null : digest(expected.algorithm());
            long copied;
            Progress shown = progress;
            Progress.Meter meter = shown == null ? null : shown.start(what, announced.orElse(-1));
            boolean complete = false;
            try (InputStream in = resource.stream(); OutputStream out = Files.newOutputStream(target)) {
                copied = md5Digest == null && check == null ? copy(in, out, what, where, limit, crc32, meter)
                        : copyDigesting(in, out, what, where, limit, md5Digest, check, crc32, meter);
                complete = true;
            } finally {
                if (meter != null) {
                    meter.done(complete);
                }
            }
            if (announced.isPresent() && announced.getAsLong() != copied) {
                throw BootloaderException.invalidSource("The " + what + " " + where + " was cut short: "
                        + copied + " of " + announced.getAsLong() + " bytes arrived.");
            }
            String md5Hex = md5Digest == null ? null : HexFormat.of().formatHex(md5Digest.digest());
            if (expected != null) {
                String actual = check == null ? md5Hex : HexFormat.of().formatHex(check.digest());
                if (!actual.equalsIgnoreCase(expected.hex())) {
                    throw BootloaderException.invalidSource("The " + what + " " + where + " does not match the "
                            + expected.algorithm() + " checksum published in " + expected.publishedIn() + " (expected "
                            + expected.hex().toLowerCase(java.util.Locale.ROOT) + ", got " + actual + ").");
                }
            }
            return new Copied(new FetchedFile(target, copied, md5Hex, path, expected == null ? null : expected.describe()),
                    crc32 == null ? null : crcHex(crc32));
        } catch (IOException e) {
            throw BootloaderException.invalidSource("Cannot fetch the " + what + " " + where + ": " + e.getMessage(), e);
        }
    }

    private static long copy(InputStream in, OutputStream out, String what, String where, long limit,
            java.util.zip.CRC32 crc32, Progress.Meter meter) throws IOException {
        long copied = 0;
        byte[] buffer = new byte[BUFFER];
        int n;
        // readNBytes fills the buffer: a plain read gives one network segment (8 KiB with OkHttp),
        // and a write per segment costs more than the transfer itself
        while ((n = in.readNBytes(buffer, 0, buffer.length)) > 0) {
            copied += n;
            if (copied > limit) {
                throw tooBig(what, where, copied, limit);
            }
            out.write(buffer, 0, n);
            if (crc32 != null) {
                crc32.update(buffer, 0, n);
            }
            if (meter != null) {
                meter.advance(n);
            }
        }
        return copied;
    }

    /** The copy, with the digests updated on a second thread. */
    private static long copyDigesting(InputStream in, OutputStream out, String what, String where, long limit,
            MessageDigest md5, MessageDigest check, java.util.zip.CRC32 crc32, Progress.Meter meter) throws IOException {
        MessageDigest[] digests = md5 == null ? new MessageDigest[] {check}
                : check == null ? new MessageDigest[] {md5} : new MessageDigest[] {md5, check};
        long copied = 0;
        try (DigestThread digester = new DigestThread(BUFFER, digests)) {
            while (true) {
                byte[] buffer = digester.buffer();
                int n = in.readNBytes(buffer, 0, buffer.length);
                if (n <= 0) {
                    digester.giveBack(buffer);
                    break;
                }
                copied += n;
                if (copied > limit) {
                    throw tooBig(what, where, copied, limit);
                }
                out.write(buffer, 0, n);
                if (crc32 != null) {
                    crc32.update(buffer, 0, n);
                }
                digester.digest(buffer, n);
                if (meter != null) {
                    meter.advance(n);
                }
            }
            digester.finish();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while copying");
        }
        return copied;
    }

    /**
     * Checks a file taken from the cache: its size and CRC-32 against what the cache stored
     * ({@link StaleCopy} when they differ: the entry is broken, not the tree), then against its
     * limit and the tree's published checksum (a mismatch is a {@link StaleCopy} too: the fresh
     * fetch then says what is wrong); computes the MD5 when asked.
     */
    static FetchedFile checkLocal(Path file, String path, String where, String what, long limit, Expected expected,
            boolean md5, long size, String crc32) throws StaleCopy {
        boolean expectsMd5 = expected != null && expected.algorithm().equals("md5");
        MessageDigest md5Digest = md5 || expectsMd5 ? digest("md5") : null;
        MessageDigest check = expected == null || expectsMd5 ? null : digest(expected.algorithm());
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        long read;
        try (InputStream in = Files.newInputStream(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            read = md5Digest == null && check == null
                    ? copy(in, OutputStream.nullOutputStream(), what, where, Long.MAX_VALUE, crc, null)
                    : copyDigesting(in, OutputStream.nullOutputStream(), what, where, Long.MAX_VALUE, md5Digest, check, crc, null);
        } catch (IOException e) {
            throw new StaleCopy("cannot read the cached copy: " + e.getMessage());
        }
        String crcHex = crcHex(crc);
        if (read != size || !crcHex.equals(crc32)) {
            throw new StaleCopy("the cached copy is not what was stored (" + read + " bytes, crc32 " + crcHex + ")");
        }
        if (read > limit) {
            throw tooBig(what, where, read, limit);
        }
        String md5Hex = md5Digest == null ? null : HexFormat.of().formatHex(md5Digest.digest());
        if (expected != null) {
            String actual = check == null ? md5Hex : HexFormat.of().formatHex(check.digest());
            if (!actual.equalsIgnoreCase(expected.hex())) {
                throw new StaleCopy("the cached copy does not match the " + expected.algorithm()
                        + " checksum published in " + expected.publishedIn());
            }
        }
        return new FetchedFile(file, read, md5Hex, path, expected == null ? null : expected.describe());
    }

    private static String crcHex(java.util.zip.CRC32 crc) {
        return HexFormat.of().toHexDigits((int) crc.getValue()); // 8 digits, as the cache stores them
    }

    /** A cached copy that must not be handed over; the caller fetches afresh. */
    static final class StaleCopy extends Exception {
        private static final long serialVersionUID = 1L;

        StaleCopy(String message) {
            super(message, null, false, false);
        }
    }

    private static BootloaderException tooBig(String what, String where, long size, long limit) {
        return BootloaderException.limits("The " + what + " " + where + " is larger than its limit ("
                + (size > limit ? "at least " + size : size) + " > " + limit + " bytes).");
    }

    private static MessageDigest digest(String algorithm) {
        String name = switch (algorithm) {
            case "md5" -> "MD5";
            case "sha1" -> "SHA-1";
            case "sha256" -> "SHA-256";
            case "sha512" -> "SHA-512";
            default -> throw new IllegalArgumentException("no digest " + algorithm);
        };
        try {
            return MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has " + name, e);
        }
    }
}
