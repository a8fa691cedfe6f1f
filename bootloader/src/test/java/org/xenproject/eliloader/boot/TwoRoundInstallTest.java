package org.xenproject.eliloader.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.xenproject.eliloader.testsupport.BootHarness.tree;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.testpeers.TreesOverHttp;
import org.xenproject.eliloader.testsupport.DiskImages;
import org.xenproject.eliloader.testsupport.ProjectPaths;
import org.xenproject.eliloader.testsupport.PygrubLab;
import org.xenproject.eliloader.testsupport.RealPeers;
import org.xenproject.eliloader.testsupport.Run;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/**
 * Whole installs with the shipped two-round profiles (distro-profiles/, nothing else): round 1
 * from a fixture tree served by a real nginx (or, for RHEL 4.1/4.4, the bundled installer of the
 * guest-installer fixture; CD installs from an ISO image made by xorriso), then, once the
 * "installer" has written the system to the VM's disk (a real ext3 image made with
 * {@code mke2fs -d}), round 2 with Debian's real pygrub. Each start is made as a toolstack makes
 * it (xenopsd, libxl, the old xapi) and checked byte for byte; so are the record after each round
 * (install-round advanced, then install-round and install-distro removed and PV-bootloader
 * pygrub), the stored PV-bootloader-args, the VBDs, and the output directory, which holds the
 * handed-over files and nothing else. Round 2 reads nothing from the repository: it follows the
 * profile round 1 chose (other-config:install-profile). Last, the VM's next start, which is
 * pygrub's alone, boots the installed kernel with the stored PV-bootloader-args.
 */
@RealPeers
class TwoRoundInstallTest {
    static final Path GUEST_INSTALLER = ProjectPaths.fixtures().resolve("guest-installer");
    static final String CONSOLE = "console=xvc0";
    /** What pygrub prints on stderr when it parses a menu (EL 5: /boot is a filesystem of its own). */
    static final String USING_MENU_LST = "Using <class 'grub.GrubConf.GrubConfigFile'> to parse /grub/menu.lst\n";
    static final String USING_GRUB_CONF = "Using <class 'grub.GrubConf.GrubConfigFile'> to parse /boot/grub/grub.conf\n";

    @RegisterExtension
    static final TreesOverHttp nginx = new TreesOverHttp();

    @TempDir
    Path dir;

    // ---- SUSE: round 2 emulates domUloader ----------------------------------------------------

    @Test
    void sles10Sp1OverHttpFromXenopsd() throws IOException {
        String repo = nginx.url("sles10sp1");
        PygrubLab lab = lab(VmStoreFixture.vm().noVbds().vbd("0", true, "Disk", true, Map.of())
                .vbd("3", false, "CD", true, Map.of())
                .other("install-repository", repo).other("install-distro", "sleslike").other("install-arch", "x86_64")
                .other("install-args", "autoyast=http://127.0.0.1:9/sles10.xml").field("PV_args", CONSOLE));
        Path disk = emptyDisk("xvda.img");

        Run one = start(lab, xenopsd(disk));

        assertRoundOne(lab, one, "simple", tree("sles10sp1/boot/x86_64/vmlinuz-xen"),
                tree("sles10sp1/boot/x86_64/initrd-xen"),
                "install=" + repo + "/ autoyast=http://127.0.0.1:9/sles10.xml"); // xenopsd appends PV-args itself
        assertInRoundTwo(lab, "sleslike", "sles-10");
        callerDeletesTheHandedOverFiles(lab);

        // YaST's default layout, xvda1 swap and xvda2 root, and no boot menu pygrub can read
        DiskImages.FileTree root = slesRoot("10").file("/boot/vmlinuz-2.6.16.46-0.12-xen", "installed sles10 xen kernel\n")
                .file("/boot/initrd-2.6.16.46-0.12-xen", "installed sles10 xen initrd\n")
                .file("/boot/vmlinuz-xen", "installed sles10 xen kernel\n")
                .file("/boot/initrd-xen", "installed sles10 xen initrd\n");
        DiskImages.partitioned(disk, DiskImages.Part.swap(8), DiskImages.Part.ext3(24, root));

        long served = requests();
        Run two = start(lab, xenopsd(disk));

        String stored = "--kernel /boot/vmlinuz-xen --ramdisk /boot/initrd-xen";
        assertRoundTwo(lab, two, "simple", root.content("/boot/vmlinuz-xen"), root.content("/boot/initrd-xen"),
                "", "", stored);
        assertThat(requests()).as("requests to the repository in round 2").isEqualTo(served);
        assertNextStartBoots(disk, stored, root.content("/boot/vmlinuz-xen"));
    }

    @Test
    void sles10Sp1On32BitFromLibxlTakesThePaeKernelBothTimes() throws IOException {
        String repo = nginx.url("sles10sp1");
        PygrubLab lab = lab(VmStoreFixture.vm().other("install-repository", repo).other("install-distro", "sles-10")
                .other("install-arch", "i386"));
        Path disk = emptyDisk("xvda.img");
        Path answer = dir.resolve("bootloader.1.out");

        Run one = start(lab, libxl(lab, disk, answer, "xencons=xvc"));

        assertThat(one.stdoutBytes()).isEmpty();
        assertRoundOne(lab, one, Files.readAllBytes(answer), "simple0", tree("sles10sp1/boot/i386/vmlinuz-xenpae"),
                tree("sles10sp1/boot/i386/initrd-xenpae"), "xencons=xvc install=" + repo + "/");
        assertInRoundTwo(lab, "sles-10", "sles-10");
        callerDeletesTheHandedOverFiles(lab);

        // the non-PAE kernel is there too, and in / as well as /boot: the PAE one in / is first
        DiskImages.FileTree root = slesRoot("10").file("/vmlinuz-xen", "non-PAE /\n").file("/initrd-xen", "non-PAE /\n")
                .file("/vmlinuz-xenpae", "PAE kernel in /\n").file("/initrd-xenpae", "PAE initrd in /\n")
                .file("/boot/vmlinuz-xenpae", "PAE kernel in /boot\n").file("/boot/initrd-xenpae", "PAE initrd in /boot\n");
        DiskImages.ext3(disk, root, 24);
        Files.delete(answer);

        long served = requests();
        Run two = start(lab, libxl(lab, disk, answer, "xencons=xvc"));

        assertThat(two.stdoutBytes()).isEmpty();
        String stored = "--kernel /vmlinuz-xenpae --ramdisk /initrd-xenpae";
        assertRoundTwo(lab, two, Files.readAllBytes(answer), "simple0", root.content("/vmlinuz-xenpae"),
                root.content("/initrd-xenpae"), "xencons=xvc", "", stored);
        assertThat(requests()).as("requests to the repository in round 2").isEqualTo(served);
        assertNextStartBoots(disk, stored, root.content("/vmlinuz-xenpae"));
    }

    @Test
    void sles9Sp4IsDetectedBySleslikeAndInstalledForTheOldXapi() throws IOException {
        String repo = nginx.url("sles9sp4");
        PygrubLab lab = lab(VmStoreFixture.vm().other("install-repository", repo).other("install-distro", "sleslike")
                .other("install-arch", "x86_64"));
        Path disk = emptyDisk("xvda.img");

        Run one = start(lab, oldXapi(disk, CONSOLE, ""));

        assertRoundOne(lab, one, "sxp", tree("sles9sp4/boot/x86_64/vmlinuz-xen"), tree("sles9sp4/boot/x86_64/initrd-xen"),
                CONSOLE + " install=" + repo + "/");
        assertInRoundTwo(lab, "sleslike", "sles-9");
        callerDeletesTheHandedOverFiles(lab);

        // a second partition holds the system; the first is a filesystem pygrub opens, without a kernel
        DiskImages.FileTree data = DiskImages.files().file("/srv/README", "a data partition\n");
        DiskImages.FileTree root = slesRoot("9").file("/boot/vmlinuz-xen", "installed sles9 kernel\n")
                .file("/boot/initrd-xen", "installed sles9 initrd\n");
        DiskImages.Disk parts = DiskImages.partitioned(disk, DiskImages.Part.ext3(8, data), DiskImages.Part.ext3(24, root));

        long served = requests();
        Run two = start(lab, oldXapi(disk, CONSOLE, ""));

        String stored = "--kernel /boot/vmlinuz-xen --ramdisk /boot/initrd-xen --offset " + parts.offsets().get(1);
        assertRoundTwo(lab, two, "sxp", root.content("/boot/vmlinuz-xen"), root.content("/boot/initrd-xen"), CONSOLE,
                "", stored);
        assertThat(requests()).as("requests to the repository in round 2").isEqualTo(served);
        assertNextStartBoots(disk, stored, root.content("/boot/vmlinuz-xen"));
    }

    @Test
    void sles9Sp4On32BitLooksForTheXenKernelItInstalled() throws IOException {
        // SLES 9 has no PAE flavour: round 1 boots boot/i386/vmlinuz-xen, round 2 finds /boot/vmlinuz-xen
        String repo = nginx.url("sles9sp4");
        PygrubLab lab = lab(VmStoreFixture.vm().other("install-repository", repo).other("install-distro", "sles-9")
                .other("install-arch", "i386").field("PV_args", CONSOLE));
        Path disk = emptyDisk("xvda.img");

        Run one = start(lab, xenopsd(disk));

        assertRoundOne(lab, one, "simple", tree("sles9sp4/boot/i386/vmlinuz-xen"), tree("sles9sp4/boot/i386/initrd-xen"),
                "install=" + repo + "/");
        assertInRoundTwo(lab, "sles-9", "sles-9");
        callerDeletesTheHandedOverFiles(lab);

        DiskImages.FileTree root = slesRoot("9").file("/boot/vmlinuz-xen", "installed sles9 i386 kernel\n")
                .file("/boot/initrd-xen", "installed sles9 i386 initrd\n");
        DiskImages.partitioned(disk, DiskImages.Part.swap(8), DiskImages.Part.ext3(24, root));

        Run two = start(lab, xenopsd(disk));

        String stored = "--kernel /boot/vmlinuz-xen --ramdisk /boot/initrd-xen";
        assertRoundTwo(lab, two, "simple", root.content("/boot/vmlinuz-xen"), root.content("/boot/initrd-xen"), "",
                "", stored);
        assertNextStartBoots(disk, stored, root.content("/boot/vmlinuz-xen"));
    }

    @Test
    void sles10Sp1FromCdBootsTheInstalledDiskNext() throws IOException {
        Path iso = iso("sles10sp1");
        PygrubLab lab = lab(cdInstall().other("install-distro", "sleslike").other("install-arch", "x86_64")
                .field("PV_args", CONSOLE));

        Run one = start(lab, xenopsd(iso));

        assertRoundOne(lab, one, "simple", tree("sles10sp1/boot/x86_64/vmlinuz-xen"),
                tree("sles10sp1/boot/x86_64/initrd-xen"), "install=hd");
        assertInRoundTwo(lab, "sleslike", "sles-10");
        assertBootsFromUserdeviceZero(lab);
        callerDeletesTheHandedOverFiles(lab);

        DiskImages.FileTree root = slesRoot("10").file("/boot/vmlinuz-xen", "installed from CD\n")
                .file("/boot/initrd-xen", "installed from CD, initrd\n");
        Path disk = DiskImages.ext3(dir.resolve("xvda.img"), root, 24);

        // the VM now starts from userdevice 0: DISK is the installed system, not the ISO
        Run two = start(lab, xenopsd(disk));

        String stored = "--kernel /boot/vmlinuz-xen --ramdisk /boot/initrd-xen";
        assertRoundTwo(lab, two, "simple", root.content("/boot/vmlinuz-xen"), root.content("/boot/initrd-xen"), "",
                "", stored);
        assertBootsFromUserdeviceZero(lab);
        assertNextStartBoots(disk, stored, root.content("/boot/vmlinuz-xen"));
    }

    // ---- Oracle Linux 5: round 2 avoids the UEK entries ---------------------------------------

    static final String UEK = "2.6.32-300.10.1.el5uek";
    static final String XEN = "2.6.18-308.el5xen";

    static DiskImages.FileTree oracleRoot() {
        String menu = DiskImages.menuLst(0,
                "Oracle Linux Server (" + UEK + ")", "/vmlinuz-" + UEK, "ro root=LABEL=/", "/initrd-" + UEK + ".img",
                "Oracle Linux Server (" + XEN + ")", "/vmlinuz-" + XEN, "ro root=LABEL=/", "/initrd-" + XEN + ".img");
        // /boot is its own filesystem on EL 5: menu paths are relative to it
        return DiskImages.files().file("/grub/menu.lst", menu)
                .file("/vmlinuz-" + UEK, "uek kernel\n").file("/initrd-" + UEK + ".img", "uek initrd\n")
                .file("/vmlinuz-" + XEN, "el5xen kernel\n").file("/initrd-" + XEN + ".img", "el5xen initrd\n");
    }

    @Test
    void oracle5OverHttpIsDetectedByRhlikeAndSkipsTheUekEntries() throws IOException {
        String repo = nginx.url("oracle5");
        PygrubLab lab = lab(VmStoreFixture.vm().other("install-repository", repo).other("install-distro", "rhlike")
                .other("install-arch", "x86_64").other("install-args", "ks=http://127.0.0.1:9/ol5.ks"));
        Path disk = emptyDisk("xvda.img");

        Run one = start(lab, xenopsd(disk));

        assertRoundOne(lab, one, "simple", tree("oracle5/images/xen/vmlinuz"), tree("oracle5/images/xen/initrd.img"),
                "method=" + repo + "/ ks=http://127.0.0.1:9/ol5.ks");
        assertInRoundTwo(lab, "rhlike", "oracle-5");
        callerDeletesTheHandedOverFiles(lab);

        DiskImages.FileTree boot = oracleRoot();
        DiskImages.Disk parts = DiskImages.partitioned(disk, DiskImages.Part.ext3(16, boot), DiskImages.Part.swap(8));

        long served = requests();
        Run two = start(lab, xenopsd(parts.image()));

        assertRoundTwo(lab, two, "simple", boot.content("/vmlinuz-" + XEN), boot.content("/initrd-" + XEN + ".img"),
                "ro root=LABEL=/", USING_MENU_LST, "--entry 1");
        assertThat(requests()).as("requests to the repository in round 2").isEqualTo(served);
        assertNextStartBoots(disk, "--entry 1", boot.content("/vmlinuz-" + XEN));
    }

    @Test
    void oracle5FromCdSkipsTheUekEntriesWithoutTheCd() throws IOException {
        Path iso = iso("oracle5");
        PygrubLab lab = lab(cdInstall().other("install-distro", "rhlike").other("install-arch", "x86_64"));

        Run one = start(lab, xenopsd(iso));

        assertRoundOne(lab, one, "simple", tree("oracle5/images/xen/vmlinuz"), tree("oracle5/images/xen/initrd.img"), "");
        assertInRoundTwo(lab, "rhlike", "oracle-5");
        assertBootsFromUserdeviceZero(lab);
        callerDeletesTheHandedOverFiles(lab);

        DiskImages.FileTree boot = oracleRoot();
        Path disk = DiskImages.partitioned(dir.resolve("xvda.img"), DiskImages.Part.ext3(16, boot),
                DiskImages.Part.swap(8)).image();

        Run two = start(lab, xenopsd(disk));

        assertRoundTwo(lab, two, "simple", boot.content("/vmlinuz-" + XEN), boot.content("/initrd-" + XEN + ".img"),
                "ro root=LABEL=/", USING_MENU_LST, "--entry 1");
        assertNextStartBoots(disk, "--entry 1", boot.content("/vmlinuz-" + XEN));
    }

    // ---- RHEL 4.1 / 4.4: bundled installer, then the updates disk goes ------------------------

    static final String EL4_KERNEL = "/boot/vmlinuz-2.6.9-42.ELxenU";
    static final String EL4_INITRD = "/boot/initrd-2.6.9-42.ELxenU.img";
    static final String EL4_ARGS = "ro root=/dev/VolGroup00/LogVol00";

    static DiskImages.FileTree rhel4Root() {
        return DiskImages.files().file("/boot/grub/grub.conf", DiskImages.menuLst(0,
                "Red Hat Enterprise Linux AS (2.6.9-42.ELxenU)", EL4_KERNEL, EL4_ARGS, EL4_INITRD))
                .file(EL4_KERNEL, "rhel4 xenU kernel\n").file(EL4_INITRD, "rhel4 xenU initrd\n")
                .file("/etc/redhat-release", "Red Hat Enterprise Linux AS release 4 (Nahant Update 4)\n");
    }

    /** The VBDs a RHEL 4.1/4.4 template gives the VM: the system disk, the updates disk, a data disk, the CD drive. */
    static VmStoreFixture rhel4Vm(boolean cdInstall) {
        return VmStoreFixture.vm().noVbds()
                .vbd("0", !cdInstall, "Disk", true, Map.of())
                .vbd("1", false, "Disk", true, Map.of("install-updates-disk", "true"))
                .vbd("2", false, "Disk", true, Map.of())
                .vbd("3", cdInstall, "CD", true, Map.of());
    }

    @Test
    void rhel41OverHttpBootsTheBundledInstallerThenDropsTheUpdatesDisk() throws IOException {
        String repo = nginx.url("rhel41");
        PygrubLab lab = lab(rhel4Vm(false).other("install-repository", repo).other("install-distro", "rhel-4.1")
                .other("install-arch", "i386"));
        Path disk = emptyDisk("xvda.img");

        Run one = start(lab, xenopsd(disk));

        assertRoundOne(lab, one, "simple", bundled("rhel41/i386/vmlinuz"), bundled("rhel41/i386/initrd.img"),
                "method=" + repo + "/");
        assertInRoundTwo(lab, "rhel-4.1", "rhel-4.1");
        assertThat(VmStoreFixture.vbds(lab.store())).containsOnlyKeys("vbd-0", "vbd-1", "vbd-2", "vbd-3");
        callerDeletesTheHandedOverFiles(lab);

        DiskImages.FileTree root = rhel4Root();
        DiskImages.ext3(disk, root, 24);

        long served = requests();
        Run two = start(lab, xenopsd(disk));

        assertRoundTwo(lab, two, "simple", root.content(EL4_KERNEL), root.content(EL4_INITRD), EL4_ARGS,
                USING_GRUB_CONF, "");
        assertThat(VmStoreFixture.vbds(lab.store())).containsOnlyKeys("vbd-0", "vbd-2", "vbd-3");
        assertThat(requests()).as("requests to the repository in round 2").isEqualTo(served);
        assertNextStartBoots(disk, "", root.content(EL4_KERNEL));
    }

    @Test
    void rhel44FromCdBootsTheBundledInstallerThenDropsTheUpdatesDisk() throws IOException {
        Path iso = iso("rhel41");
        PygrubLab lab = lab(rhel4Vm(true).other("install-repository", "cdrom").other("install-distro", "rhel-4.4")
                .other("install-arch", "x86_64").field("PV_args", CONSOLE));

        Run one = start(lab, xenopsd(iso));

        assertRoundOne(lab, one, "simple", bundled("rhel44/x86_64/vmlinuz"), bundled("rhel44/x86_64/initrd.img"), "");
        assertInRoundTwo(lab, "rhel-4.4", "rhel-4.4");
        assertBootsFromUserdeviceZero(lab);
        assertThat(VmStoreFixture.vbds(lab.store())).containsOnlyKeys("vbd-0", "vbd-1", "vbd-2", "vbd-3");
        callerDeletesTheHandedOverFiles(lab);

        DiskImages.FileTree root = rhel4Root();
        Path disk = DiskImages.ext3(dir.resolve("xvda.img"), root, 24);

        Run two = start(lab, xenopsd(disk));

        assertRoundTwo(lab, two, "simple", root.content(EL4_KERNEL), root.content(EL4_INITRD), EL4_ARGS,
                USING_GRUB_CONF, "");
        assertThat(VmStoreFixture.vbds(lab.store())).containsOnlyKeys("vbd-0", "vbd-2", "vbd-3");
        assertBootsFromUserdeviceZero(lab);
        assertNextStartBoots(disk, "", root.content(EL4_KERNEL));
    }

    // ---- install-profile: round 1 chooses, the rounds after it follow -------------------------

    @Test
    void roundOneChoosesAfreshAndReplacesAStaleInstallProfile() throws IOException {
        // left from an earlier install of this VM that never finished
        String repo = nginx.url("oracle5");
        PygrubLab lab = lab(VmStoreFixture.vm().other("install-repository", repo).other("install-distro", "rhlike")
                .other("install-arch", "x86_64").other("install-profile", "sles-10"));

        Run one = start(lab, xenopsd(emptyDisk("xvda.img")));

        assertRoundOne(lab, one, "simple", tree("oracle5/images/xen/vmlinuz"), tree("oracle5/images/xen/initrd.img"),
                "method=" + repo + "/");
        assertInRoundTwo(lab, "rhlike", "oracle-5");
    }

    @Test
    void aSingleRoundInstallRemovesAStaleInstallProfile() throws IOException {
        String repo = nginx.url("rhel5");
        PygrubLab lab = lab(VmStoreFixture.vm().other("install-repository", repo).other("install-distro", "rhlike")
                .other("install-profile", "oracle-5"));

        Run one = start(lab, xenopsd(emptyDisk("xvda.img")));

        assertRoundOne(lab, one, "simple", tree("rhel5/images/xen/vmlinuz"), tree("rhel5/images/xen/initrd.img"),
                "method=" + repo + "/");
        assertThat(VmStoreFixture.read(lab.store()).get("PV_bootloader")).isEqualTo("pygrub");
        assertThat(VmStoreFixture.otherConfig(lab.store()))
                .doesNotContainKeys("install-round", "install-distro", "install-profile");
    }

    @Test
    void roundTwoWithAnInstallProfileThisHostLacksIsRefusedAndChangesNothing() throws IOException {
        PygrubLab lab = lab(VmStoreFixture.vm().other("install-repository", "cdrom").other("install-distro", "sleslike")
                .other("install-round", "2").other("install-profile", "sles-10-sp5-custom"));
        Path disk = DiskImages.ext3(dir.resolve("xvda.img"), slesRoot("10").file("/boot/vmlinuz-xen", "k\n")
                .file("/boot/initrd-xen", "r\n"), 16);
        byte[] before = Files.readAllBytes(lab.store());

        Run two = start(lab, xenopsd(disk));

        assertThat(two.status()).isEqualTo(1);
        assertThat(two.stderr()).isEqualTo("RuntimeError: UNSUPPORTED_INSTALL_METHOD\nother-config:install-profile"
                + " \"sles-10-sp5-custom\", the profile round 1 of this install chose, is not a profile on this host; set"
                + " it to a profile id (eliloader profiles list) or remove it to choose again from install-distro.\n");
        assertThat(lab.outputNames()).isEmpty();
        assertThat(Files.readAllBytes(lab.store())).isEqualTo(before);
    }

    // ---- the pieces ---------------------------------------------------------------------------

    /** How many requests nginx has served so far. */
    private static long requests() throws IOException {
        try (Stream<String> lines = Files.lines(nginx.accessLog())) {
            return lines.count();
        }
    }

    private PygrubLab lab(VmStoreFixture vm) {
        return new PygrubLab(dir).shippedProfilesOnly().vm(vm);
    }

    /** A CD install's VM: the ISO in the CD drive boots, the system goes to the empty disk at userdevice 0. */
    private static VmStoreFixture cdInstall() {
        return VmStoreFixture.vm().noVbds().vbd("0", false, "Disk", true, Map.of()).vbd("3", true, "CD", true, Map.of())
                .other("install-repository", "cdrom");
    }

    private static Run start(PygrubLab lab, List<String> callerArgs) {
        return lab.run(Map.of("ELILOADER_GUEST_INSTALLER_DIR", GUEST_INSTALLER.toString()), callerArgs);
    }

    /** xenopsd: {@code -q --vm UUID DISK}, the answer in simple format on stdout. */
    private static List<String> xenopsd(Path disk) {
        return List.of("-q", "--vm", VmStoreFixture.VM, disk.toString());
    }

    /** libxl with {@code bootloader="eliloader"}: simple0 into a file, its own output directory. */
    private static List<String> libxl(PygrubLab lab, Path disk, Path answer, String args) {
        return List.of("--args=" + args, "--output=" + answer, "--output-format=simple0",
                "--output-directory=" + lab.out(), "--vm=" + VmStoreFixture.VM, disk.toString());
    }

    /** xapi before 2013: sxp on stdout, the kernel arguments as --default_args and --extra_args. */
    private static List<String> oldXapi(Path disk, String defaultArgs, String extraArgs) {
        return List.of("-q", "--default_args=" + defaultArgs, "--extra_args=" + extraArgs, "--vm=" + VmStoreFixture.VM,
                disk.toString());
    }

    private Path emptyDisk(String name) throws IOException {
        Path disk = dir.resolve(name);
        try (RandomAccessFile file = new RandomAccessFile(disk.toFile(), "rw")) {
            file.setLength(64L << 20);
        }
        return disk;
    }

    private Path iso(String tree) {
        return DiskImages.iso(ProjectPaths.trees().resolve(tree), dir.resolve(tree + ".iso"), "INSTALL");
    }

    private static DiskImages.FileTree slesRoot(String version) {
        return DiskImages.files().file("/etc/SuSE-release", "SUSE Linux Enterprise Server " + version + " (x86_64)\n"
                + "VERSION = " + version + "\n");
    }

    private static byte[] bundled(String path) throws IOException {
        return Files.readAllBytes(GUEST_INSTALLER.resolve(path));
    }

    /** Our own answer of round 1, in the caller's format. */
    static byte[] ourAnswer(String format, Path kernel, Path ramdisk, String args) {
        String text = switch (format) {
            case "simple" -> "kernel " + kernel + "\nramdisk " + ramdisk + "\nargs " + args + "\n";
            case "simple0" -> "kernel " + kernel + "\0ramdisk " + ramdisk + "\0args " + args + "\0";
            case "sxp" -> "linux (kernel " + kernel + ")(ramdisk " + ramdisk + ")(args \"" + args + "\")\n";
            default -> throw new IllegalArgumentException(format);
        };
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void assertRoundOne(PygrubLab lab, Run run, String format, byte[] kernel, byte[] ramdisk, String args)
            throws IOException {
        assertRoundOne(lab, run, run.stdoutBytes(), format, kernel, ramdisk, args);
    }

    private static void assertRoundOne(PygrubLab lab, Run run, byte[] answer, String format, byte[] kernel,
            byte[] ramdisk, String args) throws IOException {
        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(run.stderr()).isEmpty();
        assertThat(lab.outputNames()).hasSize(2);
        assertThat(text(answer)).isEqualTo(text(ourAnswer(format, lab.kernel(), lab.ramdisk(), args)));
        assertThat(Files.readAllBytes(lab.kernel())).isEqualTo(kernel);
        assertThat(Files.readAllBytes(lab.ramdisk())).isEqualTo(ramdisk);
    }

    private static void assertRoundTwo(PygrubLab lab, Run run, String format, byte[] kernel, byte[] ramdisk,
            String args, String pygrubStderr, String storedArgs) throws IOException {
        assertRoundTwo(lab, run, run.stdoutBytes(), format, kernel, ramdisk, args, pygrubStderr, storedArgs);
    }

    private static void assertRoundTwo(PygrubLab lab, Run run, byte[] answer, String format, byte[] kernel,
            byte[] ramdisk, String args, String pygrubStderr, String storedArgs) throws IOException {
        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(run.stderr()).isEqualTo(pygrubStderr);
        assertThat(lab.outputNames()).hasSize(2);
        assertThat(text(answer)).isEqualTo(text(PygrubLab.pygrubAnswer(format, lab.kernel(), lab.ramdisk(), args)));
        assertThat(Files.readAllBytes(lab.kernel())).isEqualTo(kernel);
        assertThat(Files.readAllBytes(lab.ramdisk())).isEqualTo(ramdisk);
        Map<String, Object> vm = VmStoreFixture.read(lab.store());
        assertThat(vm.get("PV_bootloader")).isEqualTo("pygrub");
        assertThat(vm.get("PV_bootloader_args")).isEqualTo(storedArgs);
        assertThat(VmStoreFixture.otherConfig(lab.store()))
                .doesNotContainKeys("install-round", "install-distro", "install-profile").containsKey("install-repository");
    }

    /** After round 1: the next start is round 2 of the profile round 1 chose; nothing else changed. */
    private static void assertInRoundTwo(PygrubLab lab, String distro, String profile) {
        Map<String, Object> vm = VmStoreFixture.read(lab.store());
        assertThat(vm.get("PV_bootloader")).isEqualTo("eliloader");
        assertThat(vm.get("PV_bootloader_args")).isEqualTo("");
        assertThat(VmStoreFixture.otherConfig(lab.store())).containsEntry("install-round", "2")
                .containsEntry("install-distro", distro).containsEntry("install-profile", profile);
    }

    private static void assertBootsFromUserdeviceZero(PygrubLab lab) {
        Map<String, Map<String, Object>> vbds = VmStoreFixture.vbds(lab.store());
        vbds.forEach((uuid, vbd) -> assertThat(vbd.get("bootable")).as(uuid).isEqualTo(uuid.equals("vbd-0")));
    }

    /** xenopsd deletes what it was handed once the domain is built. */
    private static void callerDeletesTheHandedOverFiles(PygrubLab lab) throws IOException {
        Files.delete(lab.kernel());
        Files.delete(lab.ramdisk());
        assertThat(lab.outputNames()).isEmpty();
    }

    /**
     * The VM's next start: PV-bootloader is pygrub now, so the toolstack runs pygrub itself with
     * the stored PV-bootloader-args split on spaces; it must boot the installed kernel.
     */
    private void assertNextStartBoots(Path disk, String storedArgs, byte[] kernel) throws IOException {
        Path out = Files.createDirectories(dir.resolve("pygrub-boot"));
        List<String> command = new ArrayList<>(List.of(PygrubLab.PYGRUB.toString(), "-q", "--output-format=simple",
                "--output-directory=" + out));
        if (!storedArgs.isEmpty()) {
            command.addAll(Arrays.asList(storedArgs.split(" ")));
        }
        command.add(disk.toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        assertThat(p.exitValue()).as(stderr).isZero();
        String kernelLine = stdout.lines().filter(l -> l.startsWith("kernel ")).findFirst().orElseThrow();
        assertThat(Files.readAllBytes(Path.of(kernelLine.substring("kernel ".length())))).isEqualTo(kernel);
        try (Stream<Path> files = Files.list(out)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
