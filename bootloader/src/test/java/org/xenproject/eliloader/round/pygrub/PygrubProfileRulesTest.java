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
    void theProfilesOfTheRoundTwoTestsLoad() {
        // the round-2 tests use the shipped profiles, and test-only ones for what none ships
        ProfileRegistry registry = ProfileRegistry.load(List.of(PygrubLab.profilesDir()));
        for (String sles : List.of("sles-9", "sles-10")) {
            assertThat(registry.get(sles).rounds().actionLists())
                    .containsExactly(List.of("fetch-boot-files"), List.of("domuloader-probe", "pygrub-handoff"));
            assertThat(registry.get(sles).forInstall(true).rounds().actionLists()).containsExactly(
                    List.of("fetch-boot-files", "boot-from-first-disk"), List.of("domuloader-probe", "pygrub-handoff"));
        }
        assertThat(registry.get("oracle-5").rounds().actionLists().get(1)).containsExactly("avoid-uek-entries", "pygrub-handoff");
        for (String rhel4 : List.of("rhel-4.1", "rhel-4.4")) {
            assertThat(registry.get(rhel4).rounds().actionLists())
                    .containsExactly(List.of("bundled-boot-files"), List.of("remove-updates-disk", "pygrub-handoff"));
            assertThat(registry.get(rhel4).updatesDisk()).get()
                    .isEqualTo(new Profile.UpdatesDisk(Map.of("install-updates-disk", "true"), null));
        }
        assertThat(registry.get("pygrub").forInstall(true).rounds().actionLists())
                .containsExactly(List.of("boot-from-first-disk", "pygrub-handoff"));
        // a round 2 that only hands over; boot-from-first-disk in a network round
        assertThat(registry.get("test-handoff").rounds().actionLists()).containsExactly(List.of("fetch-boot-files"),
                List.of("pygrub-handoff"));
        assertThat(registry.get("test-cd-pygrub").rounds().actionLists()).containsExactly(List.of("boot-from-first-disk", "pygrub-handoff"));
        assertThat(registry.ids()).filteredOn(id -> id.startsWith("test-")).containsExactlyInAnyOrder("test-handoff",
                "test-cd-pygrub");
    }
}
