package org.xenproject.eliloader.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.xenproject.eliloader.answer.OutputFormat;
import org.xenproject.eliloader.config.Setting;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.round.CallerRequest.Caller;

class CommandLineTest {
    private static final String UUID = "6d0c1e55-7d5e-4c3a-9c4e-2d1f0a9b8c7d";

    @Test
    void xenopsdForm() {
        CommandLine cl = CommandLine.parse(List.of("-q", "--vm", UUID, "/dev/sm/backend/x/y"));
        assertThat(cl.quiet).isTrue();
        assertThat(cl.vmUuid).isEqualTo(UUID);
        assertThat(cl.disk).isEqualTo("/dev/sm/backend/x/y");
        assertThat(cl.outputFormat).isEqualTo(OutputFormat.SIMPLE);
        assertThat(cl.output).isEqualTo("-");
        assertThat(cl.hasCallerArgs()).isFalse();
    }

    @Test
    void xenopsdPassesPvBootloaderArgsSplitOnSpaces() {
        CommandLine cl = CommandLine.parse(List.of("-q", "--vm", UUID, "--kernel", "/boot/vmlinuz-xen",
                "--ramdisk", "/boot/initrd-xen", "/dev/xvda"));
        assertThat(cl.pygrubOptions).containsExactly("--kernel=/boot/vmlinuz-xen", "--ramdisk=/boot/initrd-xen");
        assertThat(cl.disk).isEqualTo("/dev/xvda");
    }

    @Test
    void oldXapiFormDefaultsToSxpAndUnescapesItsArgs() {
        CommandLine cl = CommandLine.parse(List.of("", "--default_args=console=hvc0 ks=\\\"a b\\\"",
                "--extra_args=x=c\\\\d", "--vm=" + UUID, "/dev/xvda"));
        assertThat(cl.quiet).isFalse();
        assertThat(cl.outputFormat).isEqualTo(OutputFormat.SXP);
        assertThat(cl.callerArgs).isEqualTo("console=hvc0 ks=\"a b\" x=c\\d");
    }

    @Test
    void oldXapiWithNamedFormatKeepsIt() {
        CommandLine cl = CommandLine.parse(List.of("--default_args=", "--extra_args=", "--output-format=simple",
                "--vm=" + UUID, "d"));
        assertThat(cl.outputFormat).isEqualTo(OutputFormat.SIMPLE);
        assertThat(cl.hasCallerArgs()).as("empty args are ignored").isFalse();
    }

    @Test
    void libxlForm() {
        CommandLine cl = CommandLine.parse(List.of("--args=console=hvc0", "--runas=1001", "--quiet",
                "--output=/var/run/xen/bootloader.7.out", "--output-format=simple0",
                "--output-directory=/var/run/xen/bootloader.7.d", "--vm=" + UUID, "/dev/vg/disk"));
        assertThat(cl.outputFormat).isEqualTo(OutputFormat.SIMPLE0);
        assertThat(cl.output).isEqualTo("/var/run/xen/bootloader.7.out");
        assertThat(cl.settings).containsEntry(Setting.OUTPUT_DIRECTORY, "/var/run/xen/bootloader.7.d");
        assertThat(cl.callerArgs).isEqualTo("console=hvc0");
        assertThat(cl.quiet).isTrue();
    }

    @Test
    void eachCallerIsRecognisedAndGetsItsOwnRuleForThePvArgs() {
        Caller xenopsd = CommandLine.parse(List.of("-q", "--vm", UUID, "/dev/xvda")).caller();
        Caller oldXapi = CommandLine.parse(List.of("-q", "--default_args=", "--extra_args=console=hvc0",
                "--vm=" + UUID, "/dev/xvda")).caller();
        Caller libxl = CommandLine.parse(List.of("--output=/o", "--output-format=simple0",
                "--output-directory=/d", "--vm=" + UUID, "/dev/xvda")).caller();
        assertThat(xenopsd).isEqualTo(Caller.XENOPSD);
        assertThat(oldXapi).isEqualTo(Caller.OLD_XAPI);
        assertThat(libxl).isEqualTo(Caller.LIBXL);
        // xenopsd appends PV-args itself; the old xapi passed them as --extra_args; libxl falls back to them
        assertThat(xenopsd.vmArgs(null, "console=hvc0")).isEmpty();
        assertThat(xenopsd.vmArgs("nomodeset", "console=hvc0")).isEqualTo("nomodeset");
        assertThat(oldXapi.vmArgs(null, "console=hvc0")).isEmpty();
        assertThat(oldXapi.vmArgs("console=hvc0", "console=hvc0")).isEqualTo("console=hvc0");
        assertThat(libxl.vmArgs(null, "console=hvc0")).isEqualTo("console=hvc0");
        assertThat(libxl.vmArgs("quiet", "console=hvc0")).isEqualTo("quiet");
    }

    @Test
    void pygrubSpellingsWithSeparateValues() {
        CommandLine cl = CommandLine.parse(List.of("--output-format", "sxp", "--output", "-", "--args", "a=1",
                "--vm", UUID, "--output-directory", "/tmp/o", "disk"));
        assertThat(cl.outputFormat).isEqualTo(OutputFormat.SXP);
        assertThat(cl.callerArgs).isEqualTo("a=1");
        assertThat(cl.settings).containsEntry(Setting.OUTPUT_DIRECTORY, "/tmp/o");
    }

    @Test
    void firstOfSeveralDisksIsTheBootDisk() {
        assertThat(CommandLine.parse(List.of("--vm=" + UUID, "/dev/a", "/dev/b")).disk).isEqualTo("/dev/a");
    }

    @Test
    void hostSettingsAreOptions() {
        CommandLine cl = CommandLine.parse(List.of("--vm-store=/tmp/s.json", "--pygrub", "/usr/lib/xen/bin/pygrub",
                "--vm=" + UUID, "d"));
        assertThat(cl.settings).containsEntry(Setting.VM_STORE, "/tmp/s.json")
                .containsEntry(Setting.PYGRUB, "/usr/lib/xen/bin/pygrub");
    }

    @Test
    void unknownOptionsAndMissingValuesAreUsageErrors() {
        assertUsage(List.of("--frobnicate=1", "--vm=" + UUID, "d"));
        assertUsage(List.of("-x", "d"));
        assertUsage(List.of("--vm"));
        assertUsage(List.of("--output-format=json", "d"));
    }

    private static void assertUsage(List<String> args) {
        assertThatThrownBy(() -> CommandLine.parse(args)).isInstanceOfSatisfying(BootloaderException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE));
    }
}
