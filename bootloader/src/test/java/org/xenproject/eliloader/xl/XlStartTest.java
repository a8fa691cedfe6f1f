package org.xenproject.eliloader.xl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.testsupport.BootHarness;
import org.xenproject.eliloader.testsupport.DiskImages;
import org.xenproject.eliloader.testsupport.ProjectPaths;
import org.xenproject.eliloader.testsupport.RealPeers;
import org.xenproject.eliloader.testsupport.Run;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/**
 * xl starts in-process with libxl's argument list ({@link XlRig}): who the VM is, what its state
 * file keeps across the rounds, what a failure leaves, and the named errors.
 */
class XlStartTest {
    static final String DEBIAN_KERNEL = "debian/dists/bookworm/main/installer-amd64/current/images/netboot/xen/vmlinuz";

    @TempDir
    Path dir;

    static String tree(String name) {
        return "file://" + ProjectPaths.trees().resolve(name);
    }

    static List<String> debian(String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("--install-repository=" + tree("debian"),
                "--install-distro=debianlike", "--install-arch=amd64", "--debian-release=bookworm"));
        args.addAll(List.of(more));
        return args;
    }

    @Test
    void theNameComesFromXenstoreForTheDomainInLibxlsOutputDirectory() throws IOException {
        XlRig rig = new XlRig(dir).xenstore(12, "web-01");
        Run run = rig.start(12, debian(), dir.resolve("disk.img"));
        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(Files.readAllBytes(Path.of(rig.answer(12).get("kernel")))).isEqualTo(BootHarness.tree(DEBIAN_KERNEL));
        assertThat(rig.stateFile("web-01")).exists();
        // the same VM under another domain id (the next xl create) is the same state
        rig.xenstore(13, "web-01");
        assertThat(rig.status("web-01")).contains("state: installed");
    }

    @Test
    void anExplicitVmNameWinsAndXenstoreIsNotAsked() {
        XlRig rig = new XlRig(dir); // xenstore has no domain at all
        Run run = rig.start(4, debian("--vm=mail"), dir.resolve("disk.img"));
        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(rig.stateFile("mail")).exists();
    }

    @Test
    void withoutALibxlOutputDirectoryOrVmNameTheStartIsAUsageError() {
        XlRig rig = new XlRig(dir);
        List<String> argv = new java.util.ArrayList<>(List.of("--output=" + dir.resolve("answer"),
                "--output-format=simple0", "--output-directory=" + dir.resolve("out")));
        argv.addAll(debian());
        argv.add("/dev/null");
        Run run = Run.of(rig.environment(), argv);
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.stderr()).endsWith("RuntimeError: USAGE\nNo VM name for this xl start: add \"--vm=NAME\" to"
                + " bootloader_args (without it the name is read from xenstore for the domain id in libxl's"
                + " --output-directory=/var/lib/xen/bootloader.DOMID.d).\n");
    }

    @Test
    void aXenstoreNameThatCannotNameAFileIsRefusedAndNothingIsWritten() {
        XlRig rig = new XlRig(dir).xenstore(5, "../../etc/passwd");
        Run run = rig.start(5, debian(), dir.resolve("disk.img"));
        assertThat(run.errorCode()).isEqualTo("INVALID_SOURCE");
        assertThat(run.stderr()).contains("The name of domain 5 in xenstore, \"../../etc/passwd\", cannot name a state file");
        assertThat(rig.stateDir()).doesNotExist();
        assertThat(rig.outputDirectoryEntries(5)).isEmpty();
    }

    @Test
    void aBadVmNameIsAUsageErrorAndXenstoreFailuresAreNamed() {
        XlRig rig = new XlRig(dir);
        Run bad = rig.start(6, debian("--vm=a/b"), dir.resolve("disk.img"));
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.stderr()).contains("--vm=\"a/b\" cannot name a state file");

        Run unknownDomain = rig.start(6, debian(), dir.resolve("disk.img"));
        assertThat(unknownDomain.errorCode()).isEqualTo("INTERNAL_ERROR");
        assertThat(unknownDomain.stderr()).contains("Cannot read the name of domain 6 from xenstore (",
                "exit status 1: \"could not read path /local/domain/6/name\"); add \"--vm=NAME\" to bootloader_args.");

        Map<String, String> env = new java.util.HashMap<>(rig.environment());
        env.put("ELILOADER_XENSTORE_READ", dir.resolve("no-such-xenstore-read").toString());
        Run missing = Run.of(env, rig.libxlArgv(6, debian(), dir.resolve("disk.img")));
        assertThat(missing.errorCode()).isEqualTo("SUPPORT_PACKAGE_MISSING");
        assertThat(missing.stderr()).contains("install xenstore-utils");
    }

    @Test
    void aBadInstallValueIsTheSameNamedErrorAsFromAVmRecord() {
        XlRig rig = new XlRig(dir);
        Run xl = rig.start(2, debian("--vm=deb", "--install-vnc=maybe"), dir.resolve("disk.img"));
        Run xenopsd = BootHarness.of(VmStoreFixture.vm().other("install-repository", tree("debian"))
                .other("install-vnc", "maybe")).in(dir.resolve("xenopsd")).boot().run();
        assertThat(xl.errorCode()).isEqualTo("INVALID_SOURCE");
        String sentence = "other-config:install-vnc is \"maybe\"; it must be true or false.";
        assertThat(xl.stderr()).endsWith("RuntimeError: INVALID_SOURCE\n" + sentence + "\n");
        assertThat(xenopsd.stderr()).endsWith("RuntimeError: INVALID_SOURCE\n" + sentence + "\n");
        assertThat(rig.stateDir()).doesNotExist();
    }

    @Test
    void keysEliloaderKeepsAndSecretsAreNotOptions() {
        XlRig rig = new XlRig(dir);
        for (String option : List.of("--install-round=2", "--install-profile=debian", "--install-repository-secret=u")) {
            Run run = rig.start(2, debian("--vm=deb", option), dir.resolve("disk.img"));
            assertThat(run.status()).as(option).isEqualTo(2);
            assertThat(run.errorCode()).as(option).isEqualTo("USAGE");
        }
        Run twice = rig.start(2, debian("--vm=deb", "--install-arch=i386"), dir.resolve("disk.img"));
        assertThat(twice.stderr()).contains("--install-arch is given twice.");
        Run store = rig.start(2, debian("--vm=deb", "--vm-store=" + dir.resolve("s.json")), dir.resolve("disk.img"));
        assertThat(store.status()).isEqualTo(2);
        assertThat(store.stderr()).contains("--vm-store names a VM record, but the install settings are on the command line");
    }

    @Test
    void aFailingStartLeavesNoStateAndNoFiles() {
        XlRig rig = new XlRig(dir);
        Run run = rig.start(9, List.of("--vm=deb", "--install-repository=" + tree("no-such-tree"),
                "--install-distro=debianlike", "--install-arch=amd64", "--debian-release=bookworm"), dir.resolve("disk.img"));
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.errorCode()).isEqualTo("INVALID_SOURCE");
        assertThat(rig.stateDir()).doesNotExist();
        assertThat(rig.outputDirectoryEntries(9)).isEmpty();
        assertThat(rig.xenLib().resolve("bootloader.9.out")).isEmptyFile();
    }

    @Test
    void aStateFileThatCannotBeParsedIsANamedErrorAndLeftAsItIs() throws IOException {
        XlRig rig = new XlRig(dir);
        Files.createDirectories(rig.stateDir());
        Files.writeString(rig.stateFile("deb"), "{\"vms\": [");
        Run run = rig.start(2, debian("--vm=deb"), dir.resolve("disk.img"));
        assertThat(run.errorCode()).isEqualTo("INTERNAL_ERROR");
        assertThat(run.stderr()).contains("is not valid JSON").contains("it was left untouched");
        assertThat(rig.stateFile("deb")).hasContent("{\"vms\": [");
        assertThat(rig.outputDirectoryEntries(2)).isEmpty();
        assertThat(rig.status("deb")).contains("state: unreadable", "problem: ");

        Files.delete(rig.stateFile("deb"));
        Files.createSymbolicLink(rig.stateFile("deb"), dir.resolve("elsewhere.json"));
        Run linked = rig.start(2, debian("--vm=deb"), dir.resolve("disk.img"));
        assertThat(linked.stderr()).contains("is a symbolic link; it was left untouched");
        assertThat(dir.resolve("elsewhere.json")).doesNotExist();
    }

    @Test
    void statusListsEveryVmAndReinstallStartsOver() throws IOException {
        XlRig rig = new XlRig(dir);
        assertThat(rig.xl("status").stdout()).startsWith("No VM has an install state in ");
        assertThat(rig.start(2, debian("--vm=deb"), dir.resolve("disk.img")).status()).isZero();
        Run table = rig.xl("status");
        assertThat(table.stdout().split("\n")[0]).isEqualTo("NAME  STATE       ROUND  PROFILE       PV-BOOTLOADER-ARGS");
        assertThat(table.stdout().split("\n")[1]).matches("deb +installed +- +- *");
        String json = rig.xl("status", "--json").stdout();
        // read with an independent JSON reader: the report is for programs
        Map<String, Object> report = com.fasterxml.jackson.jr.ob.JSON.std.mapFrom(json);
        assertThat((List<?>) report.get("vms")).hasSize(1);
        Map<?, ?> vm = (Map<?, ?>) ((List<?>) report.get("vms")).get(0);
        assertThat(vm.get("name")).isEqualTo("deb");
        assertThat(vm.get("state")).isEqualTo("installed");
        assertThat(rig.status("nobody")).contains("state: installing (nothing recorded yet)", "next start: install round 1");

        Run reinstall = rig.xl("reinstall", "deb");
        assertThat(reinstall.stdout()).isEqualTo("deb: install state removed; its next start is round 1.\n");
        assertThat(rig.stateFile("deb")).doesNotExist();
        assertThat(rig.status("deb")).contains("next start: install round 1");
        Run again = rig.start(3, debian("--vm=deb"), dir.resolve("disk.img"));
        assertThat(Files.exists(Path.of(rig.answer(3).get("kernel")))).as(again.stderr()).isTrue();
        assertThat(rig.xl("reinstall", "../x").status()).isEqualTo(2);
    }

    // ---- with the real pygrub on disk images -------------------------------------------------

    static Path emptyDisk(Path file) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(64L << 20);
        }
        return file;
    }

    @Test
    @RealPeers
    void anInstalledVmIsHandedOverToPygrubAtEveryStartWithTheConfigsArgs() throws IOException {
        XlRig rig = new XlRig(dir);
        Path disk = emptyDisk(dir.resolve("xvda.img"));
        assertThat(rig.start(1, debian("--vm=deb"), disk).status()).isZero();
        assertThat(rig.answer(1).get("args")).startsWith("mirror/country=manual mirror/protocol=file ");

        // the installer wrote the system and rebooted: on_reboot="restart" runs the bootloader again
        DiskImages.FileTree root = DiskImages.files()
                .file("/boot/grub/menu.lst", DiskImages.menuLst(0, "Debian", "/boot/vmlinuz-6.1", "root=/dev/xvda1 ro",
                        "/boot/initrd.img-6.1"))
                .file("/boot/vmlinuz-6.1", "installed kernel\n").file("/boot/initrd.img-6.1", "installed initrd\n");
        DiskImages.ext3(disk, root, 24);
        byte[] state = Files.readAllBytes(rig.stateFile("deb"));
        for (int domid : new int[] {2, 3}) {
            Run run = rig.start(domid, debian("--vm=deb", "--args=console=hvc0"), disk);
            assertThat(run.status()).as(run.stderr()).isZero();
            Map<String, String> answer = rig.answer(domid);
            assertThat(Files.readAllBytes(Path.of(answer.get("kernel")))).isEqualTo(root.content("/boot/vmlinuz-6.1"));
            assertThat(Files.readAllBytes(Path.of(answer.get("ramdisk")))).isEqualTo(root.content("/boot/initrd.img-6.1"));
            assertThat(answer.get("args")).isEqualTo("root=/dev/xvda1 ro console=hvc0");
            assertThat(Path.of(answer.get("kernel")).getParent()).isEqualTo(rig.xenLib().resolve("bootloader." + domid + ".d"));
        }
        assertThat(Files.readAllBytes(rig.stateFile("deb"))).as("an installed start records nothing").isEqualTo(state);
    }

    @Test
    @RealPeers
    void sles10KeepsItsRoundTwoAndTheDomuloaderArgumentsInTheState() throws IOException {
        XlRig rig = new XlRig(dir);
        Path disk = emptyDisk(dir.resolve("xvda.img"));
        List<String> sles = List.of("--vm=sles", "--install-repository=" + tree("sles10sp1"), "--install-distro=sleslike",
                "--install-arch=x86_64");
        Run one = rig.start(1, sles, disk);
        assertThat(one.status()).as(one.stderr()).isZero();
        assertThat(Files.readAllBytes(Path.of(rig.answer(1).get("kernel"))))
                .isEqualTo(BootHarness.tree("sles10sp1/boot/x86_64/vmlinuz-xen"));
        assertThat(rig.status("sles")).contains("state: installing", "next start: install round 2", "profile: sles-10");

        // round 2 on a disk where pygrub finds nothing: the start fails, the state is as it was
        byte[] roundTwo = Files.readAllBytes(rig.stateFile("sles"));
        Run failed = rig.start(2, sles, disk);
        assertThat(failed.status()).isNotZero();
        assertThat(failed.stderr()).contains("RuntimeError: ");
        assertThat(Files.readAllBytes(rig.stateFile("sles"))).isEqualTo(roundTwo);
        assertThat(rig.outputDirectoryEntries(2)).isEmpty();

        DiskImages.FileTree root = DiskImages.files().file("/etc/SuSE-release", "SUSE Linux Enterprise Server 10\n")
                .file("/boot/vmlinuz-xen", "installed xen kernel\n").file("/boot/initrd-xen", "installed xen initrd\n");
        DiskImages.ext3(disk, root, 24);
        Run two = rig.start(3, sles, disk);
        assertThat(two.status()).as(two.stderr()).isZero();
        assertThat(Files.readAllBytes(Path.of(rig.answer(3).get("kernel")))).isEqualTo(root.content("/boot/vmlinuz-xen"));
        String stored = "--kernel /boot/vmlinuz-xen --ramdisk /boot/initrd-xen";
        assertThat(rig.status("sles")).contains("state: installed", "pv-bootloader-args: " + stored,
                "next start: pygrub hand-off with " + stored);

        Run three = rig.start(4, sles, disk);
        assertThat(three.status()).as(three.stderr()).isZero();
        assertThat(Files.readAllBytes(Path.of(rig.answer(4).get("ramdisk")))).isEqualTo(root.content("/boot/initrd-xen"));
    }

    @Test
    @RealPeers
    void rhel41RemovesTheUpdatesDiskByAskingForTheConfigChangeInRoundTwo() throws IOException {
        XlRig rig = new XlRig(dir);
        Path disk = emptyDisk(dir.resolve("xvda.img"));
        List<String> rhel = List.of("--vm=rhel41", "--install-repository=" + tree("rhel41"), "--install-distro=rhel-4.1",
                "--install-arch=i386", "--guest-installer-dir=" + ProjectPaths.fixtures().resolve("guest-installer"));
        Run one = rig.start(1, rhel, disk);
        assertThat(one.status()).as(one.stderr()).isZero();
        assertThat(one.stderr()).isEmpty();
        assertThat(Files.readAllBytes(Path.of(rig.answer(1).get("kernel"))))
                .isEqualTo(Files.readAllBytes(ProjectPaths.fixtures().resolve("guest-installer/rhel41/i386/vmlinuz")));

        DiskImages.FileTree root = DiskImages.files()
                .file("/boot/grub/menu.lst", DiskImages.menuLst(0, "RHEL 4", "/boot/vmlinuz-2.6.9-11.ELxenU", "ro",
                        "/boot/initrd-2.6.9-11.ELxenU.img"))
                .file("/boot/vmlinuz-2.6.9-11.ELxenU", "rhel4 kernel\n").file("/boot/initrd-2.6.9-11.ELxenU.img", "rhel4 initrd\n");
        DiskImages.ext3(disk, root, 24);
        Run two = rig.start(2, rhel, disk);
        assertThat(two.status()).as(two.stderr()).isZero();
        // after pygrub's own line (which config file it parsed), one line of ours
        assertThat(two.stderr()).endsWith("\neliloader: before the next start of rhel41, change its xl config: remove the"
                + " installer's updates disk (the one after the system disk), if it lists one, from disk = [...].\n");
        assertThat(Files.readAllBytes(Path.of(rig.answer(2).get("kernel"))))
                .isEqualTo(root.content("/boot/vmlinuz-2.6.9-11.ELxenU"));
        assertThat(rig.status("rhel41")).contains("state: installed", "config change: eliloader: before the next start");
    }

    @Test
    @RealPeers
    void aCdInstallSaysOnceWhichDiskMustComeFirstAndRefusesToBootTheCdAgain() throws IOException {
        XlRig rig = new XlRig(dir);
        Path iso = DiskImages.iso(ProjectPaths.trees().resolve("rhel7"), dir.resolve("rhel7.iso"), "RHEL7");
        List<String> cd = List.of("--vm=el7", "--install-repository=cdrom", "--install-distro=rhlike",
                "--install-arch=x86_64");
        Run one = rig.start(1, cd, iso);
        assertThat(one.status()).as(one.stderr()).isZero();
        String line = "eliloader: before the next start of el7, change its xl config: list the system disk first in"
                + " disk = [...] (libxl boots the first disk) and remove the install CD " + iso + " or list it after.";
        assertThat(one.stderr()).isEqualTo(line + "\n");
        assertThat(rig.status("el7")).contains("config change: " + line);

        Run again = rig.start(2, cd, iso);
        assertThat(again.errorCode()).isEqualTo("INVALID_SOURCE");
        assertThat(again.stderr()).contains("el7 is installed, but its first disk " + iso + " is still the install CD: "
                + line);

        DiskImages.FileTree root = DiskImages.files()
                .file("/boot/grub/menu.lst", DiskImages.menuLst(0, "EL7", "/boot/vmlinuz", "ro", "/boot/initramfs.img"))
                .file("/boot/vmlinuz", "el7 kernel\n").file("/boot/initramfs.img", "el7 initramfs\n");
        Path disk = DiskImages.ext3(dir.resolve("xvda.img"), root, 24);
        Run installed = rig.start(3, cd, disk);
        assertThat(installed.status()).as(installed.stderr()).isZero();
        assertThat(Files.readAllBytes(Path.of(rig.answer(3).get("kernel")))).isEqualTo(root.content("/boot/vmlinuz"));
        assertThat(rig.status("el7")).doesNotContain("config change");
    }
}
