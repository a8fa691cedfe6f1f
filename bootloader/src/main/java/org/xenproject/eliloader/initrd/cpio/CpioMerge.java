package org.xenproject.eliloader.initrd.cpio;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.initrd.compression.Budget;
import org.xenproject.eliloader.initrd.compression.Compression;
import org.xenproject.eliloader.initrd.compression.KeepOpenOutputStream;
import org.xenproject.eliloader.initrd.compression.SeekableFileInput;

/**
 * Merge mode: one streaming pass over the vendor initrd that writes a single new archive
 * in which overlay entries replace vendor entries of the same name, then recompresses it.
 * Nothing is unpacked to disk and no privilege is needed: entries are copied header and
 * body as they are (device nodes, modes, owners, times), only inode numbers are renewed so
 * that entries from several vendor archives and the overlay cannot collide.
 *
 * <p>Output: the vendor's uncompressed prefix (early microcode), byte for byte, then one
 * member in {@code compression}. An overlay entry that replaces a vendor entry is written
 * where the vendor entry was (so a replaced directory still precedes its contents);
 * overlay entries that are new come at the end.
 *
 * <p>Hard links: newc repeats a linked file once per name with the same inode and usually
 * puts the data on the last name, the others being empty. Empty names are held back
 * (headers only) until the data arrives, so that if the overlay replaces the name that
 * carried the data, the data is written under a surviving name instead of being lost.
 */
public final class CpioMerge {
    /** Data of a replaced data-first hard link, kept until a surviving name shows up. */
    private static final long ORPHAN_CAP = 64L << 20;

    private static final class VendorGroup {
        final long ino;
        final java.util.List<CpioEntry> heldBack = new ArrayList<>();
        boolean dataWritten;
        byte[] orphanData;

        VendorGroup(long ino) {
            this.ino = ino;
        }
    }

    private final InitrdReader reader;
    private final Overlay overlay;
    private final NewcWriter writer;
    private final OverlayEmitter overlayEmitter;
    private final OverlayEmitter.InodeCounter inodes = new OverlayEmitter.InodeCounter();
    private final Map<String, VendorGroup> groups = new HashMap<>();
    private final byte[] scratch = new byte[64 * 1024];
    private long orphanBytes;

    private CpioMerge(InitrdReader reader, Overlay overlay, NewcWriter writer) {
        this.reader = reader;
        this.overlay = overlay;
        this.writer = writer;
        this.overlayEmitter = new OverlayEmitter(writer, inodes);
    }

    /**
     * Writes the merged initrd to {@code out} (which stays open).
     *
     * @param layout where the vendor's compressed part starts, from {@link InitrdReader#probe}
     */
    public static void merge(SeekableFileInput vendor, String vendorName, InitrdReader.Layout layout,
                             Overlay overlay, Compression compression, Budget budget, OutputStream out) throws IOException {
        copyPrefix(vendor, layout.prefixLength(), out);
        try (InitrdReader reader = new InitrdReader(vendor, layout.prefixLength(), budget,
                ErrorCode.INVALID_SOURCE, "vendor initrd " + vendorName)) {
            OutputStream member = compression.encoder(new KeepOpenOutputStream(out));
            try {
                NewcWriter writer = new NewcWriter(member);
                new CpioMerge(reader, overlay, writer).run();
                writer.finish();
            } catch (IOException | RuntimeException | Error e) {
                Compression.discard(member, e);
                throw e;
            }
            member.close();
        }
    }

    private static void copyPrefix(SeekableFileInput vendor, long length, OutputStream out) throws IOException {
        vendor.seek(0);
        byte[] buf = new byte[64 * 1024];
        long left = length;
        while (left > 0) {
            int n = vendor.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new IOException("vendor initrd shrank while being read");
            }
            out.write(buf, 0, n);
            left -= n;
        }
    }

    private void run() throws IOException {
        CpioEntry e;
        while ((e = reader.next()) != null) {
            if (e.isTrailer()) {
                endOfArchive();
                continue;
            }
            Overlay.Item replacement = overlay.get(Overlay.vendorKey(e.name));
            if (replacement != null) {
                overlayEmitter.write(replacement);
                if (e.isHardLink() && e.fileSize > 0) {
                    rescueData(e);
                }
                continue;
            }
            if (!e.isHardLink()) {
                CpioEntry out = e.copy();
                out.ino = inodes.next();
                writer.putEntry(out);
                writer.copyBody(reader.body(), scratch);
                continue;
            }
            VendorGroup g = groups.computeIfAbsent(e.linkKey(), k -> new VendorGroup(inodes.next()));
            if (g.dataWritten || e.fileSize > 0) {
                // Names held back so far go first, empty; this one carries its data.
                writeHeldBack(g);
                writeLink(g, e, reader.body(), e.fileSize);
                g.dataWritten = true;
            } else if (g.orphanData != null) {
                writeLink(g, e, new ByteArrayInputStream(g.orphanData), g.orphanData.length);
                g.orphanData = null;
                g.dataWritten = true;
            } else {
                g.heldBack.add(e);
            }
        }
        endOfArchive();
        overlayEmitter.writeRemaining(overlay);
    }

    /** The overlay replaced the name that carried a hard-linked file's data. */
    private void rescueData(CpioEntry replaced) throws IOException {
        VendorGroup g = groups.computeIfAbsent(replaced.linkKey(), k -> new VendorGroup(inodes.next()));
        if (g.dataWritten) {
            return; // an earlier name already carries the data
        }
        if (!g.heldBack.isEmpty()) {
            CpioEntry heir = g.heldBack.remove(g.heldBack.size() - 1);
            writeHeldBack(g);
            writeLink(g, heir, reader.body(), replaced.fileSize);
            g.dataWritten = true;
            return;
        }
        // Data first, other names still to come: keep the data for them.
        orphanBytes += replaced.fileSize;
        if (orphanBytes > ORPHAN_CAP) {
            throw BootloaderException.limits("too much hard-linked data replaced by the overlay to hold in memory");
        }
        g.orphanData = reader.body().readAllBytes();
    }

    /** Writes the held-back names of {@code g} as empty links. */
    private void writeHeldBack(VendorGroup g) throws IOException {
        for (CpioEntry held : g.heldBack) {
            CpioEntry out = held.copy();
            out.ino = g.ino;
            out.fileSize = 0;
            writer.putEntry(out);
        }
        g.heldBack.clear();
    }

    private void writeLink(VendorGroup g, CpioEntry e, InputStream body, long size) throws IOException {
        CpioEntry out = e.copy();
        out.ino = g.ino;
        out.fileSize = size;
        writer.putEntry(out);
        writer.copyBody(body, scratch);
    }

    /**
     * End of one vendor archive: the kernel forgets inode identities here, so groups whose
     * data never came are empty files; write their names now.
     */
    private void endOfArchive() throws IOException {
        for (VendorGroup g : groups.values()) {
            writeHeldBack(g);
        }
        groups.clear();
    }
}
