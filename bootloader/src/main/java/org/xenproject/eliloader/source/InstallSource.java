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
     * Opens {@code path} when it exists as a regular file, else empty: one request where
     * {@link #exists} then {@link #open} would make two (http: a GET, never a HEAD before it).
     * The default asks {@link #exists} first.
     */
    default java.util.Optional<Resource> openIfExists(String path) throws IOException {
        return exists(path) ? java.util.Optional.of(open(path)) : java.util.Optional.empty();
    }

    /**
     * Opens {@code path} unless it is still the version {@code known} describes (validators a
     * cached copy was stored with): then the resource {@linkplain Resource#notModified() says so}
     * and carries no bytes. The default asks nothing and just opens: a scheme that cannot tell
     * gives {@link Validators#NONE}, and nothing is ever served from a cache for it.
     */
    default Resource openIfChanged(String path, Validators known) throws IOException {
        return open(path);
    }

    /**
     * What identifies {@code path} for a host-wide cache: the resolved location and the identity
     * of the credentials used (user and secret; the cache hashes it with a host-local salt and
     * never stores it), or empty when files of this source are not to be cached (the default).
     */
    default java.util.Optional<String> cacheIdentity(String path) {
        return java.util.Optional.empty();
    }

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

        /** What identifies this version of the file ({@link Validators#NONE} when the scheme tells nothing). */
        default Validators validators() {
            return Validators.NONE;
        }

        /** True when {@link InstallSource#openIfChanged} found the file unchanged: there are no bytes to read. */
        default boolean notModified() {
            return false;
        }

        /** The answer of {@link InstallSource#openIfChanged} for a file that is still the version known. */
        static Resource unchanged(Validators validators) {
            return new Resource() {
                @Override
                public OptionalLong length() {
                    return OptionalLong.empty();
                }

                @Override
                public InputStream stream() {
                    throw new IllegalStateException("an unchanged file has no bytes to read");
                }

                @Override
                public Validators validators() {
                    return validators;
                }

                @Override
                public boolean notModified() {
                    return true;
                }

                @Override
                public void close() {
                }
            };
        }

        /** A resource that is just a stream, with the validators of its version. */
        static Resource of(OptionalLong length, InputStream stream, Validators validators) {
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
                public Validators validators() {
                    return validators;
                }

                @Override
                public void close() throws IOException {
                    stream.close();
                }
            };
        }

        /** A resource that is just a stream (closing it closes the stream), its version unknown. */
        static Resource of(OptionalLong length, InputStream stream) {
            return of(length, stream, Validators.NONE);
        }
    }
}
