package org.xenproject.eliloader.source.file;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalLong;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.source.InstallSource;
import org.xenproject.eliloader.source.Repository;
import org.xenproject.eliloader.source.TreePath;
import org.xenproject.eliloader.source.Validators;

/**
 * A tree in the local file system, named by {@code file:///ABSOLUTE/PATH} (or
 * {@code file://localhost/ABSOLUTE/PATH}); percent-escapes in the path are decoded. Names inside
 * the tree follow {@link TreePath}.
 */
public final class FileSource implements InstallSource {
    private final Path root;

    public FileSource(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The repository's directory; {@link Repository#parse} has checked it is a local absolute path. */
    public static FileSource of(Repository repository) {
        Path root = Path.of(repository.path());
        if (!Files.isDirectory(root)) {
            throw BootloaderException.invalidSource("The repository " + repository.masked() + " is not a directory.");
        }
        return new FileSource(root);
    }

    @Override
    public String describe(String path) {
        // never throws: it names refused paths too
        return "file://" + root + (root.getNameCount() == 0 ? "" : "/") + path;
    }

    @Override
    public boolean exists(String path) {
        return Files.isRegularFile(resolve(path));
    }

    @Override
    public Resource open(String path) throws IOException {
        Path file = resolve(path);
        if (Files.isDirectory(file)) {
            throw BootloaderException.invalidSource(describe(path) + " is a directory, not a file.");
        }
        if (!Files.isRegularFile(file)) {
            throw BootloaderException.invalidSource("The repository has no file " + describe(path) + ".");
        }
        InputStream in;
        long size;
        Validators validators;
        try {
            in = Files.newInputStream(file);
            validators = validators(file);
            size = Long.parseLong(validators.get("size"));
        } catch (NoSuchFileException e) {
            throw BootloaderException.invalidSource("The repository has no file " + describe(path) + ".");
        } catch (AccessDeniedException e) {
            throw BootloaderException.invalidSource("Permission denied reading " + describe(path) + ".");
        }
        return Resource.of(OptionalLong.of(size), in, validators);
    }

    /** Unchanged when size, modification time (to the nanosecond the file system keeps) and inode are. */
    @Override
    public Resource openIfChanged(String path, Validators known) throws IOException {
        if (!known.isEmpty()) {
            try {
                if (validators(resolve(path)).equals(known)) {
                    return Resource.unchanged(known);
                }
            } catch (IOException e) {
                // open says what is wrong
            }
        }
        return open(path);
    }

    @Override
    public java.util.Optional<String> cacheIdentity(String path) {
        return java.util.Optional.of(describe(TreePath.check(path, "file://" + root)) + "\n");
    }

    private static Validators validators(Path file) throws IOException {
        java.nio.file.attribute.BasicFileAttributes a = Files.readAttributes(file,
                java.nio.file.attribute.BasicFileAttributes.class);
        return Validators.of("size", Long.toString(a.size()), "mtime",
                Long.toString(a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS)), "file",
                String.valueOf(a.fileKey()));
    }

    @Override
    public void close() {
    }

    private Path resolve(String path) {
        return root.resolve(TreePath.check(path, "file://" + root));
    }
}
