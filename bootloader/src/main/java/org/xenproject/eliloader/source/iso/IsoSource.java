package org.xenproject.eliloader.source.iso;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.OptionalLong;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.source.InstallSource;
import org.xenproject.eliloader.source.TreePath;

/**
 * The install tree on an ISO 9660 image file or block device: the "cdrom" repository, read
 * from the VM's boot disk without mounting it. Symbolic links are followed within the image.
 */
public final class IsoSource implements InstallSource {
    private final IsoImage image;

    public IsoSource(IsoImage image) {
        this.image = image;
    }

    /**
     * Opens the image at {@code image} (a file or a block device).
     *
     * @throws BootloaderException INVALID_SOURCE if it cannot be read or is no ISO 9660 image
     */
    public static IsoSource open(Path image) {
        return new IsoSource(IsoImage.open(image));
    }

    public IsoImage image() {
        return image;
    }

    @Override
    public String describe(String path) {
        return strip(path) + " in ISO image " + image.path();
    }

    @Override
    public boolean exists(String path) {
        // no lambdas here: every bootstrap costs start-up time at each VM start
        IsoEntry entry = image.lookup(check(path)).orElse(null);
        return entry != null && entry.isRegularFile();
    }

    @Override
    public Resource open(String path) {
        IsoEntry entry = image.lookup(check(path)).orElse(null);
        if (entry == null) {
            throw BootloaderException.invalidSource(describe(path) + " does not exist");
        }
        if (!entry.isRegularFile()) {
            throw BootloaderException.invalidSource(describe(path) + " is a directory, not a file");
        }
        return new Resource() {
            @Override
            public OptionalLong length() {
                return OptionalLong.of(entry.length());
            }

            @Override
            public InputStream stream() {
                return image.openStream(entry);
            }

            @Override
            public void close() {
                // streams read the shared image channel; closing the source closes it
            }
        };
    }

    @Override
    public void close() throws IOException {
        image.close();
    }

    private String check(String path) {
        return TreePath.check(path, "ISO image " + image.path());
    }

    /** For messages only: names are checked by {@link TreePath}. */
    private static String strip(String path) {
        int start = 0;
        while (start < path.length() && path.charAt(start) == '/') {
            start++;
        }
        return path.substring(start);
    }
}
