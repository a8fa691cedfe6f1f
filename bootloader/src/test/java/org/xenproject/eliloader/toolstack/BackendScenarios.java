package org.xenproject.eliloader.toolstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.config.Settings;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.testpeers.TreesOverHttp;
import org.xenproject.eliloader.testsupport.BootHarness;
import org.xenproject.eliloader.testsupport.ProjectPaths;
import org.xenproject.eliloader.testsupport.RealPeers;
import org.xenproject.eliloader.testsupport.Run;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/**
 * One scenario suite, run against every VM record backend (a subclass per backend): round 1
 * of real trees served by nginx, the round bookkeeping, the post-install limits, the errors,
 * and every record operation through the {@link Toolstack} interface.
 */
abstract class BackendScenarios {
    static final String VM = VmStoreFixture.VM;

    /** A VM record backend holding one fixture, as a run sees it. */
    interface Backend extends AutoCloseable {
        /** The environment that points eliloader at this backend. */
        Map<String, String> environment();

        /** The VM as stored now, with the local store's field names. */
        Map<String, Object> vm();

        @Override
        void close();
    }

    /** Puts the fixture into a fresh backend under {@code dir}. */
    protected abstract Backend open(Path dir, VmStoreFixture fixture);

    /** Started by the first scenario that needs a tree (those carry {@link RealPeers}). */
    @RegisterExtension
    static final TreesOverHttp nginx = new TreesOverHttp();

    @TempDir
    Path dir;
    Backend backend;

    @AfterEach
    void closeBackend() {
        if (backend != null) {
            backend.close();
        }
    }

    Backend given(VmStoreFixture fixture) {
        backend = open(dir.resolve("backend"), fixture);
        return backend;
    }

    Path out() {
        return dir.resolve("out");
    }

    Run boot(String... extra) {
        return bootVm(VM, extra);
    }

    Run bootVm(String vmUuid, String... extra) {
        return BootHarness.onToolstack(backend.environment()).vm(vmUuid).outputDirectory(out())
                .disk(dir.resolve("disk.img")).args(extra).boot().run();
    }

    Map<String, String> handedOver(Run run) {
        return run.answer();
    }

    List<Path> filesIn(Path directory) {
        return BootHarness.filesIn(directory);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> otherConfig() {
        return (Map<String, Object>) backend.vm().get("other_config");
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> platform() {
        return (Map<String, Object>) backend.vm().get("platform");
    }

    static VmStoreFixture rhel5() {
        return VmStoreFixture.vm().other("install-repository", nginx.url("rhel5"));
    }

    static Path tree(String relative) {
        return ProjectPaths.trees().resolve(relative);
    }

    /** A profile directory with a two-round variant of RHEL 5 (both rounds fetch the installer). */
    Path twoRoundProfiles() throws IOException {
        Path profiles = Files.createDirectories(dir.resolve("profiles"));
        Files.writeString(profiles.resolve("two-round.yaml"),
                "extends: rhel-5\ndescription: two rounds for tests\nrounds:\n  - [fetch-boot-files]\n"
                        + "  - [fetch-boot-files]\n");
        return profiles;
    }

    // ---------------------------------------------------------------- round 1 of real trees

    @RealPeers
    @Test
    void rhel5RoundOneBootsTheTreesXenInstallerAndSwitchesToPygrub() throws IOException {
        given(rhel5().other("install-round", "1").other("install-distro", "rhlike"));
        Run run = boot();
        assertThat(run.status()).as(run.stderr()).isZero();
        Map<String, String> items = handedOver(run);
        Path kernel = Path.of(items.get("kernel"));
        Path ramdisk = Path.of(items.get("ramdisk"));
        assertThat(kernel).startsWith(out()).hasSameBinaryContentAs(tree("rhel5/images/xen/vmlinuz"));
        assertThat(ramdisk).startsWith(out()).hasSameBinaryContentAs(tree("rhel5/images/xen/initrd.img"));
        assertThat(items.get("args")).contains("method=" + nginx.url("rhel5") + "/");
        assertThat(filesIn(out())).containsExactlyInAnyOrder(kernel, ramdisk);

        Map<String, Object> vm = backend.vm();
        assertThat(vm).containsEntry("PV_bootloader", "pygrub");
        assertThat(otherConfig()).containsEntry("install-repository", nginx.url("rhel5"))
                .doesNotContainKeys("install-round", "install-distro");
    }

    @RealPeers
    @Test
    void debianRoundOneBootsTheNetbootXenInstaller() {
        given(VmStoreFixture.vm().other("install-repository", nginx.url("debian"))
                .other("install-distro", "debianlike").other("debian-release", "bookworm")
                .other("install-arch", "amd64"));
        Run run = boot();
        assertThat(run.status()).as(run.stderr()).isZero();
        String images = "debian/dists/bookworm/main/installer-amd64/current/images/netboot/xen/";
        assertThat(Path.of(handedOver(run).get("kernel"))).hasSameBinaryContentAs(tree(images + "vmlinuz"));
        assertThat(Path.of(handedOver(run).get("ramdisk"))).hasSameBinaryContentAs(tree(images + "initrd.gz"));
        assertThat(backend.vm()).containsEntry("PV_bootloader", "pygrub");
        assertThat(otherConfig()).containsEntry("debian-release", "bookworm")
                .doesNotContainKeys("install-round", "install-distro");
    }

    @RealPeers
    @Test
    void theRecordsPvArgsReachTheKernelOnce() {
        given(rhel5().field("PV_args", "console=hvc0 ks=http://x/ks.cfg"));
        Run run = boot();
        assertThat(run.status()).as(run.stderr()).isZero();
        // xenopsd appends PV-args to the answer's args itself (bootloader.ml), so they are not in it
        String args = handedOver(run).get("args");
        assertThat(args).doesNotContain("console=hvc0", "ks=http://x/ks.cfg").contains("method=");
        // a caller that takes the answer as the whole command line gets them from the record
        Run sxp = boot("--output-format=sxp");
        assertThat(sxp.status()).as(sxp.stderr()).isZero();
        assertThat(sxp.stdout()).contains("(args \"console=hvc0 ks=http://x/ks.cfg method=");
    }

    // ---------------------------------------------------------------- bookkeeping

    @RealPeers
    @Test
    void aRoundThatIsNotTheLastAdvancesInstallRoundAndKeepsTheBootloader() throws IOException {
        Path profiles = twoRoundProfiles();
        given(rhel5().other("install-distro", "two-round").other("install-round", "1")
                .platform("pv-postinstall-kernel-max-size", "67108864"));
        Run first = boot("--profiles-dir=" + profiles);
        assertThat(first.status()).as(first.stderr()).isZero();
        assertThat(backend.vm()).containsEntry("PV_bootloader", "eliloader");
        assertThat(otherConfig()).containsEntry("install-round", "2").containsEntry("install-distro", "two-round");
        assertThat(platform()).containsEntry("pv-postinstall-kernel-max-size", "67108864")
                .doesNotContainKey("pv-kernel-max-size");

        Run second = boot("--profiles-dir=" + profiles);
        assertThat(second.status()).as(second.stderr()).isZero();
        assertThat(backend.vm()).containsEntry("PV_bootloader", "pygrub");
        assertThat(otherConfig()).doesNotContainKeys("install-round", "install-distro");
        assertThat(platform()).containsEntry("pv-kernel-max-size", "67108864")
                .doesNotContainKey("pv-postinstall-kernel-max-size");
    }

    @RealPeers
    @Test
    void theLastRoundMovesThePostInstallLimitsIntoPlace() {
        given(rhel5().platform("pv-kernel-max-size", "33554432")
                .platform("pv-ramdisk-max-size", "134217728")
                .platform("pv-postinstall-kernel-max-size", "8388608")
                .platform("pv-postinstall-ramdisk-max-size", "67108864")
                .platform("viridian", "false"));
        Run run = boot();
        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(platform()).isEqualTo(Map.of("pv-kernel-max-size", "8388608",
                "pv-ramdisk-max-size", "67108864", "viridian", "false"));
    }

    @RealPeers
    @Test
    void keepInstallingLeavesTheRecordAsItWas() {
        given(rhel5().other("install-round", "1").platform("pv-postinstall-kernel-max-size", "1"));
        Map<String, Object> before = backend.vm();
        Run run = boot("--keep-installing");
        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(backend.vm()).isEqualTo(before);
    }

    // ---------------------------------------------------------------- errors

    @RealPeers
    @Test
    void anUnknownVmIsAnInvalidSourceNamingIt() throws IOException {
        given(rhel5());
        String other = "00000000-1111-2222-3333-444444444444";
        Run run = bootVm(other);
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.errorCode()).isEqualTo("INVALID_SOURCE");
        assertThat(run.stderr()).contains(other);
        assertThat(filesIn(out())).isEmpty();
    }

    @Test
    void aVmWithoutARepositoryIsRefusedAndUntouched() {
        given(VmStoreFixture.vm().other("install-distro", "rhlike"));
        Map<String, Object> before = backend.vm();
        Run run = boot();
        assertThat(run.errorCode()).isEqualTo("UNSUPPORTED_INSTALL_METHOD");
        assertThat(run.stderr()).contains("install-repository");
        assertThat(backend.vm()).isEqualTo(before);
    }

    @RealPeers
    @Test
    void aTreeWithoutTheInstallerFailsLeavingNoFilesAndTheRecordUntouched() throws IOException {
        given(VmStoreFixture.vm().other("install-repository", nginx.url("no-such-tree")).other("install-round", "1"));
        Map<String, Object> before = backend.vm();
        Run run = boot();
        assertThat(run.errorCode()).isEqualTo("INVALID_SOURCE");
        assertThat(filesIn(out())).isEmpty();
        assertThat(backend.vm()).isEqualTo(before);
    }

    @RealPeers
    @Test
    void aRoundBeyondTheProfilesPlanIsRefused() throws IOException {
        given(rhel5().other("install-round", "3"));
        Map<String, Object> before = backend.vm();
        Run run = boot();
        assertThat(run.errorCode()).isEqualTo("INVALID_SOURCE");
        assertThat(run.stderr()).contains("install-round is 3");
        assertThat(filesIn(out())).isEmpty();
        assertThat(backend.vm()).isEqualTo(before);
    }

    // ---------------------------------------------------------------- the Toolstack interface itself

    Toolstack toolstack() {
        Map<String, String> env = new HashMap<>(backend.environment());
        return ToolstackFactory.open(Settings.resolve(Map.of(), env, dir.resolve("no-such.conf")));
    }

    static VmStoreFixture recordFixture() {
        return VmStoreFixture.vm()
                .other("install-repository", "http://mirror/x").other("install-round", "1").other("keep", "me")
                .platform("pv-kernel-max-size", "1").platform("viridian", "false")
                .field("name_label", "record test").field("PV_args", "quiet").field("PV_bootloader_args", "--a")
                .vbdField("0", "VDI", "vdi-0").vbdField("0", "other_config", Map.of("owner", "true"))
                .disk("1", false).vbdField("1", "VDI", "vdi-1").vbdField("1", "currently_attached", true)
                .disk("3", false).vbdField("3", "type", "CD").vbdField("3", "mode", "RO").vbdField("3", "VDI", "vdi-3")
                .secret("secret-1", "pa55word");
    }

    @Test
    void readVmReturnsTheFieldsTheRoundsUse() {
        given(recordFixture());
        try (Toolstack toolstack = toolstack()) {
            VmRecord vm = toolstack.readVm(VM);
            assertThat(vm.uuid()).isEqualTo(VM);
            assertThat(vm.nameLabel()).isEqualTo("record test");
            assertThat(vm.pvBootloader()).isEqualTo("eliloader");
            assertThat(vm.pvBootloaderArgs()).isEqualTo("--a");
            assertThat(vm.pvArgs()).isEqualTo("quiet");
            assertThat(vm.otherConfig()).isEqualTo(Map.of("install-repository", "http://mirror/x",
                    "install-round", "1", "keep", "me"));
            assertThat(vm.platform()).isEqualTo(Map.of("pv-kernel-max-size", "1", "viridian", "false"));
            assertThat(vm.vbds()).extracting(Vbd::uuid, Vbd::userdevice, Vbd::bootable, Vbd::type, Vbd::mode,
                    Vbd::currentlyAttached, Vbd::vdi).containsExactly(
                            org.assertj.core.groups.Tuple.tuple("vbd-0", "0", true, "Disk", "RW", false, "vdi-0"),
                            org.assertj.core.groups.Tuple.tuple("vbd-1", "1", false, "Disk", "RW", true, "vdi-1"),
                            org.assertj.core.groups.Tuple.tuple("vbd-3", "3", false, "CD", "RO", false, "vdi-3"));
            assertThat(vm.vbds().get(0).otherConfig()).isEqualTo(Map.of("owner", "true"));
            assertThat(vm.vbds().get(2).isCd()).isTrue();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyRecordEditLandsInOrder() {
        given(recordFixture());
        try (Toolstack toolstack = toolstack()) {
            toolstack.readVm(VM);
            toolstack.apply(VM, List.of(
                    new RecordEdit.PutOtherConfig("install-round", "2"),      // replaces an existing key
                    new RecordEdit.PutOtherConfig("new-key", "v"),
                    new RecordEdit.RemoveOtherConfig("keep"),
                    new RecordEdit.RemoveOtherConfig("never-there"),
                    new RecordEdit.PutPlatform("pv-kernel-max-size", "2"),
                    new RecordEdit.PutPlatform("pv-ramdisk-max-size", "3"),
                    new RecordEdit.RemovePlatform("viridian"),
                    new RecordEdit.RemovePlatform("never-there"),
                    new RecordEdit.SetPvBootloader("pygrub"),
                    new RecordEdit.SetPvBootloaderArgs("--kernel /vmlinuz-xen --ramdisk /initrd-xen"),
                    new RecordEdit.SetVbdBootable("vbd-0", false),
                    new RecordEdit.SetVbdBootable("vbd-3", true),
                    new RecordEdit.DestroyVbd("vbd-1")));                   // attached: unplugged first
        }
        Map<String, Object> vm = backend.vm();
        assertThat(otherConfig()).isEqualTo(Map.of("install-repository", "http://mirror/x", "install-round", "2",
                "new-key", "v"));
        assertThat(platform()).isEqualTo(Map.of("pv-kernel-max-size", "2", "pv-ramdisk-max-size", "3"));
        assertThat(vm).containsEntry("PV_bootloader", "pygrub")
                .containsEntry("PV_bootloader_args", "--kernel /vmlinuz-xen --ramdisk /initrd-xen");
        List<Map<String, Object>> vbds = (List<Map<String, Object>>) vm.get("VBDs");
        assertThat(vbds).extracting(v -> v.get("uuid")).containsExactly("vbd-0", "vbd-3");
        assertThat(vbds).extracting(v -> v.get("bootable")).containsExactly(false, true);
    }

    @Test
    void secretsAreReadByUuid() {
        given(recordFixture());
        try (Toolstack toolstack = toolstack()) {
            assertThat(toolstack.secretValue("secret-1")).isEqualTo("pa55word");
            assertThatThrownBy(() -> toolstack.secretValue("secret-2"))
                    .isInstanceOfSatisfying(BootloaderException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE))
                    .hasMessageContaining("secret-2");
            assertThat(toolstack.describe()).doesNotContain("pa55word");
        }
    }

    @Test
    void readingAnUnknownVmIsAnInvalidSource() {
        given(recordFixture());
        try (Toolstack toolstack = toolstack()) {
            assertThatThrownBy(() -> toolstack.readVm("no-such-vm"))
                    .isInstanceOfSatisfying(BootloaderException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE))
                    .hasMessageContaining("no-such-vm");
        }
    }
}
