package org.xenproject.eliloader.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the checkout's folders are, for tests run by Maven or an IDE. */
public final class ProjectPaths {
    private ProjectPaths() {
    }

    public static Path root() {
        String fromMaven = System.getenv("ELILOADER_PROJECT_ROOT");
        Path start = fromMaven != null ? Path.of(fromMaven) : Path.of("").toAbsolutePath();
        for (Path p = start.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("distro-profiles")) && Files.isDirectory(p.resolve("scripts"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the project root from " + start);
    }

    public static Path fixtures() {
        return root().resolve("fixtures");
    }

    public static Path trees() {
        return fixtures().resolve("trees");
    }

    public static Path scripts() {
        return root().resolve("scripts");
    }
}
