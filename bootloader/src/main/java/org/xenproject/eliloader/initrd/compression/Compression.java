package org.xenproject.eliloader.initrd.compression;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPOutputStream;
import org.xenproject.eliloader.error.BootloaderException;

/**
 * The compressions an initrd member may use, recognised by the same magic numbers the
 * kernel's {@code decompress_method()} looks for (plus framed lz4, which the kernel does
 * not boot but which a vendor initrd might still use for another loader).
 *
 * <p>Decoders must stop exactly at the end of their member so that whatever follows
 * (zero padding, another member, an appended overlay) can be found: gzip rewinds through
 * {@link SeekableFileInput}'s mark/reset, xz/lzma/bzip2/lz4 read no further than they
 * need, and zstd gets a slice of exactly one frame (see {@link ZstdFrames}).
 *
 * <p>The codec classes are only touched inside the methods, so a run that handles gzip
 * never loads the xz, zstd or lz4 code.
 */
public enum Compression {
    NONE("uncompressed"),
    GZIP("gzip"),
    BZIP2("bzip2"),
    LZMA("lzma"),
    XZ("xz"),
    LZO("lzo"),
    LZ4_LEGACY("lz4 (legacy format)"),
    LZ4_FRAME("lz4 (frame format)"),
    ZSTD("zstd");

    /** Memory the xz/lzma decoders may use; xz -9 needs 65 MiB, the kernel's own limit is lower. */
    private static final int XZ_MEMORY_LIMIT_KIB = memoryLimitKib(Runtime.getRuntime().maxMemory());

    /**
     * At most 256 MiB, and never more than the heap can give after what a run needs besides
     * (48 MiB): a header asking for a dictionary the heap cannot hold is {@code LIMITS}, not an
     * OutOfMemoryError (the launcher's heap is 128 MiB, which leaves room for xz -9's 64 MiB).
     */
    static int memoryLimitKib(long maxHeapBytes) {
        long available = (maxHeapBytes - (48L << 20)) >> 10;
        return (int) Math.max(32 << 10, Math.min(256 << 10, available));
    }
    /** Java's xz encoder is slow (about 4 MB/s at preset 1 here, less at higher presets). */
    private static final int XZ_PRESET = 1;
    static final int GZIP_LEVEL = 6;
    private static final int ZSTD_LEVEL = 3;
    /** Cores for the encoders that can use several (gzip, zstd). */
    private static final int CPUS = Math.min(4, Runtime.getRuntime().availableProcessors());

    private final String label;

    Compression(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /**
     * The compression whose magic starts {@code head}, {@link #NONE} for a newc cpio
     * ("0707"), or null when the bytes are none of these.
     */
    public static Compression detect(byte[] head, int length) {
        if (startsWith(head, length, 0x30, 0x37, 0x30, 0x37)) {
            return NONE;
        }
        if (startsWith(head, length, 0x1f, 0x8b)) {
            return GZIP;
        }
        if (startsWith(head, length, 'B', 'Z', 'h')) {
            return BZIP2;
        }
        if (startsWith(head, length, 0xfd, '7', 'z', 'X', 'Z', 0x00)) {
            return XZ;
        }
        if (startsWith(head, length, 0x5d, 0x00, 0x00)) {
            return LZMA;
        }
        if (startsWith(head, length, 0x89, 'L', 'Z')) {
            return LZO;
        }
        if (startsWith(head, length, 0x02, 0x21, 0x4c, 0x18)) {
            return LZ4_LEGACY;
        }
        if (startsWith(head, length, 0x04, 0x22, 0x4d, 0x18)) {
            return LZ4_FRAME;
        }
        if (startsWith(head, length, 0x28, 0xb5, 0x2f, 0xfd)) {
            return ZSTD;
        }
        return null;
    }

    private static boolean startsWith(byte[] head, int length, int... magic) {
        if (length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((head[i] & 0xff) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    public boolean canDecode() {
        return this != LZO;
    }

    boolean canEncode() {
        return this != LZO;
    }

    /** A decoder for one member starting at the current position of {@code in}. */
    public InputStream decoder(InputStream in) throws IOException {
        switch (this) {
            case NONE:
                return in;
            case GZIP:
                return new org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream(in, false);
            case BZIP2:
                return new org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream(in, false);
            case LZMA:
                try {
                    return memoryLimited(new org.tukaani.xz.LZMAInputStream(in, XZ_MEMORY_LIMIT_KIB));
                } catch (org.tukaani.xz.MemoryLimitException e) {
                    throw memoryLimit(e);
                }
            case XZ:
                return memoryLimited(new org.tukaani.xz.SingleXZInputStream(in, XZ_MEMORY_LIMIT_KIB));
            case LZ4_LEGACY:
                return new Lz4.LegacyInput(in);
            case LZ4_FRAME:
                return new org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorInputStream(in, false);
            case ZSTD:
                return new com.github.luben.zstd.ZstdInputStreamNoFinalizer(in);
            default:
                throw new IOException(label + " is not supported");
        }
    }

    /** An encoder writing one member to {@code out}; closing it finishes the member and closes {@code out}. */
    public OutputStream encoder(OutputStream out) throws IOException {
        switch (this) {
            case NONE:
                return out;
            case GZIP:
                return CPUS > 1 ? new ParallelGzipOutputStream(out, GZIP_LEVEL, CPUS) : gzip(out, GZIP_LEVEL);
            case BZIP2:
                return new org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream(out);
            case LZMA:
                // Unknown size + end marker, as `lzma` writes to a pipe and the kernel expects.
                return new org.tukaani.xz.LZMAOutputStream(out, new org.tukaani.xz.LZMA2Options(XZ_PRESET), -1);
            case XZ:
                // The kernel's xz decoder verifies CRC32 (and none) only, hence `xz --check=crc32`.
                return new org.tukaani.xz.XZOutputStream(out, new org.tukaani.xz.LZMA2Options(XZ_PRESET),
                        org.tukaani.xz.XZ.CHECK_CRC32);
            case LZ4_LEGACY:
                return new Lz4.LegacyOutput(out);
            case LZ4_FRAME:
                return new Lz4.FrameOutput(out);
            case ZSTD:
                com.github.luben.zstd.ZstdOutputStreamNoFinalizer zstd =
                        new com.github.luben.zstd.ZstdOutputStreamNoFinalizer(out, ZSTD_LEVEL).setChecksum(true);
                return CPUS > 1 ? zstd.setWorkers(CPUS) : zstd;
            default:
                throw new IOException(label + " cannot be written");
        }
    }

    /**
     * Releases an encoder after a failure without completing its member (the output is
     * about to be deleted): worker threads stop, native zstd memory is freed.
     */
    public static void discard(OutputStream encoder, Throwable failure) {
        if (encoder instanceof ParallelGzipOutputStream) {
            ((ParallelGzipOutputStream) encoder).abort();
            return;
        }
        try {
            encoder.close();
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    public static OutputStream gzip(OutputStream out, int level) throws IOException {
        return new GZIPOutputStream(out, 64 * 1024) {
            {
                def.setLevel(level);
            }
        };
    }

    /** The xz decoders raise the memory limit lazily (at the first block); report it as LIMITS. */
    private static InputStream memoryLimited(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                try {
                    return super.read();
                } catch (org.tukaani.xz.MemoryLimitException e) {
                    throw memoryLimit(e);
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return super.read(b, off, len);
                } catch (org.tukaani.xz.MemoryLimitException e) {
                    throw memoryLimit(e);
                }
            }
        };
    }

    private static BootloaderException memoryLimit(org.tukaani.xz.MemoryLimitException e) {
        return BootloaderException.limits("an xz/lzma member needs " + e.getMemoryNeeded()
                + " KiB of memory to decompress, more than the " + XZ_MEMORY_LIMIT_KIB + " KiB allowed");
    }

}
