package org.xenproject.eliloader.answer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;

class OutputFormatTest {
    private static final BootEntry FULL = new BootEntry(Path.of("/var/run/xend/boot/boot_kernel.1"),
            Path.of("/var/run/xend/boot/boot_ramdisk.2"), "console=hvc0 method=http://h/x/");
    private static final BootEntry NO_RAMDISK = new BootEntry(Path.of("/b/k"), null, "");

    private static String render(OutputFormat format, BootEntry entry) {
        return new String(format.render(entry), StandardCharsets.UTF_8);
    }

    @Test
    void simpleIsOneKeyValueLinePerItem() {
        assertThat(render(OutputFormat.SIMPLE, FULL)).isEqualTo(
                "kernel /var/run/xend/boot/boot_kernel.1\nramdisk /var/run/xend/boot/boot_ramdisk.2\n"
                        + "args console=hvc0 method=http://h/x/\n");
        assertThat(render(OutputFormat.SIMPLE, NO_RAMDISK)).isEqualTo("kernel /b/k\nargs \n");
    }

    @Test
    void simple0TerminatesEachItemWithNul() {
        assertThat(render(OutputFormat.SIMPLE0, FULL)).isEqualTo(
                "kernel /var/run/xend/boot/boot_kernel.1\0ramdisk /var/run/xend/boot/boot_ramdisk.2\0"
                        + "args console=hvc0 method=http://h/x/\0");
        assertThat(render(OutputFormat.SIMPLE0, NO_RAMDISK)).isEqualTo("kernel /b/k\0args \0");
    }

    @Test
    void sxpIsOneSExpressionWithQuotedArgs() {
        assertThat(render(OutputFormat.SXP, FULL)).isEqualTo("linux (kernel /var/run/xend/boot/boot_kernel.1)"
                + "(ramdisk /var/run/xend/boot/boot_ramdisk.2)(args \"console=hvc0 method=http://h/x/\")\n");
        assertThat(render(OutputFormat.SXP, NO_RAMDISK)).isEqualTo("linux (kernel /b/k)(args \"\")\n");
    }

    @Test
    void sxpEscapesQuotesAndBackslashes() {
        BootEntry entry = new BootEntry(Path.of("/b/k"), null, "ks=\"a b\" x=c\\d");
        assertThat(render(OutputFormat.SXP, entry)).isEqualTo("linux (kernel /b/k)(args \"ks=\\\"a b\\\" x=c\\\\d\")\n");
    }

    @Test
    void newlineInArgsIsRefusedWhereItWouldStartANewItem() {
        BootEntry injected = new BootEntry(Path.of("/b/k"), null, "quiet\nkernel /etc/shadow");
        assertRefused(OutputFormat.SIMPLE, injected);
        assertRefused(OutputFormat.SXP, injected);
        // simple0 separates with NUL, so a newline cannot forge an item there
        assertThat(render(OutputFormat.SIMPLE0, injected)).isEqualTo("kernel /b/k\0args quiet\nkernel /etc/shadow\0");
    }

    @Test
    void nulIsRefusedEverywhere() {
        BootEntry injected = new BootEntry(Path.of("/b/k"), null, "quiet\0ramdisk /etc/shadow");
        for (OutputFormat format : OutputFormat.values()) {
            assertRefused(format, injected);
        }
    }

    @Test
    void unbalancedQuoteIsRefused() {
        for (OutputFormat format : OutputFormat.values()) {
            assertRefused(format, new BootEntry(Path.of("/b/k"), null, "ks=\"http://x/ks.cfg"));
        }
    }

    @Test
    void sxpRefusesPathsThatWouldCloseTheExpression() {
        assertRefused(OutputFormat.SXP, new BootEntry(Path.of("/b/k)(args \"x\""), null, ""));
        assertRefused(OutputFormat.SXP, new BootEntry(Path.of("/b/k"), Path.of("/b/with space"), ""));
    }

    @Test
    void parseNamesAndRejectsUnknownFormats() {
        assertThat(OutputFormat.parse("simple0")).isEqualTo(OutputFormat.SIMPLE0);
        assertThat(OutputFormat.parse("SXP")).isEqualTo(OutputFormat.SXP);
        assertThatThrownBy(() -> OutputFormat.parse("json")).isInstanceOfSatisfying(BootloaderException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE));
    }

    private static void assertRefused(OutputFormat format, BootEntry entry) {
        assertThatThrownBy(() -> format.render(entry)).as(format.name())
                .isInstanceOfSatisfying(BootloaderException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE));
    }
}
