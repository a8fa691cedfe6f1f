package org.xenproject.eliloader.initrd.compression;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A buffered input stream over a file that knows its logical position and can seek.
 *
 * <p>Initrds are concatenations of archives and compressed members whose ends are only
 * found by decoding them. Decoders read ahead; because this stream supports
 * {@link #mark}/{@link #reset} as plain seeks (any read limit), Commons Compress's gzip
 * decoder rewinds to the exact end of its member, and {@link #position()} then tells where
 * the next member starts.
 */
public final class SeekableFileInput extends InputStream {
    private static final int BUFFER_SIZE = 64 * 1024;

    private final FileChannel channel;
    private final long size;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE);
    private long bufferStart;   // file offset of buffer[0]
    private int bufferLength;   // valid bytes in buffer
    private long position;      // logical read position
    private long mark;

    public SeekableFileInput(Path file) throws IOException {
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        this.size = channel.size();
    }

    public long size() {
        return size;
    }

    public long position() {
        return position;
    }

    public void seek(long newPosition) {
        if (newPosition < 0 || newPosition > size) {
            throw new IllegalArgumentException("seek outside the file: " + newPosition);
        }
        position = newPosition;
    }

    /** Reads up to {@code length} bytes at {@code offset} without moving the position. */
    public int peek(long offset, byte[] into, int length) throws IOException {
        long saved = position;
        try {
            seek(offset);
            return readNBytes(into, 0, length);
        } finally {
            position = saved;
        }
    }

    private boolean fill() throws IOException {
        if (position >= size) {
            return false;
        }
        if (position >= bufferStart && position < bufferStart + bufferLength) {
            return true;
        }
        buffer.clear();
        bufferStart = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, bufferStart + buffer.position());
            if (n < 0) {
                break;
            }
        }
        bufferLength = buffer.position();
        return bufferLength > 0;
    }

    @Override
    public int read() throws IOException {
        if (!fill()) {
            return -1;
        }
        int b = buffer.get((int) (position - bufferStart)) & 0xff;
        position++;
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int at = (int) (position - bufferStart);
        int n = Math.min(len, bufferLength - at);
        buffer.get(at, b, off, n);
        position += n;
        return n;
    }

    @Override
    public long skip(long n) {
        long step = Math.max(0, Math.min(n, size - position));
        position += step;
        return step;
    }

    @Override
    public int available() {
        return (int) Math.min(Integer.MAX_VALUE, size - position);
    }

    @Override
    public boolean markSupported() {
        return true;
    }

    @Override
    public synchronized void mark(int readLimit) {
        mark = position;
    }

    @Override
    public synchronized void reset() {
        position = mark;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** A view of {@code length} bytes from the current position, for decoders that over-read. */
    public InputStream slice(long length) {
        long end = Math.min(size, position + length);
        return new InputStream() {
            @Override
            public int read() throws IOException {
                return position < end ? SeekableFileInput.this.read() : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (position >= end) {
                    return -1;
                }
                return SeekableFileInput.this.read(b, off, (int) Math.min(len, end - position));
            }
        };
    }
}
