package org.xenproject.eliloader.initrd.cpio;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a newc ("070701") cpio archive with the padding the kernel expects: every header
 * and every body starts on a 4-byte boundary counted from the start of the archive.
 * Unlike Commons Compress's writer it allows repeated names (an initrd may legitimately
 * hold a name twice; the later one wins when unpacked) and keeps inode numbers as given.
 */
final class NewcWriter {
    private final OutputStream out;
    private long offset;
    private long bodyRemaining;
    private long bodyPadding;

    NewcWriter(OutputStream out) {
        this.out = out;
    }

    void putEntry(CpioEntry e) throws IOException {
        if (bodyRemaining != 0) {
            throw new IllegalStateException("previous cpio entry body incomplete");
        }
        byte[] name = e.nameBytes();
        if (name.length + 1 > NewcReader.MAX_NAME_SIZE) {
            throw new IOException("cpio name too long: " + e.name);
        }
        StringBuilder h = new StringBuilder(NewcReader.HEADER_SIZE);
        h.append("070701");
        for (long field : new long[] {e.ino, e.mode, e.uid, e.gid, e.nlink, e.mtime, e.fileSize,
                e.devMajor, e.devMinor, e.rdevMajor, e.rdevMinor, name.length + 1L, 0}) {
            if (field < 0 || field > 0xffffffffL) {
                throw new IOException("cpio header field out of range for " + e.name);
            }
            String hex = Long.toHexString(field).toUpperCase();
            h.append("00000000", hex.length(), 8).append(hex);
        }
        write(h.toString().getBytes(StandardCharsets.US_ASCII), NewcReader.HEADER_SIZE);
        write(name, name.length);
        write(new byte[1], 1);
        pad();
        bodyRemaining = e.fileSize;
        bodyPadding = NewcReader.padding(offset + e.fileSize);
        if (bodyRemaining == 0) {
            pad();
        }
    }

    void writeBody(byte[] b, int off, int len) throws IOException {
        if (len > bodyRemaining) {
            throw new IllegalStateException("cpio body longer than its header says");
        }
        out.write(b, off, len);
        offset += len;
        bodyRemaining -= len;
        if (bodyRemaining == 0) {
            out.write(new byte[(int) bodyPadding]);
            offset += bodyPadding;
        }
    }

    /** Copies exactly the current entry's body size from {@code in}. */
    void copyBody(InputStream in, byte[] scratch) throws IOException {
        while (bodyRemaining > 0) {
            int n = in.read(scratch, 0, (int) Math.min(scratch.length, bodyRemaining));
            if (n < 0) {
                throw new IOException("cpio body ended early");
            }
            writeBody(scratch, 0, n);
        }
    }

    void putEntry(CpioEntry e, byte[] body) throws IOException {
        if (e.fileSize != body.length) {
            throw new IllegalArgumentException("cpio header size " + e.fileSize + " but body of " + body.length);
        }
        putEntry(e);
        if (body.length > 0) {
            writeBody(body, 0, body.length);
        }
    }

    /** Ends the archive with a {@code TRAILER!!!} entry, as GNU cpio writes it. */
    void finish() throws IOException {
        CpioEntry t = new CpioEntry();
        t.name = CpioEntry.TRAILER;
        t.nlink = 1;
        putEntry(t);
    }

    long offset() {
        return offset;
    }

    private void write(byte[] b, int len) throws IOException {
        out.write(b, 0, len);
        offset += len;
    }

    private void pad() throws IOException {
        int n = (int) NewcReader.padding(offset);
        if (n > 0) {
            out.write(new byte[n]);
            offset += n;
        }
    }
}
