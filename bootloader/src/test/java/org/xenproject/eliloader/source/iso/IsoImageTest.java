package org.xenproject.eliloader.source.iso;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.source.iso.TestImages.Maker;

/** Reads images made by xorriso and genisoimage, with and without Rock Ridge and Joliet. */
@org.xenproject.eliloader.testsupport.RealPeers
class IsoImageTest {

    @TempDir
    static Path work;
    static Path tree;
    static final Map<Maker, Path> images = new EnumMap<>(Maker.class);

    @BeforeAll
    static void makeImages() throws IOException {
        tree = TestImages.writeInstallTree(work.resolve("tree"));
        for (Maker maker : Maker.values()) {
            images.put(maker, TestImages.make(maker, tree, work.resolve(maker + ".iso")));
        }
    }

    @ParameterizedTest
    @EnumSource(Maker.class)
    void picksTheBestNamingAndReadsTheLabel(Maker maker) throws IOException {
        try (IsoImage image = IsoImage.open(images.get(maker))) {
            assertThat(image.naming()).isEqualTo(maker.naming);
            assertThat(image.volumeLabel()).isEqualTo(TestImages.LABEL);
        }
    }

    @ParameterizedTest
    @EnumSource(Maker.class)
    void readsInstallerFilesByTheirTreePaths(Maker maker) throws IOException {
        try (IsoImage image = IsoImage.open(images.get(maker))) {
            for (String path : List.of("images/xen/vmlinuz", "isolinux/vmlinuz", "isolinux/initrd.img",
                    "dists/bookworm/Release")) {
                assertThat(text(image, path)).as(path).isEqualTo(Files.readString(tree.resolve(path)));
            }
            assertThat(image.lookup("images/xen").orElseThrow().isDirectory()).isTrue();
            assertThat(image.lookup("").orElseThrow().isDirectory()).isTrue();
            assertThat(image.lookup("images/xen/missing")).isEmpty();
            assertThat(image.lookup("images/xen/vmlinuz/below-a-file")).isEmpty();
            assertThat(image.lookup("isolinux/../images/./xen//vmlinuz")).isPresent();
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"XORRISO_ROCK_RIDGE_JOLIET", "GENISOIMAGE_ROCK_RIDGE_JOLIET", "GENISOIMAGE_ROCK_RIDGE",
            "XORRISO_JOLIET", "GENISOIMAGE_JOLIET"})
    void rockRidgeAndJolietNamesAreExactAndCaseSensitive(Maker maker) throws IOException {
        try (IsoImage image = IsoImage.open(images.get(maker))) {
            assertThat(text(image, ".treeinfo")).isEqualTo("[general]\nfamily = Test\n");
            assertThat(text(image, "Mixed/ReadMe.Txt")).isEqualTo("mixed case\n");
            assertThat(image.lookup("mixed/readme.txt")).isEmpty();
            assertThat(image.lookup("IMAGES/XEN/VMLINUZ")).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"XORRISO_PRIMARY", "GENISOIMAGE_PRIMARY"})
    void primaryNamesLoseTheirVersionAndMatchIgnoringCase(Maker maker) throws IOException {
        try (IsoImage image = IsoImage.open(images.get(maker))) {
            IsoEntry upper = image.lookup("IMAGES/XEN/VMLINUZ").orElseThrow();
            assertThat(upper.name()).isEqualTo("VMLINUZ");
            assertThat(image.lookup("images/xen/vmlinuz").orElseThrow().length()).isEqualTo(upper.length());
            assertThat(image.lookup("Images/Xen/VmLinuz")).isPresent();
            assertThat(text(image, "ISOLINUX/INITRD.IMG")).isEqualTo("isolinux initrd\n");
            assertThat(text(image, "mixed/readme.txt")).isEqualTo("mixed case\n");
        }
    }

    @Test
    void anExactPrimaryNameWinsOverOneDifferingInCase() throws IOException {
        Path cases = work.resolve("cases");
        TestImages.write(cases, "sub/readme", "lower\n");
        TestImages.write(cases, "sub/README", "upper\n");
        Path iso = TestImages.make(Maker.GENISOIMAGE_PRIMARY, cases, work.resolve("cases.iso"), "-allow-lowercase");
        try (IsoImage image = IsoImage.open(iso)) {
            assertThat(image.naming()).isEqualTo(IsoImage.Naming.PRIMARY);
            assertThat(text(image, "sub/readme")).isEqualTo("lower\n");
            assertThat(text(image, "sub/README")).isEqualTo("upper\n");
            assertThat(image.lookup("SUB/ReadMe")).isPresent();
        }
    }

    @ParameterizedTest
    @EnumSource(Maker.class)
    void streamsAFileOfSeveralMebibytesByteForByte(Maker maker) throws Exception {
        try (IsoImage image = IsoImage.open(images.get(maker))) {
            IsoEntry file = image.lookup("images/xen/initrd.img").orElseThrow();
            assertThat(file.length()).isEqualTo(TestImages.BIG_FILE_SIZE);
            MessageDigest digest = sha256();
            long total = 0;
            byte[] buffer = new byte[8192];
            try (InputStream in = image.openStream(file)) {
                for (int count = in.read(buffer); count >= 0; count = in.read(buffer)) {
                    assertThat(count).isPositive().isLessThanOrEqualTo(buffer.length);
                    digest.update(buffer, 0, count);
                    total += count;
                }
                assertThat(in.read()).isEqualTo(-1);
            }
            assertThat(total).isEqualTo(TestImages.BIG_FILE_SIZE);
            assertThat(digest.digest()).isEqualTo(sha256().digest(TestImages.bigFileContent()));
        }
    }

    @Test
    void readsContentFromTheImageOnlyWhenTheStreamGetsThere() throws IOException {
        Path copy = Files.copy(images.get(Maker.XORRISO_ROCK_RIDGE_JOLIET), work.resolve("lazy.iso"));
        int patchAt = 4 << 20;
        try (IsoImage image = IsoImage.open(copy);
             FileChannel writer = FileChannel.open(copy, StandardOpenOption.WRITE)) {
            IsoEntry file = image.lookup("images/xen/initrd.img").orElseThrow();
            try (InputStream in = image.openStream(file)) {
                byte[] head = in.readNBytes(1 << 20);
                writer.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), file.extentOffsets[0] + patchAt);
                byte[] rest = in.readAllBytes();

                byte[] expected = TestImages.bigFileContent();
                assertThat(head).isEqualTo(Arrays.copyOf(expected, 1 << 20));
                int restOffset = patchAt - (1 << 20);
                assertThat(Arrays.copyOfRange(rest, restOffset, restOffset + 4)).containsExactly(1, 2, 3, 4);
                assertThat(rest.length + head.length).isEqualTo(TestImages.BIG_FILE_SIZE);
            }
        }
    }

    @Test
    void streamsSkipAndReadIndependently() throws IOException {
        byte[] expected = TestImages.bigFileContent();
        try (IsoImage image = IsoImage.open(images.get(Maker.GENISOIMAGE_ROCK_RIDGE_JOLIET))) {
            IsoEntry file = image.lookup("images/xen/initrd.img").orElseThrow();
            try (InputStream first = image.openStream(file); InputStream second = image.openStream(file)) {
                assertThat(first.skip(3_000_000)).isEqualTo(3_000_000);
                assertThat(second.readNBytes(10)).isEqualTo(Arrays.copyOf(expected, 10));
                assertThat(first.read()).isEqualTo(expected[3_000_000] & 0xff);
                assertThat(first.available()).isEqualTo(expected.length - 3_000_001);
                assertThat(first.skip(Long.MAX_VALUE)).isEqualTo(expected.length - 3_000_001);
                assertThat(first.read()).isEqualTo(-1);
                assertThat(second.readNBytes(10)).isEqualTo(Arrays.copyOfRange(expected, 10, 20));
            }
            InputStream closed = image.openStream(file);
            closed.close();
            assertThatThrownBy(closed::read).isInstanceOf(IOException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(Maker.class)
    void listsADirectoryThatSpansManySectors(Maker maker) throws IOException {
        try (IsoImage image = IsoImage.open(images.get(maker))) {
            assertThat(image.list("pool")).hasSize(TestImages.POOL_FILES).allMatch(IsoEntry::isRegularFile);
            if (maker.naming != IsoImage.Naming.PRIMARY) {
                // larger than the reader's 64 KiB buffer: records are read in several chunks
                assertThat(image.lookup("pool").orElseThrow().length()).isGreaterThan(64 * 1024);
                for (int index : new int[] {0, 777, TestImages.POOL_FILES - 1}) {
                    String path = TestImages.poolFile(index);
                    assertThat(text(image, path)).isEqualTo(path);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Maker.class)
    void followsDeepDirectories(Maker maker) throws IOException {
        try (IsoImage image = IsoImage.open(images.get(maker))) {
            assertThat(image.lookup("a/b/c/d/e/f/g").orElseThrow().isDirectory()).isTrue();
            if (maker.rockRidge() || maker.command.get(0).equals("xorriso")) {
                // genisoimage -R relocates below rr_moved and links back with Rock Ridge CL/RE
                assertThat(text(image, TestImages.DEEP_PATH)).isEqualTo("deep\n");
            } else {
                // without Rock Ridge, genisoimage leaves out what is nested deeper than 8 levels
                assertThat(image.lookup(TestImages.DEEP_PATH)).isEmpty();
            }
        }
    }

    @Test
    void hidesDirectoriesRelocatedByRockRidge() throws IOException {
        try (IsoImage image = IsoImage.open(images.get(Maker.GENISOIMAGE_ROCK_RIDGE))) {
            assertThat(names(image.list(""))).contains("rr_moved", "a", "images");
            assertThat(image.list("rr_moved")).isEmpty();
            assertThat(names(image.list("a/b/c/d/e/f/g"))).containsExactly("h");
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"XORRISO_ROCK_RIDGE_JOLIET", "GENISOIMAGE_ROCK_RIDGE_JOLIET", "GENISOIMAGE_ROCK_RIDGE"})
    void readsLongRockRidgeNames(Maker maker) throws IOException {
        try (IsoImage image = IsoImage.open(images.get(maker))) {
            assertThat(text(image, TestImages.LONG_NAME)).isEqualTo("long name\n");
            // 255 bytes: the NM entry continues in a SUSP continuation area
            assertThat(text(image, "longest/" + TestImages.LONGEST_NAME)).isEqualTo("longest name\n");
            assertThat(names(image.list("longest"))).containsExactly(TestImages.LONGEST_NAME);
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"XORRISO_JOLIET", "GENISOIMAGE_JOLIET"})
    void jolietNamesAreCutAfterSixtyFourCharacters(Maker maker) throws IOException {
        try (IsoImage image = IsoImage.open(images.get(maker))) {
            assertThat(text(image, TestImages.LONG_NAME.substring(0, 64))).isEqualTo("long name\n");
            assertThat(image.lookup(TestImages.LONG_NAME)).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"XORRISO_ROCK_RIDGE_JOLIET", "GENISOIMAGE_ROCK_RIDGE_JOLIET", "GENISOIMAGE_ROCK_RIDGE"})
    void followsRockRidgeSymbolicLinksWithinTheImage(Maker maker) throws IOException {
        try (IsoImage image = IsoImage.open(images.get(maker))) {
            assertThat(text(image, "kernel-link")).isEqualTo("xen kernel\n");
            assertThat(text(image, "dists/stable/Release")).isEqualTo("Suite: bookworm\n");
            assertThat(text(image, "debian/debian/debian/images/xen/vmlinuz")).isEqualTo("xen kernel\n");
            assertThat(text(image, "absolute-link")).isEqualTo("isolinux kernel\n");
            assertThat(text(image, "escape-link")).isEqualTo("isolinux initrd\n");
            assertThat(text(image, "long-link")).isEqualTo("xen kernel\n");
            assertThat(text(image, "chain/1")).isEqualTo("xen kernel\n");
            assertThat(image.lookup("hostfile-link")).as("never the host's /etc/hostname").isEmpty();
            assertThat(image.lookup("dangling-link")).isEmpty();

            Map<String, String> targets = new HashMap<>();
            for (IsoEntry entry : image.list("")) {
                if (entry.isSymbolicLink()) {
                    targets.put(entry.name(), entry.symbolicLinkTarget());
                }
            }
            assertThat(targets).containsEntry("kernel-link", "images/xen/vmlinuz")
                    .containsEntry("absolute-link", "/isolinux/vmlinuz")
                    .containsEntry("escape-link", "/../../../isolinux/initrd.img")
                    .containsEntry("debian", ".")
                    .containsEntry("long-link", TestImages.LONG_LINK_TARGET);
        }
    }

    @Test
    void joinsASymbolicLinkTargetSpreadOverManyEntries() throws IOException {
        Path links = work.resolve("links");
        TestImages.write(links, "dir/file", "found\n");
        // about as long as xorriso allows (1 KiB): four SL entries, in a continuation area
        String target = "./".repeat(450) + "dir/../dir/file";
        TestImages.link(links, "far", target);
        Path iso = TestImages.make(Maker.XORRISO_ROCK_RIDGE_JOLIET, links, work.resolve("links.iso"));
        try (IsoImage image = IsoImage.open(iso)) {
            assertThat(text(image, "far")).isEqualTo("found\n");
            assertThat(image.list("")).filteredOn(IsoEntry::isSymbolicLink).singleElement()
                    .extracting(IsoEntry::symbolicLinkTarget).isEqualTo(target);
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"XORRISO_ROCK_RIDGE_JOLIET", "GENISOIMAGE_ROCK_RIDGE"})
    void refusesSymbolicLinkLoops(Maker maker) throws IOException {
        try (IsoImage image = IsoImage.open(images.get(maker))) {
            for (String path : List.of("loop/a", "loop/self", "debian/".repeat(41) + "images/xen/vmlinuz")) {
                assertThatThrownBy(() -> image.lookup(path))
                        .isInstanceOfSatisfying(BootloaderException.class,
                                e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE))
                        .hasMessageContaining(images.get(maker).toString())
                        .hasMessageContaining("symbolic links");
            }
            assertThat(image.lookup("debian/".repeat(39) + "images/xen/vmlinuz")).isPresent();
        }
    }

    @Test
    void joinsTheSectionsOfAMultiExtentFile() throws IOException {
        Path sections = work.resolve("sections");
        byte[] first = new byte[2 * RawIso.SECTOR];
        Arrays.fill(first, (byte) 'A');
        Files.createDirectories(sections);
        Files.write(sections.resolve("parta"), first);
        TestImages.write(sections, "partb", "tail of the file\n");
        Path iso = TestImages.make(Maker.GENISOIMAGE_PRIMARY, sections, work.resolve("sections.iso"));

        // make PARTA and PARTB two sections of one file, as mkisofs does for files over 4 GiB
        RawIso raw = RawIso.load(iso);
        int partA = raw.record(RawIso.PRIMARY_ROOT_RECORD, false, "PARTA");
        int partB = raw.record(RawIso.PRIMARY_ROOT_RECORD, false, "PARTB");
        raw.bytes[partA + 25] |= (byte) 0x80;
        raw.bytes[partB + 33 + 4] = 'A';
        raw.save();

        try (IsoImage image = IsoImage.open(iso)) {
            IsoEntry file = image.lookup("parta").orElseThrow();
            assertThat(file.length()).isEqualTo(first.length + 17);
            try (InputStream in = image.openStream(file)) {
                byte[] content = in.readAllBytes();
                assertThat(Arrays.copyOf(content, first.length)).isEqualTo(first);
                assertThat(new String(content, first.length, 17, UTF_8)).isEqualTo("tail of the file\n");
            }
            assertThat(image.lookup("partb")).isEmpty();
            assertThat(image.list("")).hasSize(1);
        }
    }

    private static String text(IsoImage image, String path) throws IOException {
        IsoEntry entry = image.lookup(path).orElseThrow(() -> new AssertionError("no " + path));
        assertThat(entry.isRegularFile()).as(path + " is a file").isTrue();
        try (InputStream in = image.openStream(entry)) {
            return new String(in.readAllBytes(), UTF_8);
        }
    }

    private static List<String> names(List<IsoEntry> entries) {
        List<String> names = new ArrayList<>();
        for (IsoEntry entry : entries) {
            names.add(entry.name());
        }
        return names;
    }

    private static MessageDigest sha256() throws NoSuchAlgorithmException {
        return MessageDigest.getInstance("SHA-256");
    }
}
