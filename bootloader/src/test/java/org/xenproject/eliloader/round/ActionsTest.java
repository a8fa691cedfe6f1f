package org.xenproject.eliloader.round;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.xenproject.eliloader.profile.Profile;

class ActionsTest {
    @Test
    void everyActionAProfileMayNameIsImplementedAndNoMore() {
        assertThat(Actions.names()).containsExactlyInAnyOrderElementsOf(Profile.ACTIONS);
    }
}
