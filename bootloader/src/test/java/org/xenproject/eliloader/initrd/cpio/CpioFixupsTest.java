package org.xenproject.eliloader.initrd.cpio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.initrd.InitrdFixups;
import org.xenproject.eliloader.initrd.InitrdTrees;
import org.xenproject.eliloader.initrd.MapEntry;
import org.xenproject.eliloader.initrd.TestTools;
import org.xenproject.eliloader.initrd.compression.Budget;
import org.xenproject.eliloader.initrd.compression.Compression;
import org.xenproject.eliloader.initrd.compression.SeekableFileInput;

/**
 * Vendor initrds made by the real tools in every compression, with and without an
 * early-microcode prefix and as several members, patched in both modes; results are
 * unpacked with the real cpio and compared, file by file, with unpacking the vendor
 * initrd and then the overlay on top.
 */
@org.xenproject.eliloader.testsupport.RealPeers
public class CpioFixupsTest {
    static final long GIB = 1L << 30;

    @TempDir
    static Path shared;
    static Path vendorCpio;
    static Path bigVendorCpio;
    static Path secondCpio;
    static Path microcodeCpio;
    static Path overlayCpio;

    @TempDir
    Path tmp;

    /** A vendor initrd and the plain cpio archives it unpacks to, in order. */
    record Vendor(Path file, long prefixLength, Compression main, List<Path> parts) {
    }

    @BeforeAll
    static void trees() throws IOException {
        vendorCpio = TestTools.cpio(InitrdTrees.vendorTree(shared.resolve("vendor-tree"), false), shared.resolve("vendor.cpio"));
        bigVendorCpio = TestTools.cpio(InitrdTrees.vendorTree(shared.resolve("big-vendor-tree"), true),
                shared.resolve("big-vendor.cpio"));
        Path second = shared.resolve("second-tree");
        InitrdTrees.file(second, "etc/keep", "second archive wins\n", "rw-r--r--");
        InitrdTrees.file(second, "etc/second", "only in the second archive\n", "rw-r--r--");
        secondCpio = TestTools.cpio(second, shared.resolve("second.cpio"));
        microcodeCpio = TestTools.cpio(InitrdTrees.microcodeTree(shared.resolve("ucode-tree")), shared.resolve("ucode.cpio"));
        overlayCpio = TestTools.cpio(InitrdTrees.overlayTree(shared.resolve("overlay-tree")), shared.resolve("overlay.cpio"));
    }

    Vendor vendor(Compression c, boolean microcode) throws IOException {
        return vendor(c, microcode, vendorCpio);
    }

    Vendor vendor(Compression c, boolean microcode, Path vendorCpio) throws IOException {
        Path compressed = TestTools.compress(vendorCpio, c, tmp.resolve("main." + c));
        List<Path> parts = new ArrayList<>();
        long prefix = 0;
        Path file = tmp.resolve("vendor-initrd");
        try (var out = Files.newOutputStream(file)) {
            if (microcode) {
                // As dracut and initramfs-tools do: a plain archive (cpio pads it to 512) in front.
                prefix = Files.size(microcodeCpio);
                Files.copy(microcodeCpio, out);
                parts.add(microcodeCpio);
            }
            Files.copy(compressed, out);
        }
        parts.add(vendorCpio);
        return new Vendor(file, c == Compression.NONE && !microcode ? 0 : prefix, c, parts);
    }

    /** Two gzip members (the second re-defines a file), separated by zero padding. */
    Vendor twoMembers(Compression first, Compression second) throws IOException {
        Path a = TestTools.compress(vendorCpio, first, tmp.resolve("a"));
        Path b = TestTools.compress(secondCpio, second, tmp.resolve("b"));
        Path file = tmp.resolve("vendor-initrd");
        try (var out = Files.newOutputStream(file)) {
            Files.copy(a, out);
            out.write(new byte[4 + (int) NewcReader.padding(Files.size(a))]);
            Files.copy(b, out);
        }
        return new Vendor(file, 0, first, List.of(vendorCpio, secondCpio));
    }

    Path guestDir(String type) throws IOException {
        Path dir = tmp.resolve("guest-installer");
        Files.createDirectories(dir.resolve("overlays"));
        TestTools.compress(overlayCpio, Compression.GZIP, dir.resolve("overlays/test.cpio.gz"));
        Files.writeString(dir.resolve("test.map"),
                "# test map\n" + "0123456789abcdef0123456789abcdef " + type + " overlays/test.cpio.gz testdistro\n");
        return dir;
    }

    Path apply(Vendor v, String type, List<String> warnings) throws IOException {
        InitrdFixups fixups = InitrdFixups.load(guestDir(type), warnings::add);
        MapEntry entry = fixups.lookup("0123456789ABCDEF0123456789ABCDEF").orElseThrow();
        Path outDir = Files.createDirectories(tmp.resolve("out"));
        Path result = fixups.apply(entry, v.file(), outDir, GIB, GIB);
        assertThat(result.getParent()).isEqualTo(outDir);
        try (var s = Files.list(outDir)) {
            assertThat(s.toList()).containsExactly(result);
        }
        return result;
    }

    Map<String, String> expected(Vendor v) throws IOException {
        Path dir = tmp.resolve("expected");
        for (Path part : v.parts()) {
            TestTools.extract(part, dir);
        }
        TestTools.extract(overlayCpio, dir);
        return TestTools.describe(dir);
    }

    /** Merge output: prefix byte for byte, then one member in the vendor's compression. */
    void verifyMerged(Vendor v, Path result, Compression outCompression) throws IOException {
        byte[] vendorBytes = Files.readAllBytes(v.file());
        byte[] resultBytes = Files.readAllBytes(result);
        int prefix = (int) v.prefixLength();
        assertThat(Arrays.copyOf(resultBytes, prefix)).isEqualTo(Arrays.copyOf(vendorBytes, prefix));
        Path member = TestTools.slice(result, prefix, resultBytes.length, tmp.resolve("member"));
        Path merged = TestTools.decompress(member, outCompression, tmp.resolve("merged.cpio"));
        Path actual = tmp.resolve("actual");
        if (prefix > 0) {
            TestTools.extract(TestTools.slice(result, 0, prefix, tmp.resolve("prefix")), actual);
        }
        TestTools.extract(merged, actual);
        assertThat(TestTools.describe(actual)).isEqualTo(expected(v));

        List<String> names = TestTools.list(merged);
        if (v.parts().size() - (prefix > 0 ? 1 : 0) == 1) {
            assertThat(new HashSet<>(names)).as("each name once in a merged archive").hasSize(names.size());
        }
    }

    /** Append output: vendor byte for byte, zeros to a 4-byte boundary, a gzip'd overlay archive. */
    void verifyAppended(Vendor v, Path result) throws IOException {
        byte[] vendorBytes = Files.readAllBytes(v.file());
        byte[] resultBytes = Files.readAllBytes(result);
        assertThat(Arrays.copyOf(resultBytes, vendorBytes.length)).isEqualTo(vendorBytes);
        int start = vendorBytes.length + (int) NewcReader.padding(vendorBytes.length);
        for (int i = vendorBytes.length; i < start; i++) {
            assertThat(resultBytes[i]).isZero();
        }
        assertThat(start % 4).isZero();
        assertThat(resultBytes[start] & 0xff).isEqualTo(0x1f);
        assertThat(resultBytes[start + 1] & 0xff).isEqualTo(0x8b);
        Path tail = TestTools.slice(result, start, resultBytes.length, tmp.resolve("tail.gz"));
        Path overlayPart = TestTools.decompress(tail, Compression.GZIP, tmp.resolve("overlay-part.cpio"));
        Path actual = tmp.resolve("actual");
        for (Path part : v.parts()) {
            TestTools.extract(part, actual);
        }
        TestTools.extract(overlayPart, actual);
        assertThat(TestTools.describe(actual)).isEqualTo(expected(v));
        assertThat(result).hasSize(start + Files.size(tail));
        assertThat(Files.size(tail)).as("overlay member stays small").isLessThan(4096);

        // Our own reader must find every member boundary, whatever the vendor compression.
        assertThat(readNames(result)).containsSubsequence(readNames(v.file()));
        assertThat(readNames(result)).contains("etc/new-file", "bin/newlink2");
    }

    static List<String> readNames(Path initrd) throws IOException {
        List<String> names = new ArrayList<>();
        try (SeekableFileInput in = new SeekableFileInput(initrd);
             InitrdReader r = new InitrdReader(in, 0, new Budget(GIB), ErrorCode.INVALID_SOURCE, "test")) {
            CpioEntry e;
            while ((e = r.next()) != null) {
                if (!e.isTrailer()) {
                    names.add(e.name);
                }
            }
        }
        return names;
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"NONE", "GZIP", "XZ", "LZMA", "BZIP2", "ZSTD", "LZ4_LEGACY", "LZ4_FRAME"})
    void mergeKeepsEverythingAndRecompressesLikeTheVendor(Compression c) throws IOException {
        Vendor v = vendor(c, false);
        List<String> warnings = new ArrayList<>();
        Path result = apply(v, "cpio:merge", warnings);
        assertThat(warnings).isEmpty();
        assertThat(detect(result, 0)).isEqualTo(c);
        verifyMerged(v, result, c);
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"NONE", "GZIP", "XZ", "LZMA", "BZIP2", "ZSTD", "LZ4_FRAME"})
    void appendKeepsTheVendorBytesAndAddsAGzipArchive(Compression c) throws IOException {
        Vendor v = vendor(c, false);
        List<String> warnings = new ArrayList<>();
        verifyAppended(v, apply(v, "cpio", warnings));
        assertThat(warnings).isEmpty();
    }

    /** In place, the file the round fetched gets exactly the bytes a separate append would write. */
    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"NONE", "GZIP", "XZ", "ZSTD", "LZ4_FRAME"})
    void appendInPlaceGivesTheSameBytesAsAppend(Compression c) throws IOException {
        Vendor v = vendor(c, c == Compression.GZIP);
        Path separate = apply(v, "cpio", new ArrayList<>());
        Path own = Files.copy(v.file(), tmp.resolve("fetched-initrd"));
        InitrdFixups fixups = InitrdFixups.load(guestDir("cpio"), w -> { });
        MapEntry entry = fixups.lookup("0123456789abcdef0123456789abcdef").orElseThrow();
        assertThat(fixups.appendInPlace(entry, own, GIB, GIB)).isTrue();
        assertThat(Files.mismatch(own, separate)).isEqualTo(-1L);
        verifyAppended(v, own);
    }

    @Test
    void appendInPlaceLeavesRewritesToApplyAndTheFileUntouched() throws IOException {
        Vendor lz4 = vendor(Compression.LZ4_LEGACY, false);
        byte[] before = Files.readAllBytes(lz4.file());
        InitrdFixups append = InitrdFixups.load(guestDir("cpio:append"), w -> { });
        assertThat(append.appendInPlace(append.entries().iterator().next(), lz4.file(), GIB, GIB)).isFalse();
        assertThat(lz4.file()).hasBinaryContent(before);
        Files.delete(tmp.resolve("guest-installer/test.map"));
        InitrdFixups merge = InitrdFixups.load(guestDir("cpio:merge"), w -> { });
        Vendor gzip = vendor(Compression.GZIP, false);
        byte[] gzipBefore = Files.readAllBytes(gzip.file());
        assertThat(merge.appendInPlace(merge.entries().iterator().next(), gzip.file(), GIB, GIB)).isFalse();
        assertThat(gzip.file()).hasBinaryContent(gzipBefore);
    }

    @Test
    void appendInPlaceOverTheLimitIsLimitsAndRestoresTheVendorBytes() throws IOException {
        Vendor v = vendor(Compression.GZIP, false);
        byte[] before = Files.readAllBytes(v.file());
        InitrdFixups fixups = InitrdFixups.load(guestDir("cpio"), w -> { });
        MapEntry entry = fixups.entries().iterator().next();
        for (long limit : new long[] {before.length + 10, before.length - 1}) {
            assertThatThrownBy(() -> fixups.appendInPlace(entry, v.file(), limit, GIB))
                    .isInstanceOfSatisfying(org.xenproject.eliloader.error.BootloaderException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.LIMITS));
            assertThat(v.file()).hasBinaryContent(before);
        }
    }

    @Test
    void appendToLegacyLz4MergesInsteadBecauseTheKernelCannotSeePastIt() throws IOException {
        Vendor v = vendor(Compression.LZ4_LEGACY, false);
        List<String> warnings = new ArrayList<>();
        Path result = apply(v, "cpio:append", warnings);
        assertThat(warnings).singleElement().asString().contains("legacy lz4", "merging");
        verifyMerged(v, result, Compression.LZ4_LEGACY);
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"LZ4_LEGACY", "LZ4_FRAME"})
    void lz4WithSeveralChunksOrBlocks(Compression c) throws IOException {
        Vendor v = vendor(c, false, bigVendorCpio);
        Path result = apply(v, "cpio:merge", new ArrayList<>());
        verifyMerged(v, result, c);
        // Our lz4 encoder is the greedy "fast" kind: near `lz4 -1` on real initrds, a bit worse on this text.
        assertThat((double) Files.size(result)).isLessThan(Files.size(v.file()) * 1.2);
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"GZIP", "XZ", "ZSTD", "LZ4_LEGACY"})
    void earlyMicrocodePrefixIsKeptInFrontWhenMerging(Compression c) throws IOException {
        Vendor v = vendor(c, true);
        Path result = apply(v, "cpio:merge", new ArrayList<>());
        assertThat(detect(result, 0)).isEqualTo(Compression.NONE);
        assertThat(detect(result, v.prefixLength())).isEqualTo(c);
        verifyMerged(v, result, c);
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"GZIP", "BZIP2"})
    void earlyMicrocodePrefixWithAppend(Compression c) throws IOException {
        Vendor v = vendor(c, true);
        verifyAppended(v, apply(v, "cpio:append", new ArrayList<>()));
    }

    @Test
    void plainCpioWithMicrocodeMergesIntoOneUncompressedArchive() throws IOException {
        Vendor v = vendor(Compression.NONE, true);
        Path result = apply(v, "cpio:merge", new ArrayList<>());
        verifyMerged(new Vendor(v.file(), 0, Compression.NONE, v.parts()), result, Compression.NONE);
    }

    @Test
    void severalMembersMergeIntoOneArchiveWhereLaterFilesStillWin() throws IOException {
        Vendor v = twoMembers(Compression.GZIP, Compression.GZIP);
        verifyMerged(v, apply(v, "cpio:merge", new ArrayList<>()), Compression.GZIP);
        assertThat(Files.readString(tmp.resolve("actual/etc/keep"))).isEqualTo("second archive wins\n");
    }

    @Test
    void mixedMembersMerge() throws IOException {
        Vendor v = twoMembers(Compression.XZ, Compression.ZSTD);
        verifyMerged(v, apply(v, "cpio:merge", new ArrayList<>()), Compression.XZ);
    }

    @Test
    void severalMembersAppend() throws IOException {
        Vendor v = twoMembers(Compression.BZIP2, Compression.LZMA);
        verifyAppended(v, apply(v, "cpio", new ArrayList<>()));
    }

    @Test
    void mergingAnAppendedInitrdAgainGivesTheSameTree() throws IOException {
        Vendor v = vendor(Compression.ZSTD, true);
        Path appended = apply(v, "cpio:append", new ArrayList<>());
        Path again = tmp.resolve("appended-vendor");
        Files.move(appended, again);
        Path result = apply(new Vendor(again, v.prefixLength(), Compression.ZSTD, v.parts()), "cpio:merge", new ArrayList<>());
        verifyMerged(new Vendor(again, v.prefixLength(), Compression.ZSTD, v.parts()), result, Compression.ZSTD);
    }

    @Test
    void mergedDeviceNodesLinksAndOwnersAreVisibleInTheListing() throws IOException {
        Vendor v = vendor(Compression.GZIP, false);
        Path result = apply(v, "cpio:merge", new ArrayList<>());
        Path merged = TestTools.decompress(result, Compression.GZIP, tmp.resolve("m.cpio"));
        String listing = TestTools.run(null, merged, null, "cpio", "-tv", "--numeric-uid-gid", "--quiet");
        assertThat(listing).containsPattern("crw-r--r-- +1 0 +0 +5, +1 .* dev/console");
        assertThat(listing).containsPattern("brw-r--r-- +1 0 +0 +7, +0 .* dev/loop0");
        assertThat(listing).containsPattern("prw-r--r-- .* dev/initctl");
        assertThat(listing).containsPattern("crw-r--r-- .* 4, +64 .* dev/ttyS0");
        assertThat(listing).containsPattern("-rwsr-xr-x .* usr/bin/su");
        assertThat(listing).containsPattern("-rw-r----- +1 1234 +5678 .* etc/passwd");
        assertThat(listing).containsPattern("-rw------- +1 42 +43 .* etc/replaced");
    }

    /**
     * Some writers put a hard-linked file's data on its first name. If the overlay
     * replaces that name, the data must still reach the names that follow.
     */
    @Test
    void dataFirstHardLinksKeepTheirDataWhenTheFirstNameIsReplaced() throws IOException {
        Path raw = tmp.resolve("data-first.cpio");
        try (var out = Files.newOutputStream(raw)) {
            NewcWriter w = new NewcWriter(out);
            w.putEntry(entry("lib", CpioEntry.S_IFDIR | 0755, 1, 2), new byte[0]);
            byte[] data = "shared data\n".getBytes();
            CpioEntry first = entry("lib/first", CpioEntry.S_IFREG | 0644, 7, 3);
            first.fileSize = data.length;
            w.putEntry(first, data);
            w.putEntry(entry("lib/second", CpioEntry.S_IFREG | 0644, 7, 3), new byte[0]);
            w.putEntry(entry("lib/third", CpioEntry.S_IFREG | 0644, 7, 3), new byte[0]);
            w.finish();
        }
        Path overlayTree = tmp.resolve("o");
        InitrdTrees.file(overlayTree, "lib/first", "replaced\n", "rw-r--r--");
        Path overlay = TestTools.cpio(overlayTree, tmp.resolve("o.cpio"));
        Path vendorFile = TestTools.compress(raw, Compression.GZIP, tmp.resolve("vendor-initrd"));

        Path dir = Files.createDirectories(tmp.resolve("gi"));
        Files.copy(overlay, dir.resolve("o.cpio"));
        Files.writeString(dir.resolve("m.map"), "0123456789abcdef0123456789abcdef cpio:merge o.cpio d\n");
        InitrdFixups f = InitrdFixups.load(dir, s -> { });
        Path result = f.apply(f.lookup("0123456789abcdef0123456789abcdef").orElseThrow(), vendorFile,
                Files.createDirectories(tmp.resolve("out")), GIB, GIB);

        Path actual = tmp.resolve("actual");
        TestTools.extract(TestTools.decompress(result, Compression.GZIP, tmp.resolve("m.cpio")), actual);
        assertThat(Files.readString(actual.resolve("lib/first"))).isEqualTo("replaced\n");
        assertThat(Files.readString(actual.resolve("lib/second"))).isEqualTo("shared data\n");
        assertThat(Files.readString(actual.resolve("lib/third"))).isEqualTo("shared data\n");
        assertThat(Files.isSameFile(actual.resolve("lib/second"), actual.resolve("lib/third"))).isTrue();
    }

    static CpioEntry entry(String name, int mode, long ino, long nlink) {
        CpioEntry e = new CpioEntry();
        e.name = name;
        e.mode = mode;
        e.ino = ino;
        e.nlink = nlink;
        e.mtime = InitrdTrees.MTIME;
        return e;
    }

    public static Compression detect(Path file, long offset) throws IOException {
        try (SeekableFileInput in = new SeekableFileInput(file)) {
            byte[] head = new byte[6];
            return Compression.detect(head, in.peek(offset, head, 6));
        }
    }

    static Set<String> names(Path cpio) {
        return new HashSet<>(TestTools.list(cpio));
    }
}
