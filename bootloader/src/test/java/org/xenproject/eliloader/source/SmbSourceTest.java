package org.xenproject.eliloader.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.source.SourceFixtures.WorkDir;
import org.xenproject.eliloader.testpeers.SambaPeer;

/** {@code smb://} against a real Samba: guest and user shares, refused logins, resuming a broken read. */
@org.xenproject.eliloader.testsupport.RealPeers
class SmbSourceTest {
    private static final long BIG = 8L << 20;
    private static WorkDir work;
    private static SambaPeer smb;
    private static Path bigFile;

    @BeforeAll
    static void start() throws Exception {
        work = SourceFixtures.workDir("smb");
        Path tree = work.mkdirs("tree");
        bigFile = SourceFixtures.randomFile(tree.resolve("big/initrd.img"), BIG, 11);
        Files.copy(SourceFixtures.fixtureTree().resolve(SourceFixtures.KERNEL),
                work.mkdirs("tree/images/xen").resolve("vmlinuz"));
        smb = SambaPeer.serve(tree, work.resolve("peer"));
    }

    @AfterAll
    static void stop() {
        if (smb != null) {
            smb.close();
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
    void guestReadsTheGuestShare() throws Exception {
        try (InstallSource source = source(smb.guestUrl("images/xen"), null);
                InstallSource.Resource kernel = source.open("vmlinuz")) {
            assertThat(kernel.length()).hasValue(44);
            assertThat(SourceFixtures.md5(kernel.stream())).isEqualTo(fixtureMd5());
            assertThat(source.exists("vmlinuz")).isTrue();
            assertThat(source.exists("missing")).isFalse();
        }
    }

    @Test
    void aUserReadsThePrivateShareWithThePasswordFromTheSecret() throws Exception {
        try (InstallSource source = source(smb.userUrl("images/xen"), SambaPeer.PASSWORD);
                InstallSource.Resource kernel = source.open("vmlinuz")) {
            assertThat(SourceFixtures.md5(kernel.stream())).isEqualTo(fixtureMd5());
            assertThat(source.describe("vmlinuz")).isEqualTo(smb.userUrl("images/xen/vmlinuz"));
        }
    }

    @Test
    void aPasswordInTheUrlWorksAndIsMasked() throws Exception {
        String url = "smb://" + SambaPeer.USER + ":Smb-pass%3B9@127.0.0.1:" + smb.port() + "/private/images/xen";
        try (InstallSource source = source(url, null); InstallSource.Resource kernel = source.open("vmlinuz")) {
            assertThat(SourceFixtures.md5(kernel.stream())).isEqualTo(fixtureMd5());
            assertThat(source.describe("vmlinuz")).contains(SambaPeer.USER + ":***@").doesNotContain("Smb-pass");
        }
    }

    @Test
    void theDomainMayAlsoBeWrittenWindowsStyle() throws Exception {
        String url = "smb://WORKGROUP%5C" + SambaPeer.USER + "@127.0.0.1:" + smb.port() + "/private/images/xen";
        try (InstallSource source = source(url, SambaPeer.PASSWORD); InstallSource.Resource kernel = source.open("vmlinuz")) {
            assertThat(SourceFixtures.md5(kernel.stream())).isEqualTo(fixtureMd5());
        }
    }

    @Test
    void aWrongPasswordIsRefusedWithoutFallingBackToGuest() {
        assertThatThrownBy(() -> {
            try (InstallSource source = source(smb.userUrl("images/xen"), "not-the-Password")) {
                source.open("vmlinuz");
            }
        }).isInstanceOfSatisfying(BootloaderException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE);
            assertThat(e.getMessage()).contains("refused the login of user WORKGROUP\\labuser")
                    .contains(smb.userUrl("images/xen/vmlinuz")).doesNotContain("not-the-Password");
        });
    }

    @Test
    void aGuestCannotReadTheUserShare() {
        assertThatThrownBy(() -> {
            try (InstallSource source = source("smb://127.0.0.1:" + smb.port() + "/private/images/xen", null)) {
                source.open("vmlinuz");
            }
        }).isInstanceOfSatisfying(BootloaderException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE));
    }

    @Test
    void aMissingShareOrFileIsInvalidSourceNamingTheUrl() {
        assertThatThrownBy(() -> {
            try (InstallSource source = source("smb://127.0.0.1:" + smb.port() + "/nosuchshare/tree", null)) {
                source.open("vmlinuz");
            }
        }).isInstanceOfSatisfying(BootloaderException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE);
            assertThat(e.getMessage()).contains("smb://127.0.0.1:" + smb.port() + "/nosuchshare/tree/vmlinuz");
        });
        assertThatThrownBy(() -> {
            try (InstallSource source = source(smb.guestUrl("images/xen"), null)) {
                source.open("no-such-kernel");
            }
        }).isInstanceOfSatisfying(BootloaderException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE);
            assertThat(e.getMessage()).contains("has no file " + smb.guestUrl("images/xen/no-such-kernel"));
        });
    }

    @Test
    void urlsWithoutShareOrWithAUserButNoPasswordAreRefused() {
        assertThatThrownBy(() -> source("smb://127.0.0.1:" + smb.port() + "/", null))
                .isInstanceOfSatisfying(BootloaderException.class, e -> assertThat(e.getMessage()).contains("names no share"));
        assertThatThrownBy(() -> source(smb.userUrl("images"), null))
                .isInstanceOfSatisfying(BootloaderException.class,
                        e -> assertThat(e.getMessage()).contains("install-repository-secret"));
        assertThatThrownBy(() -> source(smb.guestUrl("images"), "a-secret"))
                .isInstanceOfSatisfying(BootloaderException.class, e -> assertThat(e.getMessage()).contains("names no user"));
    }

    @Test
    void aBrokenConnectionIsResumedAtItsOffset() throws Exception {
        try (InstallSource source = source(smb.guestUrl(""), null);
                InstallSource.Resource big = source.open("big/initrd.img")) {
            assertThat(big.length()).hasValue(BIG);
            InputStream in = big.stream();
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            byte[] head = new byte[1 << 20];
            SourceFixtures.readFully(in, head);
            md5.update(head);
            // SMB reads are request/response: killing the connection's smbd breaks the next read
            java.util.List<ProcessHandle> killed = smb.connectionProcesses();
            assertThat(killed).isNotEmpty();
            killed.forEach(ProcessHandle::destroyForcibly);
            byte[] buffer = new byte[1 << 16];
            long total = head.length;
            int n;
            while ((n = in.read(buffer)) > 0) {
                md5.update(buffer, 0, n);
                total += n;
            }
            assertThat(total).isEqualTo(BIG);
            assertThat(HexFormat.of().formatHex(md5.digest())).isEqualTo(SourceFixtures.md5(bigFile));
            // the rest came over a new connection
            assertThat(smb.connectionProcesses()).isNotEmpty().noneMatch(killed::contains);
        }
    }

    @Test
    void anSmb1OnlyServerIsNotSpokenTo() throws Exception {
        try (SambaPeer smb1 = SambaPeer.serve(work.resolve("tree"), work.resolve("smb1"), "NT1", "NT1")) {
            assertThatThrownBy(() -> {
                try (InstallSource source = source(smb1.guestUrl("images/xen"), null)) {
                    source.open("vmlinuz");
                }
            }).isInstanceOfSatisfying(BootloaderException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE);
                assertThat(e.getMessage()).contains(smb1.guestUrl("images/xen/vmlinuz")).contains("only SMB1")
                        .doesNotContain("attempts");
            });
        }
    }
}
