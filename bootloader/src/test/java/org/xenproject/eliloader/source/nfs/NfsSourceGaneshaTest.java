package org.xenproject.eliloader.source.nfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.source.InstallSource;
import org.xenproject.eliloader.testpeers.GaneshaPeer;

/**
 * {@link NfsSource} against a real nfs-ganesha. Needs the private network namespace:
 * run via {@code scripts/with-test-netns}; the peer fails the class otherwise.
 */
@org.xenproject.eliloader.testsupport.RealPeers
class NfsSourceGaneshaTest {
    private static final NfsOptions OPTIONS = NfsOptions.defaults()
            .withConnectTimeout(Duration.ofSeconds(5))
            .withCallTimeout(Duration.ofSeconds(20));

    @TempDir
    static Path tree;
    static GaneshaPeer peer;

    @BeforeAll
    static void startServer() throws IOException {
        Random random = new Random(20240607);
        write("small.txt", "hello from NFS\n".getBytes());
        write("empty.bin", new byte[0]);
        write("random-5m.bin", bytes(random, 5 * 1024 * 1024));
        write("exactly-1m.bin", bytes(random, 1024 * 1024));
        write("1m-plus-1.bin", bytes(random, 1024 * 1024 + 1));
        write("images/xen/vmlinuz", bytes(random, 300_001));
        write("images/xen/initrd.img", bytes(random, 1_234_567));
        write("a/b/c/d/e/deep.txt", "deep\n".getBytes());
        write("dir with space/file.txt", "spaced\n".getBytes());
        write("dists/bookworm/Release", "Suite: stable\n".getBytes());
        Files.createSymbolicLink(tree.resolve("dists/stable"), Path.of("bookworm"));
        Files.createSymbolicLink(tree.resolve("current"), Path.of("images/xen"));
        Files.createSymbolicLink(tree.resolve("images/xen/kernel"), Path.of("../xen/vmlinuz"));
        Files.createSymbolicLink(tree.resolve("absolute"), Path.of("/export/small.txt"));
        Files.createSymbolicLink(tree.resolve("outside"), Path.of("/etc/passwd"));
        Files.createSymbolicLink(tree.resolve("loop"), Path.of("loop"));
        peer = GaneshaPeer.start(tree);
    }

    @AfterAll
    static void stopServer() {
        if (peer != null) {
            peer.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "nfs:127.0.0.1:/export",
        "nfs://127.0.0.1/export",
        "nfs://127.0.0.1:/export",
        "nfs://127.0.0.1:2049/export",
    })
    void readsFilesByteIdenticalThroughEverySpelling(String url) throws Exception {
        try (NfsSource source = NfsSource.connect(NfsLocation.parse(url), OPTIONS)) {
            assertThat(source.exportPath()).isEqualTo("/export");
            for (String file : new String[] {"small.txt", "empty.bin", "random-5m.bin", "exactly-1m.bin",
                    "1m-plus-1.bin", "images/xen/vmlinuz", "a/b/c/d/e/deep.txt"}) {
                assertSameContent(source, file);
            }
        }
    }

    @Test
    void negotiatesAReadSizeWithinTheLimits() {
        try (NfsSource source = connect(peer.url())) {
            assertThat(source.readSize()).isBetween(NfsOptions.MIN_READ_SIZE, NfsOptions.MAX_READ_SIZE);
        }
        try (NfsSource source = NfsSource.connect(NfsLocation.parse(peer.url()), OPTIONS.withMaxReadSize(65536))) {
            assertThat(source.readSize()).isEqualTo(65536);
            assertSameContent(source, "random-5m.bin"); // 80 READ calls
            assertSameContent(source, "1m-plus-1.bin");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aTreeBelowTheExportIsLookedUpInside() throws Exception {
        try (NfsSource source = connect("nfs://127.0.0.1/export/images")) {
            assertThat(source.exportPath()).isEqualTo("/export");
            assertThat(source.exists("xen/vmlinuz")).isTrue();
            assertSameContent(source, "xen/initrd.img", tree.resolve("images/xen/initrd.img"));
        }
    }

    @Test
    void percentEscapesReachNamesWithSpaces() throws Exception {
        try (NfsSource source = connect("nfs://127.0.0.1/export/dir%20with%20space")) {
            assertSameContent(source, "file.txt", tree.resolve("dir with space/file.txt"));
        }
    }

    @Test
    void symbolicLinksInsideTheExportAreFollowed() throws Exception {
        try (NfsSource source = connect(peer.url())) {
            assertSameContent(source, "dists/stable/Release", tree.resolve("dists/bookworm/Release"));
            assertSameContent(source, "current/vmlinuz", tree.resolve("images/xen/vmlinuz"));
            assertSameContent(source, "images/xen/kernel", tree.resolve("images/xen/vmlinuz"));
            assertSameContent(source, "absolute", tree.resolve("small.txt"));
            assertThat(source.exists("current/vmlinuz")).isTrue();
        }
    }

    @Test
    void linksLeavingTheExportOrLoopingAreRefused() {
        try (NfsSource source = connect(peer.url())) {
            assertThatThrownBy(() -> source.open("outside"))
                    .isInstanceOf(BootloaderException.class)
                    .hasMessageContaining("nfs://127.0.0.1/export/outside")
                    .hasMessageContaining("points to /etc/passwd, outside the export /export");
            assertThatThrownBy(() -> source.open("loop"))
                    .isInstanceOf(BootloaderException.class)
                    .hasMessageContaining("too many levels of symbolic links");
            // ".." in a name is refused before any lookup (TreePath), on every scheme; a link's
            // ".." is followed within the export (images/xen/kernel above)
            assertThatThrownBy(() -> source.open("../x"))
                    .isInstanceOf(BootloaderException.class)
                    .hasMessageContaining("leaves the repository");
        }
    }

    @Test
    void aMissingFileIsAnInvalidSourceNamingItsUrl() {
        try (NfsSource source = connect(peer.url())) {
            assertThat(source.exists("nope.txt")).isFalse();
            assertThat(source.exists("no/such/dir.txt")).isFalse();
            assertThat(source.exists("small.txt/below-a-file")).isFalse();
            assertThat(source.exists("images")).isFalse(); // a directory is not a file
            assertThatThrownBy(() -> source.open("images/xen/nope"))
                    .isInstanceOfSatisfying(BootloaderException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE))
                    .hasMessage("nfs://127.0.0.1/export/images/xen/nope does not exist (NFS3ERR_NOENT)");
            assertThatThrownBy(() -> source.open("images"))
                    .isInstanceOf(BootloaderException.class)
                    .hasMessage("nfs://127.0.0.1/export/images is not a regular file (directory)");
        }
    }

    @Test
    void anUnexportedPathIsRefusedNamingServerAndPath() {
        assertThatThrownBy(() -> connect("nfs://127.0.0.1/nope"))
                .isInstanceOfSatisfying(BootloaderException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE))
                .hasMessageStartingWith("NFS server 127.0.0.1 refused to mount /nope: MNT3ERR_")
                .hasMessageEndingWith("(exports: /export)");
    }

    @Test
    void aMissingTreeInsideTheExportIsNamed() {
        assertThatThrownBy(() -> connect("nfs://127.0.0.1/export/absent/tree"))
                .isInstanceOf(BootloaderException.class)
                .hasMessage("nfs://127.0.0.1/export/absent/tree does not exist on NFS server 127.0.0.1"
                        + " (NFS3ERR_NOENT below the export /export)");
        assertThatThrownBy(() -> connect("nfs://127.0.0.1/export/small.txt"))
                .isInstanceOf(BootloaderException.class)
                .hasMessage("nfs://127.0.0.1/export/small.txt is not a directory (regular file)");
    }

    @Test
    void aPortWithNothingListeningIsRefusedQuicklyNamingTheServer() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        long start = System.nanoTime();
        assertThatThrownBy(() -> connect("nfs://127.0.0.1:" + port + "/export"))
                .isInstanceOfSatisfying(BootloaderException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE))
                .hasMessage("cannot connect to NFS server 127.0.0.1 port " + port + " (NFS v3): Connection refused");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void anUnreachableServerIsNamed() {
        // the namespace routes nothing but loopback
        assertThatThrownBy(() -> connect("nfs://10.255.255.1/export"))
                .isInstanceOf(BootloaderException.class)
                .hasMessageStartingWith("cannot connect to NFS server 10.255.255.1 port 111 (portmapper)");
    }

    @Test
    void streamsOfOneSourceCanBeInterleaved() throws Exception {
        try (NfsSource source = connect(peer.url());
             InputStream a = source.open("random-5m.bin").stream();
             InputStream b = source.open("1m-plus-1.bin").stream()) {
            MessageDigest da = MessageDigest.getInstance("SHA-256");
            MessageDigest db = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[100_000];
            boolean aDone = false;
            boolean bDone = false;
            while (!aDone || !bDone) {
                aDone = aDone || pump(a, da, buf);
                bDone = bDone || pump(b, db, buf);
            }
            assertThat(hex(da.digest())).isEqualTo(sha256(tree.resolve("random-5m.bin")));
            assertThat(hex(db.digest())).isEqualTo(sha256(tree.resolve("1m-plus-1.bin")));
        }
    }

    @Test
    void defaultOptionsConnectFromAReservedPortAsRoot() {
        try (NfsSource source = NfsSource.connect(NfsLocation.parse(peer.url()), NfsOptions.defaults())) {
            assertThat(source.exists("small.txt")).isTrue();
            if ("root".equals(System.getProperty("user.name"))) {
                assertThat(source.nfsLocalPort()).isBetween(665, 1023);
            }
        }
    }

    // ---- helpers -----------------------------------------------------------------------

    private static NfsSource connect(String url) {
        return NfsSource.connect(NfsLocation.parse(url), OPTIONS);
    }

    private static void assertSameContent(NfsSource source, String file) throws IOException {
        assertSameContent(source, file, tree.resolve(file));
    }

    private static void assertSameContent(NfsSource source, String file, Path expected) throws IOException {
        try (InstallSource.Resource r = source.open(file); InputStream in = r.stream()) {
            assertThat(r.length()).as("length of %s", file).hasValue(Files.size(expected));
            MessageDigest d = digest();
            byte[] buf = new byte[8192];
            while (!pump(in, d, buf)) {
                // keep reading
            }
            assertThat(hex(d.digest())).as("SHA-256 of %s", file).isEqualTo(sha256(expected));
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    /** Reads once into {@code d}; true at the end of the stream. */
    private static boolean pump(InputStream in, MessageDigest d, byte[] buf) throws IOException {
        int n = in.read(buf);
        if (n < 0) {
            return true;
        }
        d.update(buf, 0, n);
        return false;
    }

    private static String sha256(Path file) throws IOException {
        return hex(digest().digest(Files.readAllBytes(file)));
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    private static void write(String relative, byte[] data) throws IOException {
        Path p = tree.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.write(p, data);
    }

    private static byte[] bytes(Random random, int size) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        return b;
    }
}
