package org.xenproject.eliloader.initrd.cpio;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.initrd.compression.Budget;
import org.xenproject.eliloader.initrd.compression.Compression;
import org.xenproject.eliloader.initrd.compression.KeepOpenInputStream;
import org.xenproject.eliloader.initrd.compression.SeekableFileInput;
import org.xenproject.eliloader.initrd.compression.ZstdFrames;

/**
 * Walks an initrd file as the kernel's {@code unpack_to_rootfs()} does and yields its cpio
 * entries in order: zero padding is skipped, an uncompressed newc archive is recognised at
 * a 4-byte aligned offset, anything else must start with a known compression magic, and
 * each compressed member is decoded to its end before the next one is looked for.
 *
 * <p>Entries come with their trailers ({@link CpioEntry#isTrailer()}) so callers see where
 * one archive ends: the kernel forgets hard-link identities at each trailer.
 *
 * <p>Malformed data is reported as a {@link BootloaderException} with the code given at
 * construction (the vendor's fault or the support package's); decompressed bytes are
 * charged to the {@link Budget}.
 */
public final class InitrdReader implements AutoCloseable {
    private final SeekableFileInput file;
    private final Budget budget;
    private final ErrorCode corruptCode;
    private final String what;

    private long position;
    private long segmentStart;
    private long segmentLength = -1;
    private Compression segmentCompression;
    private InputStream decoder;
    private NewcReader reader;
    private int entriesInSegment;

    InitrdReader(SeekableFileInput file, long start, Budget budget, ErrorCode corruptCode, String what) {
        this.file = file;
        this.position = start;
        this.budget = budget;
        this.corruptCode = corruptCode;
        this.what = what;
    }

    /** The next entry (trailers included) or null at the end of the file. */
    CpioEntry next() {
        try {
            while (true) {
                if (reader != null) {
                    CpioEntry e = reader.next();
                    if (e != null) {
                        entriesInSegment++;
                        return e;
                    }
                    endSegment();
                }
                if (!startSegment(true)) {
                    return null;
                }
            }
        } catch (IOException | RuntimeException e) {
            throw corrupt(e);
        }
    }

    /** The body of the entry last returned; reading it is optional. */
    InputStream body() {
        InputStream body = reader.body();
        return new FilterInputStream(body) {
            @Override
            public int read(byte[] b, int off, int len) {
                try {
                    return body.read(b, off, len);
                } catch (IOException | RuntimeException e) {
                    throw corrupt(e);
                }
            }
        };
    }

    /** The compression of the member the last entry came from. */
    Compression segmentCompression() {
        return segmentCompression;
    }

    private BootloaderException corrupt(Exception e) {
        if (e instanceof BootloaderException) {
            return (BootloaderException) e;
        }
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String where = segmentCompression == null ? "" : " in the " + segmentCompression.label()
                + " member at offset " + segmentStart;
        return new BootloaderException(corruptCode, what + " cannot be read" + where + ": "
                + detail.replaceAll("[\\r\\n]+", " "), e);
    }

    private void endSegment() throws IOException {
        if (segmentCompression == Compression.NONE) {
            position = segmentStart + reader.consumed();
        } else {
            if (reader.stoppedAtForeignData()) {
                throw new IOException(reader.consumed() == 0 || entriesInSegment == 0
                        ? "the member holds no cpio archive (an ext2 image mapped as cpio?)"
                        : "junk after the cpio data");
            }
            position = segmentLength >= 0 ? segmentStart + segmentLength : file.position();
            decoder.close();
        }
        reader = null;
        decoder = null;
    }

    /** Finds the next member; with {@code open} false a compressed member is only identified. */
    private boolean startSegment(boolean open) throws IOException {
        file.seek(position);
        int b;
        while ((b = file.read()) == 0) {
            position++;
        }
        if (b < 0) {
            return false;
        }
        byte[] head = new byte[6];
        int n = file.peek(position, head, head.length);
        Compression c = Compression.detect(head, n);
        segmentStart = position;
        segmentLength = -1;
        entriesInSegment = 0;
        segmentCompression = c;
        if (c == null) {
            throw new IOException("unrecognised data at offset " + position
                    + " (not cpio and no known compression)");
        }
        file.seek(position);
        if (c == Compression.NONE) {
            if ((position & 3) != 0) {
                throw new IOException("uncompressed cpio archive at unaligned offset " + position);
            }
            reader = new NewcReader(file, budget);
            return true;
        }
        if (!open) {
            return true;
        }
        if (!c.canDecode()) {
            throw new IOException(c.label() + " is not supported");
        }
        InputStream source;
        if (c == Compression.ZSTD) {
            segmentLength = ZstdFrames.frameLength(file, position);
            source = file.slice(segmentLength);
        } else {
            source = new KeepOpenInputStream(file);
        }
        decoder = c.decoder(source);
        reader = new NewcReader(decoder, budget);
        return true;
    }

    @Override
    public void close() throws IOException {
        if (decoder != null) {
            decoder.close();
        }
    }

    /**
     * Where the first compressed member starts and what it is, found without decoding:
     * uncompressed archives in front (an early-microcode prefix) are walked header by
     * header. {@code prefixLength} is 0 when the initrd has no compressed member at all.
     */
    public record Layout(long prefixLength, Compression main) {
    }

    /**
     * Decodes just enough of the first compressed member to see a cpio header, so that an
     * initrd which is not cpio (a gzip'd ext2 image mapped as cpio) is refused before
     * anything is appended to it.
     */
    public static void checkFirstMemberIsCpio(SeekableFileInput file, Layout layout, ErrorCode corruptCode, String what) {
        if (layout.main() == Compression.NONE || !layout.main().canDecode()) {
            return;
        }
        InitrdReader reader = new InitrdReader(file, layout.prefixLength(), new Budget(Long.MAX_VALUE), corruptCode, what);
        try (reader) {
            if (!reader.startSegment(true) || reader.reader.next() == null) {
                throw new IOException("the " + layout.main().label() + " member at offset " + layout.prefixLength()
                        + " holds no cpio archive (an ext2 image mapped as cpio?)");
            }
        } catch (IOException | RuntimeException e) {
            throw reader.corrupt(e);
        }
    }

    public static Layout probe(SeekableFileInput file, ErrorCode corruptCode, String what) {
        Budget unlimited = new Budget(Long.MAX_VALUE);
        InitrdReader walker = new InitrdReader(file, 0, unlimited, corruptCode, what);
        try {
            while (walker.startSegment(false)) {
                if (walker.segmentCompression != Compression.NONE) {
                    return new Layout(walker.segmentStart, walker.segmentCompression);
                }
                while (walker.reader.next() != null) {
                    // walk headers; bodies are skipped by seeking
                }
                walker.endSegment();
            }
            return new Layout(0, Compression.NONE);
        } catch (IOException | RuntimeException e) {
            throw walker.corrupt(e);
        }
    }
}
