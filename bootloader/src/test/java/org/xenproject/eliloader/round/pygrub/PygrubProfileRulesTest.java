package org.xenproject.eliloader.round.pygrub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.xenproject.eliloader.profile.Profile;
import org.xenproject.eliloader.profile.ProfileException;
import org.xenproject.eliloader.profile.ProfileRegistry;
import org.xenproject.eliloader.round.Actions;
import org.xenproject.eliloader.testsupport.PygrubLab;

/** The round actions of issue 7 as profiles see them. */
class PygrubProfileRulesTest {
    static final List<String> NAMES = List.of("pygrub-handoff", "domuloader-probe", "avoid-uek-entries",
            "remove-updates-disk", "boot-from-first-disk");

    @Test
    void everyActionIsKnownToProfilesAndImplemented() {
        assertThat(Profile.ACTIONS).containsAll(NAMES);
        for (String name : Profile.ACTIONS) {
            assertThat(Actions.named(name)).as(name).isNotNull();
        }
    }

    @Test
    void theHandOffMustEndItsRound() {
        Map<String, Object> data = Map.of("rounds", List.of(List.of("fetch-boot-files"),
                List.of("pygrub-handoff", "remove-updates-disk")));
        assertThatThrownBy(() -> Profile.of("bad", "bad.yaml", data)).isInstanceOf(ProfileException.class)
                .hasMessage("bad.yaml: rounds: pygrub-handoff hands the boot over and must be the last action of its round");
    }

    @Test
    void theTestProfilesLoad() {
        ProfileRegistry registry = ProfileRegistry.load(List.of(PygrubLab.profilesDir()));
        assertThat(registry.get("test-sles-10").rounds())
                .containsExactly(List.of("fetch-boot-files"), List.of("domuloader-probe", "pygrub-handoff"));
        assertThat(registry.get("test-oracle-5").rounds().get(1)).containsExactly("avoid-uek-entries", "pygrub-handoff");
        assertThat(registry.get("test-rhel-4").rounds().get(1)).containsExactly("remove-updates-disk", "pygrub-handoff");
        assertThat(registry.get("test-cd-pygrub").rounds()).containsExactly(List.of("boot-from-first-disk", "pygrub-handoff"));
    }
}
