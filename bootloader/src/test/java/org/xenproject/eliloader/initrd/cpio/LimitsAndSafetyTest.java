package org.xenproject.eliloader.initrd.cpio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.initrd.InitrdFixups;
import org.xenproject.eliloader.initrd.TestTools;
import org.xenproject.eliloader.initrd.compression.Compression;

/** Size limits, decompression bombs, hostile overlays and corrupt vendor initrds. */
class LimitsAndSafetyTest {
    static final String MD5 = "0123456789abcdef0123456789abcdef";
    static final long MIB = 1 << 20;

    @TempDir
    Path tmp;

    final List<String> warnings = new ArrayList<>();

    Path out() throws IOException {
        return Files.createDirectories(tmp.resolve("out"));
    }

    /** A newc archive written by our writer (to craft what the tools would refuse to make). */
    static void writeCpio(Path file, Compression c, List<String> names, long bodySize) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file); OutputStream out = c.encoder(raw)) {
            NewcWriter w = new NewcWriter(out);
            long ino = 1;
            for (String name : names) {
                CpioEntry e = new CpioEntry();
                e.name = name;
                e.mode = CpioEntry.S_IFREG | 0644;
                e.nlink = 1;
                e.ino = ino++;
                e.fileSize = bodySize;
                w.putEntry(e);
                byte[] zeros = new byte[1 << 16];
                for (long left = bodySize; left > 0; left -= zeros.length) {
                    w.writeBody(zeros, 0, (int) Math.min(zeros.length, left));
                }
            }
            w.finish();
        }
    }

    InitrdFixups fixups(String type, Path overlay) throws IOException {
        Files.writeString(tmp.resolve("t.map"), MD5 + " " + type + " " + tmp.relativize(overlay) + " d\n");
        return InitrdFixups.load(tmp, warnings::add);
    }

    Path smallOverlay() throws IOException {
        Path overlay = tmp.resolve("overlay.cpio");
        writeCpio(overlay, Compression.NONE, List.of("etc/added"), 10);
        return overlay;
    }

    static void assertCode(Throwable t, ErrorCode code) {
        assertThat(t).isInstanceOf(BootloaderException.class);
        assertThat(((BootloaderException) t).code()).isEqualTo(code);
        assertThat(t.getMessage()).doesNotContain("\n");
    }

    @Test
    void decompressionBombStopsAtTheLimitAndLeavesNothing() throws IOException {
        // 1 GiB of zeros in about 1 MB of gzip.
        Path bomb = tmp.resolve("bomb.img");
        writeCpio(bomb, Compression.GZIP, List.of("zeros"), 1L << 30);
        assertThat(Files.size(bomb)).isLessThan(2 * MIB);
        InitrdFixups f = fixups("cpio:merge", smallOverlay());
        long start = System.nanoTime();
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(
                () -> f.apply(f.lookup(MD5).orElseThrow(), bomb, out(), 1L << 40, 64 * MIB));
        assertCode(t, ErrorCode.LIMITS);
        assertThat(t.getMessage()).contains("decompress", String.valueOf(64 * MIB));
        assertThat((System.nanoTime() - start) / 1e9).as("seconds: stops early, not after 1 GiB").isLessThan(10);
        TestTools.assertNothingLeft(out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpio:append", "cpio:merge"})
    void handoverLimitIsEnforcedAndLeavesNothing(String type) throws IOException {
        Path vendor = tmp.resolve("vendor.img");
        writeCpio(vendor, Compression.NONE, List.of("a", "b", "c"), 100_000);
        InitrdFixups f = fixups(type, smallOverlay());
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(
                () -> f.apply(f.lookup(MD5).orElseThrow(), vendor, out(), 200_000, 1L << 30));
        assertCode(t, ErrorCode.LIMITS);
        assertThat(t.getMessage()).contains("200000");
        TestTools.assertNothingLeft(out());
        // Just enough room succeeds.
        Path ok = f.apply(f.lookup(MD5).orElseThrow(), vendor, out(), 400_000, 1L << 30);
        assertThat(ok).exists();
    }

    @Test
    void overlayCountsAgainstTheDecompressedLimit() throws IOException {
        Path vendor = tmp.resolve("vendor.img");
        writeCpio(vendor, Compression.NONE, List.of("a"), 10);
        Path overlay = tmp.resolve("big-overlay.cpio.gz");
        writeCpio(overlay, Compression.GZIP, List.of("big"), 8 * MIB);
        InitrdFixups f = fixups("cpio", overlay);
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(
                () -> f.apply(f.lookup(MD5).orElseThrow(), vendor, out(), 1L << 30, MIB));
        assertCode(t, ErrorCode.LIMITS);
        TestTools.assertNothingLeft(out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc/shadow", "../escape", "etc/../../escape", "./a/../../b"})
    void overlayNamesLeavingTheRootAreRefused(String name) throws IOException {
        Path vendor = tmp.resolve("vendor.img");
        writeCpio(vendor, Compression.GZIP, List.of("etc/passwd"), 10);
        Path overlay = tmp.resolve("evil.cpio");
        writeCpio(overlay, Compression.NONE, List.of("etc/fine", name), 4);
        for (String type : List.of("cpio:append", "cpio:merge", "ext2")) {
            InitrdFixups f = fixups(type, overlay);
            Throwable t = org.assertj.core.api.Assertions.catchThrowable(
                    () -> f.apply(f.lookup(MD5).orElseThrow(), vendor, out(), 1L << 30, 1L << 30));
            assertCode(t, ErrorCode.SUPPORT_PACKAGE_MISSING);
            assertThat(t.getMessage()).contains(name, "evil.cpio");
            TestTools.assertNothingLeft(out());
        }
    }

    @Test
    void harmlessDotNamesInTheOverlayAreNormalised() throws IOException {
        Path vendor = tmp.resolve("vendor.img");
        writeCpio(vendor, Compression.GZIP, List.of("etc/passwd"), 10);
        Path overlay = tmp.resolve("dots.cpio");
        writeCpio(overlay, Compression.NONE, List.of("./etc//./passwd", "etc/x/"), 3);
        InitrdFixups f = fixups("cpio:merge", overlay);
        Path result = f.apply(f.lookup(MD5).orElseThrow(), vendor, out(), 1L << 30, 1L << 30);
        assertThat(CpioFixupsTest.readNames(result)).containsExactly("etc/passwd", "etc/x");
    }

    @Test
    void overlayThatIsNotCpioIsSupportPackageMissing() throws IOException {
        Path vendor = tmp.resolve("vendor.img");
        writeCpio(vendor, Compression.GZIP, List.of("a"), 10);
        Path overlay = Files.writeString(tmp.resolve("overlay.tar"), "this is not an archive");
        InitrdFixups f = fixups("cpio", overlay);
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(
                () -> f.apply(f.lookup(MD5).orElseThrow(), vendor, out(), 1L << 30, 1L << 30));
        assertCode(t, ErrorCode.SUPPORT_PACKAGE_MISSING);
        TestTools.assertNothingLeft(out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpio:append", "cpio:merge"})
    void vendorInitrdThatIsNeitherCpioNorCompressedIsInvalidSource(String type) throws IOException {
        Path vendor = Files.writeString(tmp.resolve("vendor.img"), "<html>404 not found</html>");
        InitrdFixups f = fixups(type, smallOverlay());
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(
                () -> f.apply(f.lookup(MD5).orElseThrow(), vendor, out(), 1L << 30, 1L << 30));
        assertCode(t, ErrorCode.INVALID_SOURCE);
        assertThat(t.getMessage()).contains("vendor.img", "offset 0");
        TestTools.assertNothingLeft(out());
    }

    @Test
    void truncatedVendorInitrdIsInvalidSourceWhenMerging() throws IOException {
        Path vendor = tmp.resolve("vendor.img");
        writeCpio(vendor, Compression.XZ, List.of("a", "b"), 100_000);
        byte[] all = Files.readAllBytes(vendor);
        Files.write(vendor, java.util.Arrays.copyOf(all, all.length / 2));
        InitrdFixups f = fixups("cpio:merge", smallOverlay());
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(
                () -> f.apply(f.lookup(MD5).orElseThrow(), vendor, out(), 1L << 30, 1L << 30));
        assertCode(t, ErrorCode.INVALID_SOURCE);
        assertThat(t.getMessage()).contains("xz member at offset 0");
        TestTools.assertNothingLeft(out());
    }

    @org.xenproject.eliloader.testsupport.RealPeers
    @Test
    void junkAfterTheCpioDataInsideAMemberIsRefused() throws IOException {
        Path raw = tmp.resolve("raw.cpio");
        writeCpio(raw, Compression.NONE, List.of("a"), 4);
        Path withJunk = tmp.resolve("junk.cpio");
        Files.write(withJunk, concat(Files.readAllBytes(raw), "JUNK".getBytes()));
        Path vendor = TestTools.compress(withJunk, Compression.GZIP, tmp.resolve("vendor.img"));
        InitrdFixups f = fixups("cpio:merge", smallOverlay());
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(
                () -> f.apply(f.lookup(MD5).orElseThrow(), vendor, out(), 1L << 30, 1L << 30));
        assertCode(t, ErrorCode.INVALID_SOURCE);
        assertThat(t.getMessage()).contains("junk");
    }

    @Test
    void lzoVendorInitrdIsAppendedEvenWhenMergeWasAsked() throws IOException {
        Path vendor = tmp.resolve("vendor.img");
        // Only the magic matters: append never decodes the vendor part.
        Files.write(vendor, new byte[] {(byte) 0x89, 'L', 'Z', 'O', 0, 0x0d, 0x0a, 0x1a, 0x0a});
        InitrdFixups f = fixups("cpio:merge", smallOverlay());
        Path result = f.apply(f.lookup(MD5).orElseThrow(), vendor, out(), 1L << 30, 1L << 30);
        assertThat(warnings).singleElement().asString().contains("lzo", "appending");
        assertThat(Files.readAllBytes(result)).startsWith(Files.readAllBytes(vendor));
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
