package org.xenproject.eliloader.source;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.OptionalLong;

/**
 * An install tree, read in user space. One implementation per repository scheme.
 * Paths are relative to the tree root, '/'-separated, without a leading slash, and checked by
 * {@link TreePath} on entry to {@link #exists} and {@link #open}, the same on every scheme.
 * Implementations throw {@link org.xenproject.eliloader.error.BootloaderException} with
 * {@code INVALID_SOURCE} naming {@link #describe(String)} when a file is missing, is a
 * directory, or the tree cannot be read; they never put credentials in messages. The test
 * suite {@code InstallSourceContract} holds every implementation to this.
 */
public interface InstallSource extends Closeable {

    /** The location of {@code path} for messages and logs, with credentials masked. */
    String describe(String path);

    /** Whether {@code path} exists as a regular file in the tree. */
    boolean exists(String path) throws IOException;

    /** Opens {@code path} for reading; the length is known when the server tells it. */
    Resource open(String path) throws IOException;

    /**
     * Whether two files may be opened and read at the same time, from two threads (each read on
     * its own connection). The round then fetches the kernel while the initrd streams in.
     */
    default boolean readsConcurrently() {
        return false;
    }

    /** An open file of the tree. */
    interface Resource extends Closeable {
        /** The size the server announced, if any; the copy checks it against what arrives. */
        OptionalLong length();

        InputStream stream() throws IOException;

        /** A resource that is just a stream (closing it closes the stream). */
        static Resource of(OptionalLong length, InputStream stream) {
            return new Resource() {
                @Override
                public OptionalLong length() {
                    return length;
                }

                @Override
                public InputStream stream() {
                    return stream;
                }

                @Override
                public void close() throws IOException {
                    stream.close();
                }
            };
        }
    }
}
