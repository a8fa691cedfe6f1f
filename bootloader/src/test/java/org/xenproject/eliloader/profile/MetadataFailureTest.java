package org.xenproject.eliloader.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.xenproject.eliloader.testpeers.NginxPeer;
import org.xenproject.eliloader.testsupport.BootHarness;
import org.xenproject.eliloader.testsupport.ProjectPaths;
import org.xenproject.eliloader.testsupport.RealPeers;
import org.xenproject.eliloader.testsupport.Run;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/**
 * Issue 14, points 4 and 5: only a real "not found" means a metadata file is absent. A server
 * error, a refused login or an untrusted certificate on {@code .treeinfo} or a checksum list is
 * reported as itself (naming the URL and the status), never taken as absent, which would pick the
 * alias's default profile or boot an initrd nobody verified.
 */
@RealPeers
class MetadataFailureTest {
    static final String DEBIAN_IMAGES = "dists/bookworm/main/installer-amd64/current/images/";
    static final String CONFIG = String.join("\n",
            "location = /rhel7/.treeinfo { return 500; }",
            "location = /rhel7-401/.treeinfo { return 401; }",
            "location /rhel7-401/ { alias @TREES@/rhel7/; }",
            "location = /debian-badsum/" + DEBIAN_IMAGES + "SHA256SUMS { return 500; }",
            "location = /debian-nosums/" + DEBIAN_IMAGES + "SHA256SUMS { return 404; }",
            "location /debian-nosums/ { alias @TREES@/debian-badsum/; }",
            "");

    @TempDir
    static Path serverDir;
    static NginxPeer nginx;

    @TempDir
    Path work;

    @BeforeAll
    static void startNginx() {
        Path trees = ProjectPaths.trees().toAbsolutePath();
        nginx = NginxPeer.serve(trees, serverDir, true, CONFIG.replace("@TREES@", trees.toString()));
    }

    @AfterAll
    static void stopNginx() {
        nginx.close();
    }

    private BootHarness.Boot boot(VmStoreFixture vm, String... args) {
        return BootHarness.of(vm).in(work).env("ELILOADER_FETCH_RETRIES", "0").args(args).boot();
    }

    private Run probe(String... args) {
        List<String> argv = new ArrayList<>(List.of("probe"));
        argv.addAll(List.of(args));
        Map<String, String> environment = new HashMap<>();
        environment.put("ELILOADER_PROFILES_DIR", work.resolve("none").toString());
        environment.put("ELILOADER_FETCH_RETRIES", "0");
        return Run.of(environment, argv);
    }

    private void assertNothingBooted(BootHarness.Boot boot, String before) throws IOException {
        assertThat(boot.stdout()).isEmpty();
        assertThat(boot.filesLeft()).isEmpty();
        assertThat(Files.readString(boot.store())).isEqualTo(before);
    }

    @Test
    void aServerErrorOnTreeinfoIsReportedNotTakenAsAnUndetectedTree() throws IOException {
        VmStoreFixture vm = VmStoreFixture.vm().other("install-repository", nginx.url("rhel7"))
                .other("install-distro", "rhlike").other("install-arch", "x86_64");
        BootHarness.Boot boot = boot(vm);
        String before = Files.readString(boot.store());

        assertThat(boot.errorCode()).as(boot.stderr()).isEqualTo("INVALID_SOURCE");
        assertThat(boot.stderr()).contains(nginx.url("rhel7/.treeinfo")).contains("HTTP 500")
                .doesNotContain("images/xen/vmlinuz").doesNotContain("Exception");
        assertNothingBooted(boot, before);
    }

    @Test
    void aRefusedLoginOnTreeinfoIsReportedByAuto() throws IOException {
        VmStoreFixture vm = VmStoreFixture.vm().other("install-repository", nginx.url("rhel7-401"))
                .other("install-distro", "auto").other("install-arch", "x86_64");
        BootHarness.Boot boot = boot(vm);
        String before = Files.readString(boot.store());

        assertThat(boot.errorCode()).as(boot.stderr()).isEqualTo("INVALID_SOURCE");
        assertThat(boot.stderr()).contains(nginx.url("rhel7-401/.treeinfo")).contains("HTTP 401")
                .doesNotContain("does not say which distribution");
        assertNothingBooted(boot, before);
    }

    @Test
    void anUntrustedCertificateIsReportedAsSuchNotAsATreeWithoutMetadata() throws IOException {
        VmStoreFixture vm = VmStoreFixture.vm().other("install-repository", nginx.httpsUrl("rhel7"))
                .other("install-distro", "auto").other("install-arch", "x86_64");
        BootHarness.Boot boot = boot(vm); // no --ca-file: the test CA is not trusted
        String before = Files.readString(boot.store());

        assertThat(boot.errorCode()).as(boot.stderr()).isEqualTo("INVALID_SOURCE");
        assertThat(boot.stderr()).contains(nginx.httpsUrl("rhel7/.treeinfo"))
                .doesNotContain("does not say which distribution");
        assertNothingBooted(boot, before);
    }

    @Test
    void aChecksumListThatCannotBeReadFailsClosedAndTheTamperedInitrdIsNotBooted() throws IOException {
        VmStoreFixture vm = VmStoreFixture.vm().other("install-repository", nginx.url("debian-badsum"))
                .other("install-distro", "debianlike").other("debian-release", "bookworm")
                .other("install-arch", "amd64");
        BootHarness.Boot boot = boot(vm);
        String before = Files.readString(boot.store());

        assertThat(boot.errorCode()).as(boot.stderr()).isEqualTo("INVALID_SOURCE");
        assertThat(boot.stderr()).contains(nginx.url("debian-badsum/" + DEBIAN_IMAGES + "SHA256SUMS"))
                .contains("HTTP 500");
        assertNothingBooted(boot, before);
    }

    @Test
    void aChecksumListThatIsReallyNotPublishedIsAbsentAndProbeSaysSo() {
        Run absent = probe("--repository", nginx.url("debian-nosums"), "--distro", "debianlike", "--release",
                "bookworm", "--arch", "amd64");
        assertThat(absent.status()).as(absent.stderr()).isZero();
        String absentLine = absent.stdout().lines().filter(l -> l.startsWith("metadata absent: ")).findFirst()
                .orElseThrow();
        assertThat(absentLine).contains(DEBIAN_IMAGES + "SHA256SUMS", DEBIAN_IMAGES + "MD5SUMS");
        assertThat(absent.stdout()).contains("not verified: no published checksum");

        Run unreadable = probe("--repository", nginx.url("debian-badsum"), "--distro", "debianlike", "--release",
                "bookworm", "--arch", "amd64");
        assertThat(unreadable.errorCode()).as(unreadable.stderr()).isEqualTo("INVALID_SOURCE");
        assertThat(unreadable.stderr()).contains(DEBIAN_IMAGES + "SHA256SUMS").contains("HTTP 500");
    }
}
