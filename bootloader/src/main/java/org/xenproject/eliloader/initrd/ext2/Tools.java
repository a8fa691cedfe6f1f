package org.xenproject.eliloader.initrd.ext2;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.xenproject.eliloader.error.BootloaderException;

/** Finds host programs; the sbin directories are searched too since e2fsprogs lives there. */
final class Tools {
    private Tools() {
    }

    static Path find(String name) {
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(File.pathSeparator)));
        }
        dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
        for (String dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw BootloaderException.supportPackageMissing(name + " (from e2fsprogs) is needed to patch ext2 initrds"
                + " but was not found");
    }
}
