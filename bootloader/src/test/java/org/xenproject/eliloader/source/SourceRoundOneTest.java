package org.xenproject.eliloader.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xenproject.eliloader.source.SourceFixtures.WorkDir;
import org.xenproject.eliloader.testpeers.NginxPeer;
import org.xenproject.eliloader.testpeers.SambaPeer;
import org.xenproject.eliloader.testpeers.VsftpdPeer;
import org.xenproject.eliloader.testsupport.Run;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/**
 * A round-1 boot of the same VM (local store, RHEL 5 profile) from every kind of repository,
 * each served by a real server from the same fixture tree: the handed-over kernel and initrd
 * must be byte-identical to the tree's, hence across sources. Then the failures every source
 * must map the same way: a missing file, a file over its limit, an unverifiable https server,
 * and never a file left in the output directory.
 */
class SourceRoundOneTest {
    private static final String SECRET_UUID = "0b7e3c52-5d7a-4d3e-9a43-4c1b0f5e2a11";
    private static WorkDir work;
    private static NginxPeer nginx;
    private static VsftpdPeer ftp;
    private static SambaPeer smb;
    private static final Map<String, byte[]> KERNELS = new ConcurrentHashMap<>();

    /** One way of reaching the tree: the repository URL (for a path inside the tree) and its secret. */
    record Via(String name, Function<String, String> url, String secret) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void start() {
        work = SourceFixtures.workDir("round1");
        Path trees = SourceFixtures.fixtureTree().getParent();
        nginx = NginxPeer.serveWithTls(trees, work.resolve("nginx"));
        ftp = VsftpdPeer.serve(trees, work.resolve("ftp"));
        smb = SambaPeer.serve(trees, work.resolve("smb"));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {smb, ftp, nginx, work}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // keep closing the others
            }
        }
    }

    static Stream<Via> sources() {
        return Stream.of(
                new Via("http", p -> nginx.url(p), null),
                new Via("https", p -> nginx.httpsUrl(p), null),
                new Via("ftp-anonymous", p -> ftp.url(p), null),
                new Via("ftp-user", p -> ftp.userUrl(p), VsftpdPeer.PASSWORD),
                new Via("smb-guest", p -> smb.guestUrl(p), null),
                new Via("smb-user", p -> smb.userUrl(p), SambaPeer.PASSWORD),
                new Via("file", p -> "file://" + SourceFixtures.fixtureTree().getParent().resolve(p), null));
    }

    private static VmStoreFixture vm(Via via, String path) {
        VmStoreFixture vm = VmStoreFixture.vm().other("install-repository", via.url().apply(path))
                .other("install-distro", "rhlike").other("install-arch", "x86_64");
        if (via.secret() != null) {
            vm.other(SourceOptions.SECRET_KEY, SECRET_UUID).secret(SECRET_UUID, via.secret());
        }
        return vm;
    }

    private static Run boot(VmStoreFixture vm, Path dir, String... extra) {
        Path store = vm.writeTo(dir.resolve("store.json"));
        List<String> args = new ArrayList<>(List.of("--vm-store=" + store, "--output-directory=" + dir.resolve("out"),
                "--ca-file=" + nginx.caCert()));
        args.addAll(List.of(extra));
        args.addAll(List.of("-q", "--vm", VmStoreFixture.VM, "/dev/null"));
        return Run.of(Map.of("ELILOADER_FETCH_RETRIES", "1"), args);
    }

    private static Map<String, String> answer(Run run) {
        Map<String, String> entries = new LinkedHashMap<>();
        for (String line : run.stdout().split("\n")) {
            int space = line.indexOf(' ');
            entries.put(space < 0 ? line : line.substring(0, space), space < 0 ? "" : line.substring(space + 1));
        }
        return entries;
    }

    private static List<Path> outputFiles(Path dir) throws IOException {
        Path out = dir.resolve("out");
        if (!Files.isDirectory(out)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(out)) {
            return files.toList();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void roundOneHandsOverTheTreesKernelAndInitrd(Via via, @TempDir Path dir) throws IOException {
        Run run = boot(vm(via, SourceFixtures.TREE), dir);
        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(run.stderr()).isEmpty();
        Map<String, String> answer = answer(run);
        Path kernel = Path.of(answer.get("kernel"));
        Path ramdisk = Path.of(answer.get("ramdisk"));
        assertThat(kernel).startsWith(dir.resolve("out")).hasSameBinaryContentAs(
                SourceFixtures.fixtureTree().resolve(SourceFixtures.KERNEL));
        assertThat(ramdisk).startsWith(dir.resolve("out")).hasSameBinaryContentAs(
                SourceFixtures.fixtureTree().resolve(SourceFixtures.INITRD));
        assertThat(answer.get("args")).contains("method=" + via.url().apply(SourceFixtures.TREE) + "/");
        assertThat(outputFiles(dir)).containsExactlyInAnyOrder(kernel, ramdisk);
        KERNELS.put(via.name(), Files.readAllBytes(kernel));
        assertThat(KERNELS.values()).allSatisfy(k -> assertThat(k).isEqualTo(KERNELS.get(via.name())));
        // the one round is done: the VM goes on with pygrub
        assertThat(VmStoreFixture.read(dir.resolve("store.json")).get("PV_bootloader")).isEqualTo("pygrub");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void aMissingKernelIsInvalidSourceNamingTheMaskedUrl(Via via, @TempDir Path dir) throws IOException {
        Run run = boot(vm(via, "debian"), dir);
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.errorCode()).isEqualTo("INVALID_SOURCE");
        assertThat(run.stderr()).contains(via.url().apply("debian/images/xen/vmlinuz"))
                .contains(via.url().apply("debian/isolinux/vmlinuz"));
        assertThat(run.stderr().split("\n")).hasSize(2);
        assertThat(outputFiles(dir)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void aKernelOverItsLimitIsLimitsAndLeavesNothing(Via via, @TempDir Path dir) throws IOException {
        Run run = boot(vm(via, SourceFixtures.TREE).platform("pv-kernel-max-size", "16"), dir);
        assertThat(run.errorCode()).as(run.stderr()).isEqualTo("LIMITS");
        assertThat(run.stderr()).contains(via.url().apply(SourceFixtures.TREE + "/" + SourceFixtures.KERNEL));
        assertThat(outputFiles(dir)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void anInitrdOverItsLimitRemovesTheKernelFetchedBeforeIt(Via via, @TempDir Path dir) throws IOException {
        Run run = boot(vm(via, SourceFixtures.TREE).platform("pv-ramdisk-max-size", "100"), dir);
        assertThat(run.errorCode()).as(run.stderr()).isEqualTo("LIMITS");
        assertThat(run.stderr()).contains(via.url().apply(SourceFixtures.TREE + "/" + SourceFixtures.INITRD));
        assertThat(outputFiles(dir)).isEmpty();
        assertThat(VmStoreFixture.read(dir.resolve("store.json")).get("PV_bootloader")).isEqualTo("eliloader");
    }

    @Test
    void httpsWithoutTheCaIsRefused(@TempDir Path dir) throws IOException {
        Path store = VmStoreFixture.vm().other("install-repository", nginx.httpsUrl(SourceFixtures.TREE))
                .writeTo(dir.resolve("store.json"));
        Run run = Run.of(List.of("--vm-store=" + store, "--output-directory=" + dir.resolve("out"), "-q", "--vm",
                VmStoreFixture.VM, "/dev/null"));
        assertThat(run.errorCode()).isEqualTo("INVALID_SOURCE");
        assertThat(run.stderr()).contains(nginx.httpsUrl(SourceFixtures.TREE)).contains("--ca-file");
        assertThat(outputFiles(dir)).isEmpty();
    }

    @Test
    void passwordsInTheRepositoryUrlNeverReachTheErrorOutput(@TempDir Path dir) throws IOException {
        String url = "ftp://" + VsftpdPeer.USER + ":Ftp-pass%209@127.0.0.1:" + ftp.port() + "/debian";
        Path store = VmStoreFixture.vm().other("install-repository", url).writeTo(dir.resolve("store.json"));
        Run run = Run.of(List.of("--vm-store=" + store, "--output-directory=" + dir.resolve("out"), "-q", "--vm",
                VmStoreFixture.VM, "/dev/null"));
        assertThat(run.errorCode()).isEqualTo("INVALID_SOURCE");
        assertThat(run.stderr()).contains("ftp://" + VsftpdPeer.USER + ":***@127.0.0.1:" + ftp.port()
                + "/debian/images/xen/vmlinuz").doesNotContain("Ftp-pass");
    }

    @Test
    void aWrongSecretIsInvalidSourceNamingTheUserOnly(@TempDir Path dir) throws IOException {
        Via smbUser = new Via("smb-user", p -> smb.userUrl(p), "Wrong-Secret");
        Run run = boot(vm(smbUser, SourceFixtures.TREE), dir);
        assertThat(run.errorCode()).isEqualTo("INVALID_SOURCE");
        assertThat(run.stderr()).contains("refused the login of user WORKGROUP\\labuser").doesNotContain("Wrong-Secret");
        assertThat(outputFiles(dir)).isEmpty();
    }

    @Test
    void aSecretMissingFromTheStoreIsInvalidSource(@TempDir Path dir) throws IOException {
        Path store = VmStoreFixture.vm().other("install-repository", ftp.userUrl(SourceFixtures.TREE))
                .other(SourceOptions.SECRET_KEY, SECRET_UUID).writeTo(dir.resolve("store.json"));
        Run run = Run.of(List.of("--vm-store=" + store, "--output-directory=" + dir.resolve("out"), "-q", "--vm",
                VmStoreFixture.VM, "/dev/null"));
        assertThat(run.errorCode()).isEqualTo("INVALID_SOURCE");
        assertThat(run.stderr()).contains(SECRET_UUID);
    }
}
