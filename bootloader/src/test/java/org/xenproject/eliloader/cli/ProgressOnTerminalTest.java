package org.xenproject.eliloader.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.testsupport.ProjectPaths;
import org.xenproject.eliloader.testsupport.RealPeers;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/**
 * Progress lines appear only for a person at a terminal: stderr not a terminal (the toolstacks'
 * case) gets exactly what it got before, and with -q (xenopsd, xapi) the progress class is not
 * even loaded; on a pty (python3's pty module) each file gets its line.
 */
class ProgressOnTerminalTest {
    @TempDir
    Path dir;

    record Outcome(int status, String stdout, String stderr, List<String> classes) { }

    private List<String> javaCommand(boolean logClasses, String... args) {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (logClasses) {
            command.add("-Xlog:class+load=info:file=" + dir.resolve("classes.log"));
        }
        command.addAll(List.of("-cp", classPath, "org.xenproject.eliloader.cli.Main"));
        command.addAll(List.of(args));
        return command;
    }

    private Outcome run(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("ELILOADER_CONFIG", "/nonexistent/eliloader.conf");
        pb.environment().put("ELILOADER_SYSLOG", "0");
        pb.environment().remove("ELILOADER_VM_STORE");
        pb.environment().put("ELILOADER_FILE_ROOTS", ProjectPaths.trees().toString());
        pb.environment().put("ELILOADER_CACHE_DIR", dir.resolve("cache").toString());
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.redirectOutput(dir.resolve("stdout").toFile()).redirectError(dir.resolve("stderr").toFile());
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        Path log = dir.resolve("classes.log");
        return new Outcome(p.exitValue(), Files.readString(dir.resolve("stdout")), Files.readString(dir.resolve("stderr")),
                Files.exists(log) ? Files.readAllLines(log) : List.of());
    }

    private String store() throws Exception {
        return VmStoreFixture.vm().other("install-repository", ProjectPaths.trees().resolve("rhel5").toUri().toString())
                .writeTo(dir.resolve("vms-" + System.nanoTime() + ".json")).toString();
    }

    @Test
    void notATerminalMeansNothingOnStderrEvenWithoutQuiet() throws Exception {
        Outcome quiet = run(javaCommand(true, "-q", "--keep-installing", "--vm", VmStoreFixture.VM, "--vm-store=" + store(),
                "--output-directory=" + dir.resolve("out1"), "/dev/null"), Map.of("TERM", "xterm"));
        assertThat(quiet.status()).as(quiet.stderr()).isZero();
        assertThat(quiet.stderr()).isEmpty();
        assertThat(quiet.classes()).noneMatch(line -> line.contains("org.xenproject.eliloader.round.Progress"));

        Outcome loud = run(javaCommand(false, "--keep-installing", "--vm", VmStoreFixture.VM, "--vm-store=" + store(),
                "--output-directory=" + dir.resolve("out2"), "/dev/null"), Map.of("TERM", "xterm"));
        assertThat(loud.status()).isZero();
        assertThat(loud.stderr()).isEmpty();
        // the same answer, file names apart (they are random)
        assertThat(loud.stdout().replaceAll("boot_(kernel|ramdisk)\\.[0-9]+", "boot_$1"))
                .isEqualTo(quiet.stdout().replace("/out1/", "/out2/").replaceAll("boot_(kernel|ramdisk)\\.[0-9]+", "boot_$1"));
    }

    private Outcome onPty(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("python3", "-c",
                "import os, pty, sys; status = pty.spawn(sys.argv[1:]); sys.exit(os.waitstatus_to_exitcode(status))"));
        command.addAll(javaCommand(false, args));
        return run(command, env);
    }

    @RealPeers
    @Test
    void onATerminalEachFileGetsItsLineAndQuietSilencesThem() throws Exception {
        Outcome live = onPty(Map.of("TERM", "xterm"), "--keep-installing", "--vm", VmStoreFixture.VM,
                "--vm-store=" + store(), "--output-directory=" + dir.resolve("out1"), "/dev/null");
        assertThat(live.status()).as(live.stdout()).isZero();
        // the pty merges stdout and stderr (and turns \n into \r\n)
        String screen = live.stdout().replace("\r\n", "\n");
        assertThat(screen).containsPattern("eliloader: kernel [0-9.]+ KiB in [0-9.]+ s \\([0-9.]+ MiB/s\\)\n");
        assertThat(screen).containsPattern("eliloader: initrd [0-9.]+ KiB in [0-9.]+ s \\([0-9.]+ MiB/s\\)\n");
        assertThat(screen).contains("kernel " + dir.resolve("out1"));

        Outcome quiet = onPty(Map.of("TERM", "xterm"), "-q", "--keep-installing", "--vm", VmStoreFixture.VM,
                "--vm-store=" + store(), "--output-directory=" + dir.resolve("out2"), "/dev/null");
        assertThat(quiet.status()).isZero();
        assertThat(quiet.stdout()).doesNotContain("eliloader: ").startsWith("kernel " + dir.resolve("out2"));

        // libxl's form: plain lines, no carriage return of a live line (fetched again: a cache hit copies nothing)
        Outcome libxl = onPty(Map.of("TERM", "vt100", "ELILOADER_NO_CACHE", "1"), "--keep-installing", "--vm", VmStoreFixture.VM,
                "--vm-store=" + store(), "--output-format=simple0", "--output=" + dir.resolve("answer"),
                "--output-directory=" + dir.resolve("out3"), "/dev/null");
        assertThat(libxl.status()).isZero();
        assertThat(libxl.stdout().replace("\r\n", "\n")).doesNotContain("\r").contains("eliloader: kernel ", "eliloader: initrd ");
        assertThat(Files.readString(dir.resolve("answer"), StandardCharsets.UTF_8)).startsWith("kernel " + dir.resolve("out3"));
    }
}
