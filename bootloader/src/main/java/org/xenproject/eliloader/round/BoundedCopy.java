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

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.source.InstallSource;

/**
 * Copies one file of the tree to a local file, refusing it as soon as it is known to be over its
 * limit (announced length, or bytes received), checking the announced length against what
 * arrived, and computing its MD5 on the way (vendor initrds are recognised by MD5).
 */
public final class BoundedCopy {
    private static final int BUFFER = 256 * 1024;

    private BoundedCopy() {
    }

    public static FetchedFile fetch(InstallSource source, String path, String what, long limit, Path target) {
        String where = source.describe(path);
        try (InstallSource.Resource resource = source.open(path)) {
            OptionalLong announced = resource.length();
            if (announced.isPresent() && announced.getAsLong() > limit) {
                throw tooBig(what, where, announced.getAsLong(), limit);
            }
            MessageDigest md5 = md5();
            long copied = 0;
            byte[] buffer = new byte[BUFFER];
            try (InputStream in = resource.stream(); OutputStream out = Files.newOutputStream(target)) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    copied += n;
                    if (copied > limit) {
                        throw tooBig(what, where, copied, limit);
                    }
                    md5.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                }
            }
            if (announced.isPresent() && announced.getAsLong() != copied) {
                throw BootloaderException.invalidSource("The " + what + " " + where + " was cut short: "
                        + copied + " of " + announced.getAsLong() + " bytes arrived.");
            }
            return new FetchedFile(target, copied, HexFormat.of().formatHex(md5.digest()));
        } catch (IOException e) {
            throw BootloaderException.invalidSource("Cannot fetch the " + what + " " + where + ": " + e.getMessage(), e);
        }
    }

    private static BootloaderException tooBig(String what, String where, long size, long limit) {
        return BootloaderException.limits("The " + what + " " + where + " is larger than its limit ("
                + (size > limit ? "at least " + size : size) + " > " + limit + " bytes).");
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has MD5", e);
        }
    }
}
