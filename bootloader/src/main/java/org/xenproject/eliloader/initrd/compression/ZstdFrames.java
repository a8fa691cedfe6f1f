package org.xenproject.eliloader.initrd.compression;

import java.io.EOFException;
import java.io.IOException;

/**
 * Measures one zstd frame by walking its headers (RFC 8878), because the zstd decoder
 * reads ahead in large blocks and would swallow whatever follows the frame. Only block
 * headers are read; block contents are skipped.
 */
public final class ZstdFrames {
    private ZstdFrames() {
    }

    public static long frameLength(SeekableFileInput in, long start) throws IOException {
        byte[] b = new byte[14];
        int n = in.peek(start, b, b.length);
        if (n < 6) {
            throw new EOFException("truncated zstd frame header");
        }
        int descriptor = b[4] & 0xff;
        int contentSizeFlag = descriptor >>> 6;
        boolean singleSegment = (descriptor & 0x20) != 0;
        boolean checksum = (descriptor & 0x04) != 0;
        int dictionaryIdSize = new int[] {0, 1, 2, 4}[descriptor & 3];
        int contentSizeSize = new int[] {singleSegment ? 1 : 0, 2, 4, 8}[contentSizeFlag];
        long pos = start + 5 + (singleSegment ? 0 : 1) + dictionaryIdSize + contentSizeSize;
        byte[] header = new byte[3];
        while (true) {
            if (in.peek(pos, header, 3) < 3) {
                throw new EOFException("truncated zstd frame");
            }
            int h = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16;
            boolean last = (h & 1) != 0;
            int type = (h >>> 1) & 3;
            int size = h >>> 3;
            pos += 3;
            switch (type) {
                case 0: // raw
                case 2: // compressed
                    pos += size;
                    break;
                case 1: // RLE: one byte repeated size times
                    pos += 1;
                    break;
                default:
                    throw new IOException("reserved zstd block type");
            }
            if (pos > in.size()) {
                throw new EOFException("truncated zstd frame");
            }
            if (last) {
                break;
            }
        }
        if (checksum) {
            pos += 4;
        }
        if (pos > in.size()) {
            throw new EOFException("truncated zstd frame");
        }
        return pos - start;
    }
}
