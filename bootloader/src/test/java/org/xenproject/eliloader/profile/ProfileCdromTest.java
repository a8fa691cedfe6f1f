package org.xenproject.eliloader.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.xenproject.eliloader.testsupport.BootHarness.tree;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.xenproject.eliloader.testsupport.BootHarness;
import org.xenproject.eliloader.testsupport.BootHarness.Boot;
import org.xenproject.eliloader.testsupport.DiskImages;
import org.xenproject.eliloader.testsupport.ProjectPaths;
import org.xenproject.eliloader.testsupport.RealPeers;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/**
 * CD installs of the shipped profiles: the fixture trees made into ISO images with xorriso and
 * given as the boot disk; detection, CD layouts and checksum lists are read from the image, and
 * the next boot is switched to the disk at userdevice 0.
 */
@RealPeers
class ProfileCdromTest {
    @TempDir
    Path work;

    private Path iso(String tree) {
        return DiskImages.iso(ProjectPaths.trees().resolve(tree), work.resolve(tree + ".iso"), "CD");
    }

    /** A VM installing from a CD: an empty disk at 0 and the CD drive at 3, which boots now. */
    private static VmStoreFixture cdInstall(String distro, String arch) {
        return VmStoreFixture.vm().noVbds().vbd("0", false, "Disk", true, Map.of())
                .vbd("3", true, "CD", true, Map.of()).other("install-repository", "cdrom")
                .other("install-distro", distro).other("install-arch", arch);
    }

    @SuppressWarnings("unchecked")
    private static boolean bootable(Boot boot, String userdevice) {
        for (Object o : (List<Object>) boot.record().get("VBDs")) {
            Map<String, Object> vbd = (Map<String, Object>) o;
            if (userdevice.equals(vbd.get("userdevice"))) {
                return Boolean.TRUE.equals(vbd.get("bootable"));
            }
        }
        throw new AssertionError("no VBD " + userdevice);
    }

    @Test
    void debianNetinstCdIsDetectedAndBootsInstallAmd() throws Exception {
        Boot boot = BootHarness.bootFrom(iso("debian-cd"), cdInstall("debianlike", "x86_64"), work, Map.of());

        assertThat(boot.run().status()).as(boot.run().stderr()).isZero();
        assertThat(boot.kernelBytes()).isEqualTo(tree("debian-cd/install.amd/vmlinuz"));
        assertThat(boot.ramdiskBytes()).isEqualTo(tree("debian-cd/install.amd/initrd.gz"));
        assertThat(boot.args()).isEmpty();
        assertThat(boot.record()).containsEntry("PV_bootloader", "pygrub");
        assertThat(bootable(boot, "0")).isTrue();
        assertThat(bootable(boot, "3")).isFalse();
    }

    @Test
    void lennyCdBootsTheXenInstallerOf386() throws Exception {
        Boot boot = BootHarness.bootFrom(iso("debian-lenny-cd"), cdInstall("debianlike", "i386"), work, Map.of());

        assertThat(boot.run().status()).as(boot.run().stderr()).isZero();
        assertThat(boot.kernelBytes()).isEqualTo(tree("debian-lenny-cd/install.386/xen/vmlinuz"));
        assertThat(boot.ramdiskBytes()).isEqualTo(tree("debian-lenny-cd/install.386/xen/initrd.gz"));
    }

    @Test
    void sles10FromCdAsksLinuxrcForTheHardDiskAndPlansRoundTwo() throws Exception {
        Boot boot = BootHarness.bootFrom(iso("sles10sp1"), cdInstall("sleslike", "x86_64"), work, Map.of());

        assertThat(boot.run().status()).as(boot.run().stderr()).isZero();
        assertThat(boot.kernelBytes()).isEqualTo(tree("sles10sp1/boot/x86_64/vmlinuz-xen"));
        assertThat(boot.args()).isEqualTo("install=hd");
        assertThat(boot.otherConfig()).containsEntry("install-round", "2");
        assertThat(bootable(boot, "0")).isTrue();
        assertThat(bootable(boot, "3")).isFalse();
    }

    @Test
    void rhel7FromCdTellsAnacondaToUseTheCd() throws Exception {
        Boot boot = BootHarness.bootFrom(iso("rhel7"), cdInstall("auto", "x86_64"), work, Map.of());

        assertThat(boot.run().status()).as(boot.run().stderr()).isZero();
        assertThat(boot.kernelBytes()).isEqualTo(tree("rhel7/images/pxeboot/vmlinuz"));
        assertThat(boot.args()).isEqualTo("inst.repo=cdrom");
    }
}
