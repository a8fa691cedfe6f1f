package org.xenproject.eliloader.xl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.testsupport.BootHarness;
import org.xenproject.eliloader.testsupport.DiskImages;
import org.xenproject.eliloader.testsupport.ProjectPaths;
import org.xenproject.eliloader.testsupport.PygrubLab;
import org.xenproject.eliloader.testsupport.RealPeers;

/**
 * The built launcher ({@code scripts/eliloader}) run as libxl runs a bootloader: its argument list
 * exactly as {@code libxl_bootloader.c} builds it ({@code --output=XEN_LIB/bootloader.DOMID.out
 * --output-format=simple0 --output-directory=XEN_LIB/bootloader.DOMID.d [bootloader_args…] DISK},
 * the output directory and the empty output file made first), and {@code TERM=vt100} as the only
 * variable, so every host setting comes from options in {@code bootloader_args} (a host would put
 * them in /etc/eliloader/eliloader.conf).
 */
@RealPeers
class XlLauncherTest {
    static final String DEBIAN_KERNEL = "debian/dists/bookworm/main/installer-amd64/current/images/netboot/xen/vmlinuz";

    @TempDir
    Path dir;

    record Outcome(int status, String stdout, String stderr) { }

    /** The host settings a test host needs, given as bootloader_args (state and cache of this test, the fixture trees, pygrub). */
    List<String> hostOptions() {
        return List.of("--xl-state-dir=" + dir.resolve("state"), "--cache-dir=" + dir.resolve("cache"),
                "--file-roots=" + ProjectPaths.trees(), "--pygrub=" + PygrubLab.PYGRUB,
                "--profiles-dir=" + dir.resolve("no-profiles.d"));
    }

    List<String> debian(String vm) {
        List<String> args = new ArrayList<>(List.of("--install-repository=file://" + ProjectPaths.trees().resolve("debian"),
                "--install-distro=debianlike", "--install-arch=amd64", "--debian-release=bookworm", "--vm=" + vm));
        args.addAll(hostOptions());
        return args;
    }

    Path xenLib() {
        return dir.resolve("var-lib-xen");
    }

    Process launch(int domid, List<String> bootloaderArgs, Path disk) throws IOException {
        Files.createDirectories(xenLib().resolve("bootloader." + domid + ".d"));
        Files.write(xenLib().resolve("bootloader." + domid + ".out"), new byte[0]);
        List<String> command = new ArrayList<>();
        command.add(ProjectPaths.scripts().resolve("eliloader").toString());
        command.add("--output=" + xenLib().resolve("bootloader." + domid + ".out"));
        command.add("--output-format=simple0");
        command.add("--output-directory=" + xenLib().resolve("bootloader." + domid + ".d"));
        command.addAll(bootloaderArgs);
        command.add(disk.toString());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(false);
        pb.environment().clear();
        pb.environment().put("TERM", "vt100");
        return pb.start();
    }

    static Outcome finish(Process p) throws Exception {
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Outcome(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    Outcome start(int domid, List<String> bootloaderArgs, Path disk) throws Exception {
        return finish(launch(domid, bootloaderArgs, disk));
    }

    Outcome xl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProjectPaths.scripts().resolve("eliloader").toString(), "xl"));
        command.addAll(List.of(args));
        command.add("--xl-state-dir=" + dir.resolve("state"));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().clear();
        pb.environment().put("TERM", "vt100");
        return finish(pb.start());
    }

    Map<String, String> answer(int domid) {
        return XlRig.simple0(xenLib().resolve("bootloader." + domid + ".out"));
    }

    static Path emptyDisk(Path file) throws IOException {
        return XlStartTest.emptyDisk(file);
    }

    @Test
    void roundOneThenTheInstallersRebootBootsTheSystemThroughPygrubUntilReinstall() throws Exception {
        Path disk = emptyDisk(dir.resolve("xvda.img"));
        Outcome one = start(1, debian("deb12"), disk);
        assertThat(one.status()).as(one.stderr()).isZero();
        assertThat(one.stdout()).isEmpty();
        assertThat(Files.readAllBytes(Path.of(answer(1).get("kernel")))).isEqualTo(BootHarness.tree(DEBIAN_KERNEL));
        assertThat(answer(1).get("args")).startsWith("mirror/country=manual");

        // the installer installs and reboots; xl restarts the domain (on_reboot="restart") with the same config
        DiskImages.FileTree root = DiskImages.files()
                .file("/boot/grub/menu.lst", DiskImages.menuLst(0, "Debian GNU/Linux", "/boot/vmlinuz-6.1.0-13-amd64",
                        "root=/dev/xvda ro quiet", "/boot/initrd.img-6.1.0-13-amd64"))
                .file("/boot/vmlinuz-6.1.0-13-amd64", "the installed kernel\n")
                .file("/boot/initrd.img-6.1.0-13-amd64", "the installed initrd\n");
        DiskImages.ext3(disk, root, 24);
        Outcome two = start(2, debian("deb12"), disk);
        assertThat(two.status()).as(two.stderr()).isZero();
        Map<String, String> handedOff = answer(2);
        assertThat(Files.readAllBytes(Path.of(handedOff.get("kernel")))).isEqualTo(root.content("/boot/vmlinuz-6.1.0-13-amd64"));
        assertThat(Files.readAllBytes(Path.of(handedOff.get("ramdisk")))).isEqualTo(root.content("/boot/initrd.img-6.1.0-13-amd64"));
        assertThat(handedOff.get("args")).isEqualTo("root=/dev/xvda ro quiet");

        Outcome status = xl("status", "deb12");
        assertThat(status.stdout()).contains("state: installed", "next start: pygrub hand-off");

        assertThat(xl("reinstall", "deb12").stdout()).isEqualTo("deb12: install state removed; its next start is round 1.\n");
        Outcome again = start(3, debian("deb12"), disk);
        assertThat(again.status()).as(again.stderr()).isZero();
        assertThat(Files.readAllBytes(Path.of(answer(3).get("kernel")))).isEqualTo(BootHarness.tree(DEBIAN_KERNEL));
    }

    @Test
    void aFailingRoundLeavesNothingBehindAndTheStateAsItWas() throws Exception {
        List<String> sles = new ArrayList<>(List.of("--vm=sles10", "--install-repository=file://"
                + ProjectPaths.trees().resolve("sles10sp1"), "--install-distro=sleslike", "--install-arch=x86_64"));
        sles.addAll(hostOptions());
        Path disk = emptyDisk(dir.resolve("xvda.img"));
        assertThat(start(1, sles, disk).status()).isZero();
        Path state = dir.resolve("state/sles10.json");
        byte[] roundTwo = Files.readAllBytes(state);
        assertThat(new String(roundTwo, StandardCharsets.UTF_8)).contains("\"install-round\": \"2\"");

        // round 2 on a disk the installer never wrote: nothing pygrub can boot
        Outcome failed = start(2, sles, disk);
        assertThat(failed.status()).isNotZero();
        String[] lines = failed.stderr().split("\n");
        assertThat(lines[lines.length - 2]).startsWith("RuntimeError: ");
        assertThat(failed.stderr()).doesNotContain("\tat ");
        assertThat(Files.readAllBytes(state)).isEqualTo(roundTwo);
        try (var left = Files.list(xenLib().resolve("bootloader.2.d"))) {
            assertThat(left.toList()).isEmpty();
        }
        assertThat(xenLib().resolve("bootloader.2.out")).isEmptyFile();

        // a first round whose repository does not exist: no state at all
        List<String> missing = new ArrayList<>(List.of("--vm=nothing", "--install-repository=file://"
                + ProjectPaths.trees().resolve("no-such-tree"), "--install-distro=rhlike"));
        missing.addAll(hostOptions());
        Outcome refused = start(3, missing, disk);
        assertThat(refused.status()).isEqualTo(1);
        assertThat(refused.stderr()).startsWith("RuntimeError: INVALID_SOURCE\n");
        assertThat(dir.resolve("state/nothing.json")).doesNotExist();
        try (var left = Files.list(xenLib().resolve("bootloader.3.d"))) {
            assertThat(left.toList()).isEmpty();
        }
    }

    @Test
    void startsOfDifferentVmsNeverWaitForOneAnother() throws Exception {
        Path disk = emptyDisk(dir.resolve("xvda.img"));
        // both at once
        Process a = launch(1, debian("vm-a"), disk);
        Process b = launch(2, debian("vm-b"), disk);
        assertThat(finish(a).status()).isZero();
        assertThat(finish(b).status()).isZero();

        // vm-c's lock held (as by a start of vm-c recording its round): vm-c waits, vm-d does not
        Files.createDirectories(dir.resolve("state"));
        try (FileChannel channel = FileChannel.open(dir.resolve("state/vm-c.json.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock held = channel.lock()) {
            Process c = launch(3, debian("vm-c"), disk);
            long started = System.nanoTime();
            Outcome d = start(4, debian("vm-d"), disk);
            assertThat(d.status()).as(d.stderr()).isZero();
            assertThat(dir.resolve("state/vm-d.json")).exists();
            assertThat(c.waitFor(1, TimeUnit.SECONDS)).as("vm-c waits for its own lock").isFalse();
            assertThat(dir.resolve("state/vm-c.json")).doesNotExist();
            assertThat(System.nanoTime() - started).isLessThan(TimeUnit.SECONDS.toNanos(60));
            held.release();
            Outcome cDone = finish(c);
            assertThat(cDone.status()).as(cDone.stderr()).isZero();
        }
        assertThat(Files.readString(dir.resolve("state/vm-c.json"))).contains("\"PV_bootloader\": \"pygrub\"");
    }
}
