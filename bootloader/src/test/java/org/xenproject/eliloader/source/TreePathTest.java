package org.xenproject.eliloader.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;

/** The one rule for names inside a tree, whatever the scheme. */
class TreePathTest {

    @ParameterizedTest
    @ValueSource(strings = {"images/xen/vmlinuz", ".treeinfo", "dists/stable/Release", "a..b/c", "...", "a b/%41"})
    void properNamesPassUnchanged(String path) {
        assertThat(TreePath.check(path, "http://h/tree/")).isSameAs(path);
        assertThat(TreePath.isValid(path)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/etc/passwd", "..", "../x", "a/../../x", "a/..", "a//b", "a/", "./a", "a/./b",
        "a\\b", "..\\x", "a\u0000b", "a\nb", "a\u007fb"})
    void everythingElseIsAnInvalidSourceNamingThePath(String path) {
        assertThat(TreePath.isValid(path)).isFalse();
        assertThatThrownBy(() -> TreePath.check(path, "ftp://bob:***@h/tree/"))
                .isInstanceOfSatisfying(BootloaderException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE);
                    assertThat(e.getMessage()).contains("ftp://bob:***@h/tree/").doesNotContain("\n")
                            .doesNotContain("\u0000");
                    if (!path.isEmpty() && path.chars().allMatch(c -> c >= ' ' && c != 0x7f)) {
                        assertThat(e.getMessage()).contains("\"" + path + "\"");
                    }
                });
    }

    @Test
    void climbingIsNamedAsLeavingTheRepository() {
        assertThatThrownBy(() -> TreePath.check("a/../../etc/passwd", "file:///srv/tree"))
                .hasMessage("The path \"a/../../etc/passwd\" leaves the repository file:///srv/tree.");
        assertThatThrownBy(() -> TreePath.check(null, "x")).isInstanceOf(BootloaderException.class);
    }
}
