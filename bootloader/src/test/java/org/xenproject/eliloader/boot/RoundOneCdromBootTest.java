package org.xenproject.eliloader.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.testsupport.ProjectPaths;
import org.xenproject.eliloader.testsupport.Run;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/** A CD install: the boot disk is an ISO made by xorriso, read without mounting. */
class RoundOneCdromBootTest {
    @TempDir
    Path dir;

    @Test
    void rhel5FromTheCdBootsFromTheFirstDiskNextTime() throws Exception {
        Path iso = dir.resolve("rhel5.iso");
        Process p = new ProcessBuilder("xorriso", "-as", "mkisofs", "-R", "-J", "-V", "RHEL5", "-o", iso.toString(),
                ProjectPaths.trees().resolve("rhel5").toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("xorriso.log").toFile()).start();
        assertThat(p.waitFor()).as("xorriso (install it with scripts/setup)").isZero();

        Path store = VmStoreFixture.vm().disk("3", false).other("install-repository", "cdrom")
                .writeTo(dir.resolve("s.json"));
        Run run = Run.of(List.of("-q", "--vm", VmStoreFixture.VM, "--vm-store=" + store,
                "--output-directory=" + dir.resolve("out"), iso.toString()));
        assertThat(run.status()).as(run.stderr()).isZero();
        String[] lines = run.stdout().split("\n");
        Path tree = ProjectPaths.trees().resolve("rhel5");
        assertThat(Files.readAllBytes(Path.of(lines[0].substring(7)))).isEqualTo(Files.readAllBytes(tree.resolve("images/xen/vmlinuz")));
        assertThat(Files.readAllBytes(Path.of(lines[1].substring(8)))).isEqualTo(Files.readAllBytes(tree.resolve("images/xen/initrd.img")));
        assertThat(lines[2]).as("anaconda finds the CD itself: no method=").isEqualTo("args ");
        assertThat(VmStoreFixture.read(store).get("PV_bootloader")).isEqualTo("pygrub");
    }

    @Test
    void aBootDiskThatIsNoIsoIsInvalidSource() throws Exception {
        Path notIso = Files.write(dir.resolve("disk.img"), new byte[64 * 1024]);
        Path store = VmStoreFixture.vm().other("install-repository", "cdrom").writeTo(dir.resolve("s.json"));
        String before = Files.readString(store);
        Run run = Run.of(List.of("-q", "--vm", VmStoreFixture.VM, "--vm-store=" + store,
                "--output-directory=" + dir.resolve("out"), notIso.toString()));
        assertThat(run.errorCode()).isEqualTo("INVALID_SOURCE");
        assertThat(run.stderr()).contains(notIso.toString());
        assertThat(Files.readString(store)).isEqualTo(before);
        assertThat(Files.exists(dir.resolve("out")) ? Files.list(dir.resolve("out")).count() : 0).isZero();
        Map<String, Object> vm = VmStoreFixture.read(store);
        assertThat(vm.get("PV_bootloader")).isEqualTo("eliloader");
    }
}
