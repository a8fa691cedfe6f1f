package org.xenproject.eliloader.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.profile.Profile;

class InstallSettingsTest {
    private static InstallSettings of(Map<String, String> otherConfig) {
        Map<String, String> oc = new HashMap<>(otherConfig);
        oc.putIfAbsent("install-repository", "http://mirror/tree");
        return InstallSettings.of("vm-1", oc);
    }

    @Test
    void everyKeyAProfileMayTestHasItsValue() {
        Map<String, String> oc = new HashMap<>();
        for (InstallKey key : InstallKey.values()) {
            oc.put(key.key(), key == InstallKey.VNC ? "true" : key == InstallKey.ROUND ? "2" : key == InstallKey.CACHE ? "false" : "value-" + key.key());
        }
        InstallSettings settings = of(oc);
        for (InstallKey key : InstallKey.values()) {
            assertThat(settings.valueOf(key)).as(key.key()).isNotNull();
            assertThat(settings.valueOf(key.key())).as(key.key()).isEqualTo(settings.valueOf(key));
        }
        assertThat(Profile.SETTINGS).isEqualTo(InstallKey.profileKeys()).contains("install-vnc")
                .doesNotContain("install-round", "install-profile", "install-repository-secret");
    }

    @Test
    void defaultsAreTheOriginalOnes() {
        InstallSettings settings = of(Map.of());
        assertThat(settings.distro()).isEqualTo("rhlike");
        assertThat(settings.arch()).isEqualTo("i386");
        assertThat(settings.round()).isEqualTo(1);
        assertThat(settings.vnc()).isFalse();
        assertThat(settings.valueOf(InstallKey.VNC)).isNull();
    }

    @Test
    void flagsAreWrittenAsHostSettingsAreAndAnythingElseIsNamed() {
        assertThat(of(Map.of("install-vnc", "1")).vnc()).isTrue();
        assertThat(of(Map.of("install-vnc", " TRUE ")).vnc()).isTrue();
        assertThat(of(Map.of("install-vnc", "yes")).vnc()).isTrue();
        assertThat(of(Map.of("install-vnc", "0")).vnc()).isFalse();
        assertThatThrownBy(() -> of(Map.of("install-vnc", "sometimes"))).isInstanceOf(BootloaderException.class)
                .hasMessage("other-config:install-vnc is \"sometimes\"; it must be true or false.")
                .extracting(e -> ((BootloaderException) e).code()).isEqualTo(ErrorCode.INVALID_SOURCE);
    }

    @Test
    void aBadRoundIsNamedAndBounded() {
        for (String bad : new String[] {"0", "-1", "two", "99999999999999999999999", ""}) {
            assertThatThrownBy(() -> of(Map.of("install-round", bad))).as(bad).isInstanceOf(BootloaderException.class)
                    .hasMessageStartingWith("other-config:install-round is \"");
        }
        assertThatThrownBy(() -> of(Map.of("install-round", "x".repeat(10_000)))).isInstanceOf(BootloaderException.class)
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200));
        assertThat(of(Map.of("install-round", " 2 ")).round()).isEqualTo(2);
    }

    @Test
    void debianReleaseIsOneNameNeverAPath() {
        assertThat(of(Map.of("debian-release", " focal-updates ")).release()).isEqualTo("focal-updates");
        assertThat(of(Map.of("debian-release", "bookworm")).release()).isEqualTo("bookworm");
        for (String bad : new String[] {"../../etc", "bookworm/main", "/srv", "book worm", "-x", "a\nb"}) {
            assertThatThrownBy(() -> of(Map.of("debian-release", bad))).as(bad).isInstanceOf(BootloaderException.class)
                    .hasMessageStartingWith("other-config:debian-release is \"").hasMessageContaining("never a path")
                    .extracting(e -> ((BootloaderException) e).code()).isEqualTo(ErrorCode.INVALID_SOURCE);
        }
    }

    @Test
    void aMissingRepositoryIsUnsupported() {
        assertThatThrownBy(() -> InstallSettings.of("vm-1", Map.of())).isInstanceOf(BootloaderException.class)
                .hasMessageContaining("other-config:install-repository is not set on VM vm-1");
    }
}
