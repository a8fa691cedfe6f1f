package org.xenproject.eliloader.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.xenproject.eliloader.testsupport.Run;

/** {@code eliloader profiles validate [FILE…]}: every problem as {@code FILE:LINE: message}. */
class ProfileValidateTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private Run validate(Path... files) {
        List<String> args = new ArrayList<>(List.of("profiles", "validate"));
        for (Path f : files) {
            args.add(f.toString());
        }
        return Run.of(Map.of("ELILOADER_PROFILES_DIR", dir.resolve("none").toString()), args);
    }

    @Test
    void theShippedProfilesAreValid() {
        Run run = Run.of(Map.of("ELILOADER_PROFILES_DIR", dir.resolve("none").toString()), List.of("profiles", "validate"));

        assertThat(run.stderr()).isEmpty();
        assertThat(run.stdout()).matches("\\d+ profiles checked, 0 problems\\.\n");
        assertThat(run.status()).isZero();
    }

    @Test
    void aValidFileIsReportedAsSuch() throws IOException {
        Path file = write("mine.yaml", """
                extends: anaconda-inst
                description: My EL rebuild
                aliases: [rhlike]
                detect:
                  - treeinfo: {family: "^My Linux"}
                """);

        Run run = validate(file);

        assertThat(run.stdout()).isEqualTo("1 profile checked, 0 problems.\n");
        assertThat(run.status()).isZero();
    }

    @Test
    void anUnknownKeyIsReportedAtItsLineWithASuggestion() throws IOException {
        Path file = write("typo.yaml", """
                extends: anaconda
                description: typo
                boot-file:
                  - {kernel: images/xen/vmlinuz}
                """);

        Run run = validate(file);

        assertThat(run.stdout()).isEqualTo(file + ":3: unknown key \"boot-file\" (did you mean \"boot-files\"?)\n"
                + "1 profile checked, 1 problem.\n");
        assertThat(run.status()).isEqualTo(1);
    }

    @Test
    void anUnknownKeyInsideAnEntryIsReportedAtItsLine() throws IOException {
        Path file = write("entry.yaml", """
                description: entry
                boot-files:
                  - kernel: a
                    initrd: b
                """);

        assertThat(validate(file).stdout()).isEqualTo(file + ":4: unknown key in boot-files[0] \"initrd\"\n"
                + "1 profile checked, 1 problem.\n");
    }

    @Test
    void extendsNamingNoProfileIsABadReference() throws IOException {
        Path file = write("orphan.yaml", """
                extends: anaconda-x
                description: orphan
                """);

        assertThat(validate(file).stdout()).isEqualTo(file
                + ":1: extends unknown profile \"anaconda-x\" (did you mean \"anaconda\"?)\n"
                + "1 profile checked, 1 problem.\n");
    }

    @Test
    void aCycleInExtendsIsReportedForEachFileInIt() throws IOException {
        Path a = write("loop-a.yaml", "extends: loop-b\ndescription: a\n");
        Path b = write("loop-b.yaml", "description: b\nextends: loop-a\n");

        Run run = validate(a, b);

        assertThat(run.stdout()).isEqualTo(a + ":1: \"extends\" forms a cycle: loop-a -> loop-b -> loop-a\n"
                + b + ":2: \"extends\" forms a cycle: loop-b -> loop-a -> loop-b\n"
                + "2 profiles checked, 2 problems.\n");
        assertThat(run.status()).isEqualTo(1);
    }

    @Test
    void anUnknownRoundActionIsReportedAtItsLine() throws IOException {
        Path file = write("action.yaml", """
                extends: anaconda
                rounds:
                  - [fetch-boot-files]
                  - [fetch-boot-file]
                """);

        assertThat(validate(file).stdout()).isEqualTo(file
                + ":4: unknown action \"fetch-boot-file\" (did you mean \"fetch-boot-files\"?)\n"
                + "1 profile checked, 1 problem.\n");
    }

    @Test
    void actionsOfTheRoundTwoCodeAreKnownNames() throws IOException {
        Path file = write("round2.yaml", """
                extends: anaconda
                rounds:
                  - [fetch-boot-files, boot-from-first-disk]
                  - [domuloader-probe, avoid-uek-entries, remove-updates-disk, pygrub-handoff]
                """);

        assertThat(validate(file).stdout()).isEqualTo("1 profile checked, 0 problems.\n");
    }

    @Test
    void aTemplateWithAnUnknownVariableIsReportedAtItsLine() throws IOException {
        Path file = write("variable.yaml", """
                extends: debian-installer
                description: variable
                boot-files:
                  - kernel: "${image}netboot/xen/vmlinuz"
                """);

        assertThat(validate(file).stdout()).isEqualTo(file
                + ":4: boot-files[0].kernel uses an unknown variable ${image}\n"
                + "1 profile checked, 1 problem.\n");
    }

    @Test
    void detectionRulesAreChecked() throws IOException {
        Path kind = write("kind.yaml", """
                description: kind
                detect:
                  - tree-info: {family: x}
                """);
        Path regex = write("regex.yaml", """
                description: regex
                detect:
                  - treeinfo: {family: "^(Red"}
                """);

        assertThat(validate(kind).stdout()).startsWith(kind
                + ":3: unknown key in detect[0] \"tree-info\" (did you mean \"treeinfo\"?)\n");
        assertThat(validate(regex).stdout()).startsWith(regex
                + ":3: detect[0].treeinfo.family is not a valid regular expression: Unclosed group\n");
    }

    @Test
    void defaultForMustNameOneOfTheAliases() throws IOException {
        Path file = write("default.yaml", """
                description: default
                aliases: [a]
                default-for: [b]
                boot-files: [{kernel: k}]
                """);

        assertThat(validate(file).stdout()).isEqualTo(file
                + ":3: default-for names \"b\", which is not one of its aliases [a]\n"
                + "1 profile checked, 1 problem.\n");
    }

    @Test
    void checksumSourcesAndCdromOverridesAreChecked() throws IOException {
        Path sums = write("sums.yaml", """
                description: sums
                checksums:
                  - {type: sums, file: SHA256SUMS}
                """);
        Path cdrom = write("cdrom.yaml", """
                description: cdrom
                cdrom:
                  aliases: [x]
                """);

        assertThat(validate(sums).stdout()).startsWith(sums
                + ":3: checksums[0]: type sums needs a file and an algorithm (one of [md5, sha1, sha256, sha512])\n");
        assertThat(validate(cdrom).stdout()).startsWith(cdrom + ":3: unknown key in cdrom \"aliases\"");
    }

    @Test
    void notYamlIsReportedWithItsLine() throws IOException {
        Path file = write("broken.yaml", "description: broken\nargs: {repository: \"a\"\nrounds: []\n");

        Run run = validate(file);

        assertThat(run.stdout()).startsWith(file + ":").contains(": not valid YAML: ")
                .endsWith("1 profile checked, 1 problem.\n");
        assertThat(run.status()).isEqualTo(1);
    }

    @Test
    void requiresMustNameAnInstallSetting() throws IOException {
        Path file = write("requires.yaml", """
                extends: debian-installer
                description: requires
                requires: [debian-relase]
                """);

        assertThat(validate(file).stdout()).isEqualTo(file
                + ":3: requires names an unknown other-config key \"debian-relase\" (did you mean \"debian-release\"?)\n"
                + "1 profile checked, 1 problem.\n");
    }

    @Test
    void theHandOffMustEndItsRound() throws IOException {
        Path file = write("handoff.yaml", """
                extends: anaconda
                rounds:
                  - [fetch-boot-files]
                  - [pygrub-handoff, remove-updates-disk]
                """);

        assertThat(validate(file).stdout()).isEqualTo(file
                + ":4: rounds: pygrub-handoff hands the boot over and must be the last action of its round\n"
                + "1 profile checked, 1 problem.\n");
    }
}
