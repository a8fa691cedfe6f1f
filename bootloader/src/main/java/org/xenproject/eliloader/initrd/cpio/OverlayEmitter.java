package org.xenproject.eliloader.initrd.cpio;

import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Writes overlay entries into a newc archive, each at most once, with fresh inode numbers.
 * A hard-linked overlay file gets one new inode for all its names; the first name written
 * carries the data and the others are written empty, which both the kernel (it links a
 * later name to an earlier one with the same inode) and GNU cpio accept.
 */
final class OverlayEmitter {
    private final NewcWriter writer;
    private final InodeCounter inodes;
    private final Set<String> written = new HashSet<>();
    private final Map<Overlay.LinkGroup, long[]> groupInodes = new HashMap<>();
    private final Set<Overlay.LinkGroup> groupsWithData = new HashSet<>();

    /** Hands out inode numbers unique within the archive being written. */
    static final class InodeCounter {
        private long next = 1;

        long next() {
            return next++;
        }
    }

    OverlayEmitter(NewcWriter writer, InodeCounter inodes) {
        this.writer = writer;
        this.inodes = inodes;
    }

    boolean isWritten(String key) {
        return written.contains(key);
    }

    void write(Overlay.Item item) throws IOException {
        if (!written.add(item.key)) {
            return;
        }
        CpioEntry out = item.header.copy();
        out.name = item.key.isEmpty() ? "." : item.key;
        byte[] body = item.data;
        Overlay.LinkGroup g = item.group;
        if (g != null && g.members.size() > 1) {
            out.ino = groupInodes.computeIfAbsent(g, k -> new long[] {inodes.next()})[0];
            out.nlink = g.members.size();
            body = groupsWithData.add(g) ? g.data : new byte[0];
        } else {
            // A plain file, or the only name left of a hard-link group.
            out.ino = inodes.next();
            if (g != null) {
                out.nlink = 1;
                body = g.data;
            }
        }
        out.fileSize = body.length;
        writer.putEntry(out, body);
    }

    void writeRemaining(Overlay overlay) throws IOException {
        for (Overlay.Item item : overlay.items()) {
            write(item);
        }
    }
}
