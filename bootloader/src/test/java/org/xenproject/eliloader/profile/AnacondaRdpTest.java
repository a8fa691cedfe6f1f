package org.xenproject.eliloader.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.xenproject.eliloader.testpeers.TreesOverHttp;
import org.xenproject.eliloader.testsupport.BootHarness;
import org.xenproject.eliloader.testsupport.RealPeers;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/**
 * Issue 14, point 1: anaconda 42 (Fedora 42+) and the RHEL 10 branch (anaconda 40.22.3: RHEL,
 * CentOS Stream, Alma, Rocky, Oracle 10) parse inst.rdp, inst.rdp.username and inst.rdp.password,
 * and no longer inst.vnc or inst.vncpassword (distro-profiles/anaconda-rdp.yaml). Trees made by
 * scripts/make-profile-fixtures on each side of the boundary.
 */
@RealPeers
class AnacondaRdpTest {
    @RegisterExtension
    static final TreesOverHttp nginx = new TreesOverHttp();

    @TempDir
    Path work;

    private BootHarness.Boot boot(String tree, String password) {
        VmStoreFixture vm = VmStoreFixture.vm().other("install-repository", nginx.url(tree))
                .other("install-distro", "rhlike").other("install-arch", "x86_64").other("install-vnc", "true");
        if (password != null) {
            vm.other("install-vncpasswd", password);
        }
        return BootHarness.of(vm).in(work).boot();
    }

    @Test
    void rhel10GetsRdpNotVnc() {
        BootHarness.Boot boot = boot("rhel10", "s3cret");

        assertThat(boot.status()).as(boot.stderr()).isZero();
        assertThat(boot.args()).isEqualTo("inst.repo=" + nginx.url("rhel10")
                + " inst.rdp inst.rdp.username=install inst.rdp.password=s3cret");
        assertThat(boot.kernelBytes()).isEqualTo(BootHarness.tree("rhel10/images/pxeboot/vmlinuz"));
    }

    @Test
    void fedora41StillGetsVncAndFedora42GetsRdp() {
        BootHarness.Boot f41 = boot("fedora41", "s3cret12");
        assertThat(f41.status()).as(f41.stderr()).isZero();
        assertThat(f41.args()).isEqualTo("inst.repo=" + nginx.url("fedora41") + " inst.vnc inst.vncpassword=s3cret12");

        BootHarness.Boot f42 = BootHarness.of(VmStoreFixture.vm().other("install-repository", nginx.url("fedora42"))
                .other("install-distro", "rhlike").other("install-arch", "x86_64").other("install-vnc", "true")
                .other("install-vncpasswd", "a-longer-rdp-password")).in(work.resolve("42")).boot();
        assertThat(f42.status()).as(f42.stderr()).isZero();
        assertThat(f42.args()).isEqualTo("inst.repo=" + nginx.url("fedora42")
                + " inst.rdp inst.rdp.username=install inst.rdp.password=a-longer-rdp-password");
    }

    @Test
    void rdpWithoutAPasswordIsRefusedBeforeTheInstallerStopsToAsk() throws IOException {
        BootHarness.Boot boot = boot("rhel10", null);

        assertThat(boot.errorCode()).isEqualTo("INVALID_SOURCE");
        assertThat(boot.stderr()).contains("install-vncpasswd").contains("rhel-10").contains("inst.rdp");
        assertThat(boot.filesLeft()).isEmpty();
        assertThat(Files.readString(boot.store())).contains("\"install-vnc\"");
    }
}
