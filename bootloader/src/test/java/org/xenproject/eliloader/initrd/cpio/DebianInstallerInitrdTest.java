package org.xenproject.eliloader.initrd.cpio;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.initrd.InitrdFixups;
import org.xenproject.eliloader.initrd.InitrdTrees;
import org.xenproject.eliloader.initrd.TestTools;
import org.xenproject.eliloader.initrd.compression.Compression;
import org.xenproject.eliloader.testsupport.DebianInstaller;

/**
 * The real Debian 12 installer initrd (40.8 MB gzip, 137 MB cpio, device nodes) patched
 * in both modes and checked with the real tools. Fails, rather than skips, when the
 * installer is absent: run scripts/fetch-debian-installer first.
 */
@org.xenproject.eliloader.testsupport.RealPeers
class DebianInstallerInitrdTest {
    static final long MIB = 1 << 20;
    /** The defaults of the product: pv-ramdisk-max-size 128 MiB; examine at most 512 MiB. */
    static final long HANDOVER_LIMIT = 128 * MIB;
    static final long DECOMPRESSED_LIMIT = InitrdFixups.DEFAULT_DECOMPRESSED_LIMIT;

    @TempDir
    static Path shared;
    static Path initrd;
    static Path vendorTree;
    static Path overlayCpio;
    static String md5;

    @TempDir
    Path tmp;

    @BeforeAll
    static void prepare() throws IOException {
        initrd = DebianInstaller.initrd();
        md5 = InitrdFixups.md5Hex(initrd);
        Path overlay = shared.resolve("overlay-tree");
        Path hook = InitrdTrees.file(overlay, "lib/debian-installer-startup.d/S00eliloader",
                "#!/bin/sh\ncat /etc/eliloader-overlay > /dev/console\n", "rwxr-xr-x");
        Files.setPosixFilePermissions(hook.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
        InitrdTrees.file(overlay, "etc/eliloader-overlay", "overlay from eliloader\n", "rw-r--r--");
        InitrdTrees.file(overlay, "etc/lsb-release", "DISTRIB_ID=patched\n", "rw-r--r--");
        overlayCpio = TestTools.cpio(overlay, shared.resolve("overlay.cpio"));
        vendorTree = shared.resolve("vendor-unpacked");
        Path vendorCpio = TestTools.decompress(initrd, Compression.GZIP, shared.resolve("vendor.cpio"));
        TestTools.extract(vendorCpio, vendorTree);
        Files.delete(vendorCpio);
    }

    /** The unpacked trees hold absolute symlinks; removing them here keeps JUnit from warning about each. */
    @AfterEach
    void removeTrees() throws IOException {
        TestTools.deleteTree(tmp.resolve("expected"));
        TestTools.deleteTree(tmp.resolve("actual"));
    }

    @AfterAll
    static void removeVendorTree() throws IOException {
        TestTools.deleteTree(vendorTree);
    }

    Path apply(String type) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("guest-installer"));
        Files.copy(overlayCpio, dir.resolve("debian.cpio"));
        Files.writeString(dir.resolve("debian.map"), md5 + " " + type + " debian.cpio debian-12\n");
        List<String> warnings = new ArrayList<>();
        InitrdFixups fixups = InitrdFixups.load(dir, warnings::add);
        Path out = Files.createDirectories(tmp.resolve("out"));
        long start = System.nanoTime();
        Path result = fixups.apply(fixups.lookup(md5).orElseThrow(), initrd, out, HANDOVER_LIMIT, DECOMPRESSED_LIMIT);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("debian-12 initrd %s: %.2f s, %d -> %d bytes (%.4fx)%n", type, seconds,
                Files.size(initrd), Files.size(result), (double) Files.size(result) / Files.size(initrd));
        assertThat(warnings).isEmpty();
        return result;
    }

    Map<String, String> expected() throws IOException {
        Path dir = tmp.resolve("expected");
        TestTools.run(null, null, null, "cp", "-a", vendorTree.toString(), dir.toString());
        TestTools.extract(overlayCpio, dir);
        return TestTools.describe(dir);
    }

    @Test
    void appendKeepsTheVendorInitrdAndAddsTheOverlay() throws IOException {
        Path result = apply("cpio:append");
        byte[] vendor = Files.readAllBytes(initrd);
        byte[] all = Files.readAllBytes(result);
        assertThat(Arrays.equals(all, 0, vendor.length, vendor, 0, vendor.length)).isTrue();
        assertThat((double) all.length).isLessThanOrEqualTo(vendor.length * 1.01);
        int start = vendor.length + (int) NewcReader.padding(vendor.length);
        Path tail = TestTools.slice(result, start, all.length, tmp.resolve("tail.gz"));
        Path overlayPart = TestTools.decompress(tail, Compression.GZIP, tmp.resolve("overlay-part.cpio"));
        assertThat(TestTools.list(overlayPart)).contains("lib/debian-installer-startup.d/S00eliloader",
                "etc/eliloader-overlay", "etc/lsb-release");

        Path actual = tmp.resolve("actual");
        TestTools.run(null, null, null, "cp", "-a", vendorTree.toString(), actual.toString());
        TestTools.extract(overlayPart, actual);
        assertThat(TestTools.describe(actual)).isEqualTo(expected());
    }

    @Test
    void mergeRewritesOneArchiveWithTheOverlayInIt() throws IOException {
        Path result = apply("cpio:merge");
        assertThat(CpioFixupsTest.detect(result, 0)).isEqualTo(Compression.GZIP);
        assertThat(Files.size(result)).isLessThanOrEqualTo(HANDOVER_LIMIT);
        Path merged = TestTools.decompress(result, Compression.GZIP, tmp.resolve("merged.cpio"));
        List<String> names = TestTools.list(merged);
        assertThat(names).doesNotHaveDuplicates();
        assertThat(names).contains("dev/console", "dev/null", "lib/debian-installer-startup.d/S00eliloader");
        String listing = TestTools.run(null, merged, null, "cpio", "-tv", "--quiet");
        assertThat(listing).containsPattern("crw-r--r-- +1 root +root +5, +1 .* dev/console");

        Path actual = tmp.resolve("actual");
        TestTools.extract(merged, actual);
        Map<String, String> got = TestTools.describe(actual);
        assertThat(got).isEqualTo(expected());
        assertThat(got.get("lib/debian-installer-startup.d/S00eliloader")).startsWith("100755 0:0");
        assertThat(Files.readString(actual.resolve("etc/lsb-release"))).isEqualTo("DISTRIB_ID=patched\n");
    }
}
