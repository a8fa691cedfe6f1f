package org.xenproject.eliloader.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.testpeers.NginxPeer;
import org.xenproject.eliloader.testsupport.BootHarness;
import org.xenproject.eliloader.testsupport.ProjectPaths;
import org.xenproject.eliloader.testsupport.RealPeers;
import org.xenproject.eliloader.testsupport.Run;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/** Round 1 of a real install boot, end to end, against a real nginx serving the fixture trees. */
@RealPeers
class RoundOneBootTest {
    private static final Path TREES = ProjectPaths.trees();
    private static final String DEBIAN_XEN = "debian/dists/bookworm/main/installer-amd64/current/images/netboot/xen/";

    @TempDir
    static Path serverDir;
    static NginxPeer nginx;

    @TempDir
    Path dir;
    Path out;
    Path store;

    @BeforeAll
    static void startNginx() {
        nginx = NginxPeer.serve(TREES, serverDir);
    }

    @AfterAll
    static void stopNginx() {
        nginx.close();
    }

    @BeforeEach
    void paths() {
        out = dir.resolve("boot"); // missing on purpose: the program creates it
        store = dir.resolve("store.json");
    }

    private Run boot(String... extra) {
        return BootHarness.onStore(store).outputDirectory(out).args(extra).boot().run();
    }

    @Test
    void rhel5FetchesTheXenKernelAndSwitchesToPygrub() throws IOException {
        VmStoreFixture.vm().field("PV_args", "console=hvc0 utf8").other("install-repository", nginx.url("rhel5"))
                .other("install-distro", "rhlike").other("install-vnc", "true").other("install-vncpasswd", "s3cret12")
                .other("install-args", "ks=http://ks/ks.cfg").writeTo(store);
        Run run = boot();
        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(run.stderr()).isEmpty();
        Map<String, String> items = run.answer();
        assertThat(items).containsOnlyKeys("kernel", "ramdisk", "args");
        // xenopsd's call: it appends the VM's PV-args itself, so the answer holds only the installer's
        assertThat(items.get("args")).isEqualTo("method=" + nginx.url("rhel5") + "/ vnc"
                + " vncpassword=s3cret12 ks=http://ks/ks.cfg");
        assertSameBytes(items.get("kernel"), TREES.resolve("rhel5/images/xen/vmlinuz"));
        assertSameBytes(items.get("ramdisk"), TREES.resolve("rhel5/images/xen/initrd.img"));
        assertThat(Path.of(items.get("kernel")).getParent()).isEqualTo(out.toAbsolutePath());
        assertThat(BootHarness.filesIn(out)).hasSize(2);

        Map<String, Object> vm = VmStoreFixture.read(store);
        assertThat(vm.get("PV_bootloader")).isEqualTo("pygrub");
        assertThat(VmStoreFixture.otherConfig(store)).doesNotContainKeys("install-round", "install-distro")
                .containsEntry("install-repository", nginx.url("rhel5"));
    }

    @Test
    void rhelFallsBackToIsolinuxAndKeepsTheTrailingSlashOnce() throws IOException {
        VmStoreFixture.vm().other("install-repository", nginx.url("centos4-isolinux/")).writeTo(store);
        Run run = boot();
        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(run.answer().get("args")).isEqualTo("method=" + nginx.url("centos4-isolinux") + "/");
        assertSameBytes(run.answer().get("kernel"), TREES.resolve("centos4-isolinux/isolinux/vmlinuz"));
        assertSameBytes(run.answer().get("ramdisk"), TREES.resolve("centos4-isolinux/isolinux/initrd.img"));
    }

    @Test
    void debianNetbootFromTheMirrorWithArchNamesMapped() throws IOException {
        VmStoreFixture.vm().other("install-repository", nginx.url("debian")).other("install-distro", "debianlike")
                .other("debian-release", "bookworm").other("install-arch", "x86_64").writeTo(store);
        Run run = boot("--output-format=simple0", "--output=" + dir.resolve("answer"));
        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(run.stdoutBytes()).isEmpty();
        String answer = Files.readString(dir.resolve("answer"));
        // the debian profile tells d-i the mirror it was booted from, so it does not ask
        assertThat(answer).endsWith("\0args mirror/country=manual mirror/protocol=http mirror/http/hostname=127.0.0.1:"
                + nginx.port() + " mirror/http/directory=/debian mirror/suite=bookworm\0");
        String[] items = answer.split("\0");
        assertSameBytes(items[0].substring("kernel ".length()), TREES.resolve(DEBIAN_XEN + "vmlinuz"));
        assertSameBytes(items[1].substring("ramdisk ".length()), TREES.resolve(DEBIAN_XEN + "initrd.gz"));
        assertThat(VmStoreFixture.read(store).get("PV_bootloader")).isEqualTo("pygrub");
    }

    @Test
    void debianUrlThatAlreadyPointsIntoDistsIsUsedAsItIs() throws IOException {
        VmStoreFixture.vm().other("install-repository", nginx.url("debian/dists/bookworm/"))
                .other("install-distro", "debianlike").other("debian-release", "bookworm")
                .other("install-arch", "i386").writeTo(store);
        Run run = boot();
        assertThat(run.status()).as(run.stderr()).isZero();
        assertSameBytes(run.answer().get("kernel"),
                TREES.resolve("debian/dists/bookworm/main/installer-i386/current/images/netboot/xen/vmlinuz"));
    }

    @Test
    void debianWithoutReleaseIsRefusedAndNothingChanges() throws IOException {
        VmStoreFixture.vm().other("install-repository", nginx.url("debian")).other("install-distro", "debianlike")
                .writeTo(store);
        String before = Files.readString(store);
        Run run = boot();
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.stderr()).isEqualTo("RuntimeError: UNSUPPORTED_INSTALL_METHOD\n"
                + "other-config:debian-release is not set, and the debian installer requires it.\n");
        assertThat(Files.readString(store)).isEqualTo(before);
    }

    @Test
    void oldXapiGetsSxpWithItsOwnArgs() {
        VmStoreFixture.vm().field("PV_args", "ignored-when-caller-passes-args")
                .other("install-repository", nginx.url("rhel5")).writeTo(store);
        Run run = boot("--default_args=console=hvc0", "--extra_args=ks=\\\"x y\\\"");
        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(run.stdout()).matches("linux \\(kernel " + out.toAbsolutePath() + "/boot_kernel\\.\\d+\\)"
                + "\\(ramdisk " + out.toAbsolutePath() + "/boot_ramdisk\\.\\d+\\)"
                + "\\(args \"console=hvc0 ks=\\\\\"x y\\\\\" method=" + java.util.regex.Pattern.quote(nginx.url("rhel5"))
                + "/\"\\)\n");
    }

    @Test
    void aSuiteWithoutThisArchsInstallerIsRefusedBeforeAnyDownloadAndLeavesNothing() throws IOException {
        VmStoreFixture.vm().other("install-repository", nginx.url("debian")).other("install-distro", "debianlike")
                .other("debian-release", "trixie").other("install-arch", "i386").writeTo(store); // trixie: no i386 installer
        String before = Files.readString(store);
        Run run = boot();
        // a missing file of a tree is INVALID_SOURCE naming its URL (InstallSourceContract); here the
        // profile's expect-files names the whole problem before any boot file is asked for
        assertThat(run.errorCode()).as(run.stderr()).isEqualTo("UNSUPPORTED_INSTALL_METHOD");
        assertThat(run.stderr()).contains("no installer images for suite trixie")
                .contains("dists/trixie/main/installer-i386/current/images/MANIFEST");
        assertThat(nginx.accessLog()).content().doesNotContain("dists/trixie/main/installer-i386/current/images/netboot");
        assertThat(run.stdout()).isEmpty();
        assertThat(BootHarness.filesIn(out)).isEmpty();
        assertThat(Files.readString(store)).isEqualTo(before);
    }

    @Test
    void limitsFromThePlatformMapAreEnforcedAndNothingIsLeft() throws IOException {
        long initrdSize = Files.size(TREES.resolve("rhel5/images/xen/initrd.img"));
        VmStoreFixture.vm().other("install-repository", nginx.url("rhel5"))
                .platform("pv-ramdisk-max-size", Long.toString(initrdSize - 1)).writeTo(store);
        String before = Files.readString(store);
        Run run = boot();
        assertThat(run.errorCode()).isEqualTo("LIMITS");
        assertThat(run.stderr()).contains("initrd").contains(Long.toString(initrdSize - 1));
        assertThat(BootHarness.filesIn(out)).as("the kernel fetched before the initrd is removed too").isEmpty();
        assertThat(Files.readString(store)).isEqualTo(before);

        VmStoreFixture.vm().other("install-repository", nginx.url("rhel5"))
                .platform("pv-ramdisk-max-size", Long.toString(initrdSize)).writeTo(store);
        assertThat(boot().status()).as("exactly at the limit is allowed").isZero();
    }

    /** Over http the kernel comes in on a second thread while the initrd streams; failures read as in turn. */
    @Test
    void aKernelFailureIsReportedFirstAndNothingIsLeftWhenBothFilesComeAtOnce() throws IOException {
        long kernelSize = Files.size(TREES.resolve("rhel5/images/xen/vmlinuz"));
        long initrdSize = Files.size(TREES.resolve("rhel5/images/xen/initrd.img"));
        VmStoreFixture.vm().other("install-repository", nginx.url("rhel5"))
                .platform("pv-kernel-max-size", Long.toString(kernelSize - 1)).writeTo(store);
        Run kernelOnly = boot();
        assertThat(kernelOnly.errorCode()).isEqualTo("LIMITS");
        assertThat(kernelOnly.stderr()).contains("The kernel").contains(Long.toString(kernelSize - 1));
        assertThat(BootHarness.filesIn(out)).as("the initrd fetched meanwhile is removed").isEmpty();

        VmStoreFixture.vm().other("install-repository", nginx.url("rhel5"))
                .platform("pv-kernel-max-size", Long.toString(kernelSize - 1))
                .platform("pv-ramdisk-max-size", Long.toString(initrdSize - 1)).writeTo(store);
        Run both = boot();
        assertThat(both.errorCode()).isEqualTo("LIMITS");
        assertThat(both.stderr()).contains("The kernel").doesNotContain("The initrd");
        assertThat(BootHarness.filesIn(out)).isEmpty();
    }

    @Test
    void injectionThroughTheRecordIsRefused() throws IOException {
        VmStoreFixture.vm().other("install-repository", nginx.url("rhel5"))
                .other("install-args", "quiet\nramdisk /etc/shadow").writeTo(store);
        String before = Files.readString(store);
        Run run = boot();
        assertThat(run.errorCode()).isEqualTo("INVALID_SOURCE");
        assertThat(run.stdout()).isEmpty();
        assertThat(BootHarness.filesIn(out)).isEmpty();
        assertThat(Files.readString(store)).isEqualTo(before);

        VmStoreFixture.vm().other("install-repository", nginx.url("rhel5")).other("install-args", "ks=\"http://x")
                .writeTo(store);
        assertThat(boot().errorCode()).isEqualTo("INVALID_SOURCE");
    }

    @Test
    void vncPasswordOutsideTheInstallersRuleIsRefusedBeforeBoot() {
        VmStoreFixture.vm().other("install-repository", nginx.url("rhel5")).other("install-vnc", "1")
                .other("install-vncpasswd", "abc").writeTo(store);
        Run run = boot();
        assertThat(run.errorCode()).isEqualTo("INVALID_SOURCE");
        assertThat(run.stderr()).contains("6 to 8 characters").doesNotContain("abc");
    }

    @Test
    void unknownDistroAndSchemeAreNamed() {
        VmStoreFixture.vm().other("install-repository", nginx.url("rhel5")).other("install-distro", "beos").writeTo(store);
        assertThat(boot().stderr()).isEqualTo("RuntimeError: UNSUPPORTED_INSTALL_METHOD\n"
                + "other-config:install-distro \"beos\" names no known profile or alias.\n");
        VmStoreFixture.vm().other("install-repository", "gopher://x/").writeTo(store);
        assertThat(boot().errorCode()).isEqualTo("UNSUPPORTED_INSTALL_METHOD");
        VmStoreFixture.vm().writeTo(store);
        assertThat(boot().stderr()).contains("install-repository is not set");
    }

    @Test
    void keepInstallingLeavesTheRecordAlone() throws IOException {
        VmStoreFixture.vm().other("install-repository", nginx.url("rhel5")).writeTo(store);
        String before = Files.readString(store);
        assertThat(boot("--keep-installing").status()).isZero();
        assertThat(Files.readString(store)).isEqualTo(before);
    }

    private static void assertSameBytes(String handedOver, Path original) throws IOException {
        assertThat(Files.readAllBytes(Path.of(handedOver))).isEqualTo(Files.readAllBytes(original));
    }
}
