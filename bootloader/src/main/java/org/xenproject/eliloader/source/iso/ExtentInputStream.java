package org.xenproject.eliloader.source.iso;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A file's content read straight from its extents with positional reads: nothing beyond
 * the caller's array is held, and several streams may read one image at once.
 */
final class ExtentInputStream extends InputStream {
    private final IsoImage image;
    private final IsoEntry file;
    private final byte[] single = new byte[1];
    private int section;
    private long positionInSection;
    private long remaining;
    private boolean closed;

    ExtentInputStream(IsoImage image, IsoEntry file) {
        this.image = image;
        this.file = file;
        this.remaining = file.length();
    }

    @Override
    public int read() throws IOException {
        return read(single, 0, 1) < 0 ? -1 : single[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        ensureOpen();
        if (length == 0) {
            return 0;
        }
        if (!skipExhaustedSections()) {
            return -1;
        }
        long sectionRemaining = file.extentLengths[section] - positionInSection;
        int count = (int) Math.min(length, sectionRemaining);
        long position = file.extentOffsets[section] + positionInSection;
        int read = image.channel().read(ByteBuffer.wrap(buffer, offset, count), position);
        if (read <= 0) {
            // the extent was inside the image when it was looked up: the image shrank since
            throw image.invalid("is truncated: it ends at byte " + position + " inside " + file.name());
        }
        positionInSection += read;
        remaining -= read;
        return read;
    }

    @Override
    public long skip(long count) throws IOException {
        ensureOpen();
        long skipped = 0;
        while (skipped < count && skipExhaustedSections()) {
            long step = Math.min(count - skipped, file.extentLengths[section] - positionInSection);
            positionInSection += step;
            remaining -= step;
            skipped += step;
        }
        return skipped;
    }

    @Override
    public int available() throws IOException {
        ensureOpen();
        return (int) Math.min(Integer.MAX_VALUE, remaining);
    }

    @Override
    public void close() {
        closed = true;
    }

    /** Moves past sections read to their end; false at the end of the file. */
    private boolean skipExhaustedSections() {
        while (section < file.extentLengths.length && positionInSection == file.extentLengths[section]) {
            section++;
            positionInSection = 0;
        }
        return section < file.extentLengths.length;
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("stream of " + file.name() + " in " + image + " is closed");
        }
    }
}
