package org.xenproject.eliloader.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class ProfileRegistryTest {

    private static ProfileDocument doc(String id, String yaml) {
        return ProfileLoader.parse(id, id + ".yaml", yaml);
    }

    @Test
    void childInheritsAndOverridesMapsKeyByKey() {
        ProfileRegistry registry = ProfileRegistry.of(List.of(
                doc("base", "abstract: true\naliases: [x]\nargs: {repository: 'method=${repository}/', vnc: vnc}\n"
                        + "rounds: [[fetch-boot-files]]\n"),
                doc("child", "extends: base\naliases: [rhlike]\nargs: {vnc: 'vnc=1'}\n"
                        + "boot-files: [{kernel: k, ramdisk: r}]\n")));
        Profile child = registry.get("child");
        assertThat(child.arg("repository")).contains("method=${repository}/");
        assertThat(child.arg("vnc")).contains("vnc=1");
        assertThat(child.rounds().actionLists()).containsExactly(List.of("fetch-boot-files"));
        assertThat(child.isAbstract()).isFalse();
        assertThat(child.aliases()).containsExactly("rhlike");
        assertThat(registry.candidates("rhlike")).containsExactly(child);
        assertThat(registry.candidates("x")).as("aliases are not inherited").isEmpty();
        assertThat(registry.candidates("base")).as("abstract profiles are not selectable").isEmpty();
    }

    @Test
    void laterDocumentWithSameIdReplacesEarlier() {
        ProfileRegistry registry = ProfileRegistry.of(List.of(doc("p", "description: first\n"),
                doc("p", "description: second\n")));
        assertThat(registry.get("p").description()).isEqualTo("second");
    }

    @Test
    void mistakesNameTheFile() {
        assertThatThrownBy(() -> ProfileRegistry.of(List.of(doc("a", "kernal: x\n"))).get("a"))
                .hasMessageContaining("a.yaml").hasMessageContaining("unknown key \"kernal\"");
        assertThatThrownBy(() -> ProfileRegistry.of(List.of(doc("a", "extends: nope\n"))).get("a"))
                .hasMessageContaining("a.yaml:1: extends unknown profile \"nope\"");
        assertThatThrownBy(() -> ProfileRegistry.of(List.of(doc("a", "extends: b\n"), doc("b", "extends: a\n"))).get("a"))
                .hasMessageContaining("cycle");
        assertThatThrownBy(() -> ProfileRegistry.of(List.of(doc("a", "rounds: [[dance]]\n"))).get("a"))
                .hasMessageContaining("unknown action \"dance\"");
        assertThatThrownBy(() -> ProfileLoader.parse("a", "a.yaml", "a: [")).hasMessageStartingWith("a.yaml:").hasMessageContaining(": not valid YAML");
    }

    @Test
    void shippedProfilesLoadAndResolveTheOriginalAliases() {
        ProfileRegistry registry = ProfileRegistry.of(ProfileLoader.fromClasspath());
        for (String id : registry.ids()) {
            registry.get(id); // every shipped profile is valid
        }
        assertThat(registry.candidates("rhlike")).extracting(Profile::id).contains("rhel-5");
        assertThat(registry.candidates("debianlike")).extracting(Profile::id).contains("debian");
    }

    @Test
    void templatesExpandAndReportUnknownNames() {
        assertThat(Template.expand("a/${x}/b", java.util.Map.of("x", "1"), "w")).isEqualTo("a/1/b");
        assertThatThrownBy(() -> Template.expand("${y}", java.util.Map.of(), "w.yaml"))
                .hasMessageContaining("w.yaml: unknown variable ${y}");
        assertThat(Template.names("${a}x${b}")).containsExactly("a", "b");
    }
}
