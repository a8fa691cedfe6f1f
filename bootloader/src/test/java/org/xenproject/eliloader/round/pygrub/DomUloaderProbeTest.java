package org.xenproject.eliloader.round.pygrub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * SLES 10 round 2 (domUloader emulation) against the real pygrub on SLES 10 layouts without a
 * boot menu: the Xen kernel in {@code /}, in {@code /boot}, on a later partition, the i386
 * {@code -xenpae} names, a disk that has a menu after all, and a disk with nothing bootable.
 */
@RealPeers
class DomUloaderProbeTest {
    static final String PV_ARGS = "root=/dev/xvda2 resume=/dev/xvda1 splash=silent showopts";

    @TempDir
    Path dir;

    /**
     * The PV-args pygrub gets as {@code --args} and so appends: none in xenopsd's call (simple),
     * which appends them itself; in the other formats the answer is the guest's whole command line.
     */
    static String handedArgs(String format) {
        return format.equals("simple") ? "" : PV_ARGS;
    }

    static VmStoreFixture sles10Round2(String arch) {
        return VmStoreFixture.vm().other("install-repository", "http://127.0.0.1:9/sles10")
                .other("install-distro", "sles-10").other("install-round", "2").other("install-arch", arch)
                .field("PV_args", PV_ARGS);
    }

    static DiskImages.FileTree slesRoot() {
        return DiskImages.files().file("/etc/SuSE-release", "SUSE Linux Enterprise Server 10 (x86_64)\nVERSION = 10\n");
    }

    @ParameterizedTest(name = "kernel in /, {0}")
    @ValueSource(strings = {"simple", "simple0", "sxp"})
    void kernelInRootDirectory(String format) throws IOException {
        DiskImages.FileTree files = slesRoot().file("/vmlinuz-xen", "sles xen kernel /\n")
                .file("/initrd-xen", "sles xen initrd /\n")
                .file("/boot/vmlinuz-xen", "sles xen kernel /boot\n").file("/boot/initrd-xen", "sles xen initrd /boot\n");
        Path disk = DiskImages.ext3(dir.resolve("sles.img"), files, 16);
        PygrubLab lab = new PygrubLab(dir).vm(sles10Round2("x86_64"));

        Run run = lab.xenopsd(disk, format);

        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(lab.outputNames()).hasSize(2);
        assertThat(run.stdoutBytes()).isEqualTo(PygrubLab.pygrubAnswer(format, lab.kernel(), lab.ramdisk(), handedArgs(format)));
        assertThat(run.stderr()).isEmpty(); // no menu parsed, so pygrub says nothing
        assertThat(Files.readAllBytes(lab.kernel())).isEqualTo(files.content("/vmlinuz-xen"));
        assertThat(Files.readAllBytes(lab.ramdisk())).isEqualTo(files.content("/initrd-xen"));
        PygrubHandoffTest.assertSwitchedToPygrub(lab, "--kernel /vmlinuz-xen --ramdisk /initrd-xen");
    }

    @ParameterizedTest(name = "kernel in /boot, {0}")
    @ValueSource(strings = {"simple", "simple0", "sxp"})
    void kernelInBootDirectory(String format) throws IOException {
        DiskImages.FileTree files = slesRoot().file("/boot/vmlinuz-xen", "sles xen kernel /boot\n")
                .file("/boot/initrd-xen", "sles xen initrd /boot\n");
        Path disk = DiskImages.ext3(dir.resolve("sles.img"), files, 16);
        PygrubLab lab = new PygrubLab(dir).vm(sles10Round2("x86_64"));

        Run run = lab.xenopsd(disk, format);

        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(lab.outputNames()).hasSize(2);
        assertThat(run.stdoutBytes()).isEqualTo(PygrubLab.pygrubAnswer(format, lab.kernel(), lab.ramdisk(), handedArgs(format)));
        assertThat(Files.readAllBytes(lab.kernel())).isEqualTo(files.content("/boot/vmlinuz-xen"));
        assertThat(Files.readAllBytes(lab.ramdisk())).isEqualTo(files.content("/boot/initrd-xen"));
        PygrubHandoffTest.assertSwitchedToPygrub(lab, "--kernel /boot/vmlinuz-xen --ramdisk /boot/initrd-xen");
    }

    @Test
    void kernelWithoutArgsGivesPygrubsAnswerWithoutArgsLine() throws IOException {
        DiskImages.FileTree files = slesRoot().file("/boot/vmlinuz-xen", "k\n").file("/boot/initrd-xen", "r\n");
        Path disk = DiskImages.ext3(dir.resolve("sles.img"), files, 16);
        PygrubLab lab = new PygrubLab(dir).vm(sles10Round2("x86_64").field("PV_args", ""));

        Run run = lab.xenopsd(disk, null);

        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo("kernel " + lab.kernel() + "\nramdisk " + lab.ramdisk() + "\n\n");
    }

    @ParameterizedTest(name = "second partition, {0}")
    @ValueSource(strings = {"simple", "simple0", "sxp"})
    void kernelOnASecondPartitionIsFoundWithOffset(String format) throws IOException {
        // partition 1 is a filesystem pygrub opens first, without a kernel; the system is on 2
        DiskImages.FileTree data = DiskImages.files().file("/lost-data/README", "a data partition\n");
        DiskImages.FileTree root = slesRoot().file("/boot/vmlinuz-xen", "kernel on partition 2\n")
                .file("/boot/initrd-xen", "initrd on partition 2\n");
        DiskImages.Disk disk = DiskImages.partitioned(dir.resolve("sles-parts.img"),
                DiskImages.Part.ext3(8, data), DiskImages.Part.ext3(20, root));
        long offset = disk.offsets().get(1);
        assertThat(offset).isEqualTo(9L << 20);
        PygrubLab lab = new PygrubLab(dir).vm(sles10Round2("x86_64"));

        Run run = lab.xenopsd(disk.image(), format);

        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(lab.outputNames()).hasSize(2);
        assertThat(run.stdoutBytes()).isEqualTo(PygrubLab.pygrubAnswer(format, lab.kernel(), lab.ramdisk(), handedArgs(format)));
        assertThat(Files.readAllBytes(lab.kernel())).isEqualTo(root.content("/boot/vmlinuz-xen"));
        assertThat(Files.readAllBytes(lab.ramdisk())).isEqualTo(root.content("/boot/initrd-xen"));
        PygrubHandoffTest.assertSwitchedToPygrub(lab,
                "--kernel /boot/vmlinuz-xen --ramdisk /boot/initrd-xen --offset " + offset);
    }

    @Test
    void swapThenRootNeedsNoOffset() throws IOException {
        // SLES 10's default layout: xvda1 swap (pygrub cannot open it), xvda2 root
        DiskImages.FileTree root = slesRoot().file("/boot/vmlinuz-xen", "k2\n").file("/boot/initrd-xen", "r2\n");
        DiskImages.Disk disk = DiskImages.partitioned(dir.resolve("sles-swap.img"),
                DiskImages.Part.swap(8), DiskImages.Part.ext3(20, root));
        PygrubLab lab = new PygrubLab(dir).vm(sles10Round2("x86_64"));

        Run run = lab.xenopsd(disk.image(), "simple");

        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(Files.readString(lab.kernel())).isEqualTo("k2\n");
        PygrubHandoffTest.assertSwitchedToPygrub(lab, "--kernel /boot/vmlinuz-xen --ramdisk /boot/initrd-xen");
    }

    @Test
    void i386UsesThePaeKernel() throws IOException {
        DiskImages.FileTree files = slesRoot().file("/boot/vmlinuz-xen", "non-PAE\n").file("/boot/initrd-xen", "non-PAE\n")
                .file("/boot/vmlinuz-xenpae", "PAE kernel\n").file("/boot/initrd-xenpae", "PAE initrd\n");
        Path disk = DiskImages.ext3(dir.resolve("sles32.img"), files, 16);
        PygrubLab lab = new PygrubLab(dir).vm(sles10Round2("i386"));

        Run run = lab.xenopsd(disk, "simple");

        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(run.stdoutBytes()).isEqualTo(PygrubLab.pygrubAnswer("simple", lab.kernel(), lab.ramdisk(), handedArgs("simple")));
        assertThat(Files.readString(lab.kernel())).isEqualTo("PAE kernel\n");
        assertThat(Files.readString(lab.ramdisk())).isEqualTo("PAE initrd\n");
        PygrubHandoffTest.assertSwitchedToPygrub(lab, "--kernel /boot/vmlinuz-xenpae --ramdisk /boot/initrd-xenpae");
    }

    @Test
    void aProfileNamesTheKernelFlavourItsSystemInstalls() throws IOException {
        // a packager's SLES 10 variant whose 64-bit systems run the -xen-debug kernel
        Path profiles = Files.createDirectories(dir.resolve("profiles.d"));
        Files.writeString(profiles.resolve("sles-10-debug.yaml"), "extends: sles-10\n"
                + "variables:\n  xen-flavour: {value: xen-debug, by-arch: {i386: xenpae}}\n");
        DiskImages.FileTree files = slesRoot().file("/boot/vmlinuz-xen", "plain\n").file("/boot/initrd-xen", "plain\n")
                .file("/boot/vmlinuz-xen-debug", "debug kernel\n").file("/boot/initrd-xen-debug", "debug initrd\n");
        Path disk = DiskImages.ext3(dir.resolve("sles.img"), files, 16);
        PygrubLab lab = new PygrubLab(dir).profiles(profiles)
                .vm(sles10Round2("x86_64").other("install-distro", "sles-10-debug"));

        Run run = lab.xenopsd(disk, "simple");

        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(Files.readString(lab.kernel())).isEqualTo("debug kernel\n");
        PygrubHandoffTest.assertSwitchedToPygrub(lab, "--kernel /boot/vmlinuz-xen-debug --ramdisk /boot/initrd-xen-debug");
    }

    @Test
    void aFlavourThatIsNoFileSuffixIsAProfileErrorAndChangesNothing() throws IOException {
        Path profiles = Files.createDirectories(dir.resolve("profiles.d"));
        Path profile = Files.writeString(profiles.resolve("sles-10-bad.yaml"), "extends: sles-10\n"
                + "variables:\n  xen-flavour: \"../xen\"\n");
        Path disk = DiskImages.ext3(dir.resolve("sles.img"), slesRoot().file("/boot/vmlinuz-xen", "k\n"), 16);
        PygrubLab lab = new PygrubLab(dir).profiles(profiles)
                .vm(sles10Round2("x86_64").other("install-distro", "sles-10-bad"));
        byte[] before = Files.readAllBytes(lab.store());

        Run run = lab.xenopsd(disk, "simple");

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.stderr()).isEqualTo("RuntimeError: INTERNAL_ERROR\n" + profile
                + ": variables.xen-flavour is \"../xen\" for install-arch x86_64; it must be a kernel file suffix such"
                + " as xen or xenpae.\n");
        assertThat(lab.outputNames()).isEmpty();
        assertThat(Files.readAllBytes(lab.store())).isEqualTo(before);
    }

    @Test
    void aDiskWithAMenuKeepsItsBootloaderArgs() throws IOException {
        DiskImages.FileTree files = slesRoot().file("/boot/grub/menu.lst", DiskImages.menuLst(0,
                "SUSE Linux Enterprise Server 10 SP1", "/boot/vmlinuz-2.6.16.46-0.12-xen", "root=/dev/xvda2",
                "/boot/initrd-2.6.16.46-0.12-xen"))
                .file("/boot/vmlinuz-2.6.16.46-0.12-xen", "menu kernel\n").file("/boot/initrd-2.6.16.46-0.12-xen", "menu initrd\n")
                .file("/boot/vmlinuz-xen", "symlink target stand-in\n").file("/boot/initrd-xen", "x\n");
        Path disk = DiskImages.ext3(dir.resolve("sles-menu.img"), files, 16);
        PygrubLab lab = new PygrubLab(dir).vm(sles10Round2("x86_64").field("PV_args", ""));

        Run run = lab.xenopsd(disk, "sxp");

        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo("linux (kernel '" + lab.kernel() + "')(ramdisk '" + lab.ramdisk()
                + "')(args 'root=/dev/xvda2')");
        assertThat(Files.readString(lab.kernel())).isEqualTo("menu kernel\n");
        PygrubHandoffTest.assertSwitchedToPygrub(lab, "");
    }

    @ParameterizedTest(name = "nothing bootable, {0}")
    @ValueSource(strings = {"simple", "simple0", "sxp"})
    void nothingBootableIsAClearErrorAndTheVmStaysInRoundTwo(String format) throws IOException {
        DiskImages.FileTree files = slesRoot().file("/boot/vmlinuz-2.6.16-default", "not a Xen kernel\n")
                .file("/boot/initrd-xen", "an initrd without its kernel\n");
        Path disk = DiskImages.ext3(dir.resolve("nothing.img"), files, 16);
        PygrubLab lab = new PygrubLab(dir).vm(sles10Round2("x86_64"));
        byte[] before = Files.readAllBytes(lab.store());

        Run run = lab.xenopsd(disk, format);

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.stdoutBytes()).isEmpty();
        assertThat(run.stderr()).isEqualTo("RuntimeError: INVALID_SOURCE\nNothing bootable on " + disk
                + ": pygrub finds no boot menu (Unable to find partition containing kernel) and none of"
                + " /vmlinuz-xen with /initrd-xen, /boot/vmlinuz-xen with /boot/initrd-xen exists;"
                + " the VM stays in install round 2.\n");
        assertThat(lab.outputNames()).isEmpty();
        assertThat(Files.readAllBytes(lab.store())).isEqualTo(before);
        assertThat(VmStoreFixture.otherConfig(lab.store())).containsEntry("install-round", "2");
    }

    @Test
    void nothingBootableOnAnyPartitionNamesTheOffsetsSearched() throws IOException {
        DiskImages.Disk disk = DiskImages.partitioned(dir.resolve("nothing-parts.img"), DiskImages.Part.swap(4),
                DiskImages.Part.ext3(8, slesRoot()), DiskImages.Part.ext3(8, DiskImages.files().file("/x", "y")));
        PygrubLab lab = new PygrubLab(dir).vm(sles10Round2("x86_64"));
        byte[] before = Files.readAllBytes(lab.store());

        Run run = lab.xenopsd(disk.image(), null);

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.errorCode()).isEqualTo("INVALID_SOURCE");
        assertThat(run.stderr()).contains("on the partitions at byte offsets " + disk.offsets().get(1) + ", "
                + disk.offsets().get(2) + ")");
        assertThat(lab.outputNames()).isEmpty();
        assertThat(Files.readAllBytes(lab.store())).isEqualTo(before);
    }

    @Test
    void unreadableDiskIsNotMistakenForAMissingMenu() throws IOException {
        PygrubLab lab = new PygrubLab(dir).vm(sles10Round2("x86_64"));
        byte[] before = Files.readAllBytes(lab.store());

        Run run = lab.xenopsd(dir.resolve("no-such-disk.img"), null);

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.stderr()).isEqualTo("RuntimeError: INVALID_SOURCE\nThe boot disk " + dir.resolve("no-such-disk.img")
                + " cannot be read, so pygrub cannot look at the installed system.\n");
        assertThat(Files.readAllBytes(lab.store())).isEqualTo(before);
    }

    @Test
    void keepInstallingStoresNothingButBootsTheFoundKernel() throws IOException {
        DiskImages.FileTree files = slesRoot().file("/vmlinuz-xen", "k\n").file("/initrd-xen", "r\n");
        Path disk = DiskImages.ext3(dir.resolve("sles.img"), files, 16);
        PygrubLab lab = new PygrubLab(dir).vm(sles10Round2("x86_64"));
        byte[] before = Files.readAllBytes(lab.store());

        Run run = lab.run(Map.of("ELILOADER_KEEP_INSTALLING", "1"), List.of("-q", "--vm", VmStoreFixture.VM, disk.toString()));

        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(Files.readString(lab.kernel())).isEqualTo("k\n");
        assertThat(Files.readAllBytes(lab.store())).isEqualTo(before);
    }
}
