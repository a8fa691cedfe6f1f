package org.xenproject.eliloader.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.source.SourceFixtures.WorkDir;
import org.xenproject.eliloader.testpeers.VsftpdPeer;

/** {@code ftp://} against a real vsftpd: anonymous and user logins, SIZE, REST after a broken transfer. */
@org.xenproject.eliloader.testsupport.RealPeers
class FtpSourceTest {
    private static final long BIG = 8L << 20;
    private static WorkDir work;
    private static VsftpdPeer ftp;
    private static Path bigFile;

    @BeforeAll
    static void start() {
        work = SourceFixtures.workDir("ftp");
        Path tree = work.mkdirs("tree");
        bigFile = SourceFixtures.randomFile(tree.resolve("big/initrd.img"), BIG, 7);
        try {
            Files.copy(SourceFixtures.fixtureTree().resolve(SourceFixtures.KERNEL), work.mkdirs("tree/images/xen")
                    .resolve("vmlinuz"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        ftp = VsftpdPeer.serve(tree, work.resolve("peer"), 3L << 20);
    }

    @AfterAll
    static void stop() {
        if (ftp != null) {
            ftp.close();
        }
        if (work != null) {
            work.close();
        }
    }

    private static InstallSource source(String url, String secret) {
        return SourceFactory.open(Repository.parse(url), SourceFixtures.quickOptions().withSecret(() -> secret));
    }

    private static String fixtureMd5() {
        return SourceFixtures.md5(SourceFixtures.fixtureTree().resolve(SourceFixtures.KERNEL));
    }

    @Test
    void anonymousLoginReadsFilesAndAnnouncesTheirSize() throws Exception {
        try (InstallSource source = source(ftp.url(""), null);
                InstallSource.Resource kernel = source.open("images/xen/vmlinuz")) {
            assertThat(kernel.length()).hasValue(Files.size(SourceFixtures.fixtureTree().resolve(SourceFixtures.KERNEL)));
            assertThat(SourceFixtures.md5(kernel.stream())).isEqualTo(fixtureMd5());
        }
        assertThat(ftp.log()).contains("[ftp] OK LOGIN");
    }

    @Test
    void existsTellsFilesFromMissingPathsAndDirectories() throws Exception {
        try (InstallSource source = source(ftp.url("images"), null)) {
            assertThat(source.exists("xen/vmlinuz")).isTrue();
            assertThat(source.exists("xen/missing")).isFalse();
            assertThat(source.exists("xen")).isFalse();
        }
    }

    @Test
    void userLoginTakesThePasswordFromTheSecret() throws Exception {
        try (InstallSource source = source(ftp.userUrl("images/xen"), VsftpdPeer.PASSWORD);
                InstallSource.Resource kernel = source.open("vmlinuz")) {
            assertThat(SourceFixtures.md5(kernel.stream())).isEqualTo(fixtureMd5());
            assertThat(source.describe("vmlinuz")).isEqualTo(ftp.userUrl("images/xen/vmlinuz"));
        }
        assertThat(ftp.log()).contains("[" + VsftpdPeer.USER + "] OK LOGIN");
    }

    @Test
    void userAndPasswordInTheUrlWorkAndAreMasked() throws Exception {
        String url = "ftp://" + VsftpdPeer.USER + ":Ftp-pass%209@127.0.0.1:" + ftp.port() + "/images/xen/";
        try (InstallSource source = source(url, null); InstallSource.Resource kernel = source.open("vmlinuz")) {
            assertThat(SourceFixtures.md5(kernel.stream())).isEqualTo(fixtureMd5());
            assertThat(source.describe("vmlinuz")).isEqualTo("ftp://" + VsftpdPeer.USER + ":***@127.0.0.1:"
                    + ftp.port() + "/images/xen/vmlinuz");
        }
    }

    @Test
    void aRefusedLoginIsInvalidSourceNamingTheUserButNotThePassword() {
        assertThatThrownBy(() -> {
            try (InstallSource source = source(ftp.userUrl(""), "wrong-Secret")) {
                source.exists("images/xen/vmlinuz");
            }
        }).isInstanceOfSatisfying(BootloaderException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE);
            assertThat(e.getMessage()).contains("refused the login of " + VsftpdPeer.USER).contains("530")
                    .doesNotContain("wrong-Secret");
        });
    }

    @Test
    void aUserWithoutPasswordOrSecretIsRefusedBeforeConnecting() {
        assertThatThrownBy(() -> source(ftp.userUrl(""), null))
                .isInstanceOfSatisfying(BootloaderException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE);
                    assertThat(e.getMessage()).contains("install-repository-secret");
                });
    }

    @Test
    void aMissingFileIsInvalidSourceNamingItsUrl() {
        assertThatThrownBy(() -> {
            try (InstallSource source = source(ftp.url("images/xen"), null)) {
                source.open("no-such-kernel");
            }
        }).isInstanceOfSatisfying(BootloaderException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE);
            assertThat(e.getMessage()).contains("has no file " + ftp.url("images/xen/no-such-kernel"));
        });
    }

    @Test
    void aPathStartingWithPercent2FIsAbsolute() throws Exception {
        // anonymous logins are chrooted to the tree, so the absolute /images/xen is the same place
        try (InstallSource source = source("ftp://127.0.0.1:" + ftp.port() + "/%2Fimages/xen", null);
                InstallSource.Resource kernel = source.open("vmlinuz")) {
            assertThat(SourceFixtures.md5(kernel.stream())).isEqualTo(fixtureMd5());
        }
    }

    @Test
    void aBrokenTransferIsResumedWithRest() throws Exception {
        try (InstallSource source = source(ftp.url(""), null);
                InstallSource.Resource big = source.open("big/initrd.img")) {
            assertThat(big.length()).hasValue(BIG);
            InputStream in = big.stream();
            java.security.MessageDigest md5 = java.security.MessageDigest.getInstance("MD5");
            byte[] head = new byte[1 << 20];
            SourceFixtures.readFully(in, head);
            md5.update(head);
            // the session process serving this transfer dies: the data connection breaks
            assertThat(ftp.sessionProcesses()).isNotEmpty();
            ftp.sessionProcesses().forEach(p -> p.destroyForcibly());
            byte[] buffer = new byte[1 << 16];
            long total = head.length;
            int n;
            while ((n = in.read(buffer)) > 0) {
                md5.update(buffer, 0, n);
                total += n;
            }
            assertThat(total).isEqualTo(BIG);
            assertThat(java.util.HexFormat.of().formatHex(md5.digest())).isEqualTo(SourceFixtures.md5(bigFile));
        }
        assertThat(ftp.log()).containsPattern("\"REST [1-9][0-9]*\"");
    }
}
