package org.xenproject.eliloader.round;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.testsupport.BootHarness;
import org.xenproject.eliloader.testsupport.Run;

/** The sweep of what killed runs left: by owner (PID and start time), never a live run's or a caller's file. */
class RunDirectoryTest {
    @TempDir
    Path out;

    @Test
    void cleanupRemovesDeadRunsAndTheirPublishedFilesOnly() throws Exception {
        String self = RunDirectory.self();
        long pid = ProcessHandle.current().pid();
        // a dead owner: no such process
        Path dead = Files.createDirectories(out.resolve(".eliloader-run.999999999.12345.abc"));
        Files.writeString(dead.resolve("boot_kernel.partial"), "half");
        Files.writeString(dead.resolve("published"), "boot_ramdisk.x1\n../../etc/passwd\n");
        Files.writeString(out.resolve("boot_ramdisk.x1"), "complete but never handed over");
        // this PID, another start time: a reused PID is not the owner
        Path reused = Files.createDirectories(out.resolve(".eliloader-run." + pid + ".1.def"));
        // a live owner (this process) and a file handed over to a caller
        Path live = Files.createDirectories(out.resolve(".eliloader-run." + self + ".ghi"));
        Files.writeString(out.resolve("boot_kernel.caller"), "handed over");

        Run cleanup = Run.of(List.of("cleanup", "--output-directory=" + out));

        assertThat(cleanup.status()).isZero();
        assertThat(cleanup.stdout()).contains("3 leftovers removed");
        assertThat(BootHarness.filesIn(out)).containsExactlyInAnyOrder(live, out.resolve("boot_kernel.caller"));
        assertThat(reused).doesNotExist();
        assertThat(dead).doesNotExist();
    }

    @Test
    void aSweepFollowsNoLinkOutOfTheOutputDirectory() throws Exception {
        Path elsewhere = Files.createDirectories(out.resolveSibling(out.getFileName() + "-elsewhere"));
        Files.writeString(elsewhere.resolve("keep"), "x");
        Path dead = Files.createDirectories(out.resolve(".eliloader-run.999999999.7.x"));
        Files.createSymbolicLink(dead.resolve("link"), elsewhere);
        Files.createSymbolicLink(out.resolve(".eliloader-run.999999998.7.y"), elsewhere);

        RunDirectory.sweep(out);

        assertThat(elsewhere.resolve("keep")).exists();
        assertThat(dead).doesNotExist();
    }

    @Test
    void startTimeIsReadFromProc() {
        assertThat(RunDirectory.self()).matches(ProcessHandle.current().pid() + "\\.[1-9][0-9]*");
    }
}
