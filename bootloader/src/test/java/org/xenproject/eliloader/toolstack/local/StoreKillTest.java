package org.xenproject.eliloader.toolstack.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.cli.Main;
import org.xenproject.eliloader.testsupport.VmStoreFixture;
import org.xenproject.eliloader.toolstack.RecordEdit;

/**
 * A run killed (SIGKILL) while it writes the local JSON store leaves its temporary copy next to
 * the store; the next open of the store, or {@code eliloader cleanup --vm-store=…}, removes it,
 * and the store itself is always one whole version. The writer is a real second JVM applying
 * edits in a loop, killed at random instants until a kill lands inside a write.
 */
class StoreKillTest {
    static final int MAX_KILLS = 60;

    @TempDir
    Path dir;

    /** The writer: applies an edit to the store, again and again, until killed. */
    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        for (int i = 0;; i++) {
            try (LocalJsonStore store = LocalJsonStore.open(file)) {
                store.apply(VmStoreFixture.VM, List.of(new RecordEdit.PutOtherConfig("counter", Integer.toString(i))));
            }
        }
    }

    private List<Path> leftovers() throws Exception {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(p -> p.getFileName().toString().startsWith(".vms.json.")).toList();
        }
    }

    @Test
    void aTemporaryCopyLeftByAKilledWriterIsSweptByTheNextOpenAndByCleanup() throws Exception {
        // a larger record widens the window in which a kill lands inside a write
        VmStoreFixture fixture = VmStoreFixture.vm().other("install-repository", "http://x/");
        for (int i = 0; i < 200; i++) {
            fixture.other("padding-" + i, "x".repeat(200));
        }
        Path store = fixture.writeTo(dir.resolve("vms.json"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Path> left = List.of();
        int kills = 0;
        for (; kills < MAX_KILLS && left.isEmpty(); kills++) {
            Process writer = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    StoreKillTest.class.getName(), store.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            Thread.sleep(300 + ThreadLocalRandom.current().nextInt(300));
            writer.destroyForcibly(); // SIGKILL
            writer.waitFor();
            // the store is one whole version at every instant
            assertThat(VmStoreFixture.otherConfig(store)).containsKey("install-repository");
            left = leftovers();
        }
        assertThat(left).as("a kill inside a write within %d kills", MAX_KILLS).isNotEmpty();

        // cleanup names what it removes
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = Main.run(List.of("cleanup", "--vm-store=" + store, "--output-directory=" + dir.resolve("out")),
                Map.of("ELILOADER_CONFIG", "/nonexistent", "ELILOADER_SYSLOG", "0"),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()));
        assertThat(status).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("removed " + left.get(0));
        assertThat(leftovers()).isEmpty();

        // and the next open does the same by itself
        Path planted = dir.resolve(left.get(0).getFileName());
        Files.writeString(planted, "{partial");
        try (LocalJsonStore open = LocalJsonStore.open(store)) {
            // one whole version: the first, or one a writer completed
            assertThat(open.readVm(VmStoreFixture.VM).otherConfig()).containsKey("install-repository");
        }
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void aLiveRunsTemporaryCopyAndOtherFilesAreKept() throws Exception {
        Path store = VmStoreFixture.vm().writeTo(dir.resolve("vms.json"));
        Process alive = new ProcessBuilder("sleep", "30").start();
        try {
            String start = Files.readString(Path.of("/proc", Long.toString(alive.pid()), "stat"));
            String[] rest = start.substring(start.lastIndexOf(')') + 2).trim().split(" ");
            Path live = Files.writeString(dir.resolve(".vms.json." + alive.pid() + "." + rest[19] + ".123.tmp"), "{");
            Path other = Files.writeString(dir.resolve(".vms.json.notes"), "kept");
            assertThat(LocalJsonStore.sweep(store)).isEmpty();
            assertThat(live).exists();
            assertThat(other).exists();
        } finally {
            alive.destroyForcibly();
        }
    }
}
