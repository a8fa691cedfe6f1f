package org.xenproject.eliloader.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
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

/** The installed program ({@code scripts/eliloader}) as the toolstack sees it: exit status and stderr. */
@RealPeers
class LauncherTest {
    @TempDir
    Path dir;

    record Outcome(int status, String stdout, String stderr) { }

    private Outcome launch(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ProjectPaths.scripts().resolve("eliloader").toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("ELILOADER_VM_STORE");
        pb.environment().put("ELILOADER_CONFIG", dir.resolve("none.conf").toString());
        pb.environment().put("ELILOADER_SYSLOG", "0");
        pb.environment().put("ELILOADER_CACHE_DIR", dir.resolve("cache").toString()); // not the host's
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Outcome(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void failureIsTwoLinesOnStderrWithoutStackTrace() throws Exception {
        Path store = VmStoreFixture.vm().other("install-repository", "http://127.0.0.1:9/tree").writeTo(dir.resolve("s.json"));
        Outcome o = launch(Map.of("ELILOADER_VM_STORE", store.toString()), "-q", "--vm", VmStoreFixture.VM,
                "--output-directory=" + dir.resolve("out"), "/dev/null");
        assertThat(o.status()).isEqualTo(1);
        assertThat(o.stdout()).isEmpty();
        String[] lines = o.stderr().split("\n", -1);
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).isEqualTo("RuntimeError: INVALID_SOURCE");
        // the first file asked for: a refused connection is reported as itself, not taken as "no .treeinfo"
        assertThat(lines[1]).startsWith("Cannot fetch http://127.0.0.1:9/tree/.treeinfo");
        assertThat(lines[2]).isEmpty();
        assertThat(o.stderr()).doesNotContain("\tat ", "Exception");
    }

    @Test
    void debugAddsTheStackTraceBeforeTheContractLines() throws Exception {
        Path store = VmStoreFixture.vm().other("install-repository", "http://127.0.0.1:9/tree").writeTo(dir.resolve("s.json"));
        Outcome o = launch(Map.of(), "-q", "--debug", "--vm-store=" + store, "--vm", VmStoreFixture.VM,
                "--output-directory=" + dir.resolve("out"), "/dev/null");
        assertThat(o.stderr()).contains("\tat org.xenproject.eliloader");
        assertThat(o.stderr()).endsWith("\n");
        String[] lines = o.stderr().split("\n");
        assertThat(lines[lines.length - 2]).isEqualTo("RuntimeError: INVALID_SOURCE");
    }

    @Test
    void usageErrorExitsTwo() throws Exception {
        Outcome o = launch(Map.of(), "--no-such-option", "/dev/null");
        assertThat(o.status()).isEqualTo(2);
        assertThat(o.stderr()).endsWith("RuntimeError: USAGE\nUnknown option --no-such-option.\n");
    }

    @Test
    void withoutAnyBackendItSaysSo() throws Exception {
        Outcome o = launch(Map.of(), "-q", "--vm", VmStoreFixture.VM, "--output-directory=" + dir.resolve("out"), "/dev/null");
        assertThat(o.status()).isEqualTo(1);
        assertThat(o.stderr()).startsWith("RuntimeError: INTERNAL_ERROR\nNo VM record backend");
    }
}
