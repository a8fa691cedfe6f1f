package org.xenproject.eliloader.round;

import java.io.IOException;
import java.nio.file.Path;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.initrd.InitrdFixups;

/**
 * A file copied from the tree into the output directory, with what was learnt while copying.
 *
 * @param md5Hex the MD5 computed while copying; null when nothing needed it then (see {@link #md5()})
 * @param source where it came from, for messages (e.g. {@code images/xen/vmlinuz} in the tree)
 * @param verification the published checksum it was verified against, e.g.
 *     {@code sha256 from .treeinfo [checksums]}; null when the tree publishes none for it
 */
public record FetchedFile(Path path, long size, String md5Hex, String source, String verification) {

    public FetchedFile(Path path, long size, String md5Hex) {
        this(path, size, md5Hex, null, null);
    }

    /** The MD5 as lower-case hex: the one computed while copying, else read from the file now. */
    public String md5() {
        if (md5Hex != null) {
            return md5Hex;
        }
        try {
            return InitrdFixups.md5Hex(path);
        } catch (IOException e) {
            throw new BootloaderException(ErrorCode.INTERNAL_ERROR, "Cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /** The same file under another path (moved to its final name). */
    public FetchedFile at(Path moved) {
        return new FetchedFile(moved, size, md5Hex, source, verification);
    }

    public boolean verified() {
        return verification != null;
    }
}
