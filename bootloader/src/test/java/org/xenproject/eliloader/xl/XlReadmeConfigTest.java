package org.xenproject.eliloader.xl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.testsupport.BootHarness;
import org.xenproject.eliloader.testsupport.ProjectPaths;
import org.xenproject.eliloader.testsupport.Run;

/**
 * The configs README's "Installing a PV guest with xl" shows, as they are written: each one's
 * {@code bootloader_args} (read from the README) go to the program in libxl's argument list,
 * with only the repository pointed at the fixture tree of the same distribution, and the answer
 * is that tree's installer with the arguments its profile gives.
 */
class XlReadmeConfigTest {
    @TempDir
    Path dir;

    record Expected(String tree, String kernel, String repositoryArgument) { }

    /** The fixture tree standing in for each README config's repository, by the config's name. */
    static final Map<String, Expected> TREES = Map.of(
            "deb12", new Expected("debian", "dists/bookworm/main/installer-amd64/current/images/netboot/xen/vmlinuz", null),
            "centos7", new Expected("rhel7", "images/pxeboot/vmlinuz", "inst.repo="),
            "leap155", new Expected("opensuse", "boot/x86_64/loader/linux", "install="));

    @Test
    void everyReadmeConfigBootsItsInstallerAndInstalls() throws Exception {
        List<XlConfig> configs = XlConfig.fromReadme(ProjectPaths.root().resolve("README.md"),
                "Installing a PV guest with xl");
        assertThat(configs).extracting(XlConfig::name).containsExactlyInAnyOrderElementsOf(TREES.keySet());
        for (XlConfig config : configs) {
            assertThat(config.value("bootloader")).isEqualTo("eliloader");
            assertThat(config.value("on_reboot")).isEqualTo("restart");
            Expected expected = TREES.get(config.name());
            String tree = "file://" + ProjectPaths.trees().resolve(expected.tree());
            List<String> args = new ArrayList<>();
            for (String arg : config.bootloaderArgs()) {
                args.add(arg.startsWith("--install-repository=") ? "--install-repository=" + tree : arg);
            }
            assertThat(args).as(config.name()).contains("--install-repository=" + tree);
            XlRig rig = new XlRig(dir.resolve(config.name()));
            // no --vm: the name comes from xenstore, as the config's name
            rig.xenstoreName(config.name());
            Run run = rig.start(3, args, rig.dir().resolve("disk.img"));
            assertThat(run.status()).as(config.name() + ": " + run.stderr()).isZero();
            Map<String, String> answer = rig.answer(3);
            assertThat(Files.readAllBytes(Path.of(answer.get("kernel")))).as(config.name())
                    .isEqualTo(BootHarness.tree(expected.tree() + "/" + expected.kernel()));
            if (expected.repositoryArgument() != null) {
                assertThat(answer.get("args")).as(config.name()).contains(expected.repositoryArgument() + tree);
            }
            assertThat(rig.status(config.name())).as(config.name()).contains("state: installed");
        }
    }
}
