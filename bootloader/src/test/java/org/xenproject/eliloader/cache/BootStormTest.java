package org.xenproject.eliloader.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.jr.ob.JSON;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.testpeers.NginxPeer;
import org.xenproject.eliloader.testsupport.ProjectPaths;
import org.xenproject.eliloader.testsupport.RealPeers;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/**
 * Concurrent starts as real processes ({@code scripts/eliloader}, built by {@code scripts/build})
 * of different VMs of one local store, on one tree served by a real nginx: each boot file leaves
 * the server once, every start gets its own copy, and a killed downloader is taken over.
 */
@RealPeers
class BootStormTest {
    private static final int STARTS = 6;
    private static final int KERNEL_BYTES = 1_000_000;
    private static final int INITRD_BYTES = 3_000_000;

    @TempDir
    Path dir;
    Path tree;
    Path cache;
    Path out;
    Path store;
    NginxPeer nginx;

    @BeforeEach
    void serve() throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x")); // nginx's workers
        tree = CacheTrees.tree(dir.resolve("trees"), "rhel5", KERNEL_BYTES, INITRD_BYTES, 5);
        // slow enough that the starts overlap the transfers: about 1.5 s for the initrd
        nginx = NginxPeer.serve(dir.resolve("trees"), dir.resolve("nginx"), false, "limit_rate 2m;");
        cache = dir.resolve("cache");
        out = dir.resolve("out");
        store = dir.resolve("store.json");
        Path one = VmStoreFixture.vm().other("install-repository", nginx.url("rhel5")).other("install-distro", "rhlike")
                .other("install-arch", "x86_64").writeTo(dir.resolve("one.json"));
        Map<String, Object> doc = JSON.std.mapFrom(Files.readString(one));
        @SuppressWarnings("unchecked")
        Map<String, Object> vms = (Map<String, Object>) doc.get("vms");
        String template = JSON.std.asString(vms.get(VmStoreFixture.VM));
        Map<String, Object> many = new LinkedHashMap<>();
        for (int i = 0; i < STARTS; i++) {
            many.put(vm(i), JSON.std.mapFrom(template));
        }
        doc.put("vms", many);
        Files.writeString(store, JSON.std.asString(doc));
    }

    @AfterEach
    void stop() {
        nginx.close();
    }

    private static String vm(int i) {
        return "storm-vm-" + i;
    }

    private Process start(int i, String... extra) throws IOException {
        List<String> command = new ArrayList<>(List.of(ProjectPaths.scripts().resolve("eliloader").toString(), "-q",
                "--vm", vm(i), "--vm-store=" + store, "--output-directory=" + out, "--cache-dir=" + cache,
                "--profiles-dir=" + dir.resolve("no-profiles.d")));
        command.addAll(List.of(extra));
        command.add("/dev/null");
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("ELILOADER_CONFIG", dir.resolve("none.conf").toString());
        pb.environment().put("ELILOADER_SYSLOG", "0");
        pb.redirectOutput(dir.resolve("answer-" + i + "-" + System.nanoTime()).toFile());
        pb.redirectError(ProcessBuilder.Redirect.PIPE);
        return pb.start();
    }

    /** The answer items of a finished start, checked for success. */
    private Map<String, String> answer(Process p, int i) throws Exception {
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("start " + i + ": " + err).isZero();
        Map<String, String> items = new LinkedHashMap<>();
        Path answerFile;
        try (Stream<Path> files = Files.list(dir)) {
            answerFile = files.filter(f -> f.getFileName().toString().startsWith("answer-" + i + "-"))
                    .max(java.util.Comparator.comparing(Path::toString)).orElseThrow();
        }
        for (String line : Files.readString(answerFile).split("\n")) {
            int space = line.indexOf(' ');
            items.put(line.substring(0, space), line.substring(space + 1));
        }
        return items;
    }

    private long sent(String suffix, int status) {
        return CacheTrees.log(nginx.accessLog()).stream().filter(l -> l.path().endsWith(suffix) && l.status() == status)
                .mapToLong(CacheTrees.Logged::bytes).sum();
    }

    @Test
    void concurrentStartsFetchEachFileOnceAndEachGetsItsOwnCopy() throws Exception {
        List<Process> starts = new ArrayList<>();
        for (int i = 0; i < STARTS; i++) {
            starts.add(start(i));
        }
        Set<String> handedOver = new HashSet<>();
        for (int i = 0; i < STARTS; i++) {
            Map<String, String> items = answer(starts.get(i), i);
            for (String item : List.of("kernel", "ramdisk")) {
                Path file = Path.of(items.get(item));
                assertThat(handedOver.add(file.toString())).as("a name of its own").isTrue();
                assertThat(Files.mismatch(file, tree.resolve(item.equals("kernel") ? CacheTrees.KERNEL : CacheTrees.INITRD)))
                        .isEqualTo(-1);
            }
        }
        assertThat(sent("/vmlinuz", 200)).as("kernel bytes sent").isEqualTo(KERNEL_BYTES);
        assertThat(sent("/initrd.img", 200)).as("initrd bytes sent").isEqualTo(INITRD_BYTES);
        // every VM's round was recorded although they all ran at once on one store
        Map<String, Object> doc = JSON.std.mapFrom(Files.readString(store));
        for (int i = 0; i < STARTS; i++) {
            assertThat(((Map<?, ?>) ((Map<?, ?>) doc.get("vms")).get(vm(i))).get("PV_bootloader")).isEqualTo("pygrub");
        }
        // the caller deletes what it is handed; the cache keeps its own names
        for (String f : handedOver) {
            Files.delete(Path.of(f));
        }
        // a restart (round kept) re-sends no boot-file byte
        long before = sent("/initrd.img", 200) + sent("/vmlinuz", 200);
        answer(start(0, "--keep-installing"), 0);
        assertThat(sent("/initrd.img", 200) + sent("/vmlinuz", 200)).isEqualTo(before);
    }

    @Test
    void aWaiterTakesOverFromAKilledDownloaderAndNoPartialEntryIsServed() throws Exception {
        Process downloader = start(0);
        // wait until its initrd download is under way (the part file grows)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (partBytes() < 200_000) {
            assertThat(System.nanoTime()).as("the download started").isLessThan(deadline);
            assertThat(downloader.isAlive()).isTrue();
            Thread.sleep(20);
        }
        Process waiter = start(1);
        Thread.sleep(700); // the waiter is up and waiting on the entry's lock
        downloader.toHandle().destroyForcibly(); // SIGKILL mid-transfer: the OS releases its lock
        downloader.waitFor(10, TimeUnit.SECONDS);
        Map<String, String> items = answer(waiter, 1);
        assertThat(Files.mismatch(Path.of(items.get("ramdisk")), tree.resolve(CacheTrees.INITRD))).isEqualTo(-1);
        assertThat(Files.mismatch(Path.of(items.get("kernel")), tree.resolve(CacheTrees.KERNEL))).isEqualTo(-1);
        // a third start is served the complete entry: nothing more leaves the server
        long before = sent("/initrd.img", 200);
        Map<String, String> third = answer(start(2), 2);
        assertThat(Files.mismatch(Path.of(third.get("ramdisk")), tree.resolve(CacheTrees.INITRD))).isEqualTo(-1);
        assertThat(sent("/initrd.img", 200)).isEqualTo(before);
    }

    private long partBytes() throws IOException {
        if (!Files.isDirectory(cache)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(cache)) {
            return files.filter(f -> f.toString().endsWith(".part")).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0;
                }
            }).max().orElse(0);
        }
    }
}
