package org.xenproject.eliloader.source.iso;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.source.InstallSource;
import org.xenproject.eliloader.source.iso.TestImages.Maker;

/** The "cdrom" install source as the round plan uses it. */
@org.xenproject.eliloader.testsupport.RealPeers
class IsoSourceTest {

    @TempDir
    static Path work;
    static Path iso;

    @BeforeAll
    static void makeImage() throws IOException {
        Path tree = work.resolve("tree");
        TestImages.write(tree, "install.amd/xen/vmlinuz", "debian xen kernel\n");
        TestImages.write(tree, "install.amd/xen/initrd.gz", "debian xen initrd\n");
        TestImages.write(tree, ".treeinfo", "[images-xen]\nkernel = images/xen/vmlinuz\n");
        TestImages.link(tree, "dists/stable", "bookworm");
        TestImages.write(tree, "dists/bookworm/Release", "Suite: bookworm\n");
        iso = TestImages.make(Maker.XORRISO_ROCK_RIDGE_JOLIET, tree, work.resolve("debian.iso"));
    }

    @Test
    void tellsWhichFilesExist() throws IOException {
        try (InstallSource source = IsoSource.open(iso)) {
            assertThat(source.exists("install.amd/xen/vmlinuz")).isTrue();
            // absolute names are refused on every scheme (TreePath); callers strip a leading '/'
            assertThatThrownBy(() -> source.exists("/install.amd/xen/vmlinuz"))
                    .isInstanceOfSatisfying(BootloaderException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE))
                    .hasMessageContaining("/install.amd/xen/vmlinuz");
            assertThat(source.exists(".treeinfo")).isTrue();
            assertThat(source.exists("dists/stable/Release")).isTrue();
            assertThat(source.exists("install.amd/xen")).as("a directory is no file").isFalse();
            assertThat(source.exists("install.386/xen/vmlinuz")).isFalse();
        }
    }

    @Test
    void opensFilesWithTheirLength() throws IOException {
        try (InstallSource source = IsoSource.open(iso);
             InstallSource.Resource kernel = source.open("install.amd/xen/vmlinuz")) {
            assertThat(kernel.length()).hasValue("debian xen kernel\n".length());
            try (InputStream in = kernel.stream()) {
                assertThat(new String(in.readAllBytes(), UTF_8)).isEqualTo("debian xen kernel\n");
            }
            try (InputStream again = kernel.stream()) {
                assertThat(again.readAllBytes()).hasSize("debian xen kernel\n".length());
            }
        }
    }

    @Test
    void describesPathsWithTheImage() throws IOException {
        try (InstallSource source = IsoSource.open(iso)) {
            assertThat(source.describe("install.amd/xen/vmlinuz"))
                    .isEqualTo("install.amd/xen/vmlinuz in ISO image " + iso);
        }
    }

    @Test
    void refusesMissingFilesAndDirectories() throws IOException {
        try (InstallSource source = IsoSource.open(iso)) {
            assertThatThrownBy(() -> source.open("install.386/xen/vmlinuz"))
                    .isInstanceOfSatisfying(BootloaderException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE))
                    .hasMessage("install.386/xen/vmlinuz in ISO image " + iso + " does not exist");
            assertThatThrownBy(() -> source.open("install.amd"))
                    .isInstanceOfSatisfying(BootloaderException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE))
                    .hasMessageContaining("is a directory");
        }
    }

    @Test
    void refusesWhatIsNoImage() {
        assertThatThrownBy(() -> IsoSource.open(work.resolve("no-such.iso")))
                .isInstanceOfSatisfying(BootloaderException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE))
                .hasMessage("cannot open ISO image " + work.resolve("no-such.iso") + ": no such file");
        assertThatThrownBy(() -> IsoSource.open(work.resolve("tree/.treeinfo")))
                .isInstanceOfSatisfying(BootloaderException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE))
                .hasMessageContaining("too few to hold an ISO 9660 volume descriptor");
    }

    @Test
    void streamsFailOnceTheSourceIsClosed() throws IOException {
        InstallSource source = IsoSource.open(iso);
        InputStream in = source.open(".treeinfo").stream();
        source.close();
        assertThatThrownBy(in::read).isInstanceOf(IOException.class);
    }
}
