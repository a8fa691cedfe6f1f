package org.xenproject.eliloader.initrd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;

class MapFilesTest {
    @TempDir
    Path dir;

    final List<String> warnings = new ArrayList<>();

    static final String A = "0123456789abcdef0123456789abcdef";
    static final String B = "fedcba9876543210fedcba9876543210";
    static final String C = "00000000000000000000000000000000";

    @Test
    void readsEveryMapWithCommentsBlankLinesModesAndDistros() throws IOException {
        Files.writeString(dir.resolve("centos.map"), String.join("\n",
                "# CentOS vendor initrds",
                "",
                "   ",
                A.toUpperCase() + "  cpio   centos/overlay.cpio.gz  centos-5.0 centos-5.1   # trailing comment",
                B + "\text2\tcentos4/overlay.cpio centos-4.5",
                C + " cpio:merge /abs/overlay.cpio"));
        Files.writeString(dir.resolve("other.map"), "11111111111111111111111111111111 cpio:append x.cpio rhel\r\n");
        Files.writeString(dir.resolve("not-a-map.txt"), "garbage");

        InitrdFixups fixups = InitrdFixups.load(dir, warnings::add);

        assertThat(warnings).isEmpty();
        assertThat(fixups.entries()).hasSize(4);
        MapEntry a = fixups.lookup(A).orElseThrow();
        assertThat(a.md5()).isEqualTo(A);
        assertThat(a.kind()).isEqualTo(MapEntry.Kind.CPIO);
        assertThat(a.mode()).isEqualTo(OverlayMode.APPEND);
        assertThat(a.overlay()).isEqualTo(dir.resolve("centos/overlay.cpio.gz"));
        assertThat(a.distros()).containsExactly("centos-5.0", "centos-5.1");
        assertThat(a.origin()).isEqualTo(dir.resolve("centos.map") + ":4");
        MapEntry b = fixups.lookup(B.toUpperCase()).orElseThrow();
        assertThat(b.kind()).isEqualTo(MapEntry.Kind.EXT2);
        assertThat(b.overlay()).isEqualTo(dir.resolve("centos4/overlay.cpio"));
        MapEntry c = fixups.lookup(C).orElseThrow();
        assertThat(c.mode()).isEqualTo(OverlayMode.MERGE);
        assertThat(c.overlay()).isEqualTo(Path.of("/abs/overlay.cpio"));
        assertThat(c.distros()).isEmpty();
        assertThat(fixups.lookup("11111111111111111111111111111111").orElseThrow().mode()).isEqualTo(OverlayMode.APPEND);
        assertThat(fixups.lookup("22222222222222222222222222222222")).isEmpty();
        assertThat(a.withMode(OverlayMode.MERGE).mode()).isEqualTo(OverlayMode.MERGE);
    }

    @Test
    void badLinesAreReportedWithFileAndLineAndTheRestStillLoads() throws IOException {
        Files.writeString(dir.resolve("a.map"), String.join("\n",
                A + " cpio good.cpio d",
                "not-an-md5 cpio x.cpio d",
                B + " squashfs x.cpio d",
                C,
                "12345 cpio"));
        Files.write(dir.resolve("b.map"), new byte[] {(byte) 0xff, (byte) 0xfe, 'x', '\n'});
        Files.writeString(dir.resolve("c.map"), B + " cpio:merge c.cpio d\n");
        Files.createDirectory(dir.resolve("d.map"));

        InitrdFixups fixups = InitrdFixups.load(dir, warnings::add);

        assertThat(fixups.lookup(A)).isPresent();
        assertThat(fixups.lookup(B)).isPresent();
        assertThat(fixups.lookup(C)).isEmpty();
        assertThat(warnings).hasSize(6);
        assertThat(warnings.get(0)).startsWith(dir.resolve("a.map") + ":2: ").contains("not-an-md5", "not an MD5");
        assertThat(warnings.get(1)).startsWith(dir.resolve("a.map") + ":3: ").contains("squashfs");
        assertThat(warnings.get(2)).startsWith(dir.resolve("a.map") + ":4: ").contains("expected");
        assertThat(warnings.get(3)).startsWith(dir.resolve("a.map") + ":5: ");
        assertThat(warnings.get(4)).startsWith(dir.resolve("b.map").toString()).contains("not UTF-8");
        assertThat(warnings.get(5)).startsWith(dir.resolve("d.map").toString()).contains("not a regular file");
    }

    @Test
    void aLaterDefinitionWinsWithAWarning() throws IOException {
        Files.writeString(dir.resolve("10-vendor.map"), A + " cpio vendor.cpio d\n");
        Files.writeString(dir.resolve("90-local.map"), A + " cpio:merge local.cpio d\n");
        InitrdFixups fixups = InitrdFixups.load(dir, warnings::add);
        assertThat(fixups.lookup(A).orElseThrow().overlay()).isEqualTo(dir.resolve("local.cpio"));
        assertThat(warnings).singleElement().asString()
                .startsWith(dir.resolve("90-local.map") + ":1: ").contains("10-vendor.map:1");
    }

    @Test
    void missingDirectoryMeansNoFixups() {
        InitrdFixups fixups = InitrdFixups.load(dir.resolve("absent"), warnings::add);
        assertThat(fixups.entries()).isEmpty();
        assertThat(warnings).isEmpty();
    }

    @Test
    void missingOverlayIsSupportPackageMissingAndLeavesNothing() throws IOException {
        Files.writeString(dir.resolve("x.map"), A + " cpio missing/overlay.cpio d\n");
        Path vendor = Files.writeString(dir.resolve("initrd.img"), "whatever");
        Path out = Files.createDirectory(dir.resolve("out"));
        InitrdFixups fixups = InitrdFixups.load(dir, warnings::add);
        assertThatThrownBy(() -> fixups.apply(fixups.lookup(A).orElseThrow(), vendor, out, 1 << 20, 1 << 20))
                .isInstanceOfSatisfying(BootloaderException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.SUPPORT_PACKAGE_MISSING);
                    assertThat(e.getMessage()).contains("missing/overlay.cpio", "x.map:1");
                });
        TestTools.assertNothingLeft(out);
    }

    @Test
    void md5HexIsTheMapKey() throws IOException {
        Path f = Files.writeString(dir.resolve("f"), "abc");
        assertThat(InitrdFixups.md5Hex(f)).isEqualTo("900150983cd24fb0d6963f7d28e17f72");
    }
}
