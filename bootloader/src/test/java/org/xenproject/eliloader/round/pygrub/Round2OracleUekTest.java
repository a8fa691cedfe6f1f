package org.xenproject.eliloader.round.pygrub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xenproject.eliloader.testsupport.DiskImages;
import org.xenproject.eliloader.testsupport.PygrubLab;
import org.xenproject.eliloader.testsupport.RealPeers;
import org.xenproject.eliloader.testsupport.Run;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/** EL 5 round 2 on Oracle Linux 5 menus, whose default entry is the UEK kernel. */
class Round2OracleUekTest {
    static final String UEK = "2.6.32-100.26.2.el5uek";
    static final String XEN = "2.6.18-238.el5xen";
    static final String XEN_ARGS = "ro root=LABEL=/ console=xvc0";

    @TempDir
    Path dir;

    static DiskImages.FileTree oracleDisk(String menu) {
        return DiskImages.files().file("/boot/grub/menu.lst", menu)
                .file("/boot/vmlinuz-" + UEK, "uek kernel\n").file("/boot/initrd-" + UEK + ".img", "uek initrd\n")
                .file("/boot/vmlinuz-" + XEN, "el5xen kernel\n").file("/boot/initrd-" + XEN + ".img", "el5xen initrd\n")
                .file("/etc/enterprise-release", "Enterprise Linux Enterprise Linux Server release 5.6 (Carthage)\n");
    }

    static String uekFirstMenu() {
        return DiskImages.menuLst(0,
                "Oracle Linux Server (" + UEK + ")", "/boot/vmlinuz-" + UEK, "ro root=LABEL=/ console=hvc0",
                "/boot/initrd-" + UEK + ".img",
                "Oracle Linux Server-base (" + UEK + ")", "/boot/vmlinuz-" + UEK, "ro root=LABEL=/ nomodeset",
                "/boot/initrd-" + UEK + ".img",
                "Oracle Linux Server (" + XEN + ")", "/boot/vmlinuz-" + XEN, XEN_ARGS, "/boot/initrd-" + XEN + ".img");
    }

    static VmStoreFixture oracleRound2() {
        return VmStoreFixture.vm().other("install-repository", "http://127.0.0.1:9/ol5")
                .other("install-distro", "oracle-5").other("install-round", "2");
    }

    @RealPeers
    @ParameterizedTest(name = "el5uek first, {0}")
    @ValueSource(strings = {"simple", "simple0", "sxp"})
    void uekEntriesAreSkippedForTheFirstOtherEntry(String format) throws IOException {
        DiskImages.FileTree files = oracleDisk(uekFirstMenu());
        Path disk = DiskImages.ext3(dir.resolve("ol5.img"), files, 16);
        PygrubLab lab = new PygrubLab(dir).vm(oracleRound2());

        Run run = lab.xenopsd(disk, format);

        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(lab.outputNames()).hasSize(2);
        assertThat(run.stdoutBytes()).isEqualTo(PygrubLab.pygrubAnswer(format, lab.kernel(), lab.ramdisk(), XEN_ARGS));
        assertThat(Files.readAllBytes(lab.kernel())).isEqualTo(files.content("/boot/vmlinuz-" + XEN));
        assertThat(Files.readAllBytes(lab.ramdisk())).isEqualTo(files.content("/boot/initrd-" + XEN + ".img"));
        PygrubHandoffTest.assertSwitchedToPygrub(lab, "--entry 2");
    }

    @RealPeers
    @Test
    void anEarlierEntryChoiceIsReplaced() throws IOException {
        Path disk = DiskImages.ext3(dir.resolve("ol5.img"), oracleDisk(uekFirstMenu()), 16);
        PygrubLab lab = new PygrubLab(dir).vm(oracleRound2().field("PV_bootloader_args", "--entry=0"));

        Run run = lab.run(java.util.List.of("-q", "--vm", VmStoreFixture.VM, "--entry=0", disk.toString()));

        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(Files.readString(lab.kernel())).isEqualTo("el5xen kernel\n");
        PygrubHandoffTest.assertSwitchedToPygrub(lab, "--entry 2");
    }

    @RealPeers
    @Test
    void aMenuWithoutUekIsLeftAlone() throws IOException {
        String menu = DiskImages.menuLst(0, "Enterprise Linux (" + XEN + ")", "/boot/vmlinuz-" + XEN, XEN_ARGS,
                "/boot/initrd-" + XEN + ".img");
        Path disk = DiskImages.ext3(dir.resolve("el5.img"), oracleDisk(menu), 16);
        PygrubLab lab = new PygrubLab(dir).vm(oracleRound2());

        Run run = lab.xenopsd(disk, "simple");

        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(run.stdoutBytes()).isEqualTo(PygrubLab.pygrubAnswer("simple", lab.kernel(), lab.ramdisk(), XEN_ARGS));
        PygrubHandoffTest.assertSwitchedToPygrub(lab, "");
    }

    @RealPeers
    @Test
    void onlyUekEntriesIsAClearErrorAndTheVmStaysInRoundTwo() throws IOException {
        String menu = DiskImages.menuLst(0, "Oracle Linux Server (" + UEK + ")", "/boot/vmlinuz-" + UEK,
                "ro root=LABEL=/", "/boot/initrd-" + UEK + ".img");
        Path disk = DiskImages.ext3(dir.resolve("ol5-uek.img"), oracleDisk(menu), 16);
        PygrubLab lab = new PygrubLab(dir).vm(oracleRound2());
        byte[] before = Files.readAllBytes(lab.store());

        Run run = lab.xenopsd(disk, "simple");

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.stdoutBytes()).isEmpty();
        assertThat(run.stderr()).isEqualTo("RuntimeError: INVALID_SOURCE\nEvery boot entry on " + disk
                + " is an Oracle UEK kernel (el5uek), which does not boot as a PV guest; install the kernel-xen"
                + " package in the guest. The VM stays in install round 2.\n");
        assertThat(lab.outputNames()).isEmpty();
        assertThat(Files.readAllBytes(lab.store())).isEqualTo(before);
    }

    @RealPeers
    @Test
    void noMenuAtAllIsAClearErrorAndTheVmStaysInRoundTwo() throws IOException {
        Path disk = DiskImages.ext3(dir.resolve("blank.img"), DiskImages.files().file("/etc/fstab", "\n"), 16);
        PygrubLab lab = new PygrubLab(dir).vm(oracleRound2());
        byte[] before = Files.readAllBytes(lab.store());

        Run run = lab.xenopsd(disk, "simple");

        assertThat(run.status()).isEqualTo(1);
        // pygrub -l exits 0 here, listing nothing
        assertThat(run.stderr()).isEqualTo("RuntimeError: INVALID_SOURCE\npygrub finds no boot menu on " + disk
                + ", so no boot entry can be chosen; the VM stays in install round 2.\n");
        assertThat(lab.outputNames()).isEmpty();
        assertThat(Files.readAllBytes(lab.store())).isEqualTo(before);
    }

    @Test
    void listingParserFollowsPygrubsLayout() {
        String listing = "title: Oracle Linux Server (" + UEK + ")\n  root: d0p0\n  kernel: /boot/vmlinuz-" + UEK
                + "\n  args: ro\n  initrd: /boot/initrd-" + UEK + ".img\n"
                + "title: custom title\n  root: d0p0\n  kernel: /boot/vmlinuz-" + UEK + "\n  args: \n  initrd: None\n"
                + "title: Oracle Linux Server (" + XEN + ")\n  root: None\n  kernel: /boot/vmlinuz-" + XEN
                + "\n  args: ro\n  initrd: /boot/initrd.img\n";
        var entries = AvoidUekEntries.parseListing(listing.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(entries).extracting(AvoidUekEntries.Entry::index).containsExactly(0, 1, 2);
        // the second entry's title hides it, its kernel does not
        assertThat(entries).extracting(AvoidUekEntries.Entry::isUek).containsExactly(true, true, false);
    }
}
