package org.xenproject.eliloader.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.source.TreeFiles;
import org.xenproject.eliloader.source.file.FileSource;

/**
 * Issue 14, points 2 and 3: an alias's default profile is for trees that say nothing; a tree that
 * names its family and version gets the profile whose release range covers it, or a named error;
 * a release that ships no Xen PV installer says so and what to do.
 */
class ReleaseSelectionTest {
    static final ProfileRegistry SHIPPED = ProfileRegistry.load(List.of());

    @TempDir
    Path tree;

    private final Map<String, String> settings = new HashMap<>();

    private void file(String path, String text) throws IOException {
        Files.createDirectories(tree.resolve(path).getParent());
        Files.writeString(tree.resolve(path), text);
    }

    private void treeinfo(String family, String version) throws IOException {
        file(".treeinfo", "[general]\nfamily = " + family + "\nversion = " + version + "\narch = x86_64\n");
    }

    private ProfileSelector.Selection select(String distro) {
        try (TreeFiles files = new TreeFiles(() -> new FileSource(tree))) {
            return ProfileSelector.select(SHIPPED, distro, files, new RunValues("file://" + tree, "x86_64",
                    settings::get));
        }
    }

    private BootloaderException refused(String distro) {
        try {
            select(distro);
        } catch (BootloaderException e) {
            return e;
        }
        throw new AssertionError("selected a profile");
    }

    @Test
    void aVersionNoProfileCoversIsRefusedNamingFamilyVersionAndTheNearestProfile() throws IOException {
        treeinfo("Red Hat Enterprise Linux", "11.0");

        BootloaderException e = refused("rhlike");

        assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_INSTALL_METHOD);
        assertThat(e.getMessage()).contains("Red Hat Enterprise Linux 11.0 (.treeinfo)")
                .contains("nearest is rhel-10 (Red Hat Enterprise Linux 10, versions 10)").contains("profile id");
    }

    @Test
    void aDetectRuleWithoutVersionDoesNotTakeAVersionOutsideTheProfilesRange() throws IOException {
        // fedora's rule is family: ^Fedora alone; its release range (17-41) keeps Fedora 42 from it
        treeinfo("Fedora", "42");

        assertThat(select("rhlike").profile().id()).isEqualTo("fedora-42");
    }

    @Test
    void almaLinux11IsNotTakenForAnyAlmaProfile() throws IOException {
        file(".treeinfo", "[header]\ntype = productmd.treeinfo\nversion = 1.2\n\n[release]\nname = AlmaLinux\n"
                + "short = AlmaLinux\nversion = 11.0\n\n[tree]\narch = x86_64\n");

        BootloaderException e = refused("auto");

        assertThat(e.getMessage()).contains("AlmaLinux 11.0 (.treeinfo)").contains("nearest is alma-10");
    }

    @Test
    void aSiteMayForceAProfileIdAnyway() throws IOException {
        treeinfo("Red Hat Enterprise Linux", "10.0");

        assertThat(select("rhel-9").profile().id()).isEqualTo("rhel-9");
    }

    @Test
    void aTreeThatSaysNothingStillGetsTheAliasDefault() {
        ProfileSelector.Selection selection = select("rhlike");

        assertThat(selection.profile().id()).isEqualTo("rhel-5");
        assertThat(selection.how()).isEqualTo("rhlike, the tree did not tell the version: default profile");
    }

    @Test
    void aRebuildWithAShortFamilyNameFallsToItsFamilysProfileForItsVersion() throws IOException {
        treeinfo("Scientific", "6.10");

        ProfileSelector.Selection selection = select("rhlike");

        assertThat(selection.profile().id()).isEqualTo("scientific-6");
        assertThat(selection.how()).isEqualTo("rhlike, Scientific 6.10 (.treeinfo) is in its release range 6");
    }

    @Test
    void aFamilyNoProfileKnowsIsRefusedByAutoAsWhatItIs() throws IOException {
        treeinfo("Foo Linux", "3.1");

        BootloaderException e = refused("auto");

        assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_INSTALL_METHOD);
        assertThat(e.getMessage()).contains("Foo Linux 3.1 (.treeinfo), a family no auto profile knows");
    }

    @Test
    void ubuntuJammyOnAMirrorIsKnownToShipNoPvInstaller() {
        settings.put("debian-release", "jammy-updates");

        BootloaderException e = refused("debianlike");

        assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_INSTALL_METHOD);
        assertThat(e.getMessage()).startsWith("Ubuntu 22.04 and later (no Xen PV installer) (profile ubuntu-22.04,")
                .contains("HVM guest").contains("ubuntu-focal");
    }

    @Test
    void anUbuntu2404CdIsKnownToShipNoPvInstaller() throws IOException {
        file(".disk/info", "Ubuntu-Server 24.04.1 LTS \"Noble Numbat\" - Release amd64 (20240827.1)\n");

        BootloaderException e = refused("auto");

        assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_INSTALL_METHOD);
        assertThat(e.getMessage()).contains("profile ubuntu-22.04").contains("HVM guest");
    }

    @Test
    void anUbuntuBetweenFocalAndJammyIsRefusedNamingTheNearest() throws IOException {
        file(".disk/info", "Ubuntu-Server 21.10 \"Impish Indri\" - Release amd64 (20211012)\n");

        BootloaderException e = refused("debianlike");

        assertThat(e.getMessage()).contains("Ubuntu-Server 21.10 (.disk/info)").contains("nearest is ubuntu-");
    }

    @Test
    void newStyleSuseContentStatesItsReleaseThroughTheCpe() throws IOException {
        file("content", "CONTENTSTYLE 11\nDISTRO cpe:/o:suse:sles:16:0,SUSE Linux Enterprise Server 16.0\n");

        BootloaderException e = refused("sleslike");

        assertThat(e.getMessage()).contains("SUSE Linux Enterprise Server 16.0 (content)")
                .contains("nearest is sles-15");
    }

    @Test
    void forcingAnUnsupportedProfileIsStillRefused() {
        assertThatThrownBy(() -> select("ubuntu-22.04")).isInstanceOf(BootloaderException.class)
                .hasMessageContaining("HVM guest");
    }

    @Test
    void versionRanges() {
        Release span = Release.of(Pattern.compile("x"), "4.5-4.9", null).orElseThrow();
        Release open = Release.of(Pattern.compile("x"), "42+", null).orElseThrow();
        Release one = Release.of(Pattern.compile("x"), "9", null).orElseThrow();

        assertThat(span.covers("4.5")).isTrue();
        assertThat(span.covers("4.9.1")).isTrue();
        assertThat(span.covers("4.4")).isFalse();
        assertThat(span.covers("4")).as("a tree that says only its major version").isTrue();
        assertThat(span.covers("5")).isFalse();
        assertThat(open.covers("42")).isTrue();
        assertThat(open.covers("41.1")).isFalse();
        assertThat(one.covers("9.6")).isTrue();
        assertThat(one.covers("10.0")).isFalse();
        assertThat(one.covers("Rawhide")).isFalse();
        assertThat(one.distance("10.0")).isEqualTo(1);
        assertThat(Release.of(Pattern.compile("x"), "9-7", null)).isEmpty();
        assertThat(Release.of(Pattern.compile("x"), "nine", null)).isEmpty();
    }
}
