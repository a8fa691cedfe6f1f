package org.xenproject.eliloader.round;

import java.nio.file.Path;

/**
 * A file copied from the tree into the output directory, with what was learnt while copying.
 *
 * @param source where it came from, for messages (e.g. {@code images/xen/vmlinuz} in the tree)
 * @param verification the published checksum it was verified against, e.g.
 *     {@code sha256 from .treeinfo [checksums]}; null when the tree publishes none for it
 */
public record FetchedFile(Path path, long size, String md5Hex, String source, String verification) {

    public FetchedFile(Path path, long size, String md5Hex) {
        this(path, size, md5Hex, null, null);
    }

    public boolean verified() {
        return verification != null;
    }
}
