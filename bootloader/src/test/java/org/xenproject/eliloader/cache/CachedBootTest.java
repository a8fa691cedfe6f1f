package org.xenproject.eliloader.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.testpeers.NginxPeer;
import org.xenproject.eliloader.testsupport.BootHarness;
import org.xenproject.eliloader.testsupport.RealPeers;
import org.xenproject.eliloader.testsupport.Run;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/** The host-wide cache of boot files, in-process against a real nginx: revalidation, never stale, credentials, hostile entries. */
@RealPeers
class CachedBootTest {
    private static final int KERNEL_BYTES = 300_000;
    private static final int INITRD_BYTES = 1_000_000;

    @TempDir
    static Path serverDir;
    static Path trees;
    static NginxPeer nginx;

    @TempDir
    Path dir;
    Path cache;
    Path tree;
    String name;

    @BeforeAll
    static void startNginx() throws IOException {
        trees = serverDir.resolve("trees");
        Files.createDirectories(trees);
        // nginx's workers run as another user
        Files.setPosixFilePermissions(serverDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        nginx = NginxPeer.serve(trees, serverDir.resolve("nginx-work"));
    }

    @AfterAll
    static void stopNginx() {
        nginx.close();
    }

    @BeforeEach
    void freshTree() throws IOException {
        name = "t" + System.nanoTime();
        tree = CacheTrees.tree(trees, name, KERNEL_BYTES, INITRD_BYTES, 42);
        cache = dir.resolve("cache");
    }

    private Run boot(String repository, Map<String, String> otherConfig, String... extra) {
        Path store = dir.resolve("store.json");
        VmStoreFixture vm = VmStoreFixture.vm().other("install-repository", repository).other("install-distro", "rhlike")
                .other("install-arch", "x86_64");
        otherConfig.forEach(vm::other);
        vm.secret("s1", "the-secret-password");
        vm.writeTo(store);
        return BootHarness.onStore(store).outputDirectory(dir.resolve("out")).env("ELILOADER_CACHE_DIR", cache.toString())
                .args(extra).boot().run();
    }

    private Run boot(String... extra) {
        return boot(nginx.url(name), Map.of(), extra);
    }

    private int logLines() {
        return Files.exists(nginx.accessLog()) ? CacheTrees.log(nginx.accessLog()).size() : 0;
    }

    private long bootFileBytesSince(int from) {
        return CacheTrees.bytesSent(nginx.accessLog(), from, "/vmlinuz") + CacheTrees.bytesSent(nginx.accessLog(), from, "/initrd.img");
    }

    private static void assertHandedOver(Run run, Path tree) throws IOException {
        assertThat(run.status()).as(run.stderr()).isZero();
        Map<String, String> answer = run.answer();
        assertThat(Files.mismatch(Path.of(answer.get("kernel")), tree.resolve(CacheTrees.KERNEL))).isEqualTo(-1);
        assertThat(Files.mismatch(Path.of(answer.get("ramdisk")), tree.resolve(CacheTrees.INITRD))).isEqualTo(-1);
    }

    @Test
    void aRestartSendsNoBootFileBytesAndGetsItsOwnFiles() throws IOException {
        Run first = boot("--keep-installing");
        assertHandedOver(first, tree);
        int before = logLines();
        Run second = boot("--keep-installing");
        assertHandedOver(second, tree);
        assertThat(bootFileBytesSince(before)).as("boot-file bytes re-sent").isZero();
        assertThat(CacheTrees.since(nginx.accessLog(), before)).filteredOn(l -> l.path().endsWith("initrd.img"))
                .extracting(CacheTrees.Logged::status).containsExactly(304);
        // each start got new names: the caller deletes them, the cache keeps its own
        Path ramdisk = Path.of(second.answer().get("ramdisk"));
        assertThat(ramdisk).isNotEqualTo(Path.of(first.answer().get("ramdisk")));
        try (Stream<Path> files = Files.list(cache)) {
            assertThat(files.filter(p -> p.toString().endsWith(".data")).toList()).hasSize(2)
                    .allSatisfy(p -> assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p)))
                            .isEqualTo("rw-------"));
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cache))).isEqualTo("rwx------");
        Files.delete(ramdisk); // as libxl does
        Files.delete(Path.of(first.answer().get("ramdisk")));
        assertHandedOver(boot("--keep-installing"), tree);
    }

    @Test
    void aCacheOnTmpfsHandsOverCopiesToAnOutputDirectoryOnDisk() throws IOException {
        Path shm = Path.of("/dev/shm");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(shm)
                && !Files.getFileStore(shm).equals(Files.getFileStore(dir)), "needs a tmpfs apart from the temp dir");
        Path tmpfs = Files.createTempDirectory(shm, "eliloader-cache-test-");
        try {
            cache = tmpfs.resolve("cache");
            assertHandedOver(boot("--keep-installing"), tree);
            int before = logLines();
            Run second = boot("--keep-installing");
            assertHandedOver(second, tree);
            assertThat(bootFileBytesSince(before)).isZero();
            // a copy of its own: one link, not the cache's inode
            assertThat(Files.getAttribute(Path.of(second.answer().get("ramdisk")), "unix:nlink")).isEqualTo(1);
        } finally {
            try (Stream<Path> files = Files.walk(tmpfs)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    void handedOverFilesAreNewLinksOfTheCachedBytesOnOneFileSystem() throws IOException {
        Run run = boot("--keep-installing");
        assertHandedOver(run, tree);
        assertThat(Files.getAttribute(Path.of(run.answer().get("ramdisk")), "unix:nlink")).isEqualTo(2);
    }

    @Test
    void aChangedFileIsFetchedAnewNeverStale() throws IOException {
        assertHandedOver(boot("--keep-installing"), tree);
        CacheTrees.write(tree.resolve(CacheTrees.INITRD), INITRD_BYTES, 7); // same size, other bytes, later old mtime
        CacheTrees.age(tree.resolve(CacheTrees.INITRD), 1800);
        int before = logLines();
        assertHandedOver(boot("--keep-installing"), tree);
        assertThat(CacheTrees.bytesSent(nginx.accessLog(), before, "/initrd.img")).isEqualTo(INITRD_BYTES);
        assertThat(CacheTrees.bytesSent(nginx.accessLog(), before, "/vmlinuz")).isZero();
    }

    @Test
    void aFileJustModifiedIsNotCached() throws IOException {
        Files.setLastModifiedTime(tree.resolve(CacheTrees.INITRD), java.nio.file.attribute.FileTime.from(java.time.Instant.now()));
        assertHandedOver(boot("--keep-installing"), tree);
        int before = logLines();
        assertHandedOver(boot("--keep-installing"), tree);
        assertThat(CacheTrees.bytesSent(nginx.accessLog(), before, "/initrd.img")).isEqualTo(INITRD_BYTES);
    }

    @Test
    void aFileFetchedWithASecretIsNeverServedWithoutIt() throws IOException {
        String withUser = nginx.url(name).replace("http://", "http://alice@");
        Run secret = boot(withUser, Map.of("install-repository-secret", "s1"), "--keep-installing");
        // (nginx asks for no credentials here, so the files arrive either way: the key is what differs)
        assertThat(secret.status()).as(secret.stderr()).isZero();
        int before = logLines();
        assertHandedOver(boot("--keep-installing"), tree);
        assertThat(bootFileBytesSince(before)).isEqualTo(KERNEL_BYTES + INITRD_BYTES);
        try (Stream<Path> files = Files.list(cache)) {
            List<String> texts = files.map(p -> {
                try {
                    return new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.ISO_8859_1);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
            assertThat(texts).noneMatch(t -> t.contains("the-secret-password"));
        }
    }

    @Test
    void cacheListShowsEntriesMaskedAndClearEmptiesIt() throws IOException {
        String withPassword = nginx.url(name).replace("http://", "http://alice:pw-in-url@");
        assertThat(boot(withPassword, Map.of(), "--keep-installing").status()).isZero();
        Map<String, String> env = Map.of("ELILOADER_CACHE_DIR", cache.toString());
        Run list = Run.of(env, List.of("cache", "list"));
        assertThat(list.status()).as(list.stderr()).isZero();
        assertThat(list.stdout()).contains("alice:***@").contains("/images/xen/initrd.img").contains("2 entries")
                .doesNotContain("pw-in-url");
        Run clear = Run.of(env, List.of("cache", "clear"));
        assertThat(clear.stdout()).contains("Removed 2 entries");
        assertThat(Run.of(env, List.of("cache", "list")).stdout()).contains("0 entries");
        assertThat(Run.of(env, List.of("cache", "purge")).errorCode()).isEqualTo("USAGE");
    }

    @Test
    void aTamperedEntryIsNotHandedOver() throws IOException {
        assertHandedOver(boot("--keep-installing"), tree);
        try (Stream<Path> files = Files.list(cache)) {
            for (Path data : files.filter(p -> p.toString().endsWith(".data")).toList()) {
                byte[] bytes = Files.readAllBytes(data);
                bytes[10] ^= 1; // same size, other bytes
                Files.write(data, bytes);
            }
        }
        assertHandedOver(boot("--keep-installing"), tree);
    }

    @Test
    void aSymlinkedCacheDirectoryIsRefusedAndTheStartStillWorks() throws IOException {
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Files.createSymbolicLink(cache, elsewhere);
        assertHandedOver(boot("--keep-installing"), tree);
        try (Stream<Path> files = Files.list(elsewhere)) {
            assertThat(files.toList()).isEmpty();
        }
    }

    @Test
    void noCacheAndTheVmKeyOptOut() throws IOException {
        assertHandedOver(boot("--keep-installing", "--no-cache"), tree);
        assertThat(Files.exists(cache, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertHandedOver(boot(nginx.url(name), Map.of("install-cache", "false"), "--keep-installing"), tree);
        assertThat(Files.exists(cache, LinkOption.NOFOLLOW_LINKS)).isFalse();
        Run bad = boot(nginx.url(name), Map.of("install-cache", "maybe"), "--keep-installing");
        assertThat(bad.stderr()).contains("other-config:install-cache is \"maybe\"");
    }

    @Test
    void anAppendedOverlayNeverTouchesTheCachedBytes() throws Exception {
        // the overlay goes on the end of the handed-over initrd: a hard link to the cache must be copied first
        Path vendorTree = Files.createDirectories(dir.resolve("vendor/etc"));
        Files.writeString(vendorTree.resolve("vendor-file"), "vendor\n");
        Path vendorCpio = dir.resolve("vendor.cpio");
        cpio(dir.resolve("vendor"), vendorCpio, "etc\netc/vendor-file\n");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(tree.resolve(CacheTrees.INITRD)))) {
            Files.copy(vendorCpio, out);
        }
        CacheTrees.age(tree.resolve(CacheTrees.INITRD), 3600);
        byte[] vendor = Files.readAllBytes(tree.resolve(CacheTrees.INITRD));
        Path gi = Files.createDirectories(dir.resolve("gi"));
        Path overlayTree = Files.createDirectories(dir.resolve("overlay/etc"));
        Files.writeString(overlayTree.resolve("xen-fixup"), "patched\n");
        cpio(dir.resolve("overlay"), gi.resolve("overlay.cpio"), "etc\netc/xen-fixup\n");
        Files.writeString(gi.resolve("fix.map"), java.util.HexFormat.of().formatHex(md5(vendor)) + " cpio overlay.cpio test\n");
        for (int i = 0; i < 2; i++) {
            Run run = boot(nginx.url(name), Map.of(), "--keep-installing", "--guest-installer-dir=" + gi);
            assertThat(run.status()).as(run.stderr()).isZero();
            assertThat(Files.size(Path.of(run.answer().get("ramdisk")))).isGreaterThan(vendor.length);
            try (Stream<Path> files = Files.list(cache)) {
                assertThat(files.filter(p -> p.toString().endsWith(".data")).filter(p -> {
                    try {
                        return Files.mismatch(p, tree.resolve(CacheTrees.INITRD)) == -1;
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }).toList()).as("the cached vendor initrd, untouched").hasSize(1);
            }
        }
    }

    private static void cpio(Path tree, Path archive, String names) throws Exception {
        Process p = new ProcessBuilder("cpio", "-o", "-H", "newc", "--quiet").directory(tree.toFile())
                .redirectOutput(archive.toFile()).start();
        try (var in = p.getOutputStream()) {
            in.write(names.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        assertThat(p.waitFor()).isZero();
    }

    private static byte[] md5(byte[] bytes) {
        try {
            return java.security.MessageDigest.getInstance("MD5").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
