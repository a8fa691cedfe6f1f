package org.xenproject.eliloader.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.testsupport.BootHarness;
import org.xenproject.eliloader.testsupport.ProjectPaths;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/**
 * A round 1 from a tree (no CD, no installed disk) reads no guest data, so it never looks for the
 * guest user nor starts a deprivileged reader: a guest-reader-user that does not exist (which
 * any reader would refuse) does not matter to it, and nothing is logged about guest disks.
 */
class NetworkInstallReadsNoGuestDataTest {
    @TempDir
    Path work;

    @Test
    void aRoundOneFromATreeNeverResolvesTheGuestUser() {
        VmStoreFixture vm = VmStoreFixture.vm()
                .other("install-repository", ProjectPaths.trees().resolve("rhel5").toUri().toString())
                .other("install-distro", "rhlike").other("install-arch", "i386");
        PrintStream saved = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        BootHarness.Boot boot;
        try {
            boot = BootHarness.boot(vm, work, Map.of("ELILOADER_FILE_ROOTS", ProjectPaths.trees().toString(),
                    "ELILOADER_GUEST_READER_USER", "no-such-user-here"), "--debug");
        } finally {
            System.setErr(saved);
        }

        assertThat(boot.run().status()).as(boot.run().stderr()).isZero();
        assertThat(boot.kernelBytes()).isEqualTo(BootHarness.tree("rhel5/images/xen/vmlinuz"));
        assertThat(log.toString(StandardCharsets.UTF_8)).doesNotContain("guest disk").doesNotContain("pygrub")
                .doesNotContain("read as root");
    }
}
