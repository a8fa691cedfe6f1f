package org.xenproject.eliloader.source.file;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalLong;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.source.InstallSource;
import org.xenproject.eliloader.source.Repository;

/**
 * A tree in the local file system, named by {@code file:///ABSOLUTE/PATH} (or
 * {@code file://localhost/ABSOLUTE/PATH}); percent-escapes in the path are decoded. Paths that
 * climb out of the tree with {@code ..} are refused.
 */
public final class FileSource implements InstallSource {
    private final Path root;

    public FileSource(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public static FileSource of(Repository repository) {
        URI uri = repository.uri();
        String host = uri.getHost() == null ? uri.getRawAuthority() : uri.getHost();
        if (host != null && !host.isEmpty() && !host.equalsIgnoreCase("localhost")) {
            throw BootloaderException.invalidSource("The repository " + repository.masked() + " names the host " + host
                    + "; file:// repositories are local: file:///PATH.");
        }
        if (uri.getPath() == null || !uri.getPath().startsWith("/")) {
            throw BootloaderException.invalidSource("The repository " + repository.masked()
                    + " names no absolute directory; write it as file:///PATH.");
        }
        Path root = Path.of(uri.getPath());
        if (!Files.isDirectory(root)) {
            throw BootloaderException.invalidSource("The repository " + repository.masked() + " is not a directory.");
        }
        return new FileSource(root);
    }

    @Override
    public String describe(String path) {
        return "file://" + resolve(path);
    }

    @Override
    public boolean exists(String path) {
        return Files.isRegularFile(resolve(path));
    }

    @Override
    public Resource open(String path) throws IOException {
        Path file = resolve(path);
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
        Path resolved = root.resolve(path.startsWith("/") ? path.substring(1) : path).normalize();
        if (!resolved.startsWith(root)) {
            throw BootloaderException.invalidSource("The path " + path + " leaves the repository file://" + root + ".");
        }
        return resolved;
    }
}
