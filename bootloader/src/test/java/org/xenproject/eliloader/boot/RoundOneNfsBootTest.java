package org.xenproject.eliloader.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xenproject.eliloader.testpeers.GaneshaPeer;
import org.xenproject.eliloader.testsupport.ProjectPaths;
import org.xenproject.eliloader.testsupport.Run;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/** Round 1 from a real nfs-ganesha export, in all three spellings of an NFS repository. */
class RoundOneNfsBootTest {
    private static GaneshaPeer ganesha;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        ganesha = GaneshaPeer.start(ProjectPaths.trees());
    }

    @AfterAll
    static void stop() {
        ganesha.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"nfs:127.0.0.1:/export/rhel5", "nfs://127.0.0.1/export/rhel5/", "nfs://127.0.0.1:/export/rhel5"})
    void rhel5FromNfs(String repository) throws Exception {
        Path store = VmStoreFixture.vm().other("install-repository", repository).writeTo(dir.resolve("s.json"));
        Run run = Run.of(List.of("-q", "--vm", VmStoreFixture.VM, "--vm-store=" + store,
                "--output-directory=" + dir.resolve("out"), "/dev/null"));
        assertThat(run.status()).as(run.stderr()).isZero();
        String[] lines = run.stdout().split("\n");
        Path trees = ProjectPaths.trees();
        assertThat(Files.readAllBytes(Path.of(lines[0].substring(7))))
                .isEqualTo(Files.readAllBytes(trees.resolve("rhel5/images/xen/vmlinuz")));
        assertThat(Files.readAllBytes(Path.of(lines[1].substring(8))))
                .isEqualTo(Files.readAllBytes(trees.resolve("rhel5/images/xen/initrd.img")));
        String withoutSlash = repository.endsWith("/") ? repository.substring(0, repository.length() - 1) : repository;
        assertThat(lines[2]).isEqualTo("args method=" + withoutSlash + "/");
        assertThat(VmStoreFixture.read(store).get("PV_bootloader")).isEqualTo("pygrub");
    }
}
