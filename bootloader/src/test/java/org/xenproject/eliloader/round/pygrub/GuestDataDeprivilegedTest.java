package org.xenproject.eliloader.round.pygrub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xenproject.eliloader.guest.Confinement;
import org.xenproject.eliloader.guest.GuestUser;
import org.xenproject.eliloader.testsupport.DiskImages;
import org.xenproject.eliloader.testsupport.PygrubLab;
import org.xenproject.eliloader.testsupport.RealPeers;
import org.xenproject.eliloader.testsupport.Run;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/**
 * Guest data read deprivileged, against the real pygrub and real disk images: libxl's
 * {@code --runas=UID} reaches pygrub and our own partition-table reader, which runs as that uid
 * while a disk only root may read still works (the parent opens it); what pygrub extracts is
 * held to the VM's limits while it is written (a 1 GiB sparse kernel in a 16 MiB image); and a
 * round-2 probe of a disk with 1,024 GPT entries ends at its deadline. Needs root (CI runs as
 * root) and the uid 65534 (nobody).
 */
@RealPeers
class GuestDataDeprivilegedTest {
    static final int NOBODY = 65534;

    @TempDir
    Path dir;

    static VmStoreFixture sles10Round2() {
        return VmStoreFixture.vm().other("install-repository", "http://127.0.0.1:9/sles10")
                .other("install-distro", "sles-10").other("install-round", "2").other("install-arch", "x86_64");
    }

    /** Runs the program with --debug and returns what it logged (the log is echoed to the process's stderr). */
    static String logOf(Supplier<Run> run, Run[] result) {
        PrintStream saved = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            result[0] = run.get();
        } finally {
            System.setErr(saved);
        }
        return log.toString(StandardCharsets.UTF_8);
    }

    static DiskImages.FileTree data = DiskImages.files().file("/lost-data/README", "a data partition\n");
    static DiskImages.FileTree system = DiskImages.files().file("/boot/vmlinuz-xen", "kernel on partition 2\n")
            .file("/boot/initrd-xen", "initrd on partition 2\n");

    /** A SLES layout whose kernel is on partition 2, so the probe reads the partition table. */
    DiskImages.Disk twoPartitions() {
        return DiskImages.partitioned(dir.resolve("sles-parts.img"), DiskImages.Part.ext3(8, data),
                DiskImages.Part.ext3(20, system));
    }

    @Test
    void runasReadsTheGuestDiskAsThatUid() throws IOException {
        DiskImages.Disk disk = twoPartitions();
        // pygrub --runas reopens the disk as the uid (libxl's restricted mode makes it readable);
        // the directory is root's alone: nothing of ours opens the disk by path as that uid
        Files.setPosixFilePermissions(disk.image(), PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        PygrubLab lab = new PygrubLab(dir).vm(sles10Round2());

        Run[] run = new Run[1];
        String log = logOf(() -> lab.run(List.of("--debug", "-q", "--vm", VmStoreFixture.VM, "--runas=" + NOBODY,
                disk.image().toString())), run);

        assertThat(run[0].status()).as(run[0].stderr()).isZero();
        assertThat(Files.readAllBytes(lab.kernel())).isEqualTo(system.content("/boot/vmlinuz-xen"));
        assertThat(Files.readAllBytes(lab.ramdisk())).isEqualTo(system.content("/boot/initrd-xen"));
        // our reader: the child said which uid the kernel gave it
        assertThat(log).containsPattern("read guest disk " + disk.image() + " \\(the partition table\\) as uid "
                + NOBODY + " in \\d+ ms");
        // pygrub: every run got --runas, the probes and the hand-off
        List<String> pygrubRuns = log.lines().filter(l -> l.contains("running " + PygrubLab.PYGRUB)).toList();
        assertThat(pygrubRuns).hasSizeGreaterThanOrEqualTo(2)
                .allMatch(l -> l.contains("running " + PygrubLab.PYGRUB + " --runas=" + NOBODY + " "));
        assertThat(lab.outputNames()).hasSize(2); // pygrub's chroot directories went with its work directories
        PygrubHandoffTest.assertSwitchedToPygrub(lab, "--kernel /boot/vmlinuz-xen --ramdisk /boot/initrd-xen --offset "
                + disk.offsets().get(1));
    }

    @Test
    void aDiskOnlyRootMayReadIsStillReadAsTheConfiguredUserByOurReader() throws IOException {
        DiskImages.Disk disk = twoPartitions();
        Files.setPosixFilePermissions(disk.image(), PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        PygrubLab lab = new PygrubLab(dir).vm(sles10Round2());

        Run[] run = new Run[1];
        String log = logOf(() -> lab.run(Map.of("ELILOADER_GUEST_READER_USER", Integer.toString(NOBODY)),
                List.of("--debug", "-q", "--vm", VmStoreFixture.VM, disk.image().toString())), run);

        assertThat(run[0].status()).as(run[0].stderr()).isZero();
        assertThat(Files.readAllBytes(lab.kernel())).isEqualTo(system.content("/boot/vmlinuz-xen"));
        // the parent opened the disk as root and handed it over: the child read it as nobody
        assertThat(log).contains("read guest disk " + disk.image() + " (the partition table) as uid " + NOBODY);
        // pygrub --runas could not reopen it as nobody, so pygrub read it as root (with its limits), and said so
        assertThat(log).contains("pygrub reads " + disk.image() + " as root: uid " + NOBODY);
        assertThat(log).doesNotContain("--runas=");
    }

    @Test
    void inspectionWithNotReallyStillWorksForTheConfiguredUser() throws IOException {
        Path disk = DiskImages.ext3(dir.resolve("el5.img"), PygrubHandoffTest.menuLstFiles(), 16);
        PygrubLab lab = new PygrubLab(dir).vm(PygrubHandoffTest.round2("test-handoff"));

        Run[] run = new Run[1];
        String log = logOf(() -> lab.run(Map.of("ELILOADER_GUEST_READER_USER", Integer.toString(NOBODY)),
                List.of("--debug", "-q", "-n", "--vm", VmStoreFixture.VM, disk.toString())), run);

        assertThat(run[0].status()).as(run[0].stderr()).isZero();
        assertThat(run[0].stdout()).startsWith("kernel ");
        assertThat(log).contains("pygrub -n runs without --runas");
        assertThat(lab.outputNames()).isEmpty();
    }

    @Test
    void aConfiguredUserThatDoesNotExistIsANamedError() throws IOException {
        DiskImages.Disk disk = twoPartitions();
        PygrubLab lab = new PygrubLab(dir).vm(sles10Round2());

        Run run = lab.run(Map.of("ELILOADER_GUEST_READER_USER", "no-such-user-here"),
                List.of("-q", "--vm", VmStoreFixture.VM, disk.image().toString()));

        assertThat(run.errorCode()).isEqualTo("SUPPORT_PACKAGE_MISSING");
        assertThat(run.stderr()).contains("guest-reader-user is \"no-such-user-here\", which is no user on this host");
        assertThat(lab.outputNames()).isEmpty();
    }

    @Test
    void aCdInstallReadsTheCdAsTheRunasUidFromARootOnlyImage() throws Exception {
        Path iso = DiskImages.iso(org.xenproject.eliloader.testsupport.ProjectPaths.trees().resolve("debian-cd"),
                dir.resolve("debian-cd.iso"), "CD");
        Files.setPosixFilePermissions(iso, PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        VmStoreFixture vm = VmStoreFixture.vm().noVbds().vbd("0", false, "Disk", true, Map.of())
                .vbd("3", true, "CD", true, Map.of()).other("install-repository", "cdrom")
                .other("install-distro", "debianlike").other("install-arch", "x86_64");

        org.xenproject.eliloader.testsupport.BootHarness.Boot[] boot = new org.xenproject.eliloader.testsupport.BootHarness.Boot[1];
        PrintStream saved = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            boot[0] = org.xenproject.eliloader.testsupport.BootHarness.bootFrom(iso, vm, dir, Map.of(), "--debug",
                    "--runas=" + NOBODY);
        } finally {
            System.setErr(saved);
        }
        String log = captured.toString(StandardCharsets.UTF_8);

        assertThat(boot[0].status()).as(boot[0].stderr()).isZero();
        assertThat(boot[0].kernelBytes()).isEqualTo(org.xenproject.eliloader.testsupport.BootHarness.tree(
                "debian-cd/install.amd/vmlinuz"));
        assertThat(log).containsPattern("reading guest disk " + iso + " \\(the CD image\\) as uid " + NOBODY
                + ", started in \\d+ ms");
        // the reader's socket directory goes with the run
        try (Stream<Path> tmp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertThat(tmp.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("eliloader-guest." + ProcessHandle.current().pid() + ".")).toList()).isEmpty();
        }
    }

    @Test
    void theGuestUserCanWriteNoFile() throws Exception {
        Path rootOnly = Files.createDirectory(dir.resolve("root-only"));
        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        GuestUser nobody = new GuestUser(NOBODY, NOBODY, "test");
        List<String> command = new ArrayList<>(Confinement.prefix(nobody, 0, 5));
        command.addAll(List.of("/bin/sh", "-c", "id -u; echo x > " + rootOnly + "/planted; echo y > " + open
                + "/grown; true"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();

        assertThat(out.lines().findFirst()).contains(Integer.toString(NOBODY));
        assertThat(out).contains("Permission denied");
        assertThat(rootOnly.resolve("planted")).doesNotExist(); // not its directory
        // a directory it may write to: the file-size limit of 0 lets no byte in (SIGXFSZ ends the shell)
        assertThat(p.exitValue()).isEqualTo(128 + 25);
        assertThat(Files.size(open.resolve("grown"))).isZero();
    }

    /** A 16 MiB ext3 image whose menu boots a sparse 1 GiB /boot/vmlinuz-xen. */
    Path sparseKernelImage() throws IOException, InterruptedException {
        Path tree = Files.createDirectories(dir.resolve("tree/boot/grub"));
        Files.writeString(tree.resolve("menu.lst"), DiskImages.menuLst(0, "huge", "/boot/vmlinuz-xen", "ro",
                "/boot/initrd-xen"));
        try (RandomAccessFile kernel = new RandomAccessFile(dir.resolve("tree/boot/vmlinuz-xen").toFile(), "rw")) {
            kernel.setLength(1L << 30);
        }
        Files.writeString(dir.resolve("tree/boot/initrd-xen"), "initrd\n");
        Path image = dir.resolve("sparse.img");
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(16L << 20);
        }
        Process mke2fs = new ProcessBuilder("/usr/sbin/mke2fs", "-q", "-F", "-t", "ext3", "-d",
                dir.resolve("tree").toString(), image.toString()).redirectErrorStream(true).start();
        String out = new String(mke2fs.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(mke2fs.waitFor()).as(out).isZero();
        try (Stream<Path> walk = Files.walk(dir.resolve("tree"))) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        return image;
    }

    @ParameterizedTest(name = "runas={0}")
    @ValueSource(strings = {"", "65534"})
    void aSparseGigabyteKernelOverItsLimitIsRefusedWhileBeingWritten(String runas) throws Exception {
        Path image = sparseKernelImage();
        PygrubLab lab = new PygrubLab(dir).vm(PygrubHandoffTest.round2("test-handoff")
                .platform("pv-kernel-max-size", Long.toString(1L << 20)));
        List<String> args = new ArrayList<>(List.of("-q", "--vm", VmStoreFixture.VM));
        if (!runas.isEmpty()) {
            args.add("--runas=" + runas);
        }
        args.add(image.toString());
        AtomicLong peak = new AtomicLong();
        AtomicBoolean done = new AtomicBoolean();
        Thread sampler = new Thread(() -> {
            while (!done.get()) {
                peak.accumulateAndGet(bytesUnder(lab.out()), Math::max);
            }
        });
        sampler.start();
        long started = System.nanoTime();
        Run run;
        try {
            run = lab.run(args);
        } finally {
            done.set(true);
            sampler.join();
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);

        assertThat(run.errorCode()).as(run.stderr()).isEqualTo("LIMITS");
        assertThat(run.stderr()).contains("kernel pygrub extracts from").contains("pv-kernel-max-size");
        // the watcher stops pygrub within a few sampling periods (how many MiB that is depends on the
        // machine's load); what holds whatever the load is pygrub's RLIMIT_FSIZE, the larger of the
        // VM's two limits (here the default ramdisk limit): never the sparse file's 1 GiB
        assertThat(peak.get()).as("bytes on dom0 at the worst instant")
                .isLessThanOrEqualTo(org.xenproject.eliloader.config.BootFileLimits.DEFAULT_RAMDISK + (1L << 20));
        assertThat(seconds).isLessThan(30);
        assertThat(lab.outputNames()).isEmpty();
        assertThat(VmStoreFixture.otherConfig(lab.store())).containsEntry("install-round", "2");
    }

    @Test
    void aProbeOfAThousandPartitionsEndsAtItsDeadlineAndLeavesNoPygrubRunning() throws Exception {
        Path image = dir.resolve("gpt1024.img");
        StringBuilder script = new StringBuilder("label: gpt\ntable-length: 1024\nfirst-lba: 2048\n");
        for (int i = 0; i < 1024; i++) {
            script.append("start=").append(2048 + 8L * i).append(", size=8, type=L\n");
        }
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength((2048 + 8L * 1024 + 2048) * 512);
        }
        Process sfdisk = new ProcessBuilder("/usr/sbin/sfdisk", "-q", image.toString()).redirectErrorStream(true).start();
        sfdisk.getOutputStream().write(script.toString().getBytes(StandardCharsets.UTF_8));
        sfdisk.getOutputStream().close();
        String out = new String(sfdisk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(sfdisk.waitFor()).as(out).isZero();
        assertThat(PartitionTable.read(image)).hasSize(1024);
        PygrubLab lab = new PygrubLab(dir).vm(sles10Round2());

        long started = System.nanoTime();
        Run run = lab.run(Map.of("ELILOADER_GUEST_PROBE_TIMEOUT", "4"),
                List.of("-q", "--vm", VmStoreFixture.VM, "--runas=" + NOBODY, image.toString()));
        double seconds = (System.nanoTime() - started) / 1e9;

        assertThat(run.errorCode()).as(run.stderr()).isEqualTo("LIMITS");
        assertThat(run.stderr()).contains("did not finish within 4 seconds (guest-probe-timeout)");
        assertThat(seconds).isBetween(3.5, 15.0);
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .map(h -> h.info().commandLine().orElse("")).filter(c -> c.contains(image.toString())).toList())
                .as("pygrub processes left").isEmpty();
        assertThat(lab.outputNames()).isEmpty();
        assertThat(VmStoreFixture.otherConfig(lab.store())).containsEntry("install-round", "2");
    }

    private static long bytesUnder(Path root) {
        long[] total = {0};
        try (Stream<Path> walk = Files.walk(root)) {
            walk.forEach(p -> {
                try {
                    if (Files.isRegularFile(p)) {
                        total[0] += Files.size(p);
                    }
                } catch (IOException e) {
                    // removed while counting
                }
            });
        } catch (IOException | RuntimeException e) {
            // a directory removed while walking
        }
        return total[0];
    }
}
