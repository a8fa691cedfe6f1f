package org.xenproject.eliloader.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.source.file.FileSource;
import org.xenproject.eliloader.testsupport.BootHarness;
import org.xenproject.eliloader.testsupport.Run;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/**
 * Record values that name paths, against every way out: file:// trees confined to the host's
 * roots, symbolic links out of a tree, percent-escapes in http paths, a planted lock symlink.
 */
class HostilePathsTest {
    @TempDir
    Path dir;

    private static InstallSource open(String url, List<Path> roots) {
        return SourceFactory.open(Repository.parse(url), SourceOptions.defaults().withFileRoots(roots));
    }

    @Test
    void fileTreesAreRefusedUnlessTheHostNamesRoots() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("tree"));
        assertThatThrownBy(() -> open("file://" + tree, List.of())).isInstanceOfSatisfying(BootloaderException.class,
                e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_INSTALL_METHOD);
                    assertThat(e.getMessage()).contains("file-roots");
                });
        assertThatThrownBy(() -> FileSource.roots("/srv:/")).hasMessageContaining("names /, which is never accepted");
        assertThatThrownBy(() -> FileSource.roots("/srv/../")).hasMessageContaining("names /");
        assertThatThrownBy(() -> open("file://" + tree, List.of(dir.resolve("elsewhere"))))
                .hasMessageContaining("outside the directories this host allows");
        try (InstallSource ok = open("file://" + tree, List.of(dir))) {
            assertThat(ok.exists("x")).isFalse();
        }
    }

    @Test
    void aSymbolicLinkOutOfTheTreeReadsNothing() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("roots/tree"));
        Files.writeString(dir.resolve("secret"), "host file");
        Files.createSymbolicLink(tree.resolve("vmlinuz"), dir.resolve("secret"));
        Files.createSymbolicLink(dir.resolve("roots/link-tree"), dir);
        try (InstallSource source = open("file://" + tree, List.of(dir.resolve("roots")))) {
            assertThat(source.exists("vmlinuz")).isFalse();
            assertThatThrownBy(() -> source.open("vmlinuz")).isInstanceOf(BootloaderException.class);
        }
        // a tree that is a link out of the roots
        assertThatThrownBy(() -> open("file://" + dir.resolve("roots/link-tree"), List.of(dir.resolve("roots"))))
                .hasMessageContaining("outside the directories");
    }

    @Test
    void hostFilesNeverReachTheGuestThroughFileSlash() {
        for (String roots : new String[] {null, "/"}) {
            BootHarness harness = BootHarness.of(VmStoreFixture.vm().other("install-repository", "file:///")
                    .other("install-distro", "pygrub").other("install-kernel", "etc/shadow")
                    .other("install-ramdisk", "etc/gshadow")).in(dir.resolve("r" + (roots == null ? "none" : "slash")));
            if (roots != null) {
                harness.env("ELILOADER_FILE_ROOTS", roots);
            }
            BootHarness.Boot boot = harness.boot();
            Run run = boot.run();
            assertThat(run.status()).as(run.stderr()).isNotZero();
            assertThat(run.stdout()).isEmpty();
            assertThat(run.stderr()).contains("file-roots").doesNotContain("Exception");
            assertThat(boot.filesLeft()).isEmpty();
        }
    }

    @Test
    void httpPathsAreLiteralNames() throws Exception {
        List<String> requests = new CopyOnWriteArrayList<>();
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket s = server.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                        StringBuilder line = new StringBuilder();
                        int c;
                        while ((c = in.read()) >= 0 && c != '\n') {
                            line.append((char) c);
                        }
                        requests.add(line.toString().trim());
                        out.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            String base = "http://127.0.0.1:" + server.getLocalPort() + "/a/b/debian";
            try (InstallSource source = SourceFactory.open(Repository.parse(base), SourceFixtures.quickOptions())) {
                source.exists("dists/..%2F..%2Fx/vmlinuz");
                source.exists("dists/x?y#z/vmlinuz");
            }
        }
        assertThat(requests).isNotEmpty().allSatisfy(r -> assertThat(r).startsWith("HEAD /a/b/debian/dists/")
                .doesNotContain("%2F", "?", "#"));
        assertThat(requests.get(0)).contains("..%252F..%252Fx");
    }

    @Test
    void aPlantedLockSymlinkIsNotFollowed() throws Exception {
        Path store = VmStoreFixture.vm().other("install-repository", "http://127.0.0.1:9/tree").writeTo(dir.resolve("s.json"));
        Path victim = dir.resolve("victim");
        Files.createSymbolicLink(dir.resolve("s.json.lock"), victim);
        Run run = BootHarness.onStore(store).outputDirectory(dir.resolve("out")).boot().run();
        assertThat(run.status()).isNotZero();
        assertThat(victim).doesNotExist();
        assertThat(run.stderr()).contains("Cannot lock or read the VM store").doesNotContain("Exception");
    }
}
