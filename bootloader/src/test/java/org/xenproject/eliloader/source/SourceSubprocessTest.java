package org.xenproject.eliloader.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.source.SourceFixtures.WorkDir;
import org.xenproject.eliloader.testpeers.NginxPeer;
import org.xenproject.eliloader.testpeers.SambaPeer;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/**
 * The program in a JVM of its own, as the toolstack runs it: a scheme's library is loaded only
 * when that scheme is used, and stderr carries nothing but the error contract (no SLF4J notice
 * from jcifs-ng, no stack trace).
 */
@org.xenproject.eliloader.testsupport.RealPeers
class SourceSubprocessTest {
    private static WorkDir work;
    private static NginxPeer nginx;
    private static SambaPeer smb;

    @BeforeAll
    static void start() {
        work = SourceFixtures.workDir("subprocess");
        Path trees = SourceFixtures.fixtureTree().getParent();
        nginx = NginxPeer.serve(trees, work.resolve("nginx"));
        smb = SambaPeer.serve(trees, work.resolve("smb"));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {smb, nginx, work}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // keep closing the others
            }
        }
    }

    record Result(int status, String stdout, String stderr, List<String> loaded) {
        boolean loadedAny(String prefix) {
            return loaded.stream().anyMatch(c -> c.startsWith(prefix));
        }
    }

    private static Result run(String repository, Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path store = VmStoreFixture.vm().other("install-repository", repository).writeTo(dir.resolve("store.json"));
        Path classLog = dir.resolve("classes.log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:file=" + classLog,
                "-cp", System.getProperty("java.class.path"),
                "org.xenproject.eliloader.cli.Main",
                "--vm-store=" + store, "--output-directory=" + dir.resolve("out"), "-q", "--vm", VmStoreFixture.VM,
                "/dev/null"));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(dir.resolve("stdout").toFile()).redirectError(dir.resolve("stderr").toFile());
        builder.environment().putAll(Map.of("ELILOADER_CONFIG", "/nonexistent/eliloader.conf", "ELILOADER_SYSLOG", "0",
                "ELILOADER_FETCH_RETRIES", "0", "ELILOADER_CACHE_DIR", dir.resolve("cache").toString(),
                "ELILOADER_FILE_ROOTS", SourceFixtures.fixtureTree().getParent().toString()));
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        List<String> loaded = new ArrayList<>();
        for (String line : Files.readAllLines(classLog)) {
            // [0.012s][info][class,load] java.lang.Object source: shared objects file
            int tag = line.indexOf("[class,load] ");
            if (tag >= 0) {
                String rest = line.substring(tag + "[class,load] ".length());
                loaded.add(rest.substring(0, rest.indexOf(' ') < 0 ? rest.length() : rest.indexOf(' ')));
            }
        }
        return new Result(process.exitValue(), Files.readString(dir.resolve("stdout"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("stderr"), StandardCharsets.UTF_8), loaded);
    }

    @Test
    void aFileTreeLoadsNoNetworkLibrary(@TempDir Path dir) throws Exception {
        Result r = run("file://" + SourceFixtures.fixtureTree(), dir);
        assertThat(r.status()).as(r.stderr()).isZero();
        assertThat(r.stderr()).isEmpty();
        assertThat(r.stdout()).startsWith("kernel " + dir.resolve("out"));
        assertThat(r.loaded()).contains("org.xenproject.eliloader.source.file.FileSource");
        for (String library : List.of("okhttp3.", "kotlin.", "jcifs.", "org.apache.commons.net.", "org.slf4j.",
                "org.bouncycastle.")) {
            assertThat(r.loadedAny(library)).as(library).isFalse();
        }
    }

    @Test
    void httpLoadsOkHttpOnly(@TempDir Path dir) throws Exception {
        Result r = run(nginx.url(SourceFixtures.TREE), dir);
        assertThat(r.status()).as(r.stderr()).isZero();
        assertThat(r.stderr()).isEmpty();
        assertThat(r.loadedAny("okhttp3.")).isTrue();
        assertThat(r.loadedAny("jcifs.")).isFalse();
        assertThat(r.loadedAny("org.apache.commons.net.")).isFalse();
    }

    @Test
    void smbPrintsNothingButTheAnswerOrTheErrorContract(@TempDir Path dir) throws Exception {
        Result ok = run(smb.guestUrl(SourceFixtures.TREE), dir.resolve("ok"));
        assertThat(ok.status()).as(ok.stderr()).isZero();
        assertThat(ok.stderr()).isEmpty();
        assertThat(ok.loadedAny("jcifs.")).isTrue();
        assertThat(ok.loadedAny("okhttp3.")).isFalse();

        Result missing = run(smb.guestUrl("debian"), dir.resolve("missing"));
        assertThat(missing.status()).isEqualTo(1);
        assertThat(missing.stdout()).isEmpty();
        assertThat(missing.stderr()).startsWith("RuntimeError: INVALID_SOURCE\n")
                .contains(smb.guestUrl("debian/images/xen/vmlinuz"))
                .doesNotContain("SLF4J").doesNotContain("\tat ");
        String[] lines = missing.stderr().split("\n", -1);
        assertThat(lines).hasSize(3);
        assertThat(lines[2]).isEmpty();
    }
}
