package org.xenproject.eliloader.toolstack.xl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;

/** The VM's name under xl: the name policy, and the domain id in libxl's output paths. */
class XlIdentityTest {
    static final Path NO_XENSTORE = Path.of("/nonexistent/xenstore-read");

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            /var/lib/xen/bootloader.1.d   | /var/lib/xen/bootloader.1.out  | 1
            /var/lib/xen/bootloader.42.d/ | -                              | 42
            /run/other                    | /var/lib/xen/bootloader.7.out  | 7
            -                             | /var/lib/xen/bootloader.3.out  | 3
            /var/lib/xen/bootloader.x.d   | -                              | -
            /var/lib/xen/bootloader.1.d.evil | -                           | -
            /var/run/xend/boot            | -                              | -
            -                             | -                              | -
            """)
    void theDomainIdIsTakenOnlyFromLibxlsOwnNames(String directory, String output, String expected) {
        assertThat(XlIdentity.domidFromPaths(directory, output)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"deb12", "web-01", "a", "VM_1.example+x", "0123456789012345678901234567890123456789012345678901234567890123"})
    void namesThatAreSafeFileNamesAreTaken(String name) {
        assertThat(XlIdentity.resolve(name, null, null, null, NO_XENSTORE)).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", ".hidden", "-rf", "a/b", "a b", "a\nb", "naïve", "x.json.lock/..",
            "01234567890123456789012345678901234567890123456789012345678901234"})
    void otherNamesAreAUsageError(String name) {
        assertThatThrownBy(() -> XlIdentity.resolve(name, null, null, null, NO_XENSTORE))
                .isInstanceOfSatisfying(BootloaderException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
                    assertThat(e.getMessage()).contains("cannot name a state file").doesNotContain("\n");
                });
    }

    @Test
    void anExplicitNameNeedsNoXenstoreAndABadDomidIsAUsageError() {
        assertThat(XlIdentity.resolve("mail", "12", "/var/lib/xen/bootloader.12.d", null, NO_XENSTORE)).isEqualTo("mail");
        assertThatThrownBy(() -> XlIdentity.resolve(null, "12; rm", null, null, NO_XENSTORE))
                .isInstanceOfSatisfying(BootloaderException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE));
        assertThatThrownBy(() -> XlIdentity.resolve(null, null, "/var/lib/xen/bootloader.12.d", null, NO_XENSTORE))
                .isInstanceOfSatisfying(BootloaderException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.SUPPORT_PACKAGE_MISSING));
    }
}
