package org.xenproject.eliloader.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.testsupport.Run;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/** A template's {@code install-methods}: which repositories it allows. */
class InstallMethodsTest {

    @ParameterizedTest(name = "{0} with \"{1}\" → {2}")
    @CsvSource(delimiter = '|', value = {
        "http://mirror/centos/5      | cdrom,nfs,http,ftp | true",
        "https://mirror/centos/5     | cdrom,nfs,http,ftp | true",
        "https://mirror/centos/5     | cdrom,nfs,https    | true",
        "http://mirror/centos/5      | cdrom,nfs,https    | false",
        "https://mirror/centos/5     | cdrom,nfs,ftp      | false",
        "ftp://mirror/centos/5       | cdrom,nfs,http,ftp | true",
        "ftp://mirror/centos/5       | cdrom,http         | false",
        "nfs:server:/export/centos   | cdrom,nfs          | true",
        "nfs://server/export/centos  | cdrom,nfs          | true",
        "nfs://server/export/centos  | cdrom,http         | false",
        "smb://server/share/centos   | cdrom,nfs,http,ftp | false",
        "smb://server/share/centos   | http, SMB          | true",
        "cdrom                       | cdrom,nfs,http,ftp | true",
        "cdrom                       | http,ftp           | false",
        "file:///srv/centos          | cdrom,nfs,http,ftp | false",
        "file:///srv/centos          | file               | true",
    })
    void aListedMethodIsAllowedAnUnlistedOneIsNot(String repository, String methods, boolean allowed) {
        Repository repo = Repository.parse(repository);
        if (allowed) {
            assertThatCode(() -> InstallMethods.check(repo, methods)).doesNotThrowAnyException();
        } else {
            assertThatThrownBy(() -> InstallMethods.check(repo, methods))
                    .isInstanceOfSatisfying(BootloaderException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_INSTALL_METHOD);
                        assertThat(e.getMessage()).contains(repository).contains(methods.replace(" ", "").toLowerCase());
                    });
        }
    }

    @Test
    void noListAllowsEverything() {
        for (String repository : List.of("smb://s/share", "file:///x", "https://h/x", "cdrom")) {
            assertThatCode(() -> InstallMethods.check(Repository.parse(repository), null)).doesNotThrowAnyException();
            assertThatCode(() -> InstallMethods.check(Repository.parse(repository), "  ")).doesNotThrowAnyException();
        }
    }

    @Test
    void theMessageMasksThePassword() {
        assertThatThrownBy(() -> InstallMethods.check(Repository.parse("smb://dom;u:Secret-1@s/share"), "http"))
                .hasMessageContaining("smb://dom;u:***@s/share").hasMessageNotContaining("Secret-1");
    }

    @Test
    void aBootFromAnUnlistedSchemeFailsBeforeFetchingAnything(@TempDir Path dir) {
        Path store = VmStoreFixture.vm().other("install-repository", "smb://127.0.0.1:1/share/centos")
                .other("install-methods", "cdrom,nfs,http,ftp").writeTo(dir.resolve("store.json"));
        Run run = Run.of(List.of("--vm-store=" + store, "--output-directory=" + dir.resolve("out"), "-q", "--vm",
                VmStoreFixture.VM, "/dev/null"));
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.errorCode()).isEqualTo("UNSUPPORTED_INSTALL_METHOD");
        assertThat(run.stderr()).contains("smb://127.0.0.1:1/share/centos").contains("cdrom,nfs,http,ftp")
                .contains("does not list smb");
        assertThat(run.stderr().split("\n")).hasSize(2);
        assertThat(dir.resolve("out")).doesNotExist();
    }
}
