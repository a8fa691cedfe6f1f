package org.xenproject.eliloader.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;

/** The credential rules of README "Credentials", the same for http(s), ftp and smb. */
class RepositoryCredentialsTest {
    private static final String SECRET = "Secret-Value-9";

    /** A secret supplier that counts how often it is asked. */
    private static final class Secret implements Supplier<String> {
        final AtomicInteger asked = new AtomicInteger();
        final String value;

        Secret(String value) {
            this.value = value;
        }

        @Override
        public String get() {
            asked.incrementAndGet();
            return value;
        }
    }

    private static RepositoryCredentials resolve(String url, Secret secret) {
        return RepositoryCredentials.resolve(Repository.parse(url), secret);
    }

    @Test
    void aPasswordInTheUrlWinsAndTheSecretIsNotLookedUp() {
        for (String scheme : new String[] {"http", "https", "ftp"}) {
            Secret secret = new Secret(SECRET);
            RepositoryCredentials c = resolve(scheme + "://bob:pw%21@h/tree", secret);
            assertThat(c.user()).isEqualTo("bob");
            assertThat(c.password()).isEqualTo("pw!");
            assertThat(secret.asked).hasValue(0);
            assertThat(c.toString()).doesNotContain("pw");
        }
    }

    @Test
    void aUserWithoutAPasswordTakesTheSecret() {
        for (String url : new String[] {"http://bob@h/t", "https://bob@h/t", "ftp://bob@h/t", "smb://DOM;bob@h/share"}) {
            RepositoryCredentials c = resolve(url, new Secret(SECRET));
            assertThat(c.user()).isEqualTo("bob");
            assertThat(c.password()).isEqualTo(SECRET);
            assertThat(c.toString()).doesNotContain(SECRET);
        }
        assertThat(resolve("smb://DOM;bob@h/share", new Secret(SECRET)).who()).isEqualTo("DOM\\bob");
    }

    @Test
    void aUserWithoutAnyPasswordIsRefusedExceptFtpAnonymous() {
        for (String url : new String[] {"http://bob@h/t", "https://bob@h/t", "ftp://bob@h/t", "smb://bob@h/share"}) {
            assertThatThrownBy(() -> resolve(url, new Secret(null))).isInstanceOfSatisfying(BootloaderException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE))
                    .hasMessageContaining("names the user bob but no password")
                    .hasMessageContaining("install-repository-secret");
        }
        for (String url : new String[] {"ftp://anonymous@h/t", "ftp://FTP@h/t"}) {
            RepositoryCredentials c = resolve(url, new Secret(null));
            assertThat(c.anonymous()).isFalse();
            assertThat(c.password()).isNull();
        }
        assertThatThrownBy(() -> resolve("http://anonymous@h/t", new Secret(null)))
                .as("anonymous is ftp's convention only").isInstanceOf(BootloaderException.class);
    }

    @Test
    void aSecretForAUrlWithoutAUserIsRefused() {
        for (String url : new String[] {"http://h/t", "https://h/t", "ftp://h/t", "smb://h/share"}) {
            assertThatThrownBy(() -> resolve(url, new Secret(SECRET))).isInstanceOfSatisfying(
                    BootloaderException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE))
                    .hasMessageContaining("names no user").hasMessageNotContaining(SECRET);
        }
        assertThatThrownBy(() -> resolve("smb://h/share", new Secret(SECRET)))
                .hasMessageContaining("smb://[DOMAIN;]USER@h/SHARE/PATH");
        assertThatThrownBy(() -> resolve("ftp://h/t", new Secret(SECRET))).hasMessageContaining("ftp://USER@h/....");
    }

    @Test
    void noUserAndNoSecretIsAnonymous() {
        Secret secret = new Secret(null);
        RepositoryCredentials c = resolve("smb://h/share", secret);
        assertThat(c.anonymous()).isTrue();
        assertThat(c.who()).isNull();
        assertThat(secret.asked).hasValue(1);
    }

    @Test
    void messagesMaskTheUrlPassword() {
        // a URL password and a secret together: the URL wins, nothing is refused, nothing leaks
        RepositoryCredentials c = resolve("ftp://bob:Url-Pw@h/t", new Secret(SECRET));
        assertThat(c.toString()).isEqualTo("bob:***");
        assertThatThrownBy(() -> resolve("smb://DOM;bob:@h/share", new Secret(null)))
                .hasMessageContaining("smb://DOM;bob:***@h/share");
    }
}
