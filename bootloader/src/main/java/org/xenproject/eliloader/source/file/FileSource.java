package org.xenproject.eliloader.source.file;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.MessageText;
import org.xenproject.eliloader.source.InstallSource;
import org.xenproject.eliloader.source.Repository;
import org.xenproject.eliloader.source.TreePath;
import org.xenproject.eliloader.source.Validators;

/**
 * A tree in the local file system, named by {@code file:///ABSOLUTE/PATH} (or
 * {@code file://localhost/ABSOLUTE/PATH}); percent-escapes in the path are decoded. Names inside
 * the tree follow {@link TreePath}.
 *
 * <p>Confined: the VM record names the tree, and the files are handed to the guest, so a tree must
 * lie inside one of the directories the host names in its {@code file-roots} setting (none by
 * default: {@code file://} is refused until the host opts in; {@code /} is never a root), and every
 * file read, symbolic links resolved, must lie inside the tree.
 */
public final class FileSource implements InstallSource {
    private final Path root;

    public FileSource(Path root) {
        Path absolute = root.toAbsolutePath().normalize();
        try {
            absolute = absolute.toRealPath();
        } catch (IOException e) {
            // checked when read
        }
        this.root = absolute;
    }

    /** The setting that confines {@code file://} trees, for messages. */
    static final String ROOTS_SETTING = "file-roots (--file-roots, ELILOADER_FILE_ROOTS, or file-roots = in"
            + " /etc/eliloader/eliloader.conf)";

    /** The directories of a {@code file-roots} value (':'-separated absolute paths); refuses {@code /}. */
    public static List<Path> roots(String setting) {
        List<Path> roots = new ArrayList<>();
        for (String part : setting.split(":")) {
            if (part.isBlank()) {
                continue;
            }
            Path root = Path.of(part.strip());
            if (!root.isAbsolute()) {
                throw BootloaderException.invalidSource("The host setting file-roots names "
                        + MessageText.quoted(part, 200) + ", which is not an absolute directory.");
            }
            root = root.normalize();
            if (root.getNameCount() == 0) {
                throw BootloaderException.invalidSource("The host setting file-roots names /, which is never"
                        + " accepted: it would let a VM record hand any host file to its guest.");
            }
            roots.add(root);
        }
        return roots;
    }

    /** The repository's directory, when it lies inside one of {@code roots}. */
    public static FileSource of(Repository repository, List<Path> roots) {
        if (roots.isEmpty()) {
            throw BootloaderException.unsupportedInstallMethod("file:// repositories (" + repository.masked()
                    + ") are refused on this host: name the directories they may lie in with the setting "
                    + ROOTS_SETTING + ".");
        }
        Path root = Path.of(repository.path());
        if (!Files.isDirectory(root)) {
            throw BootloaderException.invalidSource("The repository " + repository.masked() + " is not a directory.");
        }
        Path real;
        try {
            real = root.toRealPath();
        } catch (IOException e) {
            throw BootloaderException.invalidSource("The repository " + repository.masked() + " cannot be read.");
        }
        for (Path allowed : roots) {
            Path allowedReal;
            try {
                allowedReal = allowed.toRealPath();
            } catch (IOException e) {
                continue; // a root that does not exist holds no tree
            }
            if (allowedReal.getNameCount() > 0 && real.startsWith(allowedReal)) {
                return new FileSource(real);
            }
        }
        throw BootloaderException.invalidSource("The repository " + repository.masked() + " is outside the"
                + " directories this host allows for file:// trees (" + ROOTS_SETTING + ").");
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

    /** The file a tree path names; one a symbolic link takes out of the tree reads as absent. */
    private Path resolve(String path) {
        Path file = root.resolve(TreePath.check(path, "file://" + root));
        try {
            Path real = file.toRealPath();
            return real.startsWith(root) ? real : root.resolve(".eliloader-outside-the-tree");
        } catch (IOException e) {
            return file; // absent or unreadable: reported as such by the caller
        }
    }
}
