package org.xenproject.eliloader.source;

import java.io.IOException;
import java.io.InputStream;
import java.util.OptionalLong;

/**
 * The bytes of one file, resumed where they stopped when the connection breaks: on a transient
 * {@link IOException}, or an end of stream before the announced length, it closes the broken
 * stream, waits as {@link Attempts} says, and asks the source to reopen the same file at the
 * current offset. The source's {@link Opener} must make sure it is still the same file (http
 * If-Range, ftp SIZE and MDTM, smb size and time) and throw a
 * {@link org.xenproject.eliloader.error.BootloaderException} when it is not. Reads also stop
 * when the file's overall deadline has passed.
 */
public final class ResumableStream extends InputStream {

    /** Opens the file again at {@code offset}; the returned stream starts at that byte. */
    @FunctionalInterface
    public interface Opener {
        InputStream openAt(long offset) throws IOException;
    }

    /** One opening of a file at some offset: the file's whole size and the stream from there. */
    public interface Segment {
        long size();

        InputStream stream();

        /** What identifies this version of the file (size and time, as the scheme tells them). */
        default Validators validators() {
            return Validators.NONE;
        }
    }

    /** Opens a file at {@code offset}; {@code first} is the first opening (null for it), to check it is the same file. */
    @FunctionalInterface
    public interface SegmentOpener<S extends Segment> {
        S open(long offset, S first) throws IOException;
    }

    /**
     * A file of a known size read through {@code opener}: the first opening is retried as
     * {@code attempts} allows, later breaks are resumed at the current offset.
     */
    public static <S extends Segment> InstallSource.Resource open(Attempts attempts, SegmentOpener<S> opener)
            throws IOException {
        S first = attempts.run(() -> opener.open(0, null));
        OptionalLong length = OptionalLong.of(first.size());
        return InstallSource.Resource.of(length, new ResumableStream(first.stream(),
                offset -> opener.open(offset, first).stream(), attempts, length), first.validators());
    }

    private final Opener opener;
    private final Attempts attempts;
    private final long expected;
    private InputStream current;
    private long position;
    private boolean closed;
    /** When the file was opened, until its first read (then -1): the time between is the reader's, not the server's. */
    private long openedNanos;

    /**
     * @param first the stream of the first attempt, positioned at byte 0
     * @param expected the announced length, if any: an earlier end of stream is a broken connection
     */
    public ResumableStream(InputStream first, Opener opener, Attempts attempts, OptionalLong expected) {
        this.current = first;
        this.opener = opener;
        this.attempts = attempts;
        this.expected = expected.orElse(-1);
        this.openedNanos = System.nanoTime();
    }

    /** Bytes delivered so far. */
    public long position() {
        return position;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        if (length == 0) {
            return 0;
        }
        if (openedNanos >= 0) {
            attempts.notReading(System.nanoTime() - openedNanos);
            openedNanos = -1;
        }
        while (true) {
            attempts.checkDeadline();
            IOException failure;
            try {
                int n = current.read(buffer, offset, length);
                if (n > 0) {
                    position += n;
                    attempts.progress(n);
                    return n;
                }
                if (n < 0 && (expected < 0 || position >= expected)) {
                    return -1;
                }
                failure = new IOException("the connection closed after " + position + " of " + expected + " bytes");
            } catch (IOException e) {
                failure = e;
            }
            closeQuietly(current);
            current = null;
            attempts.failed(failure, " at byte " + position);
            long at = position;
            current = attempts.run(() -> opener.openAt(at));
        }
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            if (current != null) {
                current.close();
            }
        }
    }

    private static void closeQuietly(InputStream in) {
        if (in == null) {
            return;
        }
        try {
            in.close();
        } catch (IOException | RuntimeException ignored) {
            // the stream is broken already
        }
    }
}
