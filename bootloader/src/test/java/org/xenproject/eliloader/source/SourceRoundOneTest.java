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
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xenproject.eliloader.source.SourceFixtures.WorkDir;
import org.xenproject.eliloader.testpeers.GaneshaPeer;
import org.xenproject.eliloader.testpeers.NginxPeer;
import org.xenproject.eliloader.testpeers.SambaPeer;
import org.xenproject.eliloader.testpeers.VsftpdPeer;
import org.xenproject.eliloader.testsupport.BootHarness;
import org.xenproject.eliloader.testsupport.RealPeers;
import org.xenproject.eliloader.testsupport.Run;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/**
 * A round-1 boot of the same VM (local store, RHEL 5 tree, rhlike) from every kind of repository,
 * each served by a real server from the same fixture tree: nginx (http, https with a generated
 * CA), vsftpd (anonymous and user), Samba (guest and user share), nfs-ganesha over NFSv3 (the
 * three URL spellings), {@code file://}, and {@code cdrom} from ISO images of the tree made by
 * xorriso and by genisoimage, passed as the boot DISK. The handed-over kernel and initrd must be
 * the tree's, and byte-identical across all of them. Then the failures every source must map the
 * same way: a missing file ({@code INVALID_SOURCE} naming the masked location), a file over its
 * limit ({@code LIMITS}), an unverifiable https server, and never a file left in the output
 * directory.
 *
 * <p>nfs-ganesha needs rpcbind, which runs only inside the test network namespace: run this
 * class through {@code scripts/with-test-netns} (scripts/test runs the whole suite there).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@RealPeers
class SourceRoundOneTest {
    private static final String SECRET_UUID = "0b7e3c52-5d7a-4d3e-9a43-4c1b0f5e2a11";
    /** The trees an ISO image is made of: the one that boots, and one without an installer kernel. */
    private static final List<String> ISO_TREES = List.of(SourceFixtures.TREE, "debian");
    private static WorkDir work;
    private static NginxPeer nginx;
    private static VsftpdPeer ftp;
    private static SambaPeer smb;
    private static GaneshaPeer nfs;
    /** ISO images by maker, then tree. */
    private static final Map<String, Map<String, Path>> ISOS = new LinkedHashMap<>();
    /** What each source handed over, kernel then initrd, by source name. */
    private static final Map<String, List<byte[]>> HANDED_OVER = new ConcurrentHashMap<>();

    /**
     * One way of reaching a tree of the fixtures: the repository (for a tree name), the boot disk
     * the caller passes, where the messages say a file of the tree is, the kernel arguments
     * round 1 gives the installer, and the repository's secret.
     */
    record Via(String name, Function<String, String> repository, Function<String, Path> disk,
            BiFunction<String, String, String> location, Function<String, String> args, String secret) {
        /** A network (or file) repository: its URL names the tree, the boot disk is not read. */
        static Via network(String name, Function<String, String> url, String secret) {
            return new Via(name, url, tree -> Path.of("/dev/null"), (tree, file) -> url.apply(tree + "/" + file),
                    tree -> "method=" + url.apply(tree) + "/", secret);
        }

        /** A CD install: the ISO image of the tree is the boot disk; anaconda finds the CD itself. */
        static Via cdrom(String maker) {
            return new Via("cdrom-" + maker, tree -> "cdrom", tree -> ISOS.get(maker).get(tree),
                    (tree, file) -> file + " in ISO image " + ISOS.get(maker).get(tree), tree -> "", null);
        }

        boolean isCdrom() {
            return name.startsWith("cdrom-");
        }

        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void start() throws IOException, InterruptedException {
        work = SourceFixtures.workDir("round1");
        Path trees = SourceFixtures.fixtureTree().getParent();
        nginx = NginxPeer.serveWithTls(trees, work.resolve("nginx"));
        ftp = VsftpdPeer.serve(trees, work.resolve("ftp"));
        smb = SambaPeer.serve(trees, work.resolve("smb"));
        nfs = GaneshaPeer.start(trees);
        Map<String, List<String>> makers = Map.of(
                "xorriso", List.of("xorriso", "-as", "mkisofs", "-R", "-J"),
                "genisoimage", List.of("genisoimage", "-R", "-J"));
        for (String maker : List.of("xorriso", "genisoimage")) {
            Map<String, Path> images = new LinkedHashMap<>();
            for (String tree : ISO_TREES) {
                images.put(tree, iso(makers.get(maker), trees.resolve(tree), work.resolve(maker + "-" + tree + ".iso")));
            }
            ISOS.put(maker, images);
        }
    }

    private static Path iso(List<String> maker, Path tree, Path image) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(maker);
        command.addAll(List.of("-V", "ELILOADER_ROUND1", "-o", image.toString(), tree.toString()));
        Path log = Path.of(image + ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        assertThat(p.exitValue()).as(command.get(0) + " (scripts/setup installs it): " + Files.readString(log)).isZero();
        return image;
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {nfs, smb, ftp, nginx, work}) {
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
                Via.network("http", p -> nginx.url(p), null),
                Via.network("https", p -> nginx.httpsUrl(p), null),
                Via.network("ftp-anonymous", p -> ftp.url(p), null),
                Via.network("ftp-user", p -> ftp.userUrl(p), VsftpdPeer.PASSWORD),
                Via.network("smb-guest", p -> smb.guestUrl(p), null),
                Via.network("smb-user", p -> smb.userUrl(p), SambaPeer.PASSWORD),
                // every spelling reaches anaconda as nfs:SERVER:/PATH, the only form it knows;
                // messages name files by the nfs:// URL
                new Via("nfs-url", p -> "nfs://" + GaneshaPeer.HOST + GaneshaPeer.EXPORT + "/" + p,
                        tree -> Path.of("/dev/null"), SourceRoundOneTest::nfsUrl, SourceRoundOneTest::anacondaNfs, null),
                new Via("nfs-colon", p -> "nfs:" + GaneshaPeer.HOST + ":" + GaneshaPeer.EXPORT + "/" + p,
                        tree -> Path.of("/dev/null"), SourceRoundOneTest::nfsUrl, SourceRoundOneTest::anacondaNfs, null),
                new Via("nfs-url-colon-slash", p -> "nfs://" + GaneshaPeer.HOST + ":" + GaneshaPeer.EXPORT + "/" + p + "/",
                        tree -> Path.of("/dev/null"), SourceRoundOneTest::nfsUrl, SourceRoundOneTest::anacondaNfs, null),
                Via.network("file", p -> "file://" + SourceFixtures.fixtureTree().getParent().resolve(p), null),
                Via.cdrom("xorriso"),
                Via.cdrom("genisoimage"));
    }

    private static String anacondaNfs(String tree) {
        return "method=nfs:" + GaneshaPeer.HOST + ":" + GaneshaPeer.EXPORT + "/" + tree + "/";
    }

    private static String nfsUrl(String tree, String file) {
        return "nfs://" + GaneshaPeer.HOST + GaneshaPeer.EXPORT + "/" + tree + "/" + file;
    }

    private static VmStoreFixture vm(Via via, String tree) {
        VmStoreFixture vm = VmStoreFixture.vm().other("install-repository", via.repository().apply(tree))
                .other("install-distro", "rhlike").other("install-arch", "x86_64");
        if (via.isCdrom()) {
            // as a CD install template makes it: the CD boots, the empty system disk is userdevice 0
            vm.noVbds().vbd("0", false, "Disk", true, Map.of()).vbd("3", true, "CD", true, Map.of());
        }
        if (via.secret() != null) {
            vm.other(SourceOptions.SECRET_KEY, SECRET_UUID).secret(SECRET_UUID, via.secret());
        }
        return vm;
    }

    private static Run boot(Via via, String tree, VmStoreFixture vm, Path dir, String... extra) {
        return BootHarness.of(vm).in(dir).disk(via.disk().apply(tree)).args("--ca-file=" + nginx.caCert()).args(extra)
                .env("ELILOADER_FETCH_RETRIES", "1")
                .env("ELILOADER_FILE_ROOTS", SourceFixtures.fixtureTree().getParent().toString()).boot().run();
    }

    private static Run boot(Via via, String tree, Path dir) {
        return boot(via, tree, vm(via, tree), dir);
    }

    private static List<Path> outputFiles(Path dir) {
        return BootHarness.filesIn(dir.resolve("out"));
    }

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void roundOneHandsOverTheTreesKernelAndInitrd(Via via, @TempDir Path dir) throws IOException {
        Run run = boot(via, SourceFixtures.TREE, dir);
        assertThat(run.status()).as(run.stderr()).isZero();
        assertThat(run.stderr()).isEmpty();
        Map<String, String> answer = run.answer();
        assertThat(answer).containsOnlyKeys("kernel", "ramdisk", "args");
        Path kernel = Path.of(answer.get("kernel"));
        Path ramdisk = Path.of(answer.get("ramdisk"));
        assertThat(kernel).startsWith(dir.resolve("out")).hasSameBinaryContentAs(
                SourceFixtures.fixtureTree().resolve(SourceFixtures.KERNEL));
        assertThat(ramdisk).startsWith(dir.resolve("out")).hasSameBinaryContentAs(
                SourceFixtures.fixtureTree().resolve(SourceFixtures.INITRD));
        assertThat(answer.get("args")).isEqualTo(via.args().apply(SourceFixtures.TREE));
        assertThat(outputFiles(dir)).containsExactlyInAnyOrder(kernel, ramdisk);
        HANDED_OVER.put(via.name(), List.of(Files.readAllBytes(kernel), Files.readAllBytes(ramdisk)));
        // the one round is done: the VM goes on with pygrub
        Path store = dir.resolve("store.json");
        assertThat(VmStoreFixture.read(store).get("PV_bootloader")).isEqualTo("pygrub");
        assertThat(VmStoreFixture.otherConfig(store)).doesNotContainKeys("install-round", "install-distro");
        if (via.isCdrom()) {
            // and its next boot comes from the installed disk, not the CD
            Map<String, Map<String, Object>> vbds = VmStoreFixture.vbds(store);
            assertThat(vbds.get("vbd-0")).containsEntry("bootable", true);
            assertThat(vbds.get("vbd-3")).containsEntry("bootable", false);
        }
    }

    @Order(2)
    @Test
    void everySourceHandedOverTheSameKernelAndInitrd() {
        List<String> names = sources().map(Via::name).toList();
        assertThat(HANDED_OVER).as("every source's round 1 must have succeeded").containsOnlyKeys(names);
        List<byte[]> first = HANDED_OVER.get(names.get(0));
        for (String name : names) {
            assertThat(HANDED_OVER.get(name).get(0)).as(name + " kernel").isEqualTo(first.get(0));
            assertThat(HANDED_OVER.get(name).get(1)).as(name + " initrd").isEqualTo(first.get(1));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void aMissingKernelIsInvalidSourceNamingTheMaskedLocation(Via via, @TempDir Path dir) throws IOException {
        Run run = boot(via, "debian", dir);
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.errorCode()).as(run.stderr()).isEqualTo("INVALID_SOURCE");
        assertThat(run.stderr()).contains(via.location().apply("debian", "images/xen/vmlinuz"))
                .contains(via.location().apply("debian", "isolinux/vmlinuz"));
        assertThat(run.stderr().split("\n")).hasSize(2);
        assertThat(outputFiles(dir)).isEmpty();
        assertThat(VmStoreFixture.read(dir.resolve("store.json")).get("PV_bootloader")).isEqualTo("eliloader");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void aKernelOverItsLimitIsLimitsAndLeavesNothing(Via via, @TempDir Path dir) throws IOException {
        Run run = boot(via, SourceFixtures.TREE, vm(via, SourceFixtures.TREE).platform("pv-kernel-max-size", "16"), dir);
        assertThat(run.errorCode()).as(run.stderr()).isEqualTo("LIMITS");
        assertThat(run.stderr()).contains(via.location().apply(SourceFixtures.TREE, SourceFixtures.KERNEL));
        assertThat(run.stderr().split("\n")).hasSize(2);
        assertThat(outputFiles(dir)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void anInitrdOverItsLimitRemovesTheKernelFetchedBeforeIt(Via via, @TempDir Path dir) throws IOException {
        Run run = boot(via, SourceFixtures.TREE, vm(via, SourceFixtures.TREE).platform("pv-ramdisk-max-size", "100"), dir);
        assertThat(run.errorCode()).as(run.stderr()).isEqualTo("LIMITS");
        assertThat(run.stderr()).contains(via.location().apply(SourceFixtures.TREE, SourceFixtures.INITRD));
        assertThat(outputFiles(dir)).isEmpty();
        Path store = dir.resolve("store.json");
        assertThat(VmStoreFixture.read(store).get("PV_bootloader")).isEqualTo("eliloader");
        if (via.isCdrom()) {
            assertThat(VmStoreFixture.vbds(store).get("vbd-3")).containsEntry("bootable", true);
        }
    }

    @Test
    void aBootDiskThatIsNoIsoIsInvalidSourceForACdromInstall(@TempDir Path dir) throws IOException {
        Path notIso = Files.write(dir.resolve("disk.img"), new byte[64 * 1024]);
        Via disk = new Via("cdrom-not-iso", tree -> "cdrom", tree -> notIso, null, null, null);
        VmStoreFixture vm = vm(disk, SourceFixtures.TREE);
        String before = Files.readString(vm.writeTo(dir.resolve("before.json")));
        Run run = boot(disk, SourceFixtures.TREE, vm, dir);
        assertThat(run.errorCode()).isEqualTo("INVALID_SOURCE");
        assertThat(run.stderr()).contains(notIso.toString());
        assertThat(run.stderr().split("\n")).hasSize(2);
        assertThat(outputFiles(dir)).isEmpty();
        assertThat(Files.readString(dir.resolve("store.json"))).isEqualTo(before);
    }

    @Test
    void anNfsExportThatDoesNotExistIsInvalidSourceNamingServerAndPath(@TempDir Path dir) throws IOException {
        Via missing = Via.network("nfs-missing", p -> "nfs://" + GaneshaPeer.HOST + "/no-such-export/" + p, null);
        Run run = boot(missing, SourceFixtures.TREE, dir);
        assertThat(run.errorCode()).as(run.stderr()).isEqualTo("INVALID_SOURCE");
        assertThat(run.stderr()).contains(GaneshaPeer.HOST).contains("/no-such-export/" + SourceFixtures.TREE);
        assertThat(run.stderr().split("\n")).hasSize(2);
        assertThat(outputFiles(dir)).isEmpty();
    }

    @Test
    void httpsWithoutTheCaIsRefused(@TempDir Path dir) throws IOException {
        Run run = BootHarness.of(VmStoreFixture.vm().other("install-repository", nginx.httpsUrl(SourceFixtures.TREE)))
                .in(dir).boot().run();
        assertThat(run.errorCode()).isEqualTo("INVALID_SOURCE");
        assertThat(run.stderr()).contains(nginx.httpsUrl(SourceFixtures.TREE)).contains("--ca-file");
        assertThat(outputFiles(dir)).isEmpty();
    }

    @Test
    void passwordsInTheRepositoryUrlNeverReachTheErrorOutput(@TempDir Path dir) throws IOException {
        String url = "ftp://" + VsftpdPeer.USER + ":Ftp-pass%209@127.0.0.1:" + ftp.port() + "/debian";
        Run run = BootHarness.of(VmStoreFixture.vm().other("install-repository", url)).in(dir).boot().run();
        assertThat(run.errorCode()).isEqualTo("INVALID_SOURCE");
        assertThat(run.stderr()).contains("ftp://" + VsftpdPeer.USER + ":***@127.0.0.1:" + ftp.port()
                + "/debian/images/xen/vmlinuz").doesNotContain("Ftp-pass");
    }

    @Test
    void aWrongSecretIsInvalidSourceNamingTheUserOnly(@TempDir Path dir) throws IOException {
        Via smbUser = Via.network("smb-user", p -> smb.userUrl(p), "Wrong-Secret");
        Run run = boot(smbUser, SourceFixtures.TREE, dir);
        assertThat(run.errorCode()).isEqualTo("INVALID_SOURCE");
        assertThat(run.stderr()).contains("refused the login of user WORKGROUP\\labuser").doesNotContain("Wrong-Secret");
        assertThat(outputFiles(dir)).isEmpty();
    }

    @Test
    void aSecretMissingFromTheStoreIsInvalidSource(@TempDir Path dir) throws IOException {
        Run run = BootHarness.of(VmStoreFixture.vm().other("install-repository", ftp.userUrl(SourceFixtures.TREE))
                .other(SourceOptions.SECRET_KEY, SECRET_UUID)).in(dir).boot().run();
        assertThat(run.errorCode()).isEqualTo("INVALID_SOURCE");
        assertThat(run.stderr()).contains(SECRET_UUID);
    }
}
