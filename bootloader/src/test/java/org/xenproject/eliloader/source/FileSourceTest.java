package org.xenproject.eliloader.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code file://} trees. */
class FileSourceTest {
    private static final Path TREE = SourceFixtures.fixtureTree();

    private static InstallSource open(String url) {
        return SourceFactory.open(Repository.parse(url), SourceOptions.defaults().withFileRoots(
                java.util.List.of(Path.of("/tmp"), SourceFixtures.fixtureTree().getParent())));
    }

    @Test
    void readsFilesWithTheirLength() throws Exception {
        for (String url : new String[] {"file://" + TREE, "file://" + TREE + "/", "file://localhost" + TREE}) {
            try (InstallSource source = open(url); InstallSource.Resource r = source.open(SourceFixtures.KERNEL)) {
                assertThat(r.length()).hasValue(Files.size(TREE.resolve(SourceFixtures.KERNEL)));
                assertThat(SourceFixtures.md5(r.stream())).isEqualTo(SourceFixtures.md5(TREE.resolve(SourceFixtures.KERNEL)));
                assertThat(source.exists(SourceFixtures.KERNEL)).isTrue();
                assertThat(source.exists("images/xen")).isFalse();
                assertThat(source.describe(SourceFixtures.KERNEL)).isEqualTo("file://" + TREE.resolve(SourceFixtures.KERNEL));
            }
        }
    }

    @Test
    void percentEscapesInThePathAreDecoded(@TempDir Path dir) throws Exception {
        Path tree = Files.createDirectories(dir.resolve("a tree"));
        Files.writeString(tree.resolve("vmlinuz"), "kernel");
        try (InstallSource source = open("file://" + dir + "/a%20tree"); InstallSource.Resource r = source.open("vmlinuz")) {
            assertThat(r.stream().readAllBytes()).isEqualTo("kernel".getBytes());
        }
    }

    @Test
    void remoteHostsAndMissingDirectoriesAreRefused() {
        // names inside the tree (.., absolute, ...) are InstallSourceContract's
        assertThatThrownBy(() -> open("file://server" + TREE)).hasMessageContaining("names the host server");
        assertThatThrownBy(() -> open("file://" + TREE + "/nowhere")).hasMessageContaining("is not a directory");
    }
}
