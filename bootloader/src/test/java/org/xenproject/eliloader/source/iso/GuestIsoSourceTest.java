package org.xenproject.eliloader.source.iso;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.guest.GuestUser;
import org.xenproject.eliloader.source.InstallSource;
import org.xenproject.eliloader.testsupport.RealPeers;

/**
 * The deprivileged CD reader's failures arrive as the in-process reader's would: a file that is
 * no ISO image is named as such, a reader that dies is a named error, and its socket directory
 * goes with it. Needs root (setpriv).
 */
@RealPeers
class GuestIsoSourceTest {
    static final GuestUser NOBODY = new GuestUser(65534, 65534, "test");

    @TempDir
    Path dir;

    @Test
    void aFileThatIsNoIsoImageIsNamedAsInProcess() throws Exception {
        Path junk = Files.write(dir.resolve("junk.iso"), new byte[64 * 1024]);

        assertThatThrownBy(() -> GuestIsoSource.open(junk, NOBODY))
                .isInstanceOfSatisfying(BootloaderException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE))
                .hasMessageContaining("is not an ISO 9660 image");
        assertThat(socketDirectories()).isEmpty();
    }

    @Test
    void aReaderThatDiesIsANamedErrorAndLeavesNothing() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("tree/boot"));
        Files.writeString(tree.resolve("vmlinuz"), "kernel\n");
        Path iso = TestImages.make(TestImages.Maker.XORRISO_ROCK_RIDGE_JOLIET, dir.resolve("tree"), dir.resolve("cd.iso"));
        InstallSource source = GuestIsoSource.open(iso, NOBODY);
        try {
            assertThat(source.exists("boot/vmlinuz")).isTrue();
            assertThat(source.exists("boot/missing")).isFalse();
            assertThat(socketDirectories()).hasSize(1);
            ProcessHandle.current().descendants().filter(p -> p.info().commandLine().orElse("")
                    .contains("guest-read iso " + iso)).forEach(ProcessHandle::destroyForcibly);
            Thread.sleep(300);
            assertThatThrownBy(() -> source.exists("boot/vmlinuz"))
                    .isInstanceOfSatisfying(BootloaderException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE))
                    .hasMessageContaining("The reader of ISO image " + iso + " stopped");
        } finally {
            source.close();
        }
        assertThat(socketDirectories()).isEmpty();
    }

    @Test
    void aFileThatFailsMidwayArrivesCutShortNeverWithTheErrorAsContent() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("big"));
        byte[] content = new byte[8 << 20];
        java.util.Arrays.fill(content, (byte) 'k');
        Files.write(tree.resolve("kernel"), content);
        Path iso = TestImages.make(TestImages.Maker.XORRISO_ROCK_RIDGE_JOLIET, tree, dir.resolve("big.iso"));
        try (InstallSource source = GuestIsoSource.open(iso, NOBODY);
                InstallSource.Resource kernel = source.open("kernel");
                java.io.InputStream in = kernel.stream()) {
            assertThat(kernel.length()).hasValue(content.length);
            assertThat(in.read()).isEqualTo('k');
            // the image shrinks under the reader: it fails in the middle of the file
            try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(iso,
                    java.nio.file.StandardOpenOption.WRITE)) {
                channel.truncate(channel.size() - content.length + (1 << 20));
            }
            byte[] rest = new byte[content.length];
            assertThatThrownBy(() -> {
                int n;
                int at = 0;
                while ((n = in.read(rest, at, rest.length - at)) > 0) {
                    at += n;
                    for (int i = at - n; i < at; i++) {
                        assertThat(rest[i]).as("byte %d", i).isEqualTo((byte) 'k');
                    }
                }
            }).isInstanceOf(java.io.IOException.class).hasMessageContaining("cut short");
        }
    }

    private static java.util.List<Path> socketDirectories() throws Exception {
        try (var list = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return list.filter(p -> p.getFileName().toString()
                    .startsWith(GuestIsoSource.SCRATCH_PREFIX + ProcessHandle.current().pid() + ".")).toList();
        }
    }
}
