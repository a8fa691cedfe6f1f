package org.xenproject.eliloader.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.config.Setting;

/**
 * The bash completion script ({@code eliloader help --bash-completion}) sourced in a real bash: what
 * {@code _eliloader} puts in COMPREPLY for a command line being typed. The program it asks for
 * profile ids is this build run in a child JVM.
 */
class BashCompletionTest {
    @TempDir
    Path dir;
    private Path script;
    private Path program;

    @BeforeEach
    void write() throws Exception {
        script = dir.resolve("eliloader.bash");
        Files.writeString(script, Completion.bash());
        program = dir.resolve("eliloader");
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Files.writeString(program, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java")
                + "' -Xshare:auto -XX:TieredStopAtLevel=1 -cp '" + classPath + "' org.xenproject.eliloader.cli.Main \"$@\"\n");
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwx------"));
        Files.createDirectories(dir.resolve("files/some-dir"));
        Files.writeString(dir.resolve("files/some-file"), "");
    }

    /** COMPREPLY for the words typed so far (the last one being completed), sorted. */
    private List<String> complete(String... typed) throws Exception {
        StringBuilder words = new StringBuilder();
        for (String w : typed) {
            words.append(" '").append(w.replace("'", "'\\''")).append('\'');
        }
        Path driver = dir.resolve("driver.sh");
        Files.writeString(driver, "set -u\nsource '" + script + "'\n"
                + "complete -p eliloader >/dev/null || exit 3\n"
                + "COMP_WORDS=('" + program + "'" + words + ")\nCOMP_CWORD=" + typed.length + "\n"
                + "cd '" + dir.resolve("files") + "'\n_eliloader eliloader\nprintf '%s\\n' \"${COMPREPLY[@]}\" | sort\n");
        ProcessBuilder pb = new ProcessBuilder("bash", "--norc", "--noprofile", driver.toString());
        pb.environment().put("ELILOADER_PROFILES_DIR", dir.resolve("site").toString());
        pb.environment().put("ELILOADER_CONFIG", dir.resolve("none.conf").toString());
        pb.environment().put("ELILOADER_SYSLOG", "0");
        pb.redirectError(dir.resolve("bash.err").toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve("bash.err"))).isZero();
        assertThat(Files.readString(dir.resolve("bash.err"))).isEmpty();
        List<String> result = new ArrayList<>(Arrays.asList(out.split("\n")));
        result.removeIf(String::isEmpty);
        return result;
    }

    @Test
    void firstWordOffersTheSubcommands() throws Exception {
        assertThat(complete("")).containsExactlyElementsOf(Manual.commandNames().stream().sorted().toList());
        assertThat(complete("pr")).containsExactly("probe", "profiles");
    }

    @Test
    void optionsOfTheBootCommandAndEveryHostSetting() throws Exception {
        List<String> all = complete("-q", "--");
        for (Manual.Option o : Manual.BOOT_OPTIONS) {
            o.names().stream().filter(n -> n.startsWith("--")).forEach(n -> assertThat(all).contains(n));
        }
        for (Setting s : Setting.values()) {
            assertThat(all).contains("--" + s.key());
        }
        assertThat(complete("--output-f")).containsExactly("--output-format");
        assertThat(complete("--output-format", "simple")).containsExactly("simple", "simple0");
        assertThat(complete("--output-format", "=", "s")).containsExactly("simple", "simple0", "sxp");
        assertThat(complete("--vm", "")).isEmpty();
    }

    @Test
    void filesAndDirectoriesWhereTheOptionWantsThem() throws Exception {
        assertThat(complete("--vm-store", "some")).containsExactly("some-dir", "some-file");
        assertThat(complete("--profiles-dir", "some")).containsExactly("some-dir");
        assertThat(complete("-q", "--vm", "x", "some-f")).containsExactly("some-file"); // the DISK
    }

    @Test
    void subcommandsOfferTheirOwnOptions() throws Exception {
        assertThat(complete("profiles", "")).containsExactly("list", "validate");
        assertThat(complete("profiles", "list", "--j")).containsExactly("--json");
        assertThat(complete("probe", "--rep")).containsExactly("--repository");
        assertThat(complete("probe", "--arch", "")).containsExactly("amd64", "i386", "x86_64");
        assertThat(complete("probe", "--c")).contains("--cdrom", "--ca-file", "--cache-dir", "--connect-timeout");
        assertThat(complete("help", "p")).containsExactly("probe", "profiles");
        assertThat(complete("help", "--")).contains("--man", "--bash-completion");
    }

    @Test
    void distroOffersProfileIdsAndAliasesFromTheProgramSiteProfilesIncluded() throws Exception {
        Files.createDirectories(dir.resolve("site"));
        Files.writeString(dir.resolve("site/our-rhel.yaml"), "extends: rhel-5\ndescription: ours\naliases: [rhlike]\n");
        List<String> distros = complete("probe", "--distro", "");
        assertThat(distros).contains("auto", "rhlike", "sleslike", "debianlike", "pygrub", "rhel-5", "debian",
                "our-rhel");
        assertThat(distros).doesNotContain("anaconda", "ID", "*"); // abstract profiles, the table's heading and note
        assertThat(complete("probe", "--distro", "=", "our")).containsExactly("our-rhel");
    }
}
