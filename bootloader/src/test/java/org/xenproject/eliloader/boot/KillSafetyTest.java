package org.xenproject.eliloader.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.testsupport.BootHarness;
import org.xenproject.eliloader.testsupport.ProjectPaths;
import org.xenproject.eliloader.testsupport.RealPeers;
import org.xenproject.eliloader.testsupport.Run;
import org.xenproject.eliloader.testsupport.SlowTreeServer;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/**
 * The program as xenopsd runs it, killed at random instants while it fetches from a slow server
 * (xenopsd cancels a VM start by killing its bootloader). After every kill: no partial file of
 * ours under a final name in the output directory, the record is the old round or the new one;
 * after SIGTERM nothing of the run is left; after SIGKILL, {@code eliloader cleanup} (or the next
 * run) leaves nothing.
 */
@RealPeers
class KillSafetyTest {
    /** Kills that land before the run ends (runs that finish first do not count), at least. */
    private static final int KILLS = 50;
    private static final int MAX_STARTS = 100;

    @TempDir
    Path dir;

    private byte[] kernel;
    private byte[] initrd;

    private Path tree() throws IOException {
        Random random = new Random(15);
        kernel = new byte[3000];
        initrd = new byte[5000];
        random.nextBytes(kernel);
        random.nextBytes(initrd);
        Path images = Files.createDirectories(dir.resolve("tree/images/xen"));
        Files.write(images.resolve("vmlinuz"), kernel);
        Files.write(images.resolve("initrd.img"), initrd);
        return dir.resolve("tree");
    }

    private Process start(Path store, Path out, Path stdout) throws IOException {
        List<String> command = new ArrayList<>(List.of(ProjectPaths.scripts().resolve("eliloader").toString(), "-q",
                "--vm", VmStoreFixture.VM, "--output-directory=" + out, "/dev/null"));
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("ELILOADER_"));
        env.put("ELILOADER_CONFIG", dir.resolve("none.conf").toString());
        env.put("ELILOADER_SYSLOG", "0");
        env.put("ELILOADER_VM_STORE", store.toString());
        env.put("ELILOADER_PROFILES_DIR", dir.resolve("no-profiles.d").toString());
        env.put("ELILOADER_GUEST_INSTALLER_DIR", dir.resolve("no-guest-installer").toString());
        // its own boot-file cache: killed runs leave nothing in the host's /var/cache/eliloader
        env.put("ELILOADER_CACHE_DIR", dir.resolve("cache").toString());
        pb.redirectOutput(stdout.toFile());
        pb.redirectError(new File("/dev/null"));
        return pb.start();
    }

    @Test
    void killedAtRandomInstantsLeavesNoPartialFileAndAConsistentRecord() throws Exception {
        try (SlowTreeServer server = new SlowTreeServer(tree(), 1000, Duration.ofMillis(120))) {
            Path store = dir.resolve("store.json");
            Path out = dir.resolve("out");
            Path stdout = dir.resolve("stdout");
            VmStoreFixture vm = VmStoreFixture.vm().other("install-repository", server.url());
            vm.writeTo(store);
            Object oldRecord = vmRecord(store);

            // runs to the end: how long one takes (the quicker of two) and what the new round's record is
            long runMillis = Long.MAX_VALUE;
            Object newRecord = null;
            for (int warm = 0; warm < 2; warm++) {
                vm.writeTo(store);
                long t0 = System.nanoTime();
                Process whole = start(store, out, stdout);
                assertThat(whole.waitFor(60, TimeUnit.SECONDS)).isTrue();
                runMillis = Math.min(runMillis, (System.nanoTime() - t0) / 1_000_000);
                assertThat(whole.exitValue()).as(Files.readString(stdout)).isZero();
                newRecord = vmRecord(store);
                assertThat(newRecord).isNotEqualTo(oldRecord);
                deleteHandedOver(stdout);
                assertThat(BootHarness.filesIn(out)).isEmpty();
            }

            Random random = new Random(6);
            int finished = 0;
            int sigterm = 0;
            int sigkill = 0;
            int afterHandOver = 0;
            long started = System.nanoTime();
            int i;
            for (i = 0; sigterm + sigkill < KILLS && i < MAX_STARTS; i++) {
                vm.writeTo(store);
                Process p = start(store, out, stdout);
                Thread.sleep(random.nextInt((int) Math.max(50, runMillis * 11 / 10)));
                boolean term = random.nextInt(3) == 0;
                if (term) {
                    p.destroy(); // SIGTERM
                } else {
                    p.destroyForcibly(); // SIGKILL
                }
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
                int status = p.exitValue();
                Object record = vmRecord(store);
                assertThat(record).as("kill %d: the record is the old round or the new one", i)
                        .isIn(oldRecord, newRecord);
                if (status == 0) {
                    finished++;
                    assertHandedOverComplete(stdout);
                    deleteHandedOver(stdout); // as the caller does once the domain is built
                    assertThat(BootHarness.filesIn(out)).as("kill %d after the end", i).isEmpty();
                    continue;
                }
                // a killed start: nothing partial under a final name, whatever is there
                for (Path f : BootHarness.filesIn(out)) {
                    String name = f.getFileName().toString();
                    if (name.startsWith("boot_kernel.") || name.startsWith("boot_ramdisk.")) {
                        byte[] expected = name.startsWith("boot_kernel.") ? kernel : initrd;
                        byte[] found = Files.readAllBytes(f);
                        assertThat(Arrays.equals(found, expected)).as("kill %d: %s holds %d of %d bytes", i, name,
                                found.length, expected.length).isTrue();
                    }
                }
                if (term) {
                    sigterm++;
                } else {
                    sigkill++;
                    Run cleanup = Run.of(List.of("cleanup", "--output-directory=" + out));
                    assertThat(cleanup.status()).isZero();
                }
                if (!BootHarness.filesIn(out).isEmpty()) {
                    // only a kill in the last instant, between the hand-over and the exit, leaves
                    // files: the complete ones of a complete answer (no process can end and commit
                    // at once); counted, and kept rare by halting right after the hand-over
                    Map<String, String> answer = answer(stdout);
                    assertThat(BootHarness.filesIn(out)).as("kill %d (%s, status %d): left behind", i,
                            term ? "SIGTERM" : "SIGKILL", status).containsExactlyInAnyOrder(
                                    Path.of(answer.getOrDefault("kernel", "/none")),
                                    Path.of(answer.getOrDefault("ramdisk", "/none")));
                    assertHandedOverComplete(stdout);
                    afterHandOver++;
                    deleteHandedOver(stdout);
                }
            }
            long seconds = (System.nanoTime() - started) / 1_000_000_000L;
            System.out.printf("KillSafetyTest: one run %d ms; %d starts: %d SIGTERM, %d SIGKILL (%d of them in the exit"
                    + " window after the hand-over), %d finished first; %d s%n", runMillis, i, sigterm, sigkill,
                    afterHandOver, finished, seconds);
            assertThat(afterHandOver).as("kills after the hand-over leave files: rare").isLessThanOrEqualTo(KILLS / 10);
            assertThat(sigterm + sigkill).isGreaterThanOrEqualTo(KILLS);
        }
    }

    @Test
    void theNextRunSweepsWhatAKilledRunLeft() throws Exception {
        try (SlowTreeServer server = new SlowTreeServer(tree(), 500, Duration.ofMillis(150))) {
            Path store = dir.resolve("store.json");
            Path out = dir.resolve("out");
            Path stdout = dir.resolve("stdout");
            VmStoreFixture vm = VmStoreFixture.vm().other("install-repository", server.url());
            vm.writeTo(store);
            Process p = start(store, out, stdout);
            // until its private directory holds a file being fetched
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!hasRunFile(out) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(hasRunFile(out)).isTrue();
            p.destroyForcibly();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(BootHarness.filesIn(out)).isNotEmpty();
            Process next = start(store, out, stdout);
            assertThat(next.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(next.exitValue()).isZero();
            deleteHandedOver(stdout);
            assertThat(BootHarness.filesIn(out)).isEmpty();
        }
    }

    @Test
    void sigtermDuringTheDownloadCleansUpLikeAFailure() throws Exception {
        try (SlowTreeServer server = new SlowTreeServer(tree(), 500, Duration.ofMillis(150))) {
            Path store = dir.resolve("store.json");
            Path out = dir.resolve("out");
            VmStoreFixture vm = VmStoreFixture.vm().other("install-repository", server.url());
            vm.writeTo(store);
            Object before = vmRecord(store);
            Process p = start(store, out, dir.resolve("stdout"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!hasRunFile(out) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(hasRunFile(out)).isTrue();
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isEqualTo(143);
            assertThat(BootHarness.filesIn(out)).isEmpty();
            assertThat(Files.readString(dir.resolve("stdout"))).isEmpty();
            assertThat(vmRecord(store)).isEqualTo(before);
        }
    }

    private static boolean hasRunFile(Path out) throws IOException {
        for (Path d : BootHarness.filesIn(out)) {
            if (Files.isDirectory(d) && !BootHarness.filesIn(d).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private void assertHandedOverComplete(Path stdout) throws IOException {
        Map<String, String> answer = answer(stdout);
        assertThat(Files.readAllBytes(Path.of(answer.get("kernel")))).isEqualTo(kernel);
        assertThat(Files.readAllBytes(Path.of(answer.get("ramdisk")))).isEqualTo(initrd);
    }

    private static void deleteHandedOver(Path stdout) throws IOException {
        Map<String, String> answer = answer(stdout);
        for (String key : List.of("kernel", "ramdisk")) {
            if (answer.containsKey(key)) {
                Files.deleteIfExists(Path.of(answer.get(key)));
            }
        }
    }

    private static Map<String, String> answer(Path stdout) throws IOException {
        Map<String, String> items = new HashMap<>();
        for (String line : Files.readString(stdout, StandardCharsets.UTF_8).split("\n")) {
            int space = line.indexOf(' ');
            if (space > 0) {
                items.put(line.substring(0, space), line.substring(space + 1));
            }
        }
        return items;
    }

    private static Object vmRecord(Path store) {
        return VmStoreFixture.read(store);
    }

}
