package org.xenproject.eliloader.toolstack.xl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.xenproject.eliloader.cli.CommandLine;
import org.xenproject.eliloader.config.InstallKey;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.round.CallerRequest.Caller;

/** libxl's command line with the install keys in bootloader_args, as the boot command reads it. */
class XlCommandLineTest {
    static final List<String> LIBXL = List.of("--output=/var/lib/xen/bootloader.1.out", "--output-format=simple0",
            "--output-directory=/var/lib/xen/bootloader.1.d");

    static CommandLine parse(String... bootloaderArgs) {
        List<String> argv = new java.util.ArrayList<>(LIBXL);
        argv.addAll(List.of(bootloaderArgs));
        argv.add("/dev/loop0");
        return CommandLine.parse(argv);
    }

    @Test
    void everyInstallKeyPeopleSetIsAnOptionOfTheSameName() {
        for (InstallKey key : InstallKey.values()) {
            if (key == InstallKey.ROUND || key == InstallKey.PROFILE || key == InstallKey.REPOSITORY_SECRET) {
                continue;
            }
            CommandLine cl = parse("--" + key.key() + "=v");
            assertThat(cl.installKeys).as(key.key()).containsEntry(key.key(), "v");
            assertThat(cl.isXl()).isTrue();
        }
    }

    @Test
    void bothSpellingsAndLibxlsOwnOptionsAreRead() {
        CommandLine cl = parse("--install-repository", "http://deb.debian.org/debian", "--debian-release=bookworm",
                "--install-args=priority=critical auto=true");
        assertThat(cl.installKeys).containsExactly(
                java.util.Map.entry("install-repository", "http://deb.debian.org/debian"),
                java.util.Map.entry("debian-release", "bookworm"),
                java.util.Map.entry("install-args", "priority=critical auto=true"));
        assertThat(cl.caller()).isEqualTo(Caller.LIBXL);
        assertThat(cl.disk).isEqualTo("/dev/loop0");
        assertThat(cl.outputDirectory).isEqualTo("/var/lib/xen/bootloader.1.d");
        assertThat(cl.output).isEqualTo("/var/lib/xen/bootloader.1.out");
    }

    @Test
    void restrictedModeIsKeptForWhatReadsGuestData() {
        List<String> argv = new java.util.ArrayList<>(List.of("--runas=65536", "--quiet"));
        argv.addAll(LIBXL);
        argv.add("--install-repository=cdrom");
        argv.add("/dev/loop0");
        CommandLine cl = CommandLine.parse(argv);
        assertThat(cl.runAs).isEqualTo(65536);
        assertThat(cl.quiet).isTrue();
    }

    @Test
    void withoutInstallKeysItIsNoXlStart() {
        assertThat(parse("--vm=x").isXl()).isFalse();
    }

    @Test
    void keysEliloaderKeepsAreRefusedAndNoneTwice() {
        for (String option : List.of("--install-round=2", "--install-profile=debian", "--install-repository-secret=u",
                "--install-repository=a")) {
            assertThatThrownBy(() -> parse("--install-repository=x", option))
                    .as(option).isInstanceOfSatisfying(BootloaderException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE));
        }
    }
}
