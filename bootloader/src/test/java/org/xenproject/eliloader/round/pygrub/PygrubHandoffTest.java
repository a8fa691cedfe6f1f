package org.xenproject.eliloader.round.pygrub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xenproject.eliloader.testsupport.DiskImages;
import org.xenproject.eliloader.testsupport.PygrubLab;
import org.xenproject.eliloader.testsupport.RealPeers;
import org.xenproject.eliloader.testsupport.Run;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/**
 * Round 2 handing the boot over to the real pygrub (xen-utils-4.17) on real ext3 images: the
 * caller gets pygrub's answer byte for byte in the format it asked for, the files pygrub wrote
 * are the only ones left in the output directory, and the VM switches to pygrub only when that
 * went well.
 */
@RealPeers
class PygrubHandoffTest {
    static final String EL5_KERNEL = "/boot/vmlinuz-2.6.18-398.el5xen";
    static final String EL5_INITRD = "/boot/initrd-2.6.18-398.el5xen.img";
    static final String MENU_ARGS = "ro root=/dev/VolGroup00/LogVol00 console=xvc0";
    static final String MENU_LST = DiskImages.menuLst(0,
            "CentOS (2.6.18-398.el5xen)", EL5_KERNEL, MENU_ARGS, EL5_INITRD,
            "CentOS (2.6.18-371.el5xen)", "/boot/vmlinuz-2.6.18-371.el5xen", "ro root=/dev/hda1", "/boot/initrd-old.img");

    static final String DEB_KERNEL = "/boot/vmlinuz-6.1.0-13-amd64";
    static final String DEB_INITRD = "/boot/initrd.img-6.1.0-13-amd64";
    static final String GRUB_CFG = String.join("\n",
            "set default=\"0\"",
            "set timeout=5",
            "menuentry 'Debian GNU/Linux' --class debian --class gnu-linux {",
            "\tinsmod ext2",
            "\tset root='hd0,msdos1'",
            "\tlinux\t" + DEB_KERNEL + " root=UUID=0b6f1c3e ro quiet",
            "\tinitrd\t" + DEB_INITRD,
            "}",
            "menuentry 'Debian GNU/Linux (recovery mode)' {",
            "\tlinux\t" + DEB_KERNEL + " root=UUID=0b6f1c3e ro single",
            "\tinitrd\t" + DEB_INITRD,
            "}", "");

    static final String USING_MENU_LST = "Using <class 'grub.GrubConf.GrubConfigFile'> to parse /boot/grub/menu.lst\n";
    static final String USING_GRUB_CFG = "Using <class 'grub.GrubConf.Grub2ConfigFile'> to parse /boot/grub/grub.cfg\n";

    @TempDir
    Path dir;

    static DiskImages.FileTree menuLstFiles() {
        return DiskImages.files().file("/boot/grub/menu.lst", MENU_LST)
                .file(EL5_KERNEL, "el5xen kernel image\n").file(EL5_INITRD, "el5xen initrd image\n")
                .file("/boot/vmlinuz-2.6.18-371.el5xen", "old kernel\n").file("/boot/initrd-old.img", "old initrd\n");
    }

    static VmStoreFixture round2(String profile) {
        return VmStoreFixture.vm().other("install-repository", "http://127.0.0.1:9/never-contacted")
                .other("install-distro", profile).other("install-round", "2");
    }

    @ParameterizedTest(name = "menu.lst, {0}")
    @ValueSource(strings = {"simple", "simple0", "sxp"})
    void menuLstDiskAnswersInEachFormat(String format) throws IOException {
        DiskImages.FileTree files = menuLstFiles();
        Path disk = DiskImages.ext3(dir.resolve("el5.img"), files, 16);
        PygrubLab lab = new PygrubLab(dir).vm(round2("test-handoff"));

        Run run = lab.xenopsd(disk, format);

        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(lab.outputNames()).hasSize(2);
        assertThat(run.stdoutBytes()).isEqualTo(PygrubLab.pygrubAnswer(format, lab.kernel(), lab.ramdisk(), MENU_ARGS));
        assertThat(run.stderr()).isEqualTo(USING_MENU_LST);
        assertThat(Files.readAllBytes(lab.kernel())).isEqualTo(files.content(EL5_KERNEL));
        assertThat(Files.readAllBytes(lab.ramdisk())).isEqualTo(files.content(EL5_INITRD));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(lab.kernel()))).isEqualTo("rw-------");
        assertSwitchedToPygrub(lab, "");
    }

    @Test
    void literalBytesOfEachFormat() throws IOException {
        // the same answers spelled out once, not through the test helper
        Path disk = DiskImages.ext3(dir.resolve("el5.img"), menuLstFiles(), 16);
        PygrubLab lab = new PygrubLab(dir);
        for (String format : List.of("simple", "simple0", "sxp")) {
            lab.vm(round2("test-handoff"));
            Run run = lab.xenopsd(disk, format);
            assertThat(run.status()).as(run.stderr()).isZero();
            String k = lab.kernel().toString();
            String r = lab.ramdisk().toString();
            String expected = switch (format) {
                case "simple" -> "kernel " + k + "\nramdisk " + r + "\nargs " + MENU_ARGS + "\n\n";
                case "simple0" -> "kernel " + k + "\0ramdisk " + r + "\0args " + MENU_ARGS + "\0\0";
                default -> "linux (kernel '" + k + "')(ramdisk '" + r + "')(args '" + MENU_ARGS + "')";
            };
            assertThat(run.stdout()).isEqualTo(expected);
            Files.delete(lab.kernel()); // the caller deletes what it was handed
            Files.delete(lab.ramdisk());
        }
    }

    @ParameterizedTest(name = "grub.cfg, {0}")
    @ValueSource(strings = {"simple", "simple0", "sxp"})
    void grubCfgDiskAnswersInEachFormatWithTheVmsPvArgs(String format) throws IOException {
        DiskImages.FileTree files = DiskImages.files().file("/boot/grub/grub.cfg", GRUB_CFG)
                .file(DEB_KERNEL, "debian kernel\n").file(DEB_INITRD, "debian initrd\n");
        Path disk = DiskImages.ext3(dir.resolve("deb.img"), files, 16);
        PygrubLab lab = new PygrubLab(dir).vm(round2("test-handoff").field("PV_args", "console=hvc0 xencons=tty"));

        Run run = lab.xenopsd(disk, format);

        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(lab.outputNames()).hasSize(2);
        // pygrub appends --args (here the VM's PV-args) to the entry's own arguments; xenopsd's call
        // (simple) gets none, since xenopsd appends PV-args to the answer itself (bootloader.ml)
        String entry = "root=UUID=0b6f1c3e ro quiet";
        String args = format.equals("simple") ? entry : entry + " console=hvc0 xencons=tty";
        assertThat(run.stdoutBytes()).isEqualTo(PygrubLab.pygrubAnswer(format, lab.kernel(), lab.ramdisk(), args));
        if (format.equals("simple")) {
            String guest = String.format("%s %s %s", run.answer().get("args"), "", "console=hvc0 xencons=tty");
            assertThat(guest.split(" +")).containsOnlyOnce("console=hvc0", "xencons=tty", "quiet");
        }
        assertThat(run.stderr()).isEqualTo(USING_GRUB_CFG);
        assertThat(Files.readAllBytes(lab.kernel())).isEqualTo(files.content(DEB_KERNEL));
        assertThat(Files.readAllBytes(lab.ramdisk())).isEqualTo(files.content(DEB_INITRD));
        assertSwitchedToPygrub(lab, "");
    }

    @Test
    void libxlGetsTheAnswerInItsOutputFile() throws IOException {
        Path disk = DiskImages.ext3(dir.resolve("el5.img"), menuLstFiles(), 16);
        PygrubLab lab = new PygrubLab(dir).vm(round2("test-handoff"));
        Path answer = dir.resolve("bootloader.7.out");

        Run run = lab.run(List.of("--vm=" + VmStoreFixture.VM, "--args=quiet", "--output=" + answer,
                "--output-format=simple0", "--output-directory=" + lab.out(), disk.toString()));

        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(run.stdoutBytes()).isEmpty();
        assertThat(Files.readAllBytes(answer)).isEqualTo(
                PygrubLab.pygrubAnswer("simple0", lab.kernel(), lab.ramdisk(), MENU_ARGS + " quiet"));
        assertThat(lab.outputNames()).hasSize(2);
        assertSwitchedToPygrub(lab, "");
    }

    @Test
    void oldXapiGetsSxpWithItsArguments() throws IOException {
        Path disk = DiskImages.ext3(dir.resolve("el5.img"), menuLstFiles(), 16);
        PygrubLab lab = new PygrubLab(dir).vm(round2("test-handoff"));

        Run run = lab.run(List.of("-q", "--default_args=", "--extra_args=acpi=off \\\"x\\\"",
                "--vm=" + VmStoreFixture.VM, disk.toString()));

        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo("linux (kernel '" + lab.kernel() + "')(ramdisk '" + lab.ramdisk()
                + "')(args '" + MENU_ARGS + " acpi=off \"x\"')");
        assertSwitchedToPygrub(lab, "");
    }

    @Test
    void storedPvBootloaderArgsChooseTheEntry() throws IOException {
        Path disk = DiskImages.ext3(dir.resolve("el5.img"), menuLstFiles(), 16);
        PygrubLab lab = new PygrubLab(dir).vm(round2("test-handoff").field("PV_bootloader_args", "--entry 1"));

        // xenopsd passes the stored PV-bootloader-args itself, split on spaces
        Run run = lab.run(List.of("-q", "--vm", VmStoreFixture.VM, "--entry", "1", disk.toString()));

        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(run.stdoutBytes()).isEqualTo(PygrubLab.pygrubAnswer("simple", lab.kernel(), lab.ramdisk(),
                "ro root=/dev/hda1"));
        assertThat(Files.readString(lab.kernel())).isEqualTo("old kernel\n");
        assertSwitchedToPygrub(lab, "--entry 1");
    }

    @ParameterizedTest(name = "nothing bootable, {0}")
    @ValueSource(strings = {"simple", "simple0", "sxp"})
    void diskWithNothingBootableFailsWithPygrubsMessageAndLeavesNothing(String format) throws IOException {
        Path disk = DiskImages.ext3(dir.resolve("empty.img"),
                DiskImages.files().file("/etc/fstab", "/dev/xvda1 / ext3 defaults 1 1\n"), 16);
        PygrubLab lab = new PygrubLab(dir).vm(round2("test-handoff"));
        byte[] before = Files.readAllBytes(lab.store());

        Run run = lab.xenopsd(disk, format);

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.stdoutBytes()).isEmpty();
        assertThat(run.stderr()).isEqualTo("RuntimeError: INVALID_SOURCE\npygrub could not boot " + disk
                + " (pygrub exit status 1): Unable to find partition containing kernel\n");
        // pygrub leaves empty boot_kernel.* and boot_ramdisk.* behind after such a run: gone too
        assertThat(lab.outputNames()).isEmpty();
        assertThat(Files.readAllBytes(lab.store())).isEqualTo(before);
    }

    @Test
    void missingPygrubIsAMissingSupportPackage() throws IOException {
        Path disk = DiskImages.ext3(dir.resolve("el5.img"), menuLstFiles(), 16);
        PygrubLab lab = new PygrubLab(dir).vm(round2("test-handoff"));
        byte[] before = Files.readAllBytes(lab.store());

        Run run = lab.run(List.of("-q", "--vm", VmStoreFixture.VM, "--pygrub=" + dir.resolve("no-pygrub"),
                disk.toString()));

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.errorCode()).isEqualTo("SUPPORT_PACKAGE_MISSING");
        assertThat(run.stderr()).contains("pygrub cannot be run from " + dir.resolve("no-pygrub"))
                .contains("ELILOADER_PYGRUB");
        assertThat(lab.outputNames()).isEmpty();
        assertThat(Files.readAllBytes(lab.store())).isEqualTo(before);
    }

    @Test
    void keepInstallingVariableAnswersButRecordsNothing() throws IOException {
        Path disk = DiskImages.ext3(dir.resolve("el5.img"), menuLstFiles(), 16);
        PygrubLab lab = new PygrubLab(dir).vm(round2("test-handoff"));
        byte[] before = Files.readAllBytes(lab.store());

        Run run = lab.run(Map.of("ELILOADER_KEEP_INSTALLING", "true"),
                List.of("-q", "--vm", VmStoreFixture.VM, disk.toString()));

        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(run.stdoutBytes()).isEqualTo(PygrubLab.pygrubAnswer("simple", lab.kernel(), lab.ramdisk(), MENU_ARGS));
        assertThat(Files.readAllBytes(lab.store())).isEqualTo(before);
    }

    @Test
    void keepInstallingOptionAnswersButRecordsNothing() throws IOException {
        Path disk = DiskImages.ext3(dir.resolve("el5.img"), menuLstFiles(), 16);
        PygrubLab lab = new PygrubLab(dir).vm(round2("test-handoff"));
        byte[] before = Files.readAllBytes(lab.store());

        Run run = lab.run(List.of("-q", "--keep-installing", "--vm", VmStoreFixture.VM, disk.toString()));

        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(lab.outputNames()).hasSize(2);
        assertThat(Files.readAllBytes(lab.store())).isEqualTo(before);
    }

    @Test
    void badKeepInstallingValueIsRefusedBeforeAnythingHappens() throws IOException {
        Path disk = DiskImages.ext3(dir.resolve("el5.img"), menuLstFiles(), 16);
        PygrubLab lab = new PygrubLab(dir).vm(round2("test-handoff"));

        Run run = lab.run(Map.of("ELILOADER_KEEP_INSTALLING", "maybe"),
                List.of("-q", "--vm", VmStoreFixture.VM, disk.toString()));

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.stderr()).contains("The setting keep-installing (--keep-installing, ELILOADER_KEEP_INSTALLING").contains("it must be true or false.");
        assertThat(run.stdoutBytes()).isEmpty();
        assertThat(lab.outputNames()).isEmpty();
    }

    @Test
    void listingEntriesRelaysPygrubAndChangesNothing() throws IOException {
        Path disk = DiskImages.ext3(dir.resolve("el5.img"), menuLstFiles(), 16);
        PygrubLab lab = new PygrubLab(dir).vm(round2("test-handoff"));
        byte[] before = Files.readAllBytes(lab.store());

        Run run = lab.run(List.of("-q", "-l", "--vm", VmStoreFixture.VM, disk.toString()));

        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo(String.join("\n",
                "title: CentOS (2.6.18-398.el5xen)", "  root: d0p0", "  kernel: " + EL5_KERNEL,
                "  args: " + MENU_ARGS, "  initrd: " + EL5_INITRD,
                "title: CentOS (2.6.18-371.el5xen)", "  root: d0p0", "  kernel: /boot/vmlinuz-2.6.18-371.el5xen",
                "  args: ro root=/dev/hda1", "  initrd: /boot/initrd-old.img", ""));
        // -l without -n makes pygrub create (empty) boot files: they are not handed over
        assertThat(lab.outputNames()).isEmpty();
        assertThat(Files.readAllBytes(lab.store())).isEqualTo(before);
    }

    @Test
    void theCallersOutputDirectoryIsSharedSoOtherFilesThereAreLeftAlone() throws IOException {
        Path disk = DiskImages.ext3(dir.resolve("empty.img"), DiskImages.files().file("/README", "x"), 16);
        PygrubLab lab = new PygrubLab(dir).vm(round2("test-handoff"));
        // another VM's start, in progress: its (still empty) files must survive our failure
        Files.write(lab.out().resolve("boot_kernel.othervm"), new byte[0]);
        Files.write(lab.out().resolve("boot_ramdisk.othervm"), new byte[0]);

        Run run = lab.xenopsd(disk, null);

        assertThat(run.status()).isEqualTo(1);
        assertThat(lab.outputNames()).containsExactly("boot_kernel.othervm", "boot_ramdisk.othervm");
    }

    static void assertSwitchedToPygrub(PygrubLab lab, String pvBootloaderArgs) {
        Map<String, Object> vm = VmStoreFixture.read(lab.store());
        assertThat(vm.get("PV_bootloader")).isEqualTo("pygrub");
        assertThat(vm.get("PV_bootloader_args")).isEqualTo(pvBootloaderArgs);
        assertThat(VmStoreFixture.otherConfig(lab.store())).doesNotContainKeys("install-round", "install-distro")
                .containsKey("install-repository");
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
