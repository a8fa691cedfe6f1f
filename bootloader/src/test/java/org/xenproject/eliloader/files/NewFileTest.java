package org.xenproject.eliloader.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** New files: owner-only, named like createTempFile's, each a file that did not exist. */
class NewFileTest {
    @TempDir
    Path dir;

    @Test
    void makesAnEmptyOwnerOnlyFileNamedPrefixNumberSuffix() throws Exception {
        Path file = NewFile.create(dir, "boot_kernel.", "");
        assertThat(file.getParent()).isEqualTo(dir);
        assertThat(file.getFileName().toString()).matches("boot_kernel\\.\\d+");
        assertThat(Files.size(file)).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(NewFile.create(dir, "x.", ".img").getFileName().toString()).matches("x\\.\\d+\\.img");
    }

    @Test
    void eachCallMakesAFileOfItsOwn() throws Exception {
        Set<Path> made = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            assertThat(made.add(NewFile.create(dir, "f.", ""))).isTrue();
        }
        assertThat(made).allMatch(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS));
    }
}
