package org.xenproject.eliloader.initrd.compression;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import org.apache.commons.compress.compressors.lz4.BlockLZ4CompressorInputStream;
import org.apache.commons.compress.compressors.lz4.XXHash32;

/**
 * lz4 for initrds. Decoding uses Commons Compress; encoding uses the small greedy block
 * compressor below, because Commons Compress's lz4 encoder takes minutes per megabyte on
 * initrd data.
 *
 * <p>Two container formats: the legacy one that {@code lz4 -l} writes and the kernel's
 * {@code unlz4} reads (magic {@code 02 21 4c 18}, then chunks of a little-endian 32-bit
 * compressed size and one block of at most 8 MiB; no end marker, so the kernel cannot see
 * anything appended after it), and the frame format ({@code 04 22 4d 18}) of plain
 * {@code lz4}, which the kernel does not boot but which is written back when a vendor
 * initrd uses it.
 */
final class Lz4 {
    static final int LEGACY_MAGIC = 0x184c2102;
    static final int LEGACY_CHUNK = 8 << 20;
    /** LZ4_compressBound(8 MiB): no valid legacy chunk is larger. */
    static final int MAX_COMPRESSED_CHUNK = bound(LEGACY_CHUNK);
    static final int FRAME_MAGIC = 0x184d2204;
    static final int FRAME_BLOCK = 4 << 20;

    private static final int MIN_MATCH = 4;
    /** The block format wants the last 5 bytes as literals and no match starting in the last 12. */
    private static final int LAST_LITERALS = 5;
    private static final int MATCH_START_LIMIT = 12;
    private static final int HASH_BITS = 16;
    private static final int MAX_OFFSET = 65535;

    private Lz4() {
    }

    static int bound(int size) {
        return size + size / 255 + 16;
    }

    /**
     * Compresses {@code src[0..len)} into one raw lz4 block in {@code dst} (at least
     * {@link #bound} bytes) and returns its length. Greedy matching with a one-entry hash
     * table, the approach of the reference "fast" mode: a bit larger output, linear time.
     */
    static int compressBlock(byte[] src, int len, byte[] dst, int[] table) {
        Arrays.fill(table, -1);
        int anchor = 0;
        int op = 0;
        int ip = 0;
        int misses = 0;
        int lastMatchStart = len - MATCH_START_LIMIT;
        int matchEndLimit = len - LAST_LITERALS;
        while (ip <= lastMatchStart) {
            int seq = readInt(src, ip);
            int h = (seq * -1640531535) >>> (32 - HASH_BITS);
            int ref = table[h];
            table[h] = ip;
            if (ref < 0 || ip - ref > MAX_OFFSET || readInt(src, ref) != seq) {
                // Skip faster through data that does not compress, as the reference does.
                ip += 1 + (misses++ >> 6);
                continue;
            }
            misses = 0;
            while (ip > anchor && ref > 0 && src[ip - 1] == src[ref - 1]) {
                ip--;
                ref--;
            }
            int matchLength = MIN_MATCH;
            while (ip + matchLength < matchEndLimit && src[ref + matchLength] == src[ip + matchLength]) {
                matchLength++;
            }
            op = sequence(src, anchor, ip - anchor, dst, op, ip - ref, matchLength);
            ip += matchLength;
            anchor = ip;
            if (ip - 2 <= lastMatchStart) {
                // Index a position inside the match too, so that repeats of it are found.
                table[(readInt(src, ip - 2) * -1640531535) >>> (32 - HASH_BITS)] = ip - 2;
            }
        }
        return lastLiterals(src, anchor, len - anchor, dst, op);
    }

    private static int sequence(byte[] src, int from, int literals, byte[] dst, int op, int offset, int matchLength) {
        int m = matchLength - MIN_MATCH;
        dst[op++] = (byte) ((Math.min(literals, 15) << 4) | Math.min(m, 15));
        op = length(literals, dst, op);
        System.arraycopy(src, from, dst, op, literals);
        op += literals;
        dst[op++] = (byte) offset;
        dst[op++] = (byte) (offset >>> 8);
        return length(m, dst, op);
    }

    private static int lastLiterals(byte[] src, int from, int literals, byte[] dst, int op) {
        dst[op++] = (byte) (Math.min(literals, 15) << 4);
        op = length(literals, dst, op);
        System.arraycopy(src, from, dst, op, literals);
        return op + literals;
    }

    /** The extra length bytes of a 4-bit field that saturated at 15. */
    private static int length(int value, byte[] dst, int op) {
        if (value >= 15) {
            int rest = value - 15;
            while (rest >= 255) {
                dst[op++] = (byte) 255;
                rest -= 255;
            }
            dst[op++] = (byte) rest;
        }
        return op;
    }

    private static int readInt(byte[] b, int i) {
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | (b[i + 3] & 0xff) << 24;
    }

    static final class LegacyInput extends InputStream {
        private final InputStream in;
        private InputStream block;
        private boolean ended;

        LegacyInput(InputStream in) throws IOException {
            this.in = in;
            if (readLe32(in) != LEGACY_MAGIC) {
                throw new IOException("not a legacy lz4 stream");
            }
        }

        private boolean nextBlock() throws IOException {
            while (!ended) {
                // Where the data stops looking like a chunk the member ends; rewind so the
                // caller sees those bytes (the input is a SeekableFileInput).
                if (in.markSupported()) {
                    in.mark(4);
                }
                byte[] size = in.readNBytes(4);
                if (size.length == 0) {
                    ended = true;
                    break;
                }
                int n = size.length < 4 ? -1 : le32(size, 0);
                if (n == LEGACY_MAGIC) {
                    continue;
                }
                if (n <= 0 || n > MAX_COMPRESSED_CHUNK) {
                    if (in.markSupported()) {
                        in.reset();
                    }
                    ended = true;
                    break;
                }
                block = new BlockLZ4CompressorInputStream(new ExactSlice(in, n));
                return true;
            }
            return false;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (true) {
                if (block != null) {
                    int n = block.read(b, off, len);
                    if (n > 0) {
                        return n;
                    }
                    block = null;
                }
                if (!nextBlock()) {
                    return -1;
                }
            }
        }
    }

    /** Exactly {@code length} bytes of {@code in}; a short read is corruption. */
    private static final class ExactSlice extends InputStream {
        private final InputStream in;
        private long left;

        ExactSlice(InputStream in, long length) {
            this.in = in;
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            if (left == 0) {
                return -1;
            }
            int b = in.read();
            if (b < 0) {
                throw new EOFException("truncated lz4 chunk");
            }
            left--;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new EOFException("truncated lz4 chunk");
            }
            left -= n;
            return n;
        }
    }

    /** Buffers one block of input, compresses it on flush. */
    private abstract static class BlockOutput extends OutputStream {
        final OutputStream out;
        final byte[] block;
        final byte[] compressed;
        final int[] table = new int[1 << HASH_BITS];
        int used;
        private boolean closed;

        BlockOutput(OutputStream out, int blockSize) {
            this.out = out;
            this.block = new byte[blockSize];
            this.compressed = new byte[bound(blockSize)];
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                int n = Math.min(len, block.length - used);
                System.arraycopy(b, off, block, used, n);
                blockFilled(b, off, n);
                used += n;
                off += n;
                len -= n;
                if (used == block.length) {
                    writeBlock();
                    used = 0;
                }
            }
        }

        void blockFilled(byte[] b, int off, int len) {
        }

        abstract void writeBlock() throws IOException;

        abstract void writeEnd() throws IOException;

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                if (used > 0) {
                    writeBlock();
                }
                writeEnd();
                out.close();
            }
        }
    }

    static final class LegacyOutput extends BlockOutput {
        LegacyOutput(OutputStream out) throws IOException {
            super(out, LEGACY_CHUNK);
            writeLe32(out, LEGACY_MAGIC);
        }

        @Override
        void writeBlock() throws IOException {
            int n = compressBlock(block, used, compressed, table);
            writeLe32(out, n);
            out.write(compressed, 0, n);
        }

        @Override
        void writeEnd() {
        }
    }

    /** lz4 frame: independent 4 MiB blocks, content checksum, as {@code lz4} writes by default. */
    static final class FrameOutput extends BlockOutput {
        private final XXHash32 contentHash = new XXHash32();

        FrameOutput(OutputStream out) throws IOException {
            super(out, FRAME_BLOCK);
            writeLe32(out, FRAME_MAGIC);
            byte[] descriptor = {
                (byte) 0x64, // version 01, independent blocks, content checksum
                (byte) 0x70, // 4 MiB maximum block size
            };
            XXHash32 h = new XXHash32();
            h.update(descriptor, 0, descriptor.length);
            out.write(descriptor);
            out.write((int) (h.getValue() >>> 8) & 0xff);
        }

        @Override
        void blockFilled(byte[] b, int off, int len) {
            contentHash.update(b, off, len);
        }

        @Override
        void writeBlock() throws IOException {
            int n = compressBlock(block, used, compressed, table);
            if (n >= used) {
                writeLe32(out, used | 0x80000000); // stored uncompressed
                out.write(block, 0, used);
            } else {
                writeLe32(out, n);
                out.write(compressed, 0, n);
            }
        }

        @Override
        void writeEnd() throws IOException {
            writeLe32(out, 0);
            writeLe32(out, (int) contentHash.getValue());
        }
    }

    private static int readLe32(InputStream in) throws IOException {
        byte[] b = in.readNBytes(4);
        if (b.length < 4) {
            throw new EOFException("truncated lz4 stream");
        }
        return le32(b, 0);
    }

    private static int le32(byte[] b, int i) {
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | (b[i + 3] & 0xff) << 24;
    }

    private static void writeLe32(OutputStream out, int v) throws IOException {
        out.write(new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)});
    }
}
