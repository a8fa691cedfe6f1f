package org.xenproject.eliloader.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.source.Repository;
import org.xenproject.eliloader.source.SourceOptions;
import org.xenproject.eliloader.source.TreeFiles;
import org.xenproject.eliloader.source.http.HttpSource;
import org.xenproject.eliloader.testpeers.NginxPeer;
import org.xenproject.eliloader.testsupport.BootHarness;
import org.xenproject.eliloader.testsupport.ProjectPaths;
import org.xenproject.eliloader.testsupport.RealPeers;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/**
 * Which profile an {@code install-distro} value picks for each family's tree, served by nginx:
 * {@code auto} and the aliases detect from {@code .treeinfo}/{@code treeinfo}, {@code .discinfo},
 * SUSE {@code content} and {@code media.1/products}, Debian/Ubuntu {@code MANIFEST} and
 * {@code .disk/info}; each metadata file is fetched once per run.
 */
@RealPeers
class DetectTest {
    @TempDir
    static Path peerDir;
    static NginxPeer nginx;
    static ProfileRegistry registry;

    @BeforeAll
    static void serve() {
        nginx = NginxPeer.serve(ProjectPaths.trees(), peerDir);
        registry = ProfileRegistry.load(List.of());
    }

    @AfterAll
    static void stop() {
        nginx.close();
    }

    private static ProfileSelector.Selection select(String tree, String distro, String arch, boolean cdrom,
            Map<String, String> settings) {
        Map<String, String> values = new HashMap<>(settings);
        Repository repository = Repository.parse(nginx.url(tree));
        try (TreeFiles files = new TreeFiles(() -> new HttpSource(repository, SourceOptions.defaults()))) {
            RunValues run = new RunValues(cdrom ? "cdrom" : repository.location(), arch, values::get);
            return ProfileSelector.select(registry, distro, files, run);
        }
    }

    @ParameterizedTest(name = "{0} as {1} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            detect/rhel45           | rhlike | i386   | rhel-4    | .discinfo release="Red Hat Enterprise Linux 4"
            centos4-isolinux        | auto   | i386   | centos-4  | .discinfo release="CentOS 4.5"
            rhel5                   | auto   | i386   | rhel-5    | .treeinfo family="Red Hat Enterprise Linux Server" version="5.11"
            centos5                 | rhlike | x86_64 | centos-5  | .treeinfo family="CentOS" version="5.11"
            oracle5                 | auto   | x86_64 | oracle-5  | .treeinfo family="Oracle Linux Server" version="5.11"
            rhel6                   | auto   | x86_64 | rhel-6    | treeinfo family="Red Hat Enterprise Linux" version="6.10"
            detect/centos6          | rhlike | x86_64 | centos-6  | .treeinfo family="CentOS" version="6.10"
            detect/oracle6          | auto   | x86_64 | oracle-6  | .treeinfo family="Oracle Linux Server" version="6.10"
            rhel7                   | rhlike | x86_64 | rhel-7    | .treeinfo family="Red Hat Enterprise Linux" version="7.9"
            detect/centos7          | auto   | x86_64 | centos-7  | .treeinfo family="CentOS" version="7"
            detect/oracle7          | rhlike | x86_64 | oracle-7  | .treeinfo family="Oracle Linux" version="7.9"
            detect/rhel8            | auto   | x86_64 | rhel-8    | .treeinfo family="Red Hat Enterprise Linux" version="8.9"
            detect/rhel9            | rhlike | x86_64 | rhel-9    | .treeinfo family="Red Hat Enterprise Linux" version="9.3"
            detect/centos-stream9   | auto   | x86_64 | centos-7  | .treeinfo family="CentOS Stream" version="9"
            detect/alma8            | auto   | x86_64 | alma      | .treeinfo family="AlmaLinux"
            rocky9                  | rhlike | x86_64 | rocky     | .treeinfo family="Rocky Linux"
            detect/oracle9          | auto   | x86_64 | oracle-7  | .treeinfo family="Oracle Linux" version="9.3"
            fedora                  | auto   | x86_64 | fedora    | .treeinfo family="Fedora"
            fedora41                | rhlike | x86_64 | fedora    | .treeinfo family="Fedora"
            fedora42                | auto   | x86_64 | fedora-42 | .treeinfo family="Fedora" version="42"
            rhel10                  | rhlike | x86_64 | rhel-10   | .treeinfo family="Red Hat Enterprise Linux" version="10.0"
            detect/centos-stream10  | auto   | x86_64 | centos-10 | .treeinfo family="CentOS Stream" version="10"
            detect/alma10           | rhlike | x86_64 | alma-10   | .treeinfo family="AlmaLinux" version="10.0"
            detect/rocky10          | auto   | x86_64 | rocky-10  | .treeinfo family="Rocky Linux" version="10.0"
            detect/oracle10         | rhlike | x86_64 | oracle-10 | .treeinfo family="Oracle Linux" version="10.0"
            detect/rhel-short       | rhlike | x86_64 | rhel-6    | .treeinfo family="RHEL" version="6.10"
            detect/fedora-rawhide   | auto   | x86_64 | fedora-42 | .treeinfo family="Fedora" version="rawhide"
            detect/sles9            | auto   | i386   | sles-9    | content product="SUSE SLES" version="9"
            sles10sp1               | auto   | x86_64 | sles-10   | content product="SUSE Linux Enterprise Server 10" version="10-0"
            sles11                  | sleslike | x86_64 | sles-11 | content name="SUSE_SLES" version="11.4"
            sles12                  | auto   | x86_64 | sles-12   | content distro="cpe:/o:suse:sles:12:sp5,SUSE Linux Enterprise Server 12 SP5"
            sles15                  | auto   | x86_64 | sles-15   | media.1/products name="SLES15-SP5"
            detect/opensuse         | sleslike | x86_64 | opensuse | media.1/products name="openSUSE-Leap"
            detect/opensuse-content | auto   | x86_64 | opensuse  | content label="openSUSE 13.2"
            detect/sles12-cpe       | sleslike | x86_64 | sles-12 | content distro="cpe:/o:suse:sles:12:sp3,SUSE Linux Enterprise Server 12 SP3"
            detect/leap42           | sleslike | x86_64 | opensuse | media.1/products name="openSUSE"
            """)
    void detectsTheFamilyAndVersion(String tree, String distro, String arch, String expected, String evidence) {
        ProfileSelector.Selection selection = select(tree, distro, arch, false, Map.of());

        assertThat(selection.profile().id()).isEqualTo(expected);
        assertThat(selection.how()).endsWith("detected from " + evidence);
    }

    @ParameterizedTest(name = "{0} as {1} -> {2} by its stated release")
    @CsvSource(delimiter = '|', textBlock = """
            detect/sles11sp4-cpe | sleslike | sles-11  | SUSE Linux Enterprise Server 11 (content) is in its release range 11
            detect/sles11sp4-cpe | auto     | sles-11  | SUSE Linux Enterprise Server 11 (content) is in its release range 11
            detect/scientific7   | rhlike   | rhel-7   | Scientific 7.9 (.treeinfo) is a rebuild of Red Hat Enterprise Linux and in rhel-7's release range 7
            detect/scientific7   | auto     | rhel-7   | Scientific 7.9 (.treeinfo) is a rebuild of Red Hat Enterprise Linux and in rhel-7's release range 7
            """)
    void newStyleSuseMediaAreKnownByTheReleaseTheyState(String tree, String distro, String expected, String how) {
        ProfileSelector.Selection selection = select(tree, distro, "x86_64", false, Map.of());

        assertThat(selection.profile().id()).isEqualTo(expected);
        assertThat(selection.how()).endsWith(how);
    }

    @ParameterizedTest(name = "{0} {1} as {2} -> {4}")
    @CsvSource(delimiter = '|', textBlock = """
            debian | bookworm      | auto       | x86_64 | debian
            debian | bookworm      | debianlike | i386   | debian
            ubuntu | bionic        | auto       | amd64  | ubuntu
            ubuntu | focal-updates | debianlike | x86_64 | ubuntu-focal
            """)
    void debianFamiliesAreToldApartByTheirInstallerManifest(String tree, String release, String distro, String arch,
            String expected) {
        ProfileSelector.Selection selection = select(tree, distro, arch, false, Map.of("debian-release", release));

        assertThat(selection.profile().id()).isEqualTo(expected);
        String folder = expected.equals("ubuntu-focal") ? "legacy-images" : "images";
        String installer = expected.startsWith("ubuntu") ? "ubuntu" : "debian";
        assertThat(selection.how()).endsWith("detected from dists/" + release + "/main/installer-"
                + (arch.equals("i386") ? "i386" : "amd64") + "/current/" + folder + "/MANIFEST content matches /"
                + installer + "-installer/");
    }

    @ParameterizedTest(name = "CD {0} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            debian-cd       | debianlike | debian       | Debian GNU/Linux 12.5.0 "Bookworm" - Official amd64 NETINST with firmware 20240210-11:27
            debian-lenny-cd | auto       | debian       | Debian GNU/Linux 5.0.10 "Lenny" - Official i386 NETINST Binary-1 20120310-12:39
            ubuntu-cd       | debianlike | ubuntu-focal | Ubuntu-Server 20.04.6 LTS "Focal Fossa" - Release amd64 (20230316)
            """)
    void cdsAreKnownByTheirDiskInfo(String tree, String distro, String expected, String info) {
        ProfileSelector.Selection selection = select(tree, distro, "amd64", true, Map.of());

        assertThat(selection.profile().id()).isEqualTo(expected);
        assertThat(selection.how()).endsWith("detected from .disk/info content=\"" + info + "\"");
    }

    @Test
    void anAliasFallsBackToItsDefaultProfileWhenTheTreeDoesNotTell() {
        ProfileSelector.Selection selection = select("custom", "rhlike", "i386", false, Map.of());

        assertThat(selection.profile().id()).isEqualTo("rhel-5");
        assertThat(selection.how()).isEqualTo("rhlike, the tree did not tell the version: default profile");
        assertThat(select("custom", "sleslike", "i386", false, Map.of()).profile().id()).isEqualTo("sles-10");
        assertThat(select("custom", "debianlike", "i386", false, Map.of("debian-release", "sid")).profile().id())
                .isEqualTo("debian");
        assertThat(select("custom", "pygrub", "i386", false, Map.of()).how()).isEqualTo("named by install-distro");
    }

    @Test
    void aProfileIdIsTakenWithoutReadingTheTree() {
        Repository repository = Repository.parse(nginx.url("rhel7"));
        try (TreeFiles files = new TreeFiles(() -> new HttpSource(repository, SourceOptions.defaults()))) {
            ProfileSelector.Selection selection = ProfileSelector.select(registry, "sles-12", files,
                    new RunValues(repository.location(), "x86_64", k -> null));

            assertThat(selection.profile().id()).isEqualTo("sles-12");
            assertThat(selection.how()).isEqualTo("named by install-distro");
            assertThat(files.isOpen()).isFalse();
        }
    }

    @Test
    void autoOnATreeThatSaysNothingIsRefused() {
        assertThatThrownBy(() -> select("custom", "auto", "x86_64", false, Map.of()))
                .isInstanceOf(BootloaderException.class)
                .satisfies(e -> assertThat(((BootloaderException) e).code()).isEqualTo(ErrorCode.INVALID_SOURCE))
                .hasMessage("other-config:install-distro is \"auto\" but the repository " + nginx.url("custom")
                        + " does not say which distribution it holds (read: no metadata file found); set install-distro"
                        + " to a profile id or alias.");
    }

    @Test
    void anUnknownDistroIsAnUnsupportedInstallMethod() {
        assertThatThrownBy(() -> select("rhel7", "slackware", "x86_64", false, Map.of()))
                .hasMessage("other-config:install-distro \"slackware\" names no known profile or alias.")
                .satisfies(e -> assertThat(((BootloaderException) e).code()).isEqualTo(ErrorCode.UNSUPPORTED_INSTALL_METHOD));
    }

    @Test
    void aBootFetchesEachMetadataFileOnce(@TempDir Path work) {
        long before = nginx.requests("GET /rhel7/.treeinfo");
        BootHarness.Boot boot = BootHarness.boot(VmStoreFixture.vm().other("install-repository", nginx.url("rhel7"))
                .other("install-distro", "auto").other("install-arch", "x86_64"), work);

        assertThat(boot.run().status()).as(boot.run().stderr()).isZero();
        // detection, the [images-xen] layout and the [checksums] all came from one GET
        assertThat(nginx.requests("GET /rhel7/.treeinfo") - before).isEqualTo(1);
        assertThat(nginx.requests("GET /rhel7/images/pxeboot/vmlinuz")).isEqualTo(1);
    }

    @Test
    void aDebianBootFetchesTheManifestAndChecksumsOnce(@TempDir Path work) {
        String images = "/debian/dists/bookworm/main/installer-amd64/current/images/";
        long manifest = nginx.requests("GET " + images + "MANIFEST");
        long sums = nginx.requests("GET " + images + "SHA256SUMS");
        long md5 = nginx.requests("GET " + images + "MD5SUMS");
        BootHarness.Boot boot = BootHarness.boot(VmStoreFixture.vm().other("install-repository", nginx.url("debian"))
                .other("install-distro", "auto").other("install-arch", "amd64").other("debian-release", "bookworm"), work);

        assertThat(boot.run().status()).as(boot.run().stderr()).isZero();
        assertThat(nginx.requests("GET " + images + "MANIFEST") - manifest).isEqualTo(1);
        assertThat(nginx.requests("GET " + images + "SHA256SUMS") - sums).isEqualTo(1);
        // SHA256SUMS listed both files, so MD5SUMS was never needed
        assertThat(nginx.requests("GET " + images + "MD5SUMS") - md5).isZero();
    }
}
