package org.xenproject.eliloader.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.source.Repository.Scheme;

/** {@link Repository#parse}: every form of README "Repositories", its parts, and masking. */
class RepositoryTest {

    @Test
    void httpWithUserAndEscapedPassword() {
        Repository r = Repository.parse(" http://bob:p%40ss%3Aw%2Frd@mirror.example:8080/centos/5%20x/ ");
        assertThat(r.scheme()).isEqualTo(Scheme.HTTP);
        assertThat(r.location()).isEqualTo("http://bob:p%40ss%3Aw%2Frd@mirror.example:8080/centos/5%20x/");
        assertThat(r.host()).isEqualTo("mirror.example");
        assertThat(r.port()).isEqualTo(8080);
        assertThat(r.explicitPort()).hasValue(8080);
        assertThat(r.user()).isEqualTo("bob");
        assertThat(r.password()).isEqualTo("p@ss:w/rd");
        assertThat(r.rawPath()).isEqualTo("/centos/5%20x/");
        assertThat(r.path()).isEqualTo("/centos/5 x/");
        assertThat(r.masked()).isEqualTo("http://bob:***@mirror.example:8080/centos/5%20x/").doesNotContain("p%40ss");
        assertThat(r.toString()).isEqualTo(r.masked());
        assertThat(r.withoutTrailingSlash()).endsWith("/centos/5%20x");
    }

    @Test
    void defaultPortsAndNoUser() {
        assertThat(Repository.parse("http://h/t").port()).isEqualTo(80);
        assertThat(Repository.parse("HTTPS://h/t").port()).isEqualTo(443);
        assertThat(Repository.parse("HTTPS://h/t").scheme()).isEqualTo(Scheme.HTTPS);
        assertThat(Repository.parse("ftp://h/t").port()).isEqualTo(21);
        assertThat(Repository.parse("smb://h/share").port()).isEqualTo(445);
        Repository plain = Repository.parse("http://h");
        assertThat(plain.user()).isNull();
        assertThat(plain.password()).isNull();
        assertThat(plain.explicitPort()).isEmpty();
        assertThat(plain.rawPath()).isEmpty();
        assertThat(Repository.parse("http://bob:@h/").password()).as("an empty password is none").isNull();
        assertThat(Repository.parse("http://@h/").user()).isNull();
    }

    @Test
    void ipv6Literals() {
        Repository r = Repository.parse("http://[fd00::1]:8080/tree");
        assertThat(r.host()).isEqualTo("fd00::1");
        assertThat(r.port()).isEqualTo(8080);
        assertThat(Repository.parse("ftp://[fd00::1]/tree").port()).isEqualTo(21);
    }

    @Test
    void ftpPathsAreRelativeToTheLoginDirectoryUnlessEscaped() {
        assertThat(Repository.parse("ftp://h/pub/tree").path()).isEqualTo("pub/tree/");
        assertThat(Repository.parse("ftp://h//pub//tree/").path()).isEqualTo("pub/tree/");
        assertThat(Repository.parse("ftp://h/").path()).isEmpty();
        assertThat(Repository.parse("ftp://h").path()).isEmpty();
        assertThat(Repository.parse("ftp://h/%2Fsrv/tree").path()).isEqualTo("/srv/tree/");
        assertThat(Repository.parse("ftp://h/%2fsrv/my%20tree").path()).isEqualTo("/srv/my tree/");
        Repository anonymous = Repository.parse("ftp://anonymous@h/pub");
        assertThat(anonymous.user()).isEqualTo("anonymous");
        assertThat(anonymous.password()).isNull();
    }

    @Test
    void smbDomainsInBothSpellings() {
        Repository semicolon = Repository.parse("smb://WORKGROUP;labuser:S3cret%21@server:1445/share/tree");
        assertThat(semicolon.domain()).isEqualTo("WORKGROUP");
        assertThat(semicolon.user()).isEqualTo("labuser");
        assertThat(semicolon.password()).isEqualTo("S3cret!");
        assertThat(semicolon.host()).isEqualTo("server");
        assertThat(semicolon.port()).isEqualTo(1445);
        assertThat(semicolon.path()).isEqualTo("/share/tree");
        assertThat(semicolon.masked()).isEqualTo("smb://WORKGROUP;labuser:***@server:1445/share/tree");
        Repository backslash = Repository.parse("smb://WORKGROUP%5Clabuser@server/share");
        assertThat(backslash.domain()).isEqualTo("WORKGROUP");
        assertThat(backslash.user()).isEqualTo("labuser");
        Repository guest = Repository.parse("smb://server/share/tree");
        assertThat(guest.user()).isNull();
        assertThat(guest.domain()).isNull();
        // an unescaped '@' in the password: the user info ends at the last '@', as masking sees it
        Repository at = Repository.parse("smb://dom;al:p@ss@srv/share");
        assertThat(at.password()).isEqualTo("p@ss");
        assertThat(at.host()).isEqualTo("srv");
        assertThat(at.masked()).isEqualTo("smb://dom;al:***@srv/share");
    }

    @Test
    void nfsInItsThreeSpellings() {
        for (String text : new String[] {"nfs:server:/srv/tree", "nfs://server/srv/tree", "nfs://server:/srv/tree"}) {
            Repository r = Repository.parse(text);
            assertThat(r.scheme()).isEqualTo(Scheme.NFS);
            assertThat(r.host()).isEqualTo("server");
            assertThat(r.path()).isEqualTo("/srv/tree");
            assertThat(r.explicitPort()).isEmpty();
            assertThat(r.location()).isEqualTo(text);
        }
        assertThat(Repository.parse("nfs://server:2049/srv").port()).isEqualTo(2049);
    }

    @Test
    void cdromAndFiles() {
        Repository cdrom = Repository.parse("cdrom");
        assertThat(cdrom.isCdrom()).isTrue();
        assertThat(cdrom.host()).isNull();
        assertThat(Repository.parse("file:///srv/my%20tree").path()).isEqualTo("/srv/my tree");
        assertThat(Repository.parse("file://localhost/srv/tree").path()).isEqualTo("/srv/tree");
        assertThat(Repository.parse("file:///srv/tree").isCdrom()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "http://",
        "http:///path",
        "ftp:///path",
        "smb:///share",
        "http://host:0/",
        "http://host:65536/",
        "http://host:8o/",
        "http://ho st/",
        "http://[fd00::1/x",
        "http://[fd00::1]x/",
        "http://host/a\nb",
        "ftp://u:p%zz@host/",
        "ftp://host/a%2",
        "ftp://host/tree?x=1",
        "smb://host/share#frag",
        "smb://u:Secret@host/",
        "smb://DOM;:Secret@host/share",
        "file://server/srv/tree",
        "file://bob@/srv/tree",
        "file://localhost:99/srv/tree",
        "nfs:server",
        "nfs://server/a/../b",
    })
    void malformedValuesOfKnownSchemesAreInvalidSources(String text) {
        assertThatThrownBy(() -> Repository.parse(text))
                .isInstanceOfSatisfying(BootloaderException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE);
                    assertThat(e.getMessage()).doesNotContain("Secret").doesNotContain("\n");
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "gopher://host/x", "cdrom2", "http:/host/x", "/srv/tree", "tftp://h/x"})
    void unknownSchemesAreUnsupportedMethods(String text) {
        assertThatThrownBy(() -> Repository.parse(text)).isInstanceOfSatisfying(BootloaderException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_INSTALL_METHOD));
    }

    @Test
    void messagesNameTheMaskedLocation() {
        assertThatThrownBy(() -> Repository.parse("ftp://bob:Secret-1@/tree"))
                .hasMessageContaining("ftp://bob:***@/tree").hasMessageContaining("names no FTP server")
                .hasMessageNotContaining("Secret-1");
        assertThatThrownBy(() -> Repository.parse("gopher://bob:Secret-1@h/x"))
                .hasMessageContaining("gopher://bob:***@h/x").hasMessageNotContaining("Secret-1");
        assertThatThrownBy(() -> Repository.parse("smb://bob:Secret-1@h/"))
                .hasMessageContaining("names no share").hasMessageNotContaining("Secret-1");
    }

    @Test
    void maskingTexts() {
        assertThat(Repository.mask("ftp://bob:s3cret@host/x")).isEqualTo("ftp://bob:***@host/x");
        assertThat(Repository.mask("ftp://bob@host/x")).isEqualTo("ftp://bob@host/x");
        assertThat(Repository.mask("nfs:server:/x")).isEqualTo("nfs:server:/x");
        assertThat(Repository.maskAll("GET http://a:b@h/x and https://c:d@e/f")).isEqualTo(
                "GET http://a:***@h/x and https://c:***@e/f");
    }

    @Test
    void equalityIsByTheTextAsWritten() {
        assertThat(Repository.parse("http://h/t")).isEqualTo(Repository.parse(" http://h/t"))
                .hasSameHashCodeAs(Repository.parse("http://h/t")).isNotEqualTo(Repository.parse("http://h/t/"));
    }
}
