package org.xenproject.eliloader.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.xenproject.eliloader.testpeers.TreesOverHttp;
import org.xenproject.eliloader.testsupport.BootHarness;
import org.xenproject.eliloader.testsupport.ProjectPaths;
import org.xenproject.eliloader.testsupport.RealPeers;
import org.xenproject.eliloader.testsupport.Run;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/**
 * {@code eliloader probe}: the profile, the files (really fetched and verified), the kernel
 * arguments and the round plan for a tree, without any VM record.
 */
class ProbeTest {
    @RegisterExtension
    static final TreesOverHttp nginx = new TreesOverHttp();

    @TempDir
    Path dir;

    private Run probe(Map<String, String> env, String... args) {
        List<String> argv = new ArrayList<>(List.of("probe"));
        argv.addAll(List.of(args));
        Map<String, String> environment = new java.util.HashMap<>(env);
        environment.putIfAbsent("ELILOADER_PROFILES_DIR", dir.resolve("none").toString());
        return Run.of(environment, argv);
    }

    private Run probe(String... args) {
        return probe(Map.of(), args);
    }

    private static String described(String treePath) {
        byte[] bytes = BootHarness.tree(treePath);
        try {
            return "(" + bytes.length + " bytes, md5 " + HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes)) + ")";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @RealPeers
    @Test
    void aModernTreeIsDetectedFetchedVerifiedAndPlanned() {
        Run run = probe("--repository", nginx.url("rhel7"), "--arch", "x86_64");

        assertThat(run.stderr()).isEmpty();
        assertThat(run.stdout()).isEqualTo(String.join("\n",
                "repository: " + nginx.url("rhel7"),
                "profile: rhel-7 (Red Hat Enterprise Linux 7)",
                "chosen: detected from .treeinfo family=\"Red Hat Enterprise Linux\" version=\"7.9\"",
                "arch: x86_64 (installer: x86_64)",
                "layout: treeinfo [images-xen]",
                "metadata read: .treeinfo",
                "metadata absent: none", // a .treeinfo rule decided: lighter rules read nothing more
                "kernel: images/pxeboot/vmlinuz " + described("rhel7/images/pxeboot/vmlinuz")
                        + " verified: sha256 from .treeinfo [checksums]",
                "initrd: images/pxeboot/initrd.img " + described("rhel7/images/pxeboot/initrd.img")
                        + " verified: sha256 from .treeinfo [checksums]",
                "kernel args: inst.repo=" + nginx.url("rhel7"),
                "record edits: PV-bootloader=pygrub",
                "then, tidying: remove other-config:install-round, remove other-config:install-distro",
                "round 1: fetch-boot-files; then PV-bootloader=pygrub", ""));
        assertThat(run.status()).isZero();
    }

    @RealPeers
    @Test
    void aTwoRoundSuseInstallShowsBothRoundsAndTheContentHashes() {
        Run run = probe("--repository", nginx.url("sles10sp1"), "--distro", "sleslike", "--arch", "i386", "--vnc",
                "--vnc-password", "longenough");

        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(run.stdout()).contains(
                "chosen: sleslike, detected from content product=\"SUSE Linux Enterprise Server 10\" version=\"10-0\"\n",
                "layout: boot/i386/vmlinuz-xenpae\n",
                "kernel: boot/i386/vmlinuz-xenpae " + described("sles10sp1/boot/i386/vmlinuz-xenpae")
                        + " verified: sha1 from content\n",
                "kernel args: install=" + nginx.url("sles10sp1") + "/ vnc=1 vncpassword=***\n",
                "record edits: other-config:install-profile=sles-10, other-config:install-round=2\n",
                "round 1: fetch-boot-files; then install-round=2\n",
                "round 2: domuloader-probe, pygrub-handoff; then PV-bootloader=pygrub\n");
        assertThat(run.stdout()).doesNotContain("longenough", "tidying");
    }

    @RealPeers
    @Test
    void unverifiedFilesAreSaidToBe() {
        Run run = probe("--repository", nginx.url("centos4-isolinux"), "--distro", "rhlike");

        assertThat(run.stdout()).contains("profile: centos-4 (CentOS 4.5 - 4.9)\n", "layout: isolinux/vmlinuz\n",
                "kernel: isolinux/vmlinuz " + described("centos4-isolinux/isolinux/vmlinuz")
                        + " not verified: no published checksum\n");
    }

    @RealPeers
    @Test
    void debianCdLayoutsAreTriedInOrder() {
        Run amd = probe("--repository", nginx.url("debian-cd"), "--cdrom", "--distro", "debianlike", "--arch", "amd64");
        Run lenny = probe("--repository", nginx.url("debian-lenny-cd"), "--cdrom", "--distro", "debianlike");
        Run ubuntu = probe("--repository", nginx.url("ubuntu-cd"), "--cdrom", "--distro", "debianlike", "--arch", "x86_64");

        assertThat(amd.stdout()).contains("repository: " + nginx.url("debian-cd") + " (as the CD of a cdrom install)\n",
                "layout: install.amd/vmlinuz\n",
                "kernel: install.amd/vmlinuz " + described("debian-cd/install.amd/vmlinuz")
                        + " verified: sha256 from sha256sum.txt\n",
                "kernel args: \n", "round 1: fetch-boot-files, boot-from-first-disk; then PV-bootloader=pygrub\n");
        assertThat(lenny.stdout()).contains("layout: install.386/xen/vmlinuz\n",
                "initrd: install.386/xen/initrd.gz " + described("debian-lenny-cd/install.386/xen/initrd.gz")
                        + " verified: md5 from md5sum.txt\n");
        assertThat(ubuntu.stdout()).contains("profile: ubuntu-focal (Ubuntu 20.04 (focal, legacy-images))\n",
                "layout: install/vmlinuz\n", "kernel: install/vmlinuz " + described("ubuntu-cd/install/vmlinuz")
                        + " verified: md5 from md5sum.txt\n");
    }

    @RealPeers
    @Test
    void cdInstallsUseTheCdArgumentsAndBootFromTheFirstDiskNext() {
        Run rhel5 = probe("--repository", nginx.url("rhel5"), "--cdrom", "--distro", "rhlike");
        Run sles = probe("--repository", nginx.url("sles10sp1"), "--cdrom", "--distro", "sles-10", "--arch", "x86_64");
        Run rhel7 = probe("--repository", nginx.url("rhel7"), "--cdrom", "--arch", "x86_64");

        assertThat(rhel5.stdout()).contains("kernel args: \n",
                "record edits: VBD probe-disk bootable=true, VBD probe-cd bootable=false, PV-bootloader=pygrub\n",
                "round 1: fetch-boot-files, boot-from-first-disk; then PV-bootloader=pygrub\n");
        assertThat(sles.stdout()).contains("kernel args: install=hd\n",
                "round 1: fetch-boot-files, boot-from-first-disk; then install-round=2\n");
        assertThat(rhel7.stdout()).contains("kernel args: inst.repo=cdrom\n");
    }

    @RealPeers
    @Test
    void bundledInstallersAreShownFromTheGuestInstallerDirectory() {
        Path bundled = ProjectPaths.fixtures().resolve("guest-installer");
        Run run = probe("--repository", nginx.url("rhel41"), "--distro", "rhel-4.1", "--guest-installer-dir",
                bundled.toString());

        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(run.stdout()).contains("kernel: rhel41/i386/vmlinuz (", "kernel args: method=" + nginx.url("rhel41") + "/\n",
                "round 1: bundled-boot-files; then install-round=2\n",
                "round 2: remove-updates-disk, pygrub-handoff; then PV-bootloader=pygrub\n");
    }

    @RealPeers
    @Test
    void aVendorInitrdIsRecognisedByItsMd5() throws IOException {
        Path host = Files.createDirectories(dir.resolve("profiles.d"));
        String md5 = described("centos5/images/xen/initrd.img").replaceAll(".*md5 ([0-9a-f]+)\\)", "$1");
        Files.writeString(host.resolve("centos-5.yaml"), """
                extends: rhel-5
                description: CentOS 5.x (with the fixture's initrd)
                aliases: [rhlike]
                vendor-initrds:
                  - {md5: %s, name: "CentOS 5.11 x86_64 (fixture)"}
                detect:
                  - treeinfo: {family: "^CentOS", version: "^5"}
                """.formatted(md5));

        Run run = probe(Map.of("ELILOADER_PROFILES_DIR", host.toString()), "--repository", nginx.url("centos5"),
                "--arch", "x86_64");

        assertThat(run.stdout()).contains("initrd: images/xen/initrd.img " + described("centos5/images/xen/initrd.img")
                + " not verified: no published checksum; vendor initrd CentOS 5.11 x86_64 (fixture)\n");
    }

    @RealPeers
    @Test
    void probeTouchesNoVmRecord() throws IOException {
        Path store = VmStoreFixture.vm().other("install-repository", "http://elsewhere/").writeTo(dir.resolve("store.json"));
        byte[] before = Files.readAllBytes(store);

        Run run = probe(Map.of("ELILOADER_VM_STORE", store.toString()), "--repository", nginx.url("rhel5"));

        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(Files.readAllBytes(store)).isEqualTo(before);
        assertThat(dir.resolve("store.json.lock")).doesNotExist();
    }

    @RealPeers
    @Test
    void aChecksumMismatchFailsTheProbe() {
        Run run = probe("--repository", nginx.url("debian-badsum"), "--release", "bookworm", "--arch", "amd64");

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.stderr()).startsWith("RuntimeError: INVALID_SOURCE\nThe kernel "
                + nginx.url("debian-badsum/dists/bookworm/main/installer-amd64/current/images/netboot/xen/vmlinuz")
                + " does not match the sha256 checksum published in ");
    }

    @Test
    void probeWithoutARepositoryIsAUsageError() {
        Run run = probe("--distro", "rhlike");

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.stderr()).startsWith("usage: eliloader probe --repository URL")
                .endsWith("RuntimeError: USAGE\nprobe needs --repository URL.\n");
    }
}
