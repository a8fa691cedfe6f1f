package org.xenproject.eliloader.initrd.ext2;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.initrd.InitrdFixups;
import org.xenproject.eliloader.initrd.InitrdTrees;
import org.xenproject.eliloader.initrd.TestTools;
import org.xenproject.eliloader.initrd.compression.Compression;
import org.xenproject.eliloader.initrd.cpio.CpioFixupsTest;

/**
 * ext2 initrds (RHEL 4 style: gzip'd ext2 image) made with `mke2fs -d`, patched with an
 * overlay through debugfs, then checked with e2fsck and read back with debugfs.
 */
@org.xenproject.eliloader.testsupport.RealPeers
class Ext2FixupsTest {
    static final String MD5 = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path tmp;

    final List<String> warnings = new ArrayList<>();

    Path ext2Initrd(String size) throws IOException {
        Path tree = tmp.resolve("vendor-tree");
        InitrdTrees.file(tree, "etc/replaced", "vendor version\n", "rw-r--r--");
        InitrdTrees.file(tree, "etc/keep", "kept\n", "rw-r--r--");
        Files.createDirectories(tree.resolve("dev"));
        InitrdTrees.mknod(tree, "dev/console", "c", 5, 1);
        Files.createDirectories(tree.resolve("lib/links"));
        Path image = tmp.resolve("initrd.ext2");
        TestTools.run(null, null, null, "mke2fs", "-q", "-t", "ext2", "-d", tree.toString(), image.toString(), size);
        return TestTools.compress(image, Compression.GZIP, tmp.resolve("initrd.img"));
    }

    InitrdFixups fixups(Path overlayCpio) throws IOException {
        Path dir = tmp.resolve("guest-installer");
        Files.createDirectories(dir);
        Files.copy(overlayCpio, dir.resolve("rhel4.cpio"));
        Files.writeString(dir.resolve("rhel4.map"), MD5 + " ext2 rhel4.cpio rhel41 rhel44\n");
        return InitrdFixups.load(dir, warnings::add);
    }

    static String debugfs(Path image, String request) {
        return TestTools.run(null, null, null, "debugfs", "-R", request, image.toString());
    }

    /** name -> "inode mode uid gid size" from `ls -p`. */
    static Map<String, String[]> ls(Path image, String dir) {
        Map<String, String[]> m = new HashMap<>();
        for (String line : debugfs(image, "ls -p " + dir).split("\n")) {
            String[] f = line.split("/", -1);
            if (f.length >= 7) {
                m.put(f[5], f);
            }
        }
        return m;
    }

    @Test
    void overlayIsWrittenIntoTheFilesystemWithModesOwnersDevicesAndLinks() throws IOException {
        Path vendor = ext2Initrd("4M");
        Path overlayCpio = TestTools.cpio(InitrdTrees.overlayTree(tmp.resolve("overlay-tree")), tmp.resolve("overlay.cpio"));
        InitrdFixups f = fixups(overlayCpio);
        Path out = Files.createDirectories(tmp.resolve("out"));

        Path result = f.apply(f.lookup(MD5).orElseThrow(), vendor, out, 1L << 30, 1L << 30);

        assertThat(warnings).isEmpty();
        try (Stream<Path> s = Files.list(out)) {
            assertThat(s.toList()).as("temporary image removed").containsExactly(result);
        }
        assertThat(CpioFixupsTest.detect(result, 0)).isEqualTo(Compression.GZIP);
        Path image = TestTools.decompress(result, Compression.GZIP, tmp.resolve("result.ext2"));
        assertThat(image).hasSize(4L << 20);
        TestTools.run(null, null, null, "e2fsck", "-fn", image.toString());

        assertThat(debugfs(image, "cat /etc/replaced")).isEqualTo("overlay version\n");
        assertThat(debugfs(image, "cat /etc/keep")).isEqualTo("kept\n");
        assertThat(debugfs(image, "cat /newdir/inside")).isEqualTo("in a new directory\n");
        Map<String, String[]> etc = ls(image, "/etc");
        assertThat(etc.get("replaced")[2]).isEqualTo("100600");
        assertThat(etc.get("replaced")[3]).isEqualTo("42");
        assertThat(etc.get("replaced")[4]).isEqualTo("43");
        assertThat(ls(image, "/").get("newdir")[2]).isEqualTo("040700");
        assertThat(debugfs(image, "stat /etc/new-file")).contains("mtime: 0x" + Long.toHexString(InitrdTrees.MTIME));
        assertThat(debugfs(image, "stat /dev/ttyS0")).contains("Type: character special", "Device major/minor number: 04:64");
        assertThat(debugfs(image, "stat /dev/console")).contains("Device major/minor number: 05:01");
        Map<String, String[]> bin = ls(image, "/bin");
        assertThat(bin.get("newlink1")[1]).isEqualTo(bin.get("newlink2")[1]);
        assertThat(debugfs(image, "stat /bin/newlink1")).contains("Links: 2");
        assertThat(debugfs(image, "cat /bin/newlink2")).isEqualTo("overlay linked\n");
    }

    @Test
    void overlayTooBigForTheImageIsLimits() throws IOException {
        Path vendor = ext2Initrd("1M");
        Path tree = tmp.resolve("big-overlay");
        InitrdTrees.file(tree, "big.bin", InitrdTrees.text(3 << 20, 9), "rw-r--r--");
        Path overlayCpio = TestTools.cpio(tree, tmp.resolve("big.cpio"));
        InitrdFixups f = fixups(overlayCpio);
        Path out = Files.createDirectories(tmp.resolve("out"));
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(
                () -> f.apply(f.lookup(MD5).orElseThrow(), vendor, out, 1L << 30, 1L << 30));
        assertThat(t).isInstanceOf(BootloaderException.class);
        assertThat(((BootloaderException) t).code()).isEqualTo(ErrorCode.LIMITS);
        assertThat(t.getMessage()).contains("does not fit");
        TestTools.assertNothingLeft(out);
    }

    @Test
    void aCpioInitrdMappedAsExt2IsInvalidSource() throws IOException {
        Path cpio = TestTools.cpio(InitrdTrees.microcodeTree(tmp.resolve("t")), tmp.resolve("x.cpio"));
        Path vendor = TestTools.compress(cpio, Compression.GZIP, tmp.resolve("initrd.img"));
        InitrdFixups f = fixups(cpio);
        Path out = Files.createDirectories(tmp.resolve("out"));
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(
                () -> f.apply(f.lookup(MD5).orElseThrow(), vendor, out, 1L << 30, 1L << 30));
        assertThat(((BootloaderException) t).code()).isEqualTo(ErrorCode.INVALID_SOURCE);
        assertThat(t.getMessage()).contains("not an ext2");
        TestTools.assertNothingLeft(out);
    }

    @Test
    void anExt2InitrdMappedAsCpioIsInvalidSourceInBothModes() throws IOException {
        Path vendor = ext2Initrd("4M");
        Path overlayCpio = TestTools.cpio(InitrdTrees.microcodeTree(tmp.resolve("t")), tmp.resolve("x.cpio"));
        Path dir = Files.createDirectories(tmp.resolve("gi"));
        Files.copy(overlayCpio, dir.resolve("o.cpio"));
        Path out = Files.createDirectories(tmp.resolve("out"));
        for (String type : List.of("cpio:append", "cpio:merge")) {
            Files.writeString(dir.resolve("m.map"), MD5 + " " + type + " o.cpio d\n");
            InitrdFixups f = InitrdFixups.load(dir, warnings::add);
            Throwable t = org.assertj.core.api.Assertions.catchThrowable(
                    () -> f.apply(f.lookup(MD5).orElseThrow(), vendor, out, 1L << 30, 1L << 30));
            assertThat(((BootloaderException) t).code()).as(type).isEqualTo(ErrorCode.INVALID_SOURCE);
            assertThat(t.getMessage()).contains("initrd.img", "no cpio archive");
            TestTools.assertNothingLeft(out);
        }
    }

    @Test
    void decompressedImageCountsAgainstTheLimit() throws IOException {
        Path vendor = ext2Initrd("8M");
        Path overlayCpio = TestTools.cpio(InitrdTrees.microcodeTree(tmp.resolve("t")), tmp.resolve("x.cpio"));
        InitrdFixups f = fixups(overlayCpio);
        Path out = Files.createDirectories(tmp.resolve("out"));
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(
                () -> f.apply(f.lookup(MD5).orElseThrow(), vendor, out, 1L << 30, 4L << 20));
        assertThat(((BootloaderException) t).code()).isEqualTo(ErrorCode.LIMITS);
        TestTools.assertNothingLeft(out);
    }
}
