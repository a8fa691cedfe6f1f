package org.xenproject.eliloader.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.testpeers.TreesOverHttp;
import org.xenproject.eliloader.testsupport.BootHarness;
import org.xenproject.eliloader.testsupport.ProjectPaths;
import org.xenproject.eliloader.testsupport.RealPeers;
import org.xenproject.eliloader.testsupport.Run;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/** Round 1 with a map file naming the fetched initrd's MD5: the patched initrd is handed over. */
@RealPeers
class RoundOneInitrdFixupTest {
    private static final Path VENDOR_INITRD = ProjectPaths.trees().resolve("rhel5/images/xen/initrd.img");

    @RegisterExtension
    static final TreesOverHttp nginx = new TreesOverHttp();

    @TempDir
    Path dir;

    @Test
    void mappedInitrdIsPatchedWithTheOverlayAndTheVendorCopyIsGone() throws Exception {
        Path guestInstaller = Files.createDirectories(dir.resolve("guest-installer"));
        Path overlayTree = Files.createDirectories(dir.resolve("overlay/etc"));
        Files.writeString(overlayTree.resolve("xen-fixup"), "patched by eliloader\n");
        cpio(dir.resolve("overlay"), guestInstaller.resolve("rhel5-fixup.cpio"));
        Files.writeString(guestInstaller.resolve("rhel5.map"), "# test map\n" + md5(VENDOR_INITRD)
                + " cpio rhel5-fixup.cpio rhel5\n");

        Path out = dir.resolve("out");
        Path store = VmStoreFixture.vm().other("install-repository", nginx.url("rhel5")).writeTo(dir.resolve("s.json"));
        Run run = BootHarness.onStore(store).outputDirectory(out).args("--guest-installer-dir=" + guestInstaller).boot()
                .run();
        assertThat(run.status()).as(run.stderr()).isZero();
        Path ramdisk = Path.of(run.stdout().split("\n")[1].substring("ramdisk ".length()));
        byte[] vendor = Files.readAllBytes(VENDOR_INITRD);
        byte[] handedOver = Files.readAllBytes(ramdisk);
        assertThat(handedOver.length).isGreaterThan(vendor.length);
        assertThat(java.util.Arrays.copyOf(handedOver, vendor.length)).as("append keeps the vendor bytes").isEqualTo(vendor);
        String listing = unpackListing(ramdisk);
        assertThat(listing).contains("etc/fixture-release").contains("etc/xen-fixup");
        try (var files = Files.list(out)) {
            assertThat(files.toList()).as("only the kernel and the patched initrd remain").hasSize(2);
        }
    }

    @Test
    void missingOverlayIsSupportPackageMissingAndLeavesNothing() throws Exception {
        Path guestInstaller = Files.createDirectories(dir.resolve("guest-installer"));
        Files.writeString(guestInstaller.resolve("rhel5.map"), md5(VENDOR_INITRD) + " cpio absent.cpio rhel5\n");
        Path out = dir.resolve("out");
        Path store = VmStoreFixture.vm().other("install-repository", nginx.url("rhel5")).writeTo(dir.resolve("s.json"));
        String before = Files.readString(store);
        Run run = BootHarness.onStore(store).outputDirectory(out).args("--guest-installer-dir=" + guestInstaller).boot()
                .run();
        assertThat(run.errorCode()).isEqualTo("SUPPORT_PACKAGE_MISSING");
        assertThat(run.stderr()).contains("absent.cpio");
        try (var files = Files.list(out)) {
            assertThat(files.toList()).isEmpty();
        }
        assertThat(Files.readString(store)).isEqualTo(before);
    }

    private static String md5(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(Files.readAllBytes(file)));
    }

    private static void cpio(Path tree, Path archive) throws Exception {
        Process p = new ProcessBuilder("cpio", "-o", "-H", "newc", "--quiet").directory(tree.toFile())
                .redirectOutput(archive.toFile()).start();
        try (OutputStream names = p.getOutputStream()) {
            names.write("etc\netc/xen-fixup\n".getBytes(StandardCharsets.US_ASCII));
        }
        assertThat(p.waitFor()).isZero();
    }

    /**
     * The names in every newc archive of the initrd, in order, as the kernel unpacks them: the
     * gzip members are concatenated, and each archive ends with TRAILER!!! plus zero padding.
     * (cpio -t stops at the first trailer, so the test walks the headers itself.)
     */
    private static String unpackListing(Path initrd) throws Exception {
        byte[] data;
        try (var in = new org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream(
                Files.newInputStream(initrd), true)) {
            data = in.readAllBytes();
        }
        StringBuilder names = new StringBuilder();
        int pos = 0;
        while (pos + 110 <= data.length) {
            if (data[pos] == 0) {
                pos++;
                continue;
            }
            String header = new String(data, pos, 110, StandardCharsets.US_ASCII);
            assertThat(header).startsWith("070701");
            int fileSize = Integer.parseInt(header.substring(54, 62), 16);
            int nameSize = Integer.parseInt(header.substring(94, 102), 16);
            String name = new String(data, pos + 110, nameSize - 1, StandardCharsets.US_ASCII);
            names.append(name).append('\n');
            pos = align4(align4(pos + 110 + nameSize) + fileSize);
        }
        return names.toString();
    }

    private static int align4(int n) {
        return (n + 3) & ~3;
    }
}
