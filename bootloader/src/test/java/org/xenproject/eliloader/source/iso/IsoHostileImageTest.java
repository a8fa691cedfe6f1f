package org.xenproject.eliloader.source.iso;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.source.iso.TestImages.Maker;

/**
 * Real images with bytes patched the way a corrupt or crafted image would have them. Each
 * must fail with INVALID_SOURCE naming the image and the problem, and fail fast.
 */
@org.xenproject.eliloader.testsupport.RealPeers
class IsoHostileImageTest {
    private static final Duration SAFETY_NET = Duration.ofSeconds(20);
    private static final String FILE = "sub/inner/file.txt";
    private static final String DEEP = "a/b/c/d/e/f/g/h/i/deep.txt";

    @TempDir
    static Path bases;
    static Path rockRidge;
    static Path relocated;
    static Path joliet;
    static Path primary;
    static Path continued;
    static Path sections;

    @TempDir
    Path work;

    @BeforeAll
    static void makeImages() throws IOException {
        Path tree = bases.resolve("tree");
        TestImages.write(tree, FILE, "file\n");
        TestImages.write(tree, DEEP, "deep\n");
        for (int i = 0; i < 100; i++) {
            TestImages.write(tree, String.format("many/f%03d", i), "many\n");
        }
        rockRidge = TestImages.make(Maker.XORRISO_ROCK_RIDGE_JOLIET, tree, bases.resolve("rr.iso"));
        relocated = TestImages.make(Maker.GENISOIMAGE_ROCK_RIDGE, tree, bases.resolve("relocated.iso"));
        joliet = TestImages.make(Maker.GENISOIMAGE_JOLIET, tree, bases.resolve("joliet.iso"));
        primary = TestImages.make(Maker.GENISOIMAGE_PRIMARY, tree, bases.resolve("primary.iso"));

        // one file whose Rock Ridge name continues in a continuation area, alone in its image
        Path longName = bases.resolve("long");
        TestImages.write(longName, TestImages.LONGEST_NAME, "long\n");
        continued = TestImages.make(Maker.XORRISO_ROCK_RIDGE_JOLIET, longName, bases.resolve("continued.iso"));

        Path parts = bases.resolve("parts");
        TestImages.write(parts, "parta", "first\n");
        TestImages.write(parts, "partb", "second\n");
        sections = TestImages.make(Maker.GENISOIMAGE_PRIMARY, parts, bases.resolve("sections.iso"));
    }

    // ---- directory loops ----

    @Test
    void directoryPointingToTheRoot() throws IOException {
        RawIso raw = patchable(rockRidge);
        int sub = raw.record(RawIso.PRIMARY_ROOT_RECORD, false, "sub");
        raw.setExtent(sub, raw.extent(RawIso.PRIMARY_ROOT_RECORD));
        raw.setDataLength(sub, raw.dataLength(RawIso.PRIMARY_ROOT_RECORD));
        raw.save();
        assertInvalid(lookup(FILE), "directory /sub points back to the root directory");
        assertInvalid(() -> {
            try (IsoSource source = IsoSource.open(image())) {
                source.exists(FILE);
            }
        }, "directory loop");
    }

    @Test
    void directoryPointingToItself() throws IOException {
        RawIso raw = patchable(rockRidge);
        int sub = raw.record(RawIso.PRIMARY_ROOT_RECORD, false, "sub");
        int inner = raw.record(RawIso.PRIMARY_ROOT_RECORD, false, "sub/inner");
        raw.setExtent(inner, raw.extent(sub));
        raw.save();
        assertInvalid(lookup(FILE), "directory /sub/inner points back to its ancestor sub");
    }

    @Test
    void jolietDirectoryPointingToTheRoot() throws IOException {
        RawIso raw = patchable(joliet);
        int root = raw.jolietRootRecord();
        raw.setExtent(raw.record(root, true, "sub/inner"), raw.extent(root));
        raw.save();
        assertInvalid(lookup(FILE), "directory loop");
    }

    @Test
    void relocatedDirectoryLinkPointingToTheRoot() throws IOException {
        RawIso raw = patchable(relocated);
        int placeholder = raw.record(RawIso.PRIMARY_ROOT_RECORD, false, "a/b/c/d/e/f/g/h");
        raw.putBothEndian(raw.suspEntry(placeholder, "CL") + 4, raw.extent(RawIso.PRIMARY_ROOT_RECORD));
        raw.save();
        assertInvalid(lookup(DEEP), "directory loop");
    }

    @Test
    void relocatedDirectoryLinkPointingToAFile() throws IOException {
        RawIso raw = patchable(relocated);
        int placeholder = raw.record(RawIso.PRIMARY_ROOT_RECORD, false, "a/b/c/d/e/f/g/h");
        int file = raw.record(RawIso.PRIMARY_ROOT_RECORD, false, FILE);
        raw.putBothEndian(raw.suspEntry(placeholder, "CL") + 4, raw.extent(file));
        raw.save();
        assertInvalid(lookup(DEEP), "holds no directory");
    }

    @Test
    void lookupsThatRescanALargeDirectoryEndAtTheReadBudget() throws IOException {
        Path tree = work.resolve("maze");
        for (int i = 0; i < TestImages.POOL_FILES; i++) {
            TestImages.write(tree, TestImages.poolFile(i), "");
        }
        TestImages.write(tree, "pool/zz/file", "found\n"); // sorts last: every visit scans all of pool
        TestImages.make(Maker.XORRISO_ROCK_RIDGE_JOLIET, tree, image());
        try (IsoImage image = IsoImage.open(image())) {
            assertThat(image.lookup("pool/" + "zz/../".repeat(10) + "zz/file")).isPresent();
        }
        // what a chain of links full of "dir/.." would make the reader do
        assertInvalid(lookup("pool/" + "zz/../".repeat(600) + "zz/file"), "needs more than 64 MiB of directory data");
    }

    // ---- extents and sizes ----

    @Test
    void fileExtentBeyondTheEndOfTheImage() throws IOException {
        RawIso raw = patchable(rockRidge);
        raw.setExtent(raw.record(RawIso.PRIMARY_ROOT_RECORD, false, FILE), 0xFFFFFFF0L);
        raw.save();
        assertInvalid(lookup(FILE), "file /sub/inner/file.txt (5 bytes at byte 8796092989440) lies beyond the end");
    }

    @Test
    void absurdFileLength() throws IOException {
        RawIso raw = patchable(primary);
        raw.setDataLength(raw.record(RawIso.PRIMARY_ROOT_RECORD, false, FILE), 0xFFFFFFF0L);
        raw.save();
        assertInvalid(lookup(FILE), "4294967280 bytes");
    }

    @Test
    void absurdDirectoryLength() throws IOException {
        RawIso raw = patchable(rockRidge);
        raw.setDataLength(raw.record(RawIso.PRIMARY_ROOT_RECORD, false, "sub"), 0x7FFFFFF0L);
        raw.save();
        assertInvalid(lookup(FILE), "more than the 16 MiB a directory may have");
    }

    @Test
    void emptyDirectoryExtent() throws IOException {
        RawIso raw = patchable(rockRidge);
        raw.setDataLength(raw.record(RawIso.PRIMARY_ROOT_RECORD, false, "sub"), 0);
        raw.save();
        assertInvalid(lookup(FILE), "directory /sub has an empty extent");
    }

    @Test
    void absurdRootDirectoryLength() throws IOException {
        RawIso raw = patchable(primary);
        raw.setDataLength(RawIso.PRIMARY_ROOT_RECORD, 0xFFFFFFFFL);
        raw.save();
        assertInvalid(open(), "the primary root directory claims 4294967295 bytes");
    }

    @Test
    void imageThatShrinksWhileAFileIsRead() throws IOException {
        Path image = Files.copy(primary, work.resolve("image.iso"));
        try (IsoImage iso = IsoImage.open(image)) {
            IsoEntry file = iso.lookup(FILE).orElseThrow();
            try (InputStream in = iso.openStream(file);
                 FileChannel channel = FileChannel.open(image, StandardOpenOption.WRITE)) {
                channel.truncate(file.extentOffsets[0]);
                assertInvalid(in::read, "is truncated");
            }
        }
    }

    // ---- directory records ----

    @Test
    void recordTooShort() throws IOException {
        RawIso raw = patchable(rockRidge);
        int firstOfSub = raw.records(raw.record(RawIso.PRIMARY_ROOT_RECORD, false, "sub")).get(0);
        raw.bytes[firstOfSub] = 20;
        raw.save();
        assertInvalid(lookup(FILE), "directory /sub: the record at offset 0 is only 20 bytes long");
    }

    @Test
    void recordCrossingASectorBoundary() throws IOException {
        RawIso raw = patchable(primary);
        int many = raw.record(RawIso.PRIMARY_ROOT_RECORD, false, "many");
        int directoryStart = raw.extent(many) * RawIso.SECTOR;
        int lastInFirstSector = -1;
        for (int record : raw.records(many)) {
            if (record < directoryStart + RawIso.SECTOR) {
                lastInFirstSector = record;
            }
        }
        int crossing = directoryStart + RawIso.SECTOR - lastInFirstSector + 2;
        assertThat(crossing).isLessThan(256);
        raw.bytes[lastInFirstSector] = (byte) crossing;
        raw.save();
        assertInvalid(lookup("many/f099"), "crosses a sector boundary");
    }

    @Test
    void recordCrossingTheEndOfItsDirectory() throws IOException {
        RawIso raw = patchable(rockRidge);
        raw.setDataLength(raw.record(RawIso.PRIMARY_ROOT_RECORD, false, "sub"), 100);
        raw.save();
        assertInvalid(lookup(FILE), "crosses the end of the directory (100 bytes)");
    }

    @Test
    void nameLongerThanItsRecord() throws IOException {
        RawIso raw = patchable(primary);
        raw.bytes[raw.record(RawIso.PRIMARY_ROOT_RECORD, false, FILE) + 32] = (byte) 200;
        raw.save();
        assertInvalid(lookup(FILE), "has a 200-byte name that does not fit");
    }

    @Test
    void interleavedFile() throws IOException {
        RawIso raw = patchable(primary);
        raw.bytes[raw.record(RawIso.PRIMARY_ROOT_RECORD, false, FILE) + 26] = 4;
        raw.save();
        assertInvalid(lookup(FILE), "FILE.TXT is an interleaved file, which is not supported");
    }

    @Test
    void zeroedDirectoryIsEmptyNotEndless() throws IOException {
        RawIso raw = patchable(rockRidge);
        int start = raw.extent(raw.record(RawIso.PRIMARY_ROOT_RECORD, false, "sub")) * RawIso.SECTOR;
        Arrays.fill(raw.bytes, start, start + RawIso.SECTOR, (byte) 0);
        raw.save();
        assertTimeoutPreemptively(SAFETY_NET, () -> {
            try (IsoImage image = IsoImage.open(image())) {
                assertThat(image.lookup(FILE)).isEmpty();
                assertThat(image.list("sub")).isEmpty();
            }
        });
    }

    @Test
    void multiExtentFileWithoutItsNextSection() throws IOException {
        RawIso raw = patchable(sections);
        raw.bytes[raw.record(RawIso.PRIMARY_ROOT_RECORD, false, "parta") + 25] |= (byte) 0x80;
        raw.save();
        assertInvalid(lookup("partb"), "the multi-extent file PARTA is followed by PARTB instead of its next section");
    }

    @Test
    void multiExtentFileWithoutItsFinalSection() throws IOException {
        RawIso raw = patchable(sections);
        raw.bytes[raw.record(RawIso.PRIMARY_ROOT_RECORD, false, "partb") + 25] |= (byte) 0x80;
        raw.save();
        assertInvalid(lookup("nothing"), "the multi-extent file PARTB has no final section");
    }

    // ---- SUSP / Rock Ridge ----

    @Test
    void continuationAreaPointingToItself() throws IOException {
        RawIso raw = patchable(continued);
        int record = longNameRecord(raw);
        int ce = raw.suspEntry(record, "CE");
        long block = IsoImage.uint32(raw.bytes, ce + 4);
        long offset = IsoImage.uint32(raw.bytes, ce + 12);
        raw.putBothEndian(ce + 20, 28);
        writeContinuationEntry(raw, (int) (block * RawIso.SECTOR + offset), block, offset);
        raw.save();
        assertInvalid(lookup("x"), "its SUSP continuation areas (CE) form a loop");
    }

    @Test
    void continuationChainTooLong() throws IOException {
        RawIso raw = patchable(continued);
        int ce = raw.suspEntry(longNameRecord(raw), "CE");
        long block = IsoImage.uint32(raw.bytes, ce + 4);
        // 40 areas of one CE entry each, every one pointing to the next: no loop, just long
        raw.putBothEndian(ce + 12, 0);
        raw.putBothEndian(ce + 20, 28);
        for (int area = 0; area < 40; area++) {
            writeContinuationEntry(raw, (int) block * RawIso.SECTOR + area * 28, block, (area + 1) * 28L);
        }
        raw.save();
        assertInvalid(lookup("x"), "more than 32 SUSP continuation areas");
    }

    @Test
    void continuationAreaLeavingItsBlock() throws IOException {
        RawIso raw = patchable(continued);
        int ce = raw.suspEntry(longNameRecord(raw), "CE");
        raw.putBothEndian(ce + 12, 2000);
        raw.putBothEndian(ce + 20, 100);
        raw.save();
        assertInvalid(lookup("x"), "does not fit in its block");
    }

    @Test
    void continuationAreaBeyondTheEndOfTheImage() throws IOException {
        RawIso raw = patchable(continued);
        raw.putBothEndian(raw.suspEntry(longNameRecord(raw), "CE") + 4, 0x00FFFFFFL);
        raw.save();
        assertInvalid(lookup("x"), "a SUSP continuation area of directory / (byte 34359736320, 2048 bytes)"
                + " lies beyond the end");
    }

    @Test
    void suspEntryLongerThanItsArea() throws IOException {
        RawIso raw = patchable(continued);
        raw.bytes[raw.suspEntry(longNameRecord(raw), "NM") + 2] = (byte) 250;
        raw.save();
        assertInvalid(lookup("x"), "its SUSP entry \"NM\" claims 250 bytes");
    }

    @Test
    void rockRidgeNameLongerThanAnyFileSystemAllows() throws IOException {
        RawIso raw = patchable(continued);
        int ce = raw.suspEntry(longNameRecord(raw), "CE");
        long block = IsoImage.uint32(raw.bytes, ce + 4);
        // six areas, each with 200 more bytes of name and a CE to the next
        int areaLength = 28 + 205;
        raw.putBothEndian(ce + 12, 0);
        raw.putBothEndian(ce + 20, areaLength);
        for (int area = 0; area < 6; area++) {
            int at = (int) block * RawIso.SECTOR + area * areaLength;
            writeContinuationEntry(raw, at, block, (area + 1L) * areaLength, areaLength);
            int nm = at + 28;
            raw.bytes[nm] = 'N';
            raw.bytes[nm + 1] = 'M';
            raw.bytes[nm + 2] = (byte) 205;
            raw.bytes[nm + 3] = 1;
            raw.bytes[nm + 4] = 1; // continued
            Arrays.fill(raw.bytes, nm + 5, nm + 205, (byte) 'n');
        }
        raw.save();
        assertInvalid(lookup("x"), "its Rock Ridge name is longer than 1024 bytes");
    }

    // ---- volume descriptors and image size ----

    @Test
    void zeroedPrimaryVolumeDescriptor() throws IOException {
        RawIso raw = patchable(rockRidge);
        Arrays.fill(raw.bytes, RawIso.PRIMARY_DESCRIPTOR, RawIso.PRIMARY_DESCRIPTOR + RawIso.SECTOR, (byte) 0);
        raw.save();
        assertInvalid(open(), "is not an ISO 9660 image: no \"CD001\" volume descriptor at sector 16");
    }

    @Test
    void badStandardIdentifier() throws IOException {
        RawIso raw = patchable(primary);
        raw.bytes[RawIso.PRIMARY_DESCRIPTOR + 5] = '2';
        raw.save();
        assertInvalid(open(), "no \"CD001\"");
    }

    @Test
    void noPrimaryVolumeDescriptor() throws IOException {
        RawIso raw = patchable(rockRidge);
        raw.bytes[RawIso.PRIMARY_DESCRIPTOR] = 3; // a volume partition descriptor instead
        raw.save();
        assertInvalid(open(), "has no primary volume descriptor");
    }

    @Test
    void unsupportedBlockSize() throws IOException {
        RawIso raw = patchable(primary);
        raw.bytes[RawIso.PRIMARY_DESCRIPTOR + 128] = 0;
        raw.bytes[RawIso.PRIMARY_DESCRIPTOR + 129] = 2;
        raw.save();
        assertInvalid(open(), "uses 512-byte logical blocks");
    }

    @Test
    void corruptRootRecord() throws IOException {
        RawIso raw = patchable(primary);
        raw.bytes[RawIso.PRIMARY_ROOT_RECORD] = 0;
        raw.save();
        assertInvalid(open(), "has no valid root directory record");
    }

    @Test
    void truncatedImage() throws IOException {
        Path image = Files.copy(rockRidge, work.resolve("image.iso"));
        try (FileChannel channel = FileChannel.open(image, StandardOpenOption.WRITE)) {
            channel.truncate(30 * RawIso.SECTOR);
        }
        assertInvalid(open(), "is truncated: its volume descriptor declares");
    }

    @Test
    void imageTooSmallForADescriptor() throws IOException {
        Path image = Files.copy(rockRidge, work.resolve("image.iso"));
        try (FileChannel channel = FileChannel.open(image, StandardOpenOption.WRITE)) {
            channel.truncate(10 * RawIso.SECTOR);
        }
        assertInvalid(open(), "has only 20480 bytes");
        Files.write(image, new byte[0]);
        assertInvalid(open(), "has only 0 bytes");
    }

    @Test
    void randomBytes() throws IOException {
        byte[] noise = new byte[1 << 20];
        new Random(7).nextBytes(noise);
        Files.write(work.resolve("image.iso"), noise);
        assertInvalid(open(), "is not an ISO 9660 image");
    }

    @Test
    void missingOrUnreadableImage() throws IOException {
        assertInvalid(open(), "cannot open ISO image " + image() + ": no such file");
        Files.createDirectories(image());
        assertInvalid(open(), image().toString());
    }

    @Test
    void descriptorSetWithoutTerminatorIsTolerated() throws IOException {
        RawIso raw = patchable(primary);
        int terminator = RawIso.PRIMARY_DESCRIPTOR;
        while ((raw.bytes[terminator] & 0xff) != 255) {
            terminator += RawIso.SECTOR;
        }
        raw.bytes[terminator] = 0; // a boot record, then no more "CD001" sectors
        raw.save();
        try (IsoImage image = IsoImage.open(image())) {
            assertThat(image.lookup(FILE)).isPresent();
        }
    }

    // ---- helpers ----

    private Path image() {
        return work.resolve("image.iso");
    }

    private RawIso patchable(Path base) throws IOException {
        return RawIso.load(Files.copy(base, image()));
    }

    private int longNameRecord(RawIso raw) {
        List<Integer> records = raw.records(RawIso.PRIMARY_ROOT_RECORD);
        return records.get(2); // after "." and ".."
    }

    /** A SUSP CE entry at {@code at} sending the parser to a 28-byte area at block:offset. */
    private static void writeContinuationEntry(RawIso raw, int at, long block, long offset) {
        writeContinuationEntry(raw, at, block, offset, 28);
    }

    private static void writeContinuationEntry(RawIso raw, int at, long block, long offset, int length) {
        Arrays.fill(raw.bytes, at, at + 28, (byte) 0);
        raw.bytes[at] = 'C';
        raw.bytes[at + 1] = 'E';
        raw.bytes[at + 2] = 28;
        raw.bytes[at + 3] = 1;
        raw.putBothEndian(at + 4, block);
        raw.putBothEndian(at + 12, offset);
        raw.putBothEndian(at + 20, length);
    }

    private ThrowingCallable open() {
        return () -> IsoImage.open(image()).close();
    }

    private ThrowingCallable lookup(String path) {
        return () -> {
            try (IsoImage image = IsoImage.open(image())) {
                image.lookup(path);
            }
        };
    }

    private void assertInvalid(ThrowingCallable action, String expectedProblem) {
        assertTimeoutPreemptively(SAFETY_NET, () -> assertThatThrownBy(action)
                .isInstanceOfSatisfying(BootloaderException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE))
                .hasMessageContaining("ISO image " + image())
                .hasMessageContaining(expectedProblem)
                .message().doesNotContain("\n").hasSizeLessThan(600));
    }
}
