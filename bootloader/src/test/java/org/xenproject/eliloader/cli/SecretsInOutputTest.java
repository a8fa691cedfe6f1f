package org.xenproject.eliloader.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.testsupport.BootHarness;
import org.xenproject.eliloader.testsupport.ProjectPaths;
import org.xenproject.eliloader.testsupport.Run;
import org.xenproject.eliloader.testsupport.SlowTreeServer;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/**
 * A marker secret planted in each secret-bearing field (URL password in its forms, the secret
 * value, the proxy password with and without a scheme, the VNC password, the XenAPI password),
 * in failing and succeeding starts, run with {@code --debug} so the log lines and stack traces
 * reach stderr too: the marker appears in no output but the answer the installer needs.
 */
class SecretsInOutputTest {
    private static final String MARK = "ZQX";

    @TempDir
    Path dir;

    /** stdout, stderr, and what went to System.err (the log echo of --debug). */
    private record Output(Run run, String echoed) {
        String all() {
            return run.stdout() + "\n" + run.stderr() + "\n" + echoed;
        }
    }

    private Output boot(VmStoreFixture vm, String... extra) {
        PrintStream saved = System.err;
        ByteArrayOutputStream echo = new ByteArrayOutputStream();
        System.setErr(new PrintStream(echo, true, StandardCharsets.UTF_8));
        try {
            BootHarness harness = BootHarness.of(vm).in(dir.resolve("run" + System.nanoTime())).args("--debug");
            harness.args(extra);
            return new Output(harness.boot().run(), echo.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(saved);
        }
    }

    private static VmStoreFixture vm(String repository) {
        return VmStoreFixture.vm().other("install-repository", repository);
    }

    @Test
    void noFailingStartShowsAPlantedSecret() throws Exception {
        Path credentials = dir.resolve("xapi.cred");
        Files.writeString(credentials, "root\n" + MARK + "xapi/pw" + MARK + "\n");
        Files.setPosixFilePermissions(credentials, PosixFilePermissions.fromString("rw-------"));
        List<Output> runs = new ArrayList<>();
        runs.add(boot(vm("ftp://joe:" + MARK + "a/b" + MARK + "@127.0.0.1:9/tree")));
        runs.add(boot(vm("http://joe:" + MARK + "c" + MARK + "@127.0.0.1:9/tree")));
        runs.add(boot(vm("http://joe:" + MARK + "%2Fd" + MARK + "@127.0.0.1:9/tree")));
        runs.add(boot(vm("ftp://joe:" + MARK + "e" + MARK + "@127.0.0.1:9/tree" + "x".repeat(100_000))));
        runs.add(boot(vm("http://joe@127.0.0.1:9/tree").other("install-repository-secret", "sec-1")
                .secret("sec-1", MARK + "secret value" + MARK)));
        runs.add(boot(vm("http://127.0.0.1:9/tree").other("install-proxy", "joe:" + MARK + "f/g" + MARK + "@127.0.0.1:9")));
        runs.add(boot(vm("http://127.0.0.1:9/tree").other("install-proxy", "http://joe:" + MARK + "h" + MARK + "@127.0.0.1:9")));
        runs.add(boot(vm("http://127.0.0.1:9/tree").other("install-proxy", "http://joe:" + MARK + "i/j" + MARK + "@h:x")));
        runs.add(boot(vm("http://127.0.0.1:9/tree").other("install-vnc", "true")
                .other("install-vncpasswd", MARK + "k" + MARK + "x")));
        try (SlowTreeServer server = new SlowTreeServer(ProjectPaths.trees().resolve("rhel5"), 1 << 20, Duration.ZERO)) {
            // the kernel arguments are quoted in the error: an unbalanced quote after the VNC password
            runs.add(boot(vm(server.url()).other("install-vnc", "true").other("install-vncpasswd", MARK + "lm" + MARK)
                    .other("install-args", "ks=\"http://x/ks.cfg")));
            runs.add(boot(vm(server.url()).other("install-vnc", "true").other("install-vncpasswd", MARK + "no" + MARK)
                    .other("install-args", "a".repeat(2000))));
        }
        // no VM store: the XenAPI endpoint with its credentials file
        PrintStream saved = System.err;
        ByteArrayOutputStream echo = new ByteArrayOutputStream();
        System.setErr(new PrintStream(echo, true, StandardCharsets.UTF_8));
        try {
            runs.add(new Output(Run.of(Map.of(), List.of("--debug", "-q", "--vm", VmStoreFixture.VM,
                    "--xapi=https://127.0.0.1:9/", "--xapi-credentials=" + credentials,
                    "--output-directory=" + dir.resolve("xout"), "/dev/null")), echo.toString(StandardCharsets.UTF_8)));
        } finally {
            System.setErr(saved);
        }
        for (Output o : runs) {
            assertThat(o.run().status()).as(o.run().stderr()).isNotZero();
            assertThat(o.all()).as("everything printed").doesNotContain(MARK);
            String[] lines = o.run().stderr().split("\n");
            assertThat(lines[lines.length - 1]).as("the sentence is bounded").hasSizeLessThan(2000);
        }
        assertThat(runs.get(runs.size() - 2).run().errorCode()).isEqualTo("LIMITS");
    }

    @Test
    void aSucceedingStartShowsTheVncPasswordOnlyInTheAnswer() throws Exception {
        try (SlowTreeServer server = new SlowTreeServer(ProjectPaths.trees().resolve("rhel5"), 1 << 20, Duration.ZERO)) {
            String url = server.url().replace("http://", "http://joe:" + MARK + "p%2Fq" + MARK + "@");
            Output o = boot(vm(url).other("install-vnc", "true").other("install-vncpasswd", MARK + "rs" + MARK));
            assertThat(o.run().status()).as(o.run().stderr()).isZero();
            assertThat(o.run().answer().get("args")).contains("vncpassword=" + MARK + "rs" + MARK);
            assertThat(o.run().stderr() + o.echoed()).contains("eliloader: ").doesNotContain(MARK);
        }
    }
}
