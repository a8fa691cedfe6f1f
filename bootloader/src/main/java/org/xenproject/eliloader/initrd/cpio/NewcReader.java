package org.xenproject.eliloader.initrd.cpio;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.xenproject.eliloader.initrd.compression.Budget;

/**
 * Reads newc cpio entries the way the kernel's initramfs unpacker does: zero bytes between
 * entries and between archives are skipped, a header must start on a 4-byte boundary
 * (counted from where this reader started), and a {@code TRAILER!!!} entry ends one
 * archive but not the stream: another archive may follow.
 *
 * <p>Bodies are streamed through {@link #body()}; nothing is buffered beyond a small read
 * buffer. Every byte pulled from the underlying stream is charged to the {@link Budget}.
 */
final class NewcReader {
    static final int HEADER_SIZE = 110;
    /** The kernel's PATH_MAX, including the terminating NUL. */
    static final int MAX_NAME_SIZE = 4096;

    private final InputStream in;
    private final Budget budget;
    private final byte[] buf = new byte[64 * 1024];
    private int bufPos;
    private int bufLen;
    private long consumed;
    private long bodyRemaining;
    private long paddingAfterBody;
    private boolean foreign;

    NewcReader(InputStream in, Budget budget) {
        this.in = in;
        this.budget = budget;
    }

    /** Bytes this reader has parsed so far (not counting read-ahead). */
    long consumed() {
        return consumed;
    }

    /** True when {@link #next()} returned null because non-cpio data follows, not at end of input. */
    boolean stoppedAtForeignData() {
        return foreign;
    }

    private boolean fill() throws IOException {
        if (bufPos < bufLen) {
            return true;
        }
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            return false;
        }
        budget.charge(n);
        bufPos = 0;
        bufLen = n;
        return true;
    }

    private void readFully(byte[] into, int length) throws IOException {
        int done = 0;
        while (done < length) {
            if (!fill()) {
                throw new EOFException("truncated cpio archive");
            }
            int n = Math.min(length - done, bufLen - bufPos);
            System.arraycopy(buf, bufPos, into, done, n);
            bufPos += n;
            done += n;
        }
        consumed += length;
    }

    private void discard(long length) throws IOException {
        long left = length;
        while (left > 0) {
            if (bufPos == bufLen && left >= buf.length) {
                // Skipping lets a file source seek over bodies instead of reading them.
                long skipped = in.skip(left);
                if (skipped > 0) {
                    budget.charge(skipped);
                    left -= skipped;
                    continue;
                }
            }
            if (!fill()) {
                throw new EOFException("truncated cpio archive");
            }
            int n = (int) Math.min(left, bufLen - bufPos);
            bufPos += n;
            left -= n;
        }
        consumed += length;
    }

    /**
     * The next entry, trailers included (they mark the end of one archive), or null at the
     * end of the input or where the data stops being cpio (see {@link #stoppedAtForeignData()}).
     */
    CpioEntry next() throws IOException {
        discard(bodyRemaining + paddingAfterBody);
        bodyRemaining = 0;
        paddingAfterBody = 0;

        // Skip padding between entries and archives, as the kernel's "Reset" state does.
        while (true) {
            if (!fill()) {
                return null;
            }
            if (buf[bufPos] != 0) {
                break;
            }
            bufPos++;
            consumed++;
        }
        if (!startsWithMagic()) {
            foreign = true;
            return null;
        }
        if ((consumed & 3) != 0) {
            throw new IOException("cpio header not on a 4-byte boundary (broken padding) at byte " + consumed);
        }

        byte[] header = new byte[HEADER_SIZE];
        readFully(header, HEADER_SIZE);
        String magic = new String(header, 0, 6, StandardCharsets.US_ASCII);
        if (!magic.equals("070701") && !magic.equals("070702")) {
            throw new IOException("cpio format " + magic + " is not newc (the kernel reads only 070701/070702)");
        }
        CpioEntry e = new CpioEntry();
        e.ino = hex(header, 0);
        e.mode = hex(header, 1);
        e.uid = hex(header, 2);
        e.gid = hex(header, 3);
        e.nlink = hex(header, 4);
        e.mtime = hex(header, 5);
        e.fileSize = hex(header, 6);
        e.devMajor = hex(header, 7);
        e.devMinor = hex(header, 8);
        e.rdevMajor = hex(header, 9);
        e.rdevMinor = hex(header, 10);
        long nameSize = hex(header, 11);
        // field 12 is the checksum of 070702 archives; the kernel ignores it and so do we.
        if (nameSize < 1 || nameSize > MAX_NAME_SIZE) {
            throw new IOException("cpio entry name size " + nameSize + " out of range");
        }
        byte[] name = new byte[(int) nameSize];
        readFully(name, name.length);
        int nul = 0;
        while (nul < name.length && name[nul] != 0) {
            nul++;
        }
        e.name = new String(name, 0, nul, StandardCharsets.ISO_8859_1);
        discard(padding(consumed));
        bodyRemaining = e.fileSize;
        paddingAfterBody = padding(consumed + e.fileSize);
        return e;
    }

    private boolean startsWithMagic() throws IOException {
        // "0707" is enough to decide cpio versus other data, as the kernel does with '0'.
        if (bufLen - bufPos < 4) {
            // Compact the few remaining bytes to the front and read more.
            int have = bufLen - bufPos;
            System.arraycopy(buf, bufPos, buf, 0, have);
            bufPos = 0;
            bufLen = have;
            while (bufLen < 4) {
                int n = in.read(buf, bufLen, buf.length - bufLen);
                if (n <= 0) {
                    break;
                }
                budget.charge(n);
                bufLen += n;
            }
        }
        return bufLen - bufPos >= 4 && buf[bufPos] == '0' && buf[bufPos + 1] == '7'
                && buf[bufPos + 2] == '0' && buf[bufPos + 3] == '7';
    }

    static long padding(long offset) {
        return (4 - (offset & 3)) & 3;
    }

    private static long hex(byte[] header, int field) throws IOException {
        long v = 0;
        for (int i = 6 + field * 8, end = i + 8; i < end; i++) {
            int d = Character.digit(header[i], 16);
            if (d < 0) {
                throw new IOException("bad hexadecimal digit in cpio header");
            }
            v = (v << 4) | d;
        }
        return v;
    }

    /** The body of the entry last returned by {@link #next()}; reading it is optional. */
    InputStream body() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (bodyRemaining == 0) {
                    return -1;
                }
                int want = (int) Math.min(len, bodyRemaining);
                int n;
                if (bufPos < bufLen) {
                    n = Math.min(want, bufLen - bufPos);
                    System.arraycopy(buf, bufPos, b, off, n);
                    bufPos += n;
                } else {
                    // Large bodies bypass the buffer to save a copy.
                    n = in.read(b, off, want);
                    if (n <= 0) {
                        throw new EOFException("truncated cpio archive");
                    }
                    budget.charge(n);
                }
                bodyRemaining -= n;
                consumed += n;
                return n;
            }
        };
    }
}
