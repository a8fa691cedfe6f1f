package org.xenproject.eliloader.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.xenproject.eliloader.testpeers.TreesOverHttp;
import org.xenproject.eliloader.testsupport.BootHarness;
import org.xenproject.eliloader.testsupport.RealPeers;
import org.xenproject.eliloader.testsupport.Run;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/**
 * Profiles come from the jar, the shipped {@code distro-profiles/} folder and the host's
 * profiles directory, a later file overriding an earlier one by id; {@code profiles list} shows
 * where each came from.
 */
class ProfileLoadingTest {
    @RegisterExtension
    static final TreesOverHttp nginx = new TreesOverHttp();

    @TempDir
    Path dir;

    @Test
    void profilesInAJarAreReadFromItsDistroProfilesFolderOnly() throws IOException {
        Path jar = dir.resolve("p.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            add(out, "distro-profiles/jarred.yaml", "description: from the jar\nboot-files: [{kernel: k}]\n");
            add(out, "distro-profiles/nested/ignored.yaml", "description: nested\n");
            add(out, "other/ignored.yaml", "description: elsewhere\n");
        }

        List<ProfileDocument> docs = ProfileLoader.fromJar(jar);

        assertThat(docs).extracting(ProfileDocument::id).containsExactly("jarred");
        assertThat(docs.get(0).origin()).isEqualTo("jar:distro-profiles/jarred.yaml");
        assertThat(docs.get(0).line("boot-files")).isEqualTo(2);
    }

    @Test
    void aLaterFileOverridesAnEarlierOneById() throws IOException {
        Path jar = dir.resolve("p.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            add(out, "distro-profiles/same.yaml", "description: from the jar\n");
        }
        Path shipped = Files.createDirectories(dir.resolve("shipped"));
        Files.writeString(shipped.resolve("same.yaml"), "description: shipped\n");
        Path host = Files.createDirectories(dir.resolve("profiles.d"));
        Files.writeString(host.resolve("same.yaml"), "description: the host's\n");

        List<ProfileDocument> all = new ArrayList<>(ProfileLoader.fromJar(jar));
        all.addAll(ProfileLoader.fromDirectory(shipped));
        all.addAll(ProfileLoader.fromDirectory(host));
        ProfileRegistry registry = ProfileRegistry.of(all);

        assertThat(registry.get("same").description()).isEqualTo("the host's");
        assertThat(registry.overriddenOrigins("same"))
                .containsExactly("jar:distro-profiles/same.yaml", shipped.resolve("same.yaml").toString());
    }

    @RealPeers
    @Test
    void theHostProfilesDirectoryOverridesAShippedProfileForBoots() throws IOException {
        Path host = Files.createDirectories(dir.resolve("profiles.d"));
        Files.writeString(host.resolve("rhel-5.yaml"), """
                # a site's own RHEL 5: asks anaconda for text mode and a serial console
                extends: anaconda
                description: RHEL 5 (site)
                aliases: [rhlike]
                default-for: [rhlike]
                boot-files:
                  - {kernel: images/xen/vmlinuz, ramdisk: images/xen/initrd.img}
                args:
                  always: "text console=hvc0"
                """);
        Path work = dir.resolve("boot");

        BootHarness.Boot boot = BootHarness.boot(VmStoreFixture.vm().other("install-repository", nginx.url("rhel5"))
                .other("install-distro", "rhel-5"), work, Map.of("ELILOADER_PROFILES_DIR", host.toString()));

        assertThat(boot.run().status()).as(boot.run().stderr()).isZero();
        assertThat(boot.args()).isEqualTo("method=" + nginx.url("rhel5") + "/ text console=hvc0");
        assertThat(boot.kernelBytes()).isEqualTo(BootHarness.tree("rhel5/images/xen/vmlinuz"));
    }

    @Test
    void profilesListShowsIdsAliasesVersionsOriginsAndOverrides() throws IOException {
        Path host = Files.createDirectories(dir.resolve("profiles.d"));
        Files.writeString(host.resolve("sles-12.yaml"), "extends: linuxrc\ndescription: SLES 12 (site)\naliases: [sleslike]\n");
        Files.writeString(host.resolve("zz-mine.yaml"), "extends: pygrub\ndescription: Mine\naliases: [mine]\n");

        Run run = Run.of(Map.of("ELILOADER_PROFILES_DIR", host.toString()), List.of("profiles", "list"));

        assertThat(run.status()).isZero();
        List<String> lines = run.stdout().lines().toList();
        assertThat(lines.get(0)).matches("ID +ALIASES +VERSIONS +FROM +DESCRIPTION");
        assertThat(lines).anyMatch(l -> l.matches("rhel-5 +rhlike\\* +5 +\\S+/distro-profiles/rhel-5\\.yaml +Red Hat Enterprise Linux 5\\.x"));
        assertThat(lines).anyMatch(l -> l.matches("anaconda +\\(abstract\\) +- +\\S+ +Red Hat anaconda installers before RHEL 7 \\(common keys\\)"));
        assertThat(lines).anyMatch(l -> l.matches("rhel-4\\.1 +- +4\\.1-4\\.3 +\\S+ +Red Hat Enterprise Linux 4\\.1 \\(bundled installer kernel\\)"));
        assertThat(lines).anyMatch(l -> l.matches("sles-12 +sleslike +- +" + java.util.regex.Pattern.quote(
                host.resolve("sles-12.yaml") + " (overrides ") + "\\S+/distro-profiles/sles-12\\.yaml\\) +SLES 12 \\(site\\)"));
        assertThat(lines).anyMatch(l -> l.matches("zz-mine +mine +- +\\S+ +Mine"));
        assertThat(lines).anyMatch(l -> l.matches("ubuntu-22\\.04 +debianlike +22\\.04\\+! +\\S+ +Ubuntu 22\\.04 and later.*"));
        assertThat(lines.get(lines.size() - 2)).isEqualTo("* the profile an alias means when the tree does not tell the version");
        assertThat(lines.get(lines.size() - 1)).startsWith("VERSIONS: ");
    }

    @Test
    void profileIdsComeFromTheIdKeyOrTheFileName() {
        ProfileDocument named = ProfileLoader.parse("file-name", "x.yaml", "id: from-key\ndescription: d\n");
        ProfileDocument unnamed = ProfileLoader.parse("file-name", "x.yaml", "description: d\n");

        assertThat(named.id()).isEqualTo("from-key");
        assertThat(unnamed.id()).isEqualTo("file-name");
    }

    @Test
    void cdromOverridesApplyToCdInstallsOnly() {
        ProfileRegistry registry = ProfileRegistry.load(List.of());
        Profile debian = registry.get("debian");

        assertThat(debian.requires()).containsExactly("debian-release");
        assertThat(debian.forInstall(true).requires()).isEmpty();
        assertThat(debian.bootFiles(false)).extracting(Profile.BootFiles::kernel)
                .containsExactly("${images}netboot/xen/vmlinuz");
        assertThat(debian.bootFiles(true)).extracting(Profile.BootFiles::kernel)
                .containsExactly("${cd-dir}/xen/vmlinuz", "${cd-dir}/vmlinuz", "install/vmlinuz");
        assertThat(registry.get("oracle-5").forInstall(true).rounds().actionLists()).containsExactly(
                List.of("fetch-boot-files", "boot-from-first-disk"), List.of("avoid-uek-entries", "pygrub-handoff"));
        assertThat(registry.get("rhel-4.1").updatesDisk()).get()
                .extracting(Profile.UpdatesDisk::otherConfig).isEqualTo(Map.of("install-updates-disk", "true"));
    }

    private static void add(JarOutputStream out, String name, String text) throws IOException {
        out.putNextEntry(new JarEntry(name));
        OutputStream o = out;
        o.write(text.getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
    }
}
