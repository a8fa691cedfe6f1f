package org.xenproject.eliloader.source.nfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;

class NfsLocationTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "nfs:server.example:/srv/centos/5",
        "nfs://server.example/srv/centos/5",
        "nfs://server.example:/srv/centos/5",
        "NFS://server.example/srv/centos/5/",
        "nfs:server.example://srv/./centos//5",
    })
    void allSpellingsMeanTheSameTree(String url) {
        NfsLocation l = NfsLocation.parse(url);
        assertThat(l.host()).isEqualTo("server.example");
        assertThat(l.port()).isEmpty();
        assertThat(l.path()).isEqualTo("/srv/centos/5");
        assertThat(l.toUrl()).isEqualTo("nfs://server.example/srv/centos/5");
    }

    @Test
    void portIsOptional() {
        NfsLocation l = NfsLocation.parse("nfs://10.0.0.1:2049/export");
        assertThat(l.host()).isEqualTo("10.0.0.1");
        assertThat(l.port()).hasValue(2049);
        assertThat(l.path()).isEqualTo("/export");
        assertThat(l.toUrl()).isEqualTo("nfs://10.0.0.1:2049/export");
    }

    @Test
    void ipv6LiteralsGoInBrackets() {
        NfsLocation url = NfsLocation.parse("nfs://[fd00::1]:2049/export");
        assertThat(url.host()).isEqualTo("fd00::1");
        assertThat(url.port()).hasValue(2049);
        assertThat(url.toUrl()).isEqualTo("nfs://[fd00::1]:2049/export");
        NfsLocation mount = NfsLocation.parse("nfs:[fd00::1]:/export");
        assertThat(mount.host()).isEqualTo("fd00::1");
        assertThat(mount.path()).isEqualTo("/export");
    }

    @Test
    void rootAndEmptyPaths() {
        assertThat(NfsLocation.parse("nfs://server").path()).isEqualTo("/");
        assertThat(NfsLocation.parse("nfs://server/").path()).isEqualTo("/");
        assertThat(NfsLocation.parse("nfs:server:/").path()).isEqualTo("/");
        assertThat(NfsLocation.parse("nfs://server/").describe("a/b")).isEqualTo("nfs://server/a/b");
    }

    @Test
    void urlSpellingsArePercentDecodedButTheMountSpellingIsVerbatim() {
        assertThat(NfsLocation.parse("nfs://server/my%20tree/%C3%A9").path()).isEqualTo("/my tree/é");
        assertThat(NfsLocation.parse("nfs:server:/my%20tree").path()).isEqualTo("/my%20tree");
    }

    @Test
    void describeNamesFilesInsideTheTree() {
        NfsLocation l = NfsLocation.parse("nfs:server:/srv/tree");
        assertThat(l.describe("images/xen/vmlinuz")).isEqualTo("nfs://server/srv/tree/images/xen/vmlinuz");
        assertThat(l.describe("")).isEqualTo("nfs://server/srv/tree");
        assertThat(l.toString()).isEqualTo("nfs://server/srv/tree");
    }

    @Test
    void equalityIgnoresTheSpelling() {
        assertThat(NfsLocation.parse("nfs:s:/a")).isEqualTo(NfsLocation.parse("nfs://s/a/"))
                .hasSameHashCodeAs(NfsLocation.parse("nfs://s:/a"));
        assertThat(NfsLocation.parse("nfs://s:2049/a")).isNotEqualTo(NfsLocation.parse("nfs://s/a"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "http://server/path",
        "nfs:",
        "nfs://",
        "nfs:///path",
        "nfs:server/path",
        "nfs:server:path",
        "nfs:server",
        "nfs://server:0/path",
        "nfs://server:65536/path",
        "nfs://server:20x9/path",
        "nfs://server:123456/path",
        "nfs://user@server/path",
        "nfs://[fd00::1/path",
        "nfs://server/a/../b",
        "nfs://server/a%2",
        "nfs://server/a%zz",
        "nfs://ser ver/path",
        "nfs://server/a%0Ab",
    })
    void malformedLocationsAreInvalidSources(String url) {
        assertThatThrownBy(() -> NfsLocation.parse(url))
                .isInstanceOfSatisfying(BootloaderException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE))
                .hasMessageContaining(url)
                .hasMessageContaining("nfs:server:/path");
    }

    @Test
    void errorMessagesStayOnOneLine() {
        // stderr carries "RuntimeError: CODE" and one sentence; a newline would split it
        assertThatThrownBy(() -> NfsLocation.parse("nfs:server\nRuntimeError: FAKE:/x"))
                .isInstanceOf(BootloaderException.class)
                .message().doesNotContain("\n").contains("server?RuntimeError");
        assertThat(org.xenproject.eliloader.error.MessageText.printable("a\u2028b\u0000c")).isEqualTo("a?b?c");
        assertThat(org.xenproject.eliloader.error.MessageText.printable("x".repeat(400))).hasSize(303).endsWith("...");
    }

    @Test
    void nullIsRefusedLikeAnyBadLocation() {
        assertThatThrownBy(() -> NfsLocation.parse(null)).isInstanceOf(BootloaderException.class);
    }
}
