package org.xenproject.eliloader.source.nfs;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Encodes XDR (RFC 4506): big-endian 32-bit units, variable-length items prefixed by
 * their length and padded with zeros to a multiple of four bytes.
 */
final class XdrWriter {
    private byte[] buf;
    private int length;

    XdrWriter() {
        this(128);
    }

    XdrWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    XdrWriter putInt(int value) {
        ensure(4);
        buf[length] = (byte) (value >>> 24);
        buf[length + 1] = (byte) (value >>> 16);
        buf[length + 2] = (byte) (value >>> 8);
        buf[length + 3] = (byte) value;
        length += 4;
        return this;
    }

    /** XDR unsigned hyper and hyper share the encoding; the caller knows the sign. */
    XdrWriter putLong(long value) {
        putInt((int) (value >>> 32));
        return putInt((int) value);
    }

    XdrWriter putBoolean(boolean value) {
        return putInt(value ? 1 : 0);
    }

    /** Variable-length opaque: length, bytes, padding. */
    XdrWriter putOpaque(byte[] data) {
        return putOpaque(data, 0, data.length);
    }

    XdrWriter putOpaque(byte[] data, int offset, int count) {
        putInt(count);
        return putFixedOpaque(data, offset, count);
    }

    /** Fixed-length opaque: bytes and padding, no length (the protocol fixes it). */
    XdrWriter putFixedOpaque(byte[] data, int offset, int count) {
        int padded = padded(count);
        ensure(padded);
        System.arraycopy(data, offset, buf, length, count);
        Arrays.fill(buf, length + count, length + padded, (byte) 0);
        length += padded;
        return this;
    }

    /**
     * XDR strings are counted bytes. NFSv3 leaves the character set to the server; UTF-8
     * is what Linux servers store for names typed on a UTF-8 system.
     */
    XdrWriter putString(String value) {
        return putOpaque(value.getBytes(StandardCharsets.UTF_8));
    }

    /** Appends bytes already in XDR form (a pre-encoded argument list). */
    XdrWriter putRaw(byte[] data, int offset, int count) {
        ensure(count);
        System.arraycopy(data, offset, buf, length, count);
        length += count;
        return this;
    }

    /** Overwrites the 32-bit unit at {@code position} (used for the record mark). */
    void setInt(int position, int value) {
        if (position < 0 || position + 4 > length) {
            throw new IndexOutOfBoundsException("position " + position + " of " + length);
        }
        buf[position] = (byte) (value >>> 24);
        buf[position + 1] = (byte) (value >>> 16);
        buf[position + 2] = (byte) (value >>> 8);
        buf[position + 3] = (byte) value;
    }

    int length() {
        return length;
    }

    /** The backing array; only the first {@link #length()} bytes are meaningful. */
    byte[] buffer() {
        return buf;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, length);
    }

    static int padded(int count) {
        return (count + 3) & ~3;
    }

    private void ensure(int more) {
        if (length + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, length + more));
        }
    }
}
