package org.xenproject.eliloader.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.testsupport.Run;

/**
 * Site profiles written to hurt: alias bombs, deep nesting, nulls, catastrophic regexes. Each is a
 * named error at its file, and a broken file is skipped, never stopping the profiles that work.
 */
@Timeout(60)
class HostileProfilesTest {
    @TempDir
    Path dir;

    /** 18 aliases (under snakeyaml's limit) that expand to 216,000 values. */
    static String aliasBomb() {
        StringBuilder s = new StringBuilder("description: bomb\nvariables:\n  a: &a [");
        for (int i = 0; i < 1000; i++) {
            s.append(i == 0 ? "" : ",").append("x");
        }
        s.append("]\n");
        String prev = "a";
        for (String name : List.of("b", "c", "d")) {
            s.append("  ").append(name).append(": &").append(name).append(" [");
            for (int i = 0; i < 6; i++) {
                s.append(i == 0 ? "" : ",").append("*").append(prev);
            }
            s.append("]\n");
            prev = name;
        }
        return s.toString();
    }

    @Test
    void anAliasBombUnderTheAliasLimitIsRefusedByItsExpandedSize() {
        assertThatThrownBy(() -> ProfileLoader.parse("bomb", "bomb.yaml", aliasBomb()))
                .isInstanceOf(ProfileException.class).hasMessageContaining("once its aliases are expanded");
    }

    @Test
    void deepNestingIsRefusedWithoutAStackOverflow() {
        String deep = "description: deep\nvariables: {x: " + "[".repeat(5000) + "]".repeat(5000) + "}\n";
        assertThatThrownBy(() -> ProfileLoader.parse("deep", "deep.yaml", deep))
                .isInstanceOf(ProfileException.class).hasMessageContaining("deeper than");
    }

    @Test
    void aHugeFileIsRefused() {
        String huge = "description: \"" + "x".repeat(ProfileLoader.MAX_CHARS) + "\"\n";
        assertThatThrownBy(() -> ProfileLoader.parse("huge", "huge.yaml", huge)).isInstanceOf(ProfileException.class)
                .hasMessageContaining("at most");
    }

    @Test
    void aNullValueIsAnErrorAtItsLine() {
        assertThatThrownBy(() -> ProfileLoader.parse("n", "n.yaml", "extends: anaconda-inst\ndescription: null\n"))
                .isInstanceOf(ProfileException.class).hasMessage("n.yaml:2: description has no value (null); give one,"
                        + " or leave the key out.");
        assertThatThrownBy(() -> ProfileLoader.parse("n", "n.yaml", "extends: anaconda-inst\nargs:\n  repository:\n"))
                .hasMessageContaining("n.yaml:3: args.repository has no value");
    }

    @Test
    void brokenSiteFilesAreSkippedAndReportedNotFatal() throws IOException {
        Path site = Files.createDirectories(dir.resolve("profiles.d"));
        Files.writeString(site.resolve("bomb.yaml"), aliasBomb());
        Files.writeString(site.resolve("null.yaml"), "extends: anaconda-inst\naliases: [rhlike]\ndescription:\n");
        Files.writeString(site.resolve("bad.yaml"), "description: [unclosed\n");

        ProfileRegistry registry = ProfileRegistry.forHost(Optional.of(site));
        assertThat(registry.skipped()).hasSize(3);
        assertThat(registry.get("rhel-5").id()).isEqualTo("rhel-5");
        assertThat(registry.candidates("rhlike")).isNotEmpty();
        assertThat(registry.concrete()).isNotEmpty();

        Run validate = Run.of(Map.of("ELILOADER_PROFILES_DIR", site.toString()), List.of("profiles", "validate"));
        assertThat(validate.status()).isEqualTo(1);
        assertThat(validate.stdout()).contains("bomb.yaml", "null.yaml:3: description has no value", "bad.yaml")
                .contains("3 problems.");
        assertThat(validate.stderr()).isEmpty();
    }

    @Test
    void catastrophicBacktrackingEndsWithANamedError() {
        // Java's engine memoizes simple nested loops like (a+)+; a lazy group repeated is still polynomial
        Pattern evil = Pattern.compile("^(.*?,){12}P");
        long start = System.nanoTime();
        assertThatThrownBy(() -> BoundedRegex.find(evil, "a,".repeat(50), "site.yaml detect treeinfo.family"))
                .isInstanceOfSatisfying(BootloaderException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.LIMITS);
                    assertThat(e.getMessage()).startsWith("site.yaml detect treeinfo.family: the regular expression");
                });
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
        assertThat(BoundedRegex.find(Pattern.compile("^CentOS"), "CentOS Linux", "x")).isTrue();
        assertThat(BoundedRegex.find(Pattern.compile("5\\.11$"), "x".repeat(1_000_000) + "5.11", "x")).isFalse();
    }

    @Test
    void validationCatchesImpossiblePasswordRulesAndUnknownFacts() throws IOException {
        Path rule = Files.writeString(dir.resolve("rule.yaml"),
                "extends: anaconda-inst\nvnc-password: {min-length: 9, max-length: 8}\n");
        Path fact = Files.writeString(dir.resolve("fact.yaml"),
                "extends: anaconda-inst\naliases: [rhlike]\ndetect:\n  - treeinfo: {famly: \"^X\"}\n");
        Run run = Run.of(Map.of("ELILOADER_PROFILES_DIR", dir.resolve("none").toString()),
                List.of("profiles", "validate", rule.toString(), fact.toString()));
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.stdout()).contains("min-length 9 is more than max-length 8")
                .contains("tests the unknown fact \"famly\"").contains("2 problems.");
    }

    @Test
    void validationReportsEveryProblemOfAFile() throws IOException {
        Path file = Files.writeString(dir.resolve("many.yaml"), """
                extends: anaconda-inst
                descripton: typo
                aliases: [rhlike]
                vnc-password: {min-length: 9, max-length: 8}
                detect:
                  - treeinfo: {family: "(unclosed"}
                """);
        Run run = Run.of(Map.of("ELILOADER_PROFILES_DIR", dir.resolve("none").toString()),
                List.of("profiles", "validate", file.toString()));
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.stdout()).contains("many.yaml:2: unknown key \"descripton\"")
                .contains("many.yaml:4: vnc-password.min-length 9 is more than max-length 8")
                .contains("many.yaml:6: detect[0].treeinfo.family is not a valid regular expression")
                .contains("3 problems.");
    }
}
