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
        try {
            in = Files.newInputStream(file);
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw BootloaderException.invalidSource("The repository has no file " + describe(path) + ".");
        } catch (AccessDeniedException e) {
            throw BootloaderException.invalidSource("Permission denied reading " + describe(path) + ".");
        }
        return Resource.of(OptionalLong.of(size), in);
    }

    @Override
    public void close() {
    }

    private Path resolve(String path) {
        return root.resolve(TreePath.check(path, "file://" + root));
    }
}
