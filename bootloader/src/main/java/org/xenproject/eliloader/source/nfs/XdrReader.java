package org.xenproject.eliloader.source.nfs;

import java.nio.charset.StandardCharsets;

/**
 * Decodes XDR from one received RPC record. Every read is bounds-checked and every
 * variable-length item has a caller-given maximum, so a hostile or broken server cannot
 * make us allocate or index beyond the record.
 */
final class XdrReader {
    private final byte[] buf;
    private final int end;
    private int pos;

    XdrReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    XdrReader(byte[] buf, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > buf.length) {
            throw new IndexOutOfBoundsException("offset " + offset + " length " + length);
        }
        this.buf = buf;
        this.pos = offset;
        this.end = offset + length;
    }

    int getInt() throws RpcException {
        need(4, "int");
        int value = ((buf[pos] & 0xff) << 24) | ((buf[pos + 1] & 0xff) << 16)
                | ((buf[pos + 2] & 0xff) << 8) | (buf[pos + 3] & 0xff);
        pos += 4;
        return value;
    }

    long getUnsignedInt() throws RpcException {
        return getInt() & 0xffffffffL;
    }

    /**
     * An XDR hyper. NFS sizes and offsets are unsigned 64-bit; values above
     * {@code Long.MAX_VALUE} come back negative and callers treat them as absurd.
     */
    long getLong() throws RpcException {
        long high = getInt() & 0xffffffffL;
        long low = getInt() & 0xffffffffL;
        return (high << 32) | low;
    }

    /** XDR booleans are 0 or 1; anything else means we are out of step with the peer. */
    boolean getBoolean() throws RpcException {
        int value = getInt();
        if (value != 0 && value != 1) {
            throw new RpcException("XDR boolean with value " + value);
        }
        return value == 1;
    }

    byte[] getOpaque(int max) throws RpcException {
        int count = getLength(max, "opaque");
        byte[] data = new byte[count];
        System.arraycopy(buf, pos, data, 0, count);
        pos += XdrWriter.padded(count);
        return data;
    }

    /**
     * Reads the length of a variable-length opaque and leaves its bytes in place: returns
     * their offset in {@link #buffer()} and skips past them. READ data is consumed this way
     * so that file contents are never copied out of the record.
     */
    int getOpaqueInPlace(int max, int[] countOut) throws RpcException {
        int count = getLength(max, "opaque");
        int at = pos;
        pos += XdrWriter.padded(count);
        countOut[0] = count;
        return at;
    }

    void skipOpaque(int max) throws RpcException {
        int count = getLength(max, "opaque");
        pos += XdrWriter.padded(count);
    }

    String getString(int max) throws RpcException {
        int count = getLength(max, "string");
        String value = new String(buf, pos, count, StandardCharsets.UTF_8);
        pos += XdrWriter.padded(count);
        return value;
    }

    void skip(int bytes) throws RpcException {
        need(bytes, "field");
        pos += bytes;
    }

    int remaining() {
        return end - pos;
    }

    byte[] buffer() {
        return buf;
    }

    private int getLength(int max, String what) throws RpcException {
        long count = getUnsignedInt();
        if (count > max) {
            throw new RpcException("XDR " + what + " of " + count + " bytes exceeds the limit of " + max);
        }
        int n = (int) count;
        need(XdrWriter.padded(n), what);
        return n;
    }

    private void need(int bytes, String what) throws RpcException {
        if (bytes < 0 || bytes > end - pos) {
            throw new RpcException("truncated XDR " + what + ": need " + bytes + " bytes, "
                    + (end - pos) + " left");
        }
    }
}
