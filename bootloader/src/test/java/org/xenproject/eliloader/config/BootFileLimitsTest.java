package org.xenproject.eliloader.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;

class BootFileLimitsTest {
    @Test
    void xenopsdDefaultsUnlessThePlatformSaysOtherwise() {
        assertThat(BootFileLimits.of(Map.of())).isEqualTo(new BootFileLimits(32L << 20, 128L << 20));
        assertThat(BootFileLimits.of(Map.of("pv-kernel-max-size", " 16 ", "pv-ramdisk-max-size", "")))
                .isEqualTo(new BootFileLimits(16, 128L << 20));
    }

    @Test
    void aBadSizeIsNamedBoundedAndQuotedAsEveryOtherSetting() {
        for (String bad : new String[] {"0", "-1", "1e9", "0x100", "16 MiB", "99999999999999999999"}) {
            assertThatThrownBy(() -> BootFileLimits.of(Map.of("pv-ramdisk-max-size", bad))).as(bad)
                    .isInstanceOf(BootloaderException.class)
                    .hasMessage("platform:pv-ramdisk-max-size is \"" + bad + "\"; it must be a positive number of bytes.")
                    .extracting(e -> ((BootloaderException) e).code()).isEqualTo(ErrorCode.INVALID_SOURCE);
        }
        assertThatThrownBy(() -> BootFileLimits.of(Map.of("pv-kernel-max-size", "9\n".repeat(5000))))
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300).doesNotContain("\n"));
    }
}
