package org.xenproject.eliloader.initrd.cpio;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.xenproject.eliloader.initrd.compression.Compression;
import org.xenproject.eliloader.initrd.compression.KeepOpenOutputStream;

/**
 * Append mode: the vendor initrd byte for byte, zero padding to a 4-byte boundary, then
 * the overlay as one gzip'd newc archive. The kernel unpacks concatenated archives in
 * order and later files replace earlier ones, so the overlay wins; the vendor part is
 * never decoded, which makes this the fast path (its cost is one copy of the file).
 *
 * <p>gzip is used whatever the vendor used: every distribution kernel can unpack it, and
 * the kernel finds the end of each gzip member, unlike legacy lz4 (see {@link Compression#LZ4_LEGACY}).
 */
public final class CpioAppend {
    private static final int OVERLAY_GZIP_LEVEL = 9;

    private CpioAppend() {
    }

    public static void append(Path vendor, Overlay overlay, OutputStream out) throws IOException {
        long size = Files.copy(vendor, out);
        appendOverlay(size, overlay, out);
    }

    /** What follows a vendor initrd of {@code vendorSize} bytes: padding, then the overlay member. */
    public static void appendOverlay(long vendorSize, Overlay overlay, OutputStream out) throws IOException {
        // unpack_to_rootfs() skips zeros, and an uncompressed archive must start on a
        // 4-byte boundary; padding keeps whatever follows aligned.
        out.write(new byte[(int) NewcReader.padding(vendorSize)]);
        OutputStream member = Compression.gzip(new KeepOpenOutputStream(out), OVERLAY_GZIP_LEVEL);
        NewcWriter writer = new NewcWriter(member);
        new OverlayEmitter(writer, new OverlayEmitter.InodeCounter()).writeRemaining(overlay);
        writer.finish();
        member.close();
    }
}
