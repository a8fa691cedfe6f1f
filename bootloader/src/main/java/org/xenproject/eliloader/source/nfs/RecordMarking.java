package org.xenproject.eliloader.source.nfs;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * ONC RPC record marking over TCP (RFC 5531 section 11): a record is a sequence of
 * fragments, each preceded by a 32-bit header whose top bit marks the last fragment and
 * whose low 31 bits give the fragment's length.
 *
 * <p>Reading enforces a limit on the assembled record and on the number of fragments, so
 * a server announcing a 2 GiB fragment, or an endless run of empty ones, is refused
 * instead of exhausting memory or looping.
 */
final class RecordMarking {
    static final int LAST_FRAGMENT = 0x80000000;
    /** Far above what any server sends (Linux and ganesha use one fragment per reply). */
    static final int MAX_FRAGMENTS = 1024;

    private RecordMarking() {
    }

    /**
     * Sends {@code w}, whose first four bytes were reserved for the record mark, as a
     * single last fragment, in one write so that small calls leave in one segment.
     */
    static void writeRecord(OutputStream out, XdrWriter w) throws IOException {
        w.setInt(0, LAST_FRAGMENT | (w.length() - 4));
        out.write(w.buffer(), 0, w.length());
        out.flush();
    }

    /**
     * Reads one record.
     *
     * @param deadline a {@link ReplyDeadline} consulted between reads, so that a peer trickling
     *                 bytes cannot stretch a call beyond its time budget
     * @throws RpcException when the record would exceed {@code maxRecord} bytes
     * @throws EOFException when the peer closes the connection mid-record or before it
     */
    static byte[] readRecord(InputStream in, int maxRecord, ReplyDeadline deadline) throws IOException {
        byte[] record = null;
        int total = 0;
        byte[] header = new byte[4];
        for (int fragments = 1; ; fragments++) {
            if (fragments > MAX_FRAGMENTS) {
                throw new RpcException("RPC record split into more than " + MAX_FRAGMENTS + " fragments");
            }
            readFully(in, header, 0, 4, deadline);
            int mark = ((header[0] & 0xff) << 24) | ((header[1] & 0xff) << 16)
                    | ((header[2] & 0xff) << 8) | (header[3] & 0xff);
            boolean last = (mark & LAST_FRAGMENT) != 0;
            int length = mark & ~LAST_FRAGMENT;
            if (length > maxRecord - total) {
                throw new RpcException("RPC reply of more than " + maxRecord
                        + " bytes refused (fragment of " + length + " bytes after " + total + ")");
            }
            if (record == null) {
                record = new byte[length];
            } else if (length > 0) {
                record = Arrays.copyOf(record, total + length);
            }
            readFully(in, record, total, length, deadline);
            total += length;
            if (last) {
                return record;
            }
        }
    }

    private static void readFully(InputStream in, byte[] buf, int off, int len, ReplyDeadline deadline)
            throws IOException {
        while (len > 0) {
            deadline.check();
            int n = in.read(buf, off, len);
            if (n < 0) {
                throw new EOFException("connection closed by the server in the middle of an RPC reply");
            }
            off += n;
            len -= n;
        }
    }
}
