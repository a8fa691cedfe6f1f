package org.xenproject.eliloader.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.xenproject.eliloader.source.Repository;
import org.xenproject.eliloader.source.SourceOptions;
import org.xenproject.eliloader.source.TreeFiles;
import org.xenproject.eliloader.source.http.HttpSource;
import org.xenproject.eliloader.testpeers.TreesOverHttp;
import org.xenproject.eliloader.testsupport.BootHarness;
import org.xenproject.eliloader.testsupport.RealPeers;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/**
 * The worked example of README "Adding a distribution": distro-profiles/scientific-6.yaml, the
 * tree fixtures/trees/scientific6/ (written by scripts/make-profile-fixtures), and this test.
 */
@RealPeers
class ProfileScientificLinuxTest {
    @RegisterExtension
    static final TreesOverHttp nginx = new TreesOverHttp();

    @TempDir
    Path work;

    @Test
    void rhlikeOnAScientificLinux6TreeBootsItsXenInstaller() {
        BootHarness.Boot boot = BootHarness.boot(VmStoreFixture.vm()
                .other("install-repository", nginx.url("scientific6"))
                .other("install-distro", "rhlike")
                .other("install-arch", "x86_64"), work);

        assertThat(boot.run().status()).as(boot.run().stderr()).isZero();
        assertThat(boot.kernelBytes()).isEqualTo(BootHarness.tree("scientific6/images/pxeboot/vmlinuz"));
        assertThat(boot.ramdiskBytes()).isEqualTo(BootHarness.tree("scientific6/images/pxeboot/initrd.img"));
        assertThat(boot.args()).isEqualTo("method=" + nginx.url("scientific6") + "/");
        assertThat(boot.record()).containsEntry("PV_bootloader", "pygrub");
    }

    @Test
    void itIsDetectedFromTreeinfo() {
        Repository repository = Repository.parse(nginx.url("scientific6"));
        try (TreeFiles files = new TreeFiles(() -> new HttpSource(repository, SourceOptions.defaults()))) {
            ProfileSelector.Selection selection = ProfileSelector.select(ProfileRegistry.load(List.of()), "auto", files,
                    new RunValues(repository.location(), "x86_64", key -> null));

            assertThat(selection.profile().id()).isEqualTo("scientific-6");
            assertThat(selection.how()).isEqualTo("detected from .treeinfo family=\"Scientific Linux\" version=\"6.10\"");
        }
    }
}
