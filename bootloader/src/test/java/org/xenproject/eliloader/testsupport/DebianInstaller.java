package org.xenproject.eliloader.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real Debian 12 installer kernel ({@code linux}) and initrd ({@code initrd.gz}) from the
 * package debian-installer-12-netboot-amd64, as {@code scripts/fetch-debian-installer} extracts
 * them. Tests that need them fail, rather than skip, when they are absent.
 */
public final class DebianInstaller {
    /** Where {@code scripts/fetch-debian-installer} puts them by default. */
    public static final String DEFAULT_DIR = "/var/cache/eliloader-test/debian-installer-12-netboot-amd64/"
            + "usr/lib/debian-installer/images/12/amd64/text/debian-installer/amd64";

    private DebianInstaller() {
    }

    /** The directory holding {@code linux} and {@code initrd.gz}: {@code ELILOADER_DI_DIR} or the default. */
    public static Path dir() {
        String env = System.getenv("ELILOADER_DI_DIR");
        Path dir = Path.of(env != null && !env.isEmpty() ? env : DEFAULT_DIR);
        if (!Files.isRegularFile(dir.resolve("initrd.gz")) || !Files.isRegularFile(dir.resolve("linux"))) {
            throw new AssertionError("Debian 12 installer not found in " + dir
                    + ": run scripts/fetch-debian-installer (or set ELILOADER_DI_DIR to the directory with linux and initrd.gz)");
        }
        return dir;
    }

    public static Path kernel() {
        return dir().resolve("linux");
    }

    public static Path initrd() {
        return dir().resolve("initrd.gz");
    }
}
