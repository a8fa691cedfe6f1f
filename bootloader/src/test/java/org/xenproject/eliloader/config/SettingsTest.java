package org.xenproject.eliloader.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.error.BootloaderException;

class SettingsTest {
    @TempDir
    Path dir;

    @Test
    void optionBeatsVariableBeatsFileBeatsDefault() throws Exception {
        Path conf = Files.writeString(dir.resolve("eliloader.conf"), """
                # host settings
                pygrub = /from/file/pygrub
                cache-dir = /from/file/cache
                guest-installer-dir=/from/file/gi
                """);
        Map<String, String> env = Map.of("ELILOADER_PYGRUB", "/from/env/pygrub", "ELILOADER_CACHE_DIR", "/from/env/cache");
        Settings s = Settings.resolve(Map.of(Setting.PYGRUB, "/from/option/pygrub"), env, conf);
        assertThat(s.get(Setting.PYGRUB)).contains("/from/option/pygrub");
        assertThat(s.get(Setting.CACHE_DIR)).contains("/from/env/cache");
        assertThat(s.get(Setting.GUEST_INSTALLER_DIR)).contains("/from/file/gi");
        assertThat(s.get(Setting.OUTPUT_DIRECTORY)).contains("/var/run/xend/boot");
        assertThat(s.get(Setting.VM_STORE)).isEmpty();
    }

    @Test
    void missingFileIsNormalAndBadLinesAreNamed() throws Exception {
        assertThat(Settings.resolve(Map.of(), Map.of(), dir.resolve("absent.conf")).get(Setting.PYGRUB))
                .contains("/usr/bin/pygrub");
        Path conf = Files.writeString(dir.resolve("bad.conf"), "pygrub = /x\nno-such-key = 1\n");
        assertThatThrownBy(() -> Settings.resolve(Map.of(), Map.of(), conf)).isInstanceOf(BootloaderException.class)
                .hasMessageContaining("bad.conf:2");
    }

    @Test
    void configFileCanBeNamedByVariable() {
        assertThat(Settings.configFile(Map.of("ELILOADER_CONFIG", "/tmp/x.conf"))).isEqualTo(Path.of("/tmp/x.conf"));
        assertThat(Settings.configFile(Map.of())).isEqualTo(Settings.DEFAULT_CONFIG_FILE);
    }
}
