package org.xenproject.eliloader.files;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one way this program makes a new file next to others: empty, owner-only (0600), under a
 * name no file had ({@code O_CREAT|O_EXCL}: never an existing file, never through a link), named
 * {@code PREFIX NUMBER SUFFIX} as {@link Files#createTempFile} names them.
 *
 * <p>Why not {@code Files.createTempFile}: it draws its names from {@link java.security.SecureRandom},
 * whose set-up costs about 6 ms of CPU at every VM start here, and an unguessable name buys nothing
 * when the creation is exclusive: a name someone else took is only tried again.
 */
public final class NewFile {
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final int ATTEMPTS = 100;

    private NewFile() {
    }

    /** Creates the file; fails like {@code createTempFile} when the directory cannot hold it. */
    public static Path create(Path dir, String prefix, String suffix) throws IOException {
        FileAlreadyExistsException last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Path file = dir.resolve(prefix + Long.toUnsignedString(ThreadLocalRandom.current().nextLong()) + suffix);
            try {
                return Files.createFile(file, OWNER_ONLY);
            } catch (FileAlreadyExistsException e) {
                last = e;
            } catch (UnsupportedOperationException e) {
                return Files.createFile(file); // not a POSIX file system: its own default rights
            }
        }
        throw last;
    }
}
