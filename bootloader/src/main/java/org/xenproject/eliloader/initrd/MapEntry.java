package org.xenproject.eliloader.initrd;

import java.nio.file.Path;
import java.util.List;

/**
 * One line of a {@code *.map} file: the vendor initrd with MD5 {@code md5} is patched
 * with {@code overlay}.
 *
 * @param md5     the vendor initrd's MD5, 32 lower-case hex digits
 * @param kind    {@link Kind#CPIO} (cpio initrd, any compression) or {@link Kind#EXT2}
 *                (ext2 filesystem image, usually gzip'd)
 * @param mode    how a cpio overlay is applied; ignored for ext2
 * @param overlay the overlay archive, resolved against the guest-installer directory
 * @param distros the distributions the line names (informational)
 * @param origin  {@code file:line} of the map line, for messages
 */
public record MapEntry(String md5, Kind kind, OverlayMode mode, Path overlay, List<String> distros, String origin) {

    public enum Kind {
        CPIO, EXT2
    }

    public MapEntry {
        distros = List.copyOf(distros);
    }

    /** The same entry applied another way, for a profile that chooses the mode. */
    public MapEntry withMode(OverlayMode newMode) {
        return new MapEntry(md5, kind, newMode, overlay, distros, origin);
    }
}
