package org.xenproject.eliloader.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.xenproject.eliloader.testsupport.BootHarness.boot;
import static org.xenproject.eliloader.testsupport.BootHarness.tree;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.xenproject.eliloader.testpeers.TreesOverHttp;
import org.xenproject.eliloader.testsupport.BootHarness;
import org.xenproject.eliloader.testsupport.BootHarness.Boot;
import org.xenproject.eliloader.testsupport.ProjectPaths;
import org.xenproject.eliloader.testsupport.RealPeers;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/**
 * Round 1 of every shipped profile, as xenopsd starts it, against the fixture trees served by a
 * real nginx: the exact kernel and initrd bytes handed over, the exact kernel arguments, and the
 * VM record after the round.
 */
@RealPeers
class ProfileBootTest {
    @RegisterExtension
    static final TreesOverHttp nginx = new TreesOverHttp();

    @TempDir
    Path work;

    private VmStoreFixture vm(String tree, String distro, String arch) {
        VmStoreFixture vm = VmStoreFixture.vm().other("install-repository", nginx.url(tree)).other("install-arch", arch);
        return distro == null ? vm : vm.other("install-distro", distro);
    }

    private static void assertFinished(Boot boot) {
        assertThat(boot.record()).containsEntry("PV_bootloader", "pygrub");
        assertThat(boot.otherConfig()).doesNotContainKeys("install-round", "install-distro");
    }

    private static void assertNextRound(Boot boot, String distro) {
        assertThat(boot.record()).containsEntry("PV_bootloader", "eliloader");
        assertThat(boot.otherConfig()).containsEntry("install-round", "2").containsEntry("install-distro", distro);
    }

    // ---- RHEL-like ---------------------------------------------------------------------------

    @Test
    void rhlikeOnARhel5TreeBootsTheXenInstallerNamedByTreeinfo() {
        Boot boot = boot(vm("rhel5", "rhlike", "i386"), work);

        assertThat(boot.run().stderr()).isEmpty();
        assertThat(boot.run().status()).isZero();
        assertThat(boot.kernelBytes()).isEqualTo(tree("rhel5/images/xen/vmlinuz"));
        assertThat(boot.ramdiskBytes()).isEqualTo(tree("rhel5/images/xen/initrd.img"));
        assertThat(boot.args()).isEqualTo("method=" + nginx.url("rhel5") + "/");
        assertFinished(boot);
    }

    @Test
    void rhlikeOnACentos4TreeFallsBackToIsolinux() {
        Boot boot = boot(vm("centos4-isolinux", "rhlike", "i386"), work);

        assertThat(boot.run().status()).as(boot.run().stderr()).isZero();
        assertThat(boot.kernelBytes()).isEqualTo(tree("centos4-isolinux/isolinux/vmlinuz"));
        assertThat(boot.ramdiskBytes()).isEqualTo(tree("centos4-isolinux/isolinux/initrd.img"));
        assertThat(boot.args()).isEqualTo("method=" + nginx.url("centos4-isolinux") + "/");
        assertFinished(boot);
    }

    @Test
    void centos5WithVncAndAPasswordAnacondaAccepts() {
        Boot boot = boot(vm("centos5", "auto", "x86_64").other("install-vnc", "true")
                .other("install-vncpasswd", "secret12").other("install-args", "ks=http://ks/centos5.cfg"), work);

        assertThat(boot.run().status()).as(boot.run().stderr()).isZero();
        assertThat(boot.kernelBytes()).isEqualTo(tree("centos5/images/xen/vmlinuz"));
        assertThat(boot.ramdiskBytes()).isEqualTo(tree("centos5/images/xen/initrd.img"));
        assertThat(boot.args()).isEqualTo("method=" + nginx.url("centos5") + "/ vnc vncpassword=secret12"
                + " ks=http://ks/centos5.cfg");
        assertFinished(boot);
    }

    @Test
    void oldAnacondaRefusesAPasswordItWouldStopToAskAbout() {
        Boot boot = boot(vm("centos5", "centos-5", "x86_64").other("install-vnc", "1")
                .other("install-vncpasswd", "secret123"), work);

        assertThat(boot.run().status()).isEqualTo(1);
        assertThat(boot.run().stderr()).isEqualTo("RuntimeError: INVALID_SOURCE\n"
                + "other-config:install-vncpasswd does not suit the centos-5 installer, which wants 6 to 8 characters"
                + " without spaces and would otherwise stop to ask for one.\n");
        assertThat(boot.filesLeft()).isEmpty();
        assertThat(boot.otherConfig()).containsEntry("install-vncpasswd", "secret123").doesNotContainKey("install-round");
    }

    @Test
    void oracle5BootsRoundOneAndPlansTheUekAvoidingRoundTwo() {
        Boot boot = boot(vm("oracle5", "rhlike", "x86_64"), work);

        assertThat(boot.run().status()).as(boot.run().stderr()).isZero();
        assertThat(boot.kernelBytes()).isEqualTo(tree("oracle5/images/xen/vmlinuz"));
        assertThat(boot.ramdiskBytes()).isEqualTo(tree("oracle5/images/xen/initrd.img"));
        assertThat(boot.args()).isEqualTo("method=" + nginx.url("oracle5") + "/");
        assertNextRound(boot, "rhlike");
    }

    @Test
    void rhel41BootsTheBundledInstallerFromTheGuestInstallerDirectory() {
        Path bundled = ProjectPaths.fixtures().resolve("guest-installer");
        Boot boot = boot(vm("rhel41", "rhel-4.1", "i386"), work, "--guest-installer-dir=" + bundled);

        assertThat(boot.run().status()).as(boot.run().stderr()).isZero();
        assertThat(boot.kernelBytes()).isEqualTo(BootHarness.read(bundled.resolve("rhel41/i386/vmlinuz")));
        assertThat(boot.ramdiskBytes()).isEqualTo(BootHarness.read(bundled.resolve("rhel41/i386/initrd.img")));
        assertThat(boot.args()).isEqualTo("method=" + nginx.url("rhel41") + "/");
        assertNextRound(boot, "rhel-4.1");
    }

    @Test
    void rhel44TakesTheGuestInstallerDirectoryFromTheEnvironment() {
        Path bundled = ProjectPaths.fixtures().resolve("guest-installer");
        Boot boot = boot(vm("rhel41", "rhel-4.4", "x86_64"), work,
                Map.of("ELILOADER_GUEST_INSTALLER_DIR", bundled.toString()));

        assertThat(boot.run().status()).as(boot.run().stderr()).isZero();
        assertThat(boot.kernelBytes()).isEqualTo(BootHarness.read(bundled.resolve("rhel44/x86_64/vmlinuz")));
        assertThat(boot.ramdiskBytes()).isEqualTo(BootHarness.read(bundled.resolve("rhel44/x86_64/initrd.img")));
        assertNextRound(boot, "rhel-4.4");
    }

    @Test
    void aMissingBundledInstallerIsASupportPackageError() {
        Path empty = work.resolve("no-guest-installer");
        Boot boot = boot(vm("rhel41", "rhel-4.1", "i386"), work, "--guest-installer-dir=" + empty);

        assertThat(boot.run().status()).isEqualTo(1);
        assertThat(boot.run().stderr()).isEqualTo("RuntimeError: SUPPORT_PACKAGE_MISSING\n"
                + "The rhel-4.1 installer file " + empty.resolve("rhel41/i386/vmlinuz") + " is missing; install the"
                + " guest-installer support package or set guest-installer-dir.\n");
        assertThat(boot.filesLeft()).isEmpty();
        assertThat(boot.otherConfig()).doesNotContainKey("install-round");
    }

    @Test
    void rhel6ReadsTreeinfoWithoutADotAndVerifiesItsChecksums() {
        Boot boot = boot(vm("rhel6", "rhlike", "x86_64"), work);

        assertThat(boot.run().status()).as(boot.run().stderr()).isZero();
        assertThat(boot.kernelBytes()).isEqualTo(tree("rhel6/images/pxeboot/vmlinuz"));
        assertThat(boot.ramdiskBytes()).isEqualTo(tree("rhel6/images/pxeboot/initrd.img"));
        assertThat(boot.args()).isEqualTo("method=" + nginx.url("rhel6") + "/");
        assertFinished(boot);
    }

    @Test
    void rhel7UsesInstArguments() {
        Boot boot = boot(vm("rhel7", "rhlike", "x86_64").other("install-vnc", "true")
                .other("install-vncpasswd", "abcdef"), work);

        assertThat(boot.run().status()).as(boot.run().stderr()).isZero();
        assertThat(boot.kernelBytes()).isEqualTo(tree("rhel7/images/pxeboot/vmlinuz"));
        assertThat(boot.ramdiskBytes()).isEqualTo(tree("rhel7/images/pxeboot/initrd.img"));
        assertThat(boot.args()).isEqualTo("inst.repo=" + nginx.url("rhel7") + " inst.vnc inst.vncpassword=abcdef");
        assertFinished(boot);
    }

    @Test
    void rocky9WithoutAnImagesXenSectionFallsBackToPxeboot() {
        Boot boot = boot(vm("rocky9", "auto", "x86_64"), work);

        assertThat(boot.run().status()).as(boot.run().stderr()).isZero();
        assertThat(boot.kernelBytes()).isEqualTo(tree("rocky9/images/pxeboot/vmlinuz"));
        assertThat(boot.ramdiskBytes()).isEqualTo(tree("rocky9/images/pxeboot/initrd.img"));
        assertThat(boot.args()).isEqualTo("inst.repo=" + nginx.url("rocky9"));
        assertFinished(boot);
    }

    @Test
    void fedoraIsDetected() {
        Boot boot = boot(vm("fedora", "auto", "x86_64").other("install-args", "inst.text"), work);

        assertThat(boot.run().status()).as(boot.run().stderr()).isZero();
        assertThat(boot.kernelBytes()).isEqualTo(tree("fedora/images/pxeboot/vmlinuz"));
        assertThat(boot.args()).isEqualTo("inst.repo=" + nginx.url("fedora") + " inst.text");
        assertFinished(boot);
    }

    @Test
    void aTreeinfoChecksumMismatchIsRefusedNamingTheFile() {
        Boot boot = boot(vm("rhel7-badsum", "rhlike", "x86_64"), work);

        assertThat(boot.run().status()).isEqualTo(1);
        assertThat(boot.run().stderr()).startsWith("RuntimeError: INVALID_SOURCE\nThe initrd "
                + nginx.url("rhel7-badsum/images/pxeboot/initrd.img") + " does not match the sha256 checksum published"
                + " in .treeinfo [checksums] (expected ");
        assertThat(boot.filesLeft()).isEmpty();
        assertThat(boot.record()).containsEntry("PV_bootloader", "eliloader");
    }

    // ---- SUSE --------------------------------------------------------------------------------

    @Test
    void sles10Sp1RoundOneBootsTheXenInstallerAndPlansTheDomuloaderRound() {
        Boot boot = boot(vm("sles10sp1", "sleslike", "x86_64").other("install-vnc", "true")
                .other("install-vncpasswd", "longenough"), work);

        assertThat(boot.run().status()).as(boot.run().stderr()).isZero();
        assertThat(boot.kernelBytes()).isEqualTo(tree("sles10sp1/boot/x86_64/vmlinuz-xen"));
        assertThat(boot.ramdiskBytes()).isEqualTo(tree("sles10sp1/boot/x86_64/initrd-xen"));
        assertThat(boot.args()).isEqualTo("install=" + nginx.url("sles10sp1") + "/ vnc=1 vncpassword=longenough");
        assertNextRound(boot, "sleslike");
    }

    @Test
    void sles10Sp1On32BitTakesThePaeKernel() {
        Boot boot = boot(vm("sles10sp1", "sles-10", "i386"), work);

        assertThat(boot.run().status()).as(boot.run().stderr()).isZero();
        assertThat(boot.kernelBytes()).isEqualTo(tree("sles10sp1/boot/i386/vmlinuz-xenpae"));
        assertThat(boot.ramdiskBytes()).isEqualTo(tree("sles10sp1/boot/i386/initrd-xenpae"));
        assertNextRound(boot, "sles-10");
    }

    @Test
    void linuxrcRefusesAPasswordShorterThanEight() {
        Boot boot = boot(vm("sles10sp1", "sleslike", "x86_64").other("install-vnc", "true")
                .other("install-vncpasswd", "seven77"), work);

        assertThat(boot.run().status()).isEqualTo(1);
        assertThat(boot.run().stderr()).isEqualTo("RuntimeError: INVALID_SOURCE\n"
                + "other-config:install-vncpasswd does not suit the sles-10 installer, which wants at least 8 characters"
                + " without spaces and would otherwise stop to ask for one.\n");
        assertThat(boot.filesLeft()).isEmpty();
    }

    @Test
    void sles11BootsVmlinuzXenVerifiedAgainstContent() {
        Boot boot = boot(vm("sles11", "sleslike", "x86_64"), work);

        assertThat(boot.run().status()).as(boot.run().stderr()).isZero();
        assertThat(boot.kernelBytes()).isEqualTo(tree("sles11/boot/x86_64/vmlinuz-xen"));
        assertThat(boot.ramdiskBytes()).isEqualTo(tree("sles11/boot/x86_64/initrd-xen"));
        assertThat(boot.args()).isEqualTo("install=" + nginx.url("sles11") + "/");
        assertFinished(boot);
    }

    @Test
    void sles12FallsBackToTheLoaderKernel() {
        Boot boot = boot(vm("sles12", "auto", "x86_64"), work);

        assertThat(boot.run().status()).as(boot.run().stderr()).isZero();
        assertThat(boot.kernelBytes()).isEqualTo(tree("sles12/boot/x86_64/loader/linux"));
        assertThat(boot.ramdiskBytes()).isEqualTo(tree("sles12/boot/x86_64/loader/initrd"));
        assertThat(boot.args()).isEqualTo("install=" + nginx.url("sles12") + "/");
        assertFinished(boot);
    }

    @Test
    void aSuseContentChecksumMismatchIsRefusedNamingTheFile() {
        Boot boot = boot(vm("sles12-badsum", "sles-12", "x86_64"), work);

        assertThat(boot.run().status()).isEqualTo(1);
        assertThat(boot.run().stderr()).startsWith("RuntimeError: INVALID_SOURCE\nThe kernel "
                + nginx.url("sles12-badsum/boot/x86_64/loader/linux") + " does not match the sha256 checksum published"
                + " in content (expected ");
        assertThat(boot.filesLeft()).isEmpty();
    }

    @Test
    void sles15IsKnownByItsProductsFile() {
        Boot boot = boot(vm("sles15", "sleslike", "x86_64"), work);

        assertThat(boot.run().status()).as(boot.run().stderr()).isZero();
        assertThat(boot.kernelBytes()).isEqualTo(tree("sles15/boot/x86_64/loader/linux"));
        assertThat(boot.args()).isEqualTo("install=" + nginx.url("sles15") + "/");
        assertFinished(boot);
    }

    // ---- Debian / Ubuntu ---------------------------------------------------------------------

    @Test
    void debianNetworkInstallTellsTheInstallerItsMirror() {
        Boot boot = boot(vm("debian", "debianlike", "x86_64").other("debian-release", "bookworm")
                .other("install-args", "auto=true priority=critical"), work);

        String images = "debian/dists/bookworm/main/installer-amd64/current/images/";
        assertThat(boot.run().status()).as(boot.run().stderr()).isZero();
        assertThat(boot.kernelBytes()).isEqualTo(tree(images + "netboot/xen/vmlinuz"));
        assertThat(boot.ramdiskBytes()).isEqualTo(tree(images + "netboot/xen/initrd.gz"));
        assertThat(boot.args()).isEqualTo("mirror/country=manual mirror/protocol=http mirror/http/hostname=127.0.0.1:"
                + nginx.port() + " mirror/http/directory=/debian mirror/suite=bookworm auto=true priority=critical");
        assertFinished(boot);
    }

    @Test
    void debian32BitImagesAreVerifiedAgainstMd5sums() {
        Boot boot = boot(vm("debian/", "debian", "i386").other("debian-release", "bookworm"), work);

        String images = "debian/dists/bookworm/main/installer-i386/current/images/";
        assertThat(boot.run().status()).as(boot.run().stderr()).isZero();
        assertThat(boot.kernelBytes()).isEqualTo(tree(images + "netboot/xen/vmlinuz"));
        assertThat(boot.ramdiskBytes()).isEqualTo(tree(images + "netboot/xen/initrd.gz"));
        assertFinished(boot);
    }

    @Test
    void aRepositoryUrlIntoDistsIsUsedAsItIs() {
        Boot boot = boot(vm("debian/dists/bookworm/", "debianlike", "amd64").other("debian-release", "bookworm"), work);

        assertThat(boot.run().status()).as(boot.run().stderr()).isZero();
        assertThat(boot.kernelBytes())
                .isEqualTo(tree("debian/dists/bookworm/main/installer-amd64/current/images/netboot/xen/vmlinuz"));
        assertThat(boot.args()).isEmpty();
    }

    @ParameterizedTest(name = "Debian {0}")
    @ValueSource(strings = {"stretch", "buster", "bullseye", "bookworm", "trixie"})
    void debian9To13BootTheirNetbootXenInstaller(String release) {
        Boot boot = boot(vm("debian", "debianlike", "amd64").other("debian-release", release), work);

        String images = "debian/dists/" + release + "/main/installer-amd64/current/images/";
        assertThat(boot.run().status()).as(boot.run().stderr()).isZero();
        assertThat(boot.kernelBytes()).isEqualTo(tree(images + "netboot/xen/vmlinuz"));
        assertThat(boot.ramdiskBytes()).isEqualTo(tree(images + "netboot/xen/initrd.gz"));
        assertThat(boot.args()).endsWith(" mirror/suite=" + release);
        assertFinished(boot);
    }

    @Test
    void ubuntuJammyOnAMirrorIsRefusedSayingWhatToDoNotA404() {
        Boot boot = boot(vm("ubuntu", "debianlike", "amd64").other("debian-release", "jammy"), work);

        assertThat(boot.run().errorCode()).as(boot.run().stderr()).isEqualTo("UNSUPPORTED_INSTALL_METHOD");
        assertThat(boot.run().stderr()).contains("Ubuntu 22.04 and later ship no Xen PV installer")
                .contains("HVM guest").doesNotContain("404");
        assertThat(boot.filesLeft()).isEmpty();
    }

    @Test
    void debianWithoutAReleaseIsRefused() {
        Boot boot = boot(vm("debian", "debianlike", "amd64"), work);

        assertThat(boot.run().status()).isEqualTo(1);
        assertThat(boot.run().stderr()).isEqualTo("RuntimeError: UNSUPPORTED_INSTALL_METHOD\n"
                + "other-config:debian-release is not set, and the debian installer requires it.\n");
    }

    @Test
    void aDebianReleaseTheMirrorDoesNotHaveIsRefusedBeforeAnyDownload() {
        Boot boot = boot(vm("debian", "debianlike", "amd64").other("debian-release", "sid"), work);

        assertThat(boot.run().errorCode()).as(boot.run().stderr()).isEqualTo("UNSUPPORTED_INSTALL_METHOD");
        assertThat(boot.run().stderr()).contains("has no installer images for suite sid (no dists/sid/main/installer-amd64/current/images/MANIFEST)")
                .contains("other-config:debian-release");
        assertThat(nginx.accessLog()).content().doesNotContain("/debian/dists/sid/main/installer-amd64/current/images/netboot/");
    }

    @Test
    void linuxrcWithVncButNoPasswordIsRefusedSinceItWouldStopToAsk() {
        // linuxrc's net.c asks on the console when VNC is on without a password of 8 or more
        Boot boot = boot(vm("sles11", "sleslike", "x86_64").other("install-vnc", "true"), work);

        assertThat(boot.run().errorCode()).as(boot.run().stderr()).isEqualTo("INVALID_SOURCE");
        assertThat(boot.run().stderr()).contains("install-vncpasswd is not set").contains("sles-11");
        assertThat(boot.filesLeft()).isEmpty();
    }

    @Test
    void aSha256sumsMismatchIsRefusedNamingTheFile() {
        Boot boot = boot(vm("debian-badsum", "debian", "amd64").other("debian-release", "bookworm"), work);

        assertThat(boot.run().status()).isEqualTo(1);
        assertThat(boot.run().stderr()).startsWith("RuntimeError: INVALID_SOURCE\nThe kernel "
                + nginx.url("debian-badsum/dists/bookworm/main/installer-amd64/current/images/netboot/xen/vmlinuz")
                + " does not match the sha256 checksum published in"
                + " dists/bookworm/main/installer-amd64/current/images/SHA256SUMS (expected ");
        assertThat(boot.filesLeft()).isEmpty();
    }

    @Test
    void ubuntuFocalTakesTheLegacyImages() {
        Boot boot = boot(vm("ubuntu", "debianlike", "x86_64").other("debian-release", "focal-updates"), work);

        String images = "ubuntu/dists/focal-updates/main/installer-amd64/current/legacy-images/";
        assertThat(boot.run().status()).as(boot.run().stderr()).isZero();
        assertThat(boot.kernelBytes()).isEqualTo(tree(images + "netboot/xen/vmlinuz"));
        assertThat(boot.ramdiskBytes()).isEqualTo(tree(images + "netboot/xen/initrd.gz"));
        assertThat(boot.args()).isEqualTo("mirror/country=manual mirror/protocol=http mirror/http/hostname=127.0.0.1:"
                + nginx.port() + " mirror/http/directory=/ubuntu mirror/suite=focal"); // a suite, not its -updates pocket
        assertFinished(boot);
    }

    @Test
    void ubuntuBionicTakesTheCurrentImages() {
        Boot boot = boot(vm("ubuntu", "debianlike", "x86_64").other("debian-release", "bionic"), work);

        assertThat(boot.run().status()).as(boot.run().stderr()).isZero();
        assertThat(boot.kernelBytes())
                .isEqualTo(tree("ubuntu/dists/bionic/main/installer-amd64/current/images/netboot/xen/vmlinuz"));
        assertFinished(boot);
    }

    // ---- pygrub-like -------------------------------------------------------------------------

    @Test
    void pygrubLikeFetchesTheFilesTheTemplateNames() {
        Boot boot = boot(vm("custom", "pygrub", "x86_64").other("install-kernel", "/boot/xen/vmlinuz-custom")
                .other("install-ramdisk", "boot/xen/initrd-custom.gz").other("install-args", "console=hvc0"), work);

        assertThat(boot.run().status()).as(boot.run().stderr()).isZero();
        assertThat(boot.kernelBytes()).isEqualTo(tree("custom/boot/xen/vmlinuz-custom"));
        assertThat(boot.ramdiskBytes()).isEqualTo(tree("custom/boot/xen/initrd-custom.gz"));
        assertThat(boot.args()).isEqualTo("console=hvc0");
        assertFinished(boot);
    }

    @Test
    void pygrubLikeNetworkInstallsGetVncAsTheOriginalGaveIt() {
        Boot boot = boot(vm("custom", "pygrub", "x86_64").other("install-kernel", "boot/xen/vmlinuz-custom")
                .other("install-ramdisk", "boot/xen/initrd-custom.gz").other("install-vnc", "true")
                .other("install-vncpasswd", "s3cret12").other("install-args", "ks=http://ks/ks.cfg"), work);

        assertThat(boot.run().status()).as(boot.run().stderr()).isZero();
        assertThat(boot.args()).isEqualTo("vnc vncpassword=s3cret12 ks=http://ks/ks.cfg");
    }

    @Test
    void pygrubLikeWithoutARamdisk() {
        Boot boot = boot(vm("custom", "pygrub", "x86_64").other("install-kernel", "boot/xen/vmlinuz-custom"), work);

        assertThat(boot.run().status()).as(boot.run().stderr()).isZero();
        assertThat(boot.kernelBytes()).isEqualTo(tree("custom/boot/xen/vmlinuz-custom"));
        assertThat(boot.ramdisk()).isNull();
        assertThat(boot.run().stdout()).isEqualTo("kernel " + boot.kernel() + "\nargs \n");
    }

    @Test
    void pygrubLikeNeedsInstallKernel() {
        Boot boot = boot(vm("custom", "pygrub", "x86_64"), work);

        assertThat(boot.run().stderr()).isEqualTo("RuntimeError: UNSUPPORTED_INSTALL_METHOD\n"
                + "other-config:install-kernel is not set, and the pygrub installer requires it.\n");
    }
}
