package org.xenproject.eliloader.round.pygrub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.testsupport.DiskImages;
import org.xenproject.eliloader.testsupport.PygrubLab;
import org.xenproject.eliloader.testsupport.RealPeers;
import org.xenproject.eliloader.testsupport.Run;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/**
 * The VBD edits of the install rounds: RHEL 4.1/4.4 round 2 drops the updates disk (and only
 * it) before handing over to pygrub; CD installs make the next boot come from userdevice 0.
 */
@RealPeers
class Round2DiskEditsTest {
    static final String KERNEL = "/boot/vmlinuz-2.6.9-42.ELxenU";
    static final String INITRD = "/boot/initrd-2.6.9-42.ELxenU.img";
    static final String ARGS = "ro root=/dev/VolGroup00/LogVol00 console=xvc0";

    @TempDir
    Path dir;

    static DiskImages.FileTree rhel4Disk() {
        return DiskImages.files().file("/boot/grub/grub.conf", DiskImages.menuLst(0,
                "Red Hat Enterprise Linux AS (2.6.9-42.ELxenU)", KERNEL, ARGS, INITRD))
                .file(KERNEL, "rhel4 xenU kernel\n").file(INITRD, "rhel4 xenU initrd\n");
    }

    static VmStoreFixture rhel4Round2() {
        return VmStoreFixture.vm().noVbds()
                .vbd("0", true, "Disk", true, Map.of())
                .vbd("1", false, "Disk", true, Map.of("install-updates-disk", "true"))
                .vbd("2", false, "Disk", false, Map.of("purpose", "data"))
                .vbd("3", false, "CD", true, Map.of())
                .other("install-repository", "nfs://127.0.0.1/rhel4").other("install-distro", "rhel-4.1")
                .other("install-round", "2");
    }

    @Test
    void rhel4RoundTwoRemovesOnlyTheUpdatesDisk() throws IOException {
        Path disk = DiskImages.ext3(dir.resolve("rhel4.img"), rhel4Disk(), 16);
        PygrubLab lab = new PygrubLab(dir).vm(rhel4Round2());

        Run run = lab.xenopsd(disk, "sxp");

        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(run.stdoutBytes()).isEqualTo(PygrubLab.pygrubAnswer("sxp", lab.kernel(), lab.ramdisk(), ARGS));
        assertThat(run.stderr()).isEqualTo("Using <class 'grub.GrubConf.GrubConfigFile'> to parse /boot/grub/grub.conf\n");
        assertThat(lab.outputNames()).hasSize(2);
        assertThat(Files.readString(lab.kernel())).isEqualTo("rhel4 xenU kernel\n");
        Map<String, Map<String, Object>> vbds = VmStoreFixture.vbds(lab.store());
        assertThat(vbds).containsOnlyKeys("vbd-0", "vbd-2", "vbd-3");
        assertThat(vbds.get("vbd-0")).containsEntry("bootable", true);
        assertThat(vbds.get("vbd-3")).containsEntry("bootable", false).containsEntry("type", "CD");
        PygrubHandoffTest.assertSwitchedToPygrub(lab, "");
    }

    @Test
    void roundTwoAgainWithoutTheUpdatesDiskStillBoots() throws IOException {
        // an earlier attempt removed the disk but stopped before the round was recorded
        Path disk = DiskImages.ext3(dir.resolve("rhel4.img"), rhel4Disk(), 16);
        PygrubLab lab = new PygrubLab(dir).vm(VmStoreFixture.vm().other("install-repository", "nfs://127.0.0.1/rhel4")
                .other("install-distro", "rhel-4.1").other("install-round", "2"));

        Run run = lab.xenopsd(disk, "simple");

        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(VmStoreFixture.vbds(lab.store())).containsOnlyKeys("vbd-0");
        PygrubHandoffTest.assertSwitchedToPygrub(lab, "");
    }

    @Test
    void aMarkerOnTheSystemDiskIsRefusedAndNothingChanges() throws IOException {
        Path disk = DiskImages.ext3(dir.resolve("rhel4.img"), rhel4Disk(), 16);
        PygrubLab lab = new PygrubLab(dir).vm(VmStoreFixture.vm().noVbds()
                .vbd("0", true, "Disk", true, Map.of("install-updates-disk", "true"))
                .other("install-repository", "nfs://127.0.0.1/rhel4").other("install-distro", "rhel-4.1")
                .other("install-round", "2"));
        byte[] before = Files.readAllBytes(lab.store());

        Run run = lab.xenopsd(disk, "simple");

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.stderr()).isEqualTo("RuntimeError: INVALID_SOURCE\nVBD vbd-0 at userdevice 0 is marked as the"
                + " updates disk (other-config:install-updates-disk=true), but userdevice 0 holds the installed system;"
                + " it was not removed.\n");
        assertThat(lab.outputNames()).isEmpty();
        assertThat(Files.readAllBytes(lab.store())).isEqualTo(before);
    }

    @Test
    void aProfileNamingItsOwnMarkerRemovesThatDiskOnly() throws IOException {
        // a packager's RHEL 4 variant whose template marks the updates disk differently
        Path profiles = Files.createDirectories(dir.resolve("profiles.d"));
        Files.writeString(profiles.resolve("rhel-4-site.yaml"), String.join("\n",
                "extends: anaconda",
                "bundled-files:",
                "  - {kernel: \"rhel44/${arch}/vmlinuz\", ramdisk: \"rhel44/${arch}/initrd.img\"}",
                "updates-disk:",
                "  other-config: {site-role: drivers}",
                "rounds:",
                "  - [bundled-boot-files]",
                "  - [remove-updates-disk, pygrub-handoff]", ""));
        Path disk = DiskImages.ext3(dir.resolve("rhel4.img"), rhel4Disk(), 16);
        PygrubLab lab = new PygrubLab(dir).profiles(profiles).vm(rhel4Round2().vbd("4", false, "Disk", true,
                Map.of("site-role", "Drivers ")).other("install-distro", "rhel-4-site"));

        Run run = lab.xenopsd(disk, "simple");

        assertThat(run.status()).as(run.stderr()).isZero();
        // the conventional marker on vbd-1 means nothing to this profile
        assertThat(VmStoreFixture.vbds(lab.store())).containsOnlyKeys("vbd-0", "vbd-1", "vbd-2", "vbd-3");
        PygrubHandoffTest.assertSwitchedToPygrub(lab, "");
    }

    @Test
    void aProfileMarkerOnTheSystemDiskIsRefusedNamingIt() throws IOException {
        Path profiles = Files.createDirectories(dir.resolve("profiles.d"));
        Files.writeString(profiles.resolve("rhel-4-slot.yaml"), String.join("\n",
                "extends: rhel-4.4",
                "updates-disk: {userdevice: \"0\"}",
                ""));
        Path disk = DiskImages.ext3(dir.resolve("rhel4.img"), rhel4Disk(), 16);
        PygrubLab lab = new PygrubLab(dir).profiles(profiles).vm(VmStoreFixture.vm().noVbds()
                .vbd("0", true, "Disk", true, Map.of("install-updates-disk", "true"))
                .other("install-repository", "nfs://127.0.0.1/rhel4").other("install-distro", "rhel-4-slot")
                .other("install-round", "2"));
        byte[] before = Files.readAllBytes(lab.store());

        Run run = lab.xenopsd(disk, "simple");

        // extends merges maps: the marker is rhel-4.4's other-config pair and the slot
        assertThat(run.stderr()).isEqualTo("RuntimeError: INVALID_SOURCE\nVBD vbd-0 at userdevice 0 is marked as the"
                + " updates disk (other-config:install-updates-disk=true and userdevice 0), but userdevice 0 holds the"
                + " installed system; it was not removed.\n");
        assertThat(Files.readAllBytes(lab.store())).isEqualTo(before);
        assertThat(lab.outputNames()).isEmpty();
    }

    @Test
    void failedHandOffKeepsTheUpdatesDisk() throws IOException {
        // edits are recorded only after the answer is out: a pygrub failure changes nothing
        Path disk = DiskImages.ext3(dir.resolve("blank.img"), DiskImages.files().file("/etc/fstab", "\n"), 16);
        PygrubLab lab = new PygrubLab(dir).vm(rhel4Round2());
        byte[] before = Files.readAllBytes(lab.store());

        Run run = lab.xenopsd(disk, "simple");

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.errorCode()).isEqualTo("INVALID_SOURCE");
        assertThat(Files.readAllBytes(lab.store())).isEqualTo(before);
        assertThat(lab.outputNames()).isEmpty();
    }

    /** A VM whose CD drive (userdevice 3) boots, installing with profile {@code distro}. */
    static VmStoreFixture cdInstall(String repository, String distro) {
        return VmStoreFixture.vm().noVbds()
                .vbd("0", false, "Disk", true, Map.of())
                .vbd("1", false, "Disk", true, Map.of())
                .vbd("3", true, "CD", true, Map.of())
                .other("install-repository", repository).other("install-distro", distro);
    }

    static DiskImages.FileTree installerMedium() {
        return DiskImages.files().file("/boot/grub/menu.lst", DiskImages.menuLst(0, "Install", "/boot/xen/vmlinuz",
                "text", "/boot/xen/initrd.img")).file("/boot/xen/vmlinuz", "installer kernel\n")
                .file("/boot/xen/initrd.img", "installer initrd\n");
    }

    @Test
    void cdInstallMakesTheNextBootComeFromUserdeviceZero() throws IOException {
        // pygrub reads the installer medium (here an ext3 image standing in for the CD)
        Path medium = DiskImages.ext3(dir.resolve("cd.img"), installerMedium(), 16);
        // the shipped pygrub profile: a CD install is one round, pygrub reading the CD
        PygrubLab lab = new PygrubLab(dir).vm(cdInstall("cdrom", "pygrub"));

        Run run = lab.xenopsd(medium, "simple0");

        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(run.stdoutBytes()).isEqualTo(PygrubLab.pygrubAnswer("simple0", lab.kernel(), lab.ramdisk(), "text"));
        assertThat(Files.readString(lab.kernel())).isEqualTo("installer kernel\n");
        Map<String, Map<String, Object>> vbds = VmStoreFixture.vbds(lab.store());
        assertThat(vbds.get("vbd-0")).containsEntry("bootable", true);
        assertThat(vbds.get("vbd-1")).containsEntry("bootable", false);
        assertThat(vbds.get("vbd-3")).containsEntry("bootable", false);
        PygrubHandoffTest.assertSwitchedToPygrub(lab, "");
    }

    @Test
    void pygrubCdInstallAppendsInstallArgsAndVncToTheCdMenuEntry() throws IOException {
        // the original's XSO-338 fix: the installer on the CD gets install-args and VNC like a fetched one
        Path medium = DiskImages.ext3(dir.resolve("cd.img"), installerMedium(), 16);
        PygrubLab lab = new PygrubLab(dir).vm(cdInstall("cdrom", "pygrub").field("PV_args", "console=hvc0")
                .other("install-args", "ks=cdrom:/ks.cfg").other("install-vnc", "true")
                .other("install-vncpasswd", "s3cret12"));

        Run run = lab.xenopsd(medium, null);

        assertThat(run.status()).as(run.stderr()).isZero();
        // xenopsd's call: PV-args are its own to append, so pygrub gets only the installer's
        assertThat(run.stdoutBytes()).isEqualTo(PygrubLab.pygrubAnswer("simple", lab.kernel(), lab.ramdisk(),
                "text vnc vncpassword=s3cret12 ks=cdrom:/ks.cfg"));
        PygrubHandoffTest.assertSwitchedToPygrub(lab, "");
    }

    @Test
    void networkInstallLeavesTheVbdsAlone() throws IOException {
        Path medium = DiskImages.ext3(dir.resolve("cd.img"), installerMedium(), 16);
        // no shipped profile names boot-from-first-disk in a network round: a test profile does
        PygrubLab lab = new PygrubLab(dir).vm(cdInstall("http://127.0.0.1:9/tree", "test-cd-pygrub"));

        Run run = lab.xenopsd(medium, "simple");

        assertThat(run.status()).as(run.stderr()).isZero();
        Map<String, Map<String, Object>> vbds = VmStoreFixture.vbds(lab.store());
        assertThat(vbds.get("vbd-0")).containsEntry("bootable", false);
        assertThat(vbds.get("vbd-3")).containsEntry("bootable", true);
    }

    @Test
    void cdInstallWithoutADiskAtUserdeviceZeroIsRefused() throws IOException {
        Path medium = DiskImages.ext3(dir.resolve("cd.img"), installerMedium(), 16);
        PygrubLab lab = new PygrubLab(dir).vm(VmStoreFixture.vm().noVbds().vbd("0", true, "CD", true, Map.of())
                .vbd("1", false, "Disk", true, Map.of())
                .other("install-repository", "cdrom").other("install-distro", "pygrub"));
        byte[] before = Files.readAllBytes(lab.store());

        Run run = lab.xenopsd(medium, "simple");

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.stderr()).isEqualTo("RuntimeError: INVALID_SOURCE\nUserdevice 0 of VM " + VmStoreFixture.VM
                + " is a CD drive; the system must be installed on a disk at userdevice 0.\n");
        assertThat(Files.readAllBytes(lab.store())).isEqualTo(before);
        assertThat(lab.outputNames()).isEmpty();
    }
}
